-- Options of specwright.nvim: typed defaults, merged once with what
-- `setup(opts)` gives, and turned into the LSP client's configuration.
local M = {}

---@class specwright.ModelSettings
---@field provider? 'anthropic'|'openai'|'demo' No model when unset: generation writes templates. 'demo': canned answers, no key.
---@field model? string
---@field baseUrl? string
---@field apiKeyEnv? string The name of the environment variable holding the key (never the key).
---@field maxTokens? integer
---@field temperature? number
---@field structuredOutput? boolean
---@field timeoutSeconds? integer
---@field maxRetries? integer

---@class specwright.Settings Forwarded to the server as `{specwright = settings}` (see schemas/settings.schema.json).
---@field model? specwright.ModelSettings
---@field context? { repoMapTokens?: integer }
---@field hooks? { enabled?: boolean, debounceMs?: integer }
---@field analyzers? table

---@class specwright.Keymaps Buffer-local mappings set in buffers the server attaches to; false or nil leaves a key unmapped.
---@field task_done? string|false
---@field task_in_progress? string|false
---@field task_not_started? string|false
---@field task_start? string|false The agent implements the task under the cursor.
---@field chat? string|false Opens the chat.
---@field specs? string|false
---@field codelens? string|false Runs the code lens on the cursor's line.

---@class specwright.Config
---@field server_path string The server binary (default: `specwright` on PATH).
---@field cmd? string[] The whole server command; overrides server_path.
---@field filetypes? string[] Filetypes to attach to (default: lsp/specwright.lua's).
---@field root_markers string[]
---@field settings specwright.Settings
---@field keymaps specwright.Keymaps|false
---@field notify_hooks 'all'|'failures'|'none' Which hook results vim.notify shows (failures also come as the server's messages).
---@field codelens_refresh boolean Refresh code lenses in .kiro/ buffers on enter, save and leaving insert mode.
---@field write_edits boolean Write the files the server edits (agent edits, task markers, restores) once applied: only files under the workspace, unless they had unsaved changes or changed on disk since they were read.

---@type specwright.Config
M.defaults = {
  server_path = 'specwright',
  cmd = nil,
  filetypes = nil,
  root_markers = { '.kiro', '.git' },
  settings = {},
  keymaps = false,
  notify_hooks = 'all',
  codelens_refresh = true,
  write_edits = true,
}

---@type specwright.Config
local current = vim.deepcopy(M.defaults)

--- Merges `opts` over the defaults (not over earlier calls).
---@param opts? specwright.Config|table
function M.set(opts)
  vim.validate('opts', opts, 'table', true)
  current = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  if type(current.server_path) ~= 'string' or current.server_path == '' then
    error('specwright: server_path must be a non-empty string')
  end
end

---@return specwright.Config
function M.get()
  return current
end

--- The server command.
---@return string[]
function M.cmd()
  return current.cmd or { current.server_path, 'lsp' }
end

--- What `vim.lsp.config('specwright', ...)` receives from the options.
---@return vim.lsp.Config
function M.lsp_config()
  local settings = { specwright = current.settings or {} }
  local cfg = {
    cmd = M.cmd(),
    root_markers = current.root_markers,
    settings = settings,
    -- The server reads its settings at initialize too.
    init_options = settings,
  }
  if current.filetypes then
    cfg.filetypes = current.filetypes
  end
  return cfg
end

return M
