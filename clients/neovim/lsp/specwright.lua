-- The Specwright language server for Neovim 0.11's `vim.lsp.config`:
-- `vim.lsp.enable('specwright')` works with this file alone on the
-- runtimepath. With the rest of the plugin loaded, `require('specwright').setup()`
-- layers its options (server path, model settings) on top, and the handlers
-- below render the server's own notifications and answer its requests (the
-- edit review, which the capabilities declare); on_exit ends what waited on
-- a server that stopped.
local has_ui, ui = pcall(require, 'specwright.ui')

---@type vim.lsp.Config
return {
  cmd = { 'specwright', 'lsp' },
  filetypes = {
    'markdown', -- specs, steering, AGENTS.md
    'json', -- hook files (*.kiro.hook, .kiro/hooks/*.json)
    'typescript',
    'typescriptreact',
    'javascript',
    'javascriptreact',
    'rust',
    'python', -- the built-in analyzers: secrets, code smells, test skeletons
  },
  root_markers = { '.kiro', '.git' },
  handlers = has_ui and ui.handlers or nil,
  -- Running chat turns and task runs end when the server does.
  on_exit = has_ui and ui.on_exit or nil,
  capabilities = has_ui and ui.capabilities or nil,
}
