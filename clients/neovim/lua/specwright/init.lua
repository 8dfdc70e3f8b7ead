-- specwright.nvim: a thin client of the Specwright language server. It
-- starts the server through Neovim's own LSP client, forwards settings,
-- calls the server's commands and requests, and renders what they return.
-- Spec, hook and generation logic live in the server.
local config = require('specwright.config')

local M = {}

local enabled = false

--- Configures the plugin and (re)enables the server. Optional: without a
--- call the plugin runs with the defaults.
---@param opts? specwright.Config|table
function M.setup(opts)
  config.set(opts)
  M.enable()
  -- Running clients get the new settings at once.
  for _, client in ipairs(vim.lsp.get_clients({ name = 'specwright' })) do
    client.settings = config.lsp_config().settings
    client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  end
end

--- Registers the configuration and enables the server (idempotent).
function M.enable()
  vim.lsp.config('specwright', config.lsp_config())
  vim.lsp.enable('specwright')
  if not enabled then
    enabled = true
    require('specwright.ui').setup_autocmds()
  end
end

--- The Specwright client for `bufnr` (default: the current buffer), any
--- running one, or one started for the buffer's project; waits until it is
--- initialized. Nil, with a message, when the server cannot start.
---@param bufnr? integer
---@return vim.lsp.Client?
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'specwright' })[1]
    or vim.lsp.get_clients({ name = 'specwright' })[1]
  if not client then
    local cfg = vim.deepcopy(vim.lsp.config.specwright or {})
    local name = vim.api.nvim_buf_get_name(bufnr)
    local root = vim.fs.root(name ~= '' and name or vim.fn.getcwd(), config.get().root_markers) or vim.fn.getcwd()
    cfg.name = 'specwright'
    cfg.root_dir = root
    cfg.workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fs.basename(root) } }
    local ok, id = pcall(vim.lsp.start, cfg, { bufnr = bufnr, silent = true })
    client = ok and id and vim.lsp.get_client_by_id(id) or nil
    if not client then
      vim.notify(
        ('Specwright: cannot start the server (%s); see :checkhealth specwright'):format(table.concat(config.cmd(), ' ')),
        vim.log.levels.ERROR
      )
      return nil
    end
  end
  if not client.initialized then
    vim.wait(10000, function()
      return client.initialized or client:is_stopped()
    end, 20)
  end
  if not client.initialized then
    vim.notify('Specwright: the server did not initialize', vim.log.levels.ERROR)
    return nil
  end
  return client
end

--- Sends a request and calls `on_result(result)` on success; errors are
--- shown with vim.notify.
---@param method string
---@param params table
---@param on_result? fun(result: any)
---@param bufnr? integer
function M.request(method, params, on_result, bufnr)
  local client = M.client(bufnr)
  if not client then
    return
  end
  client:request(method, params, function(err, result)
    if err then
      vim.notify(('Specwright: %s failed: %s'):format(method, err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if on_result then
      on_result(result)
    end
  end, bufnr or vim.api.nvim_get_current_buf())
end

--- Runs a server command (`workspace/executeCommand`) with one argument.
---@param command string
---@param argument table
---@param on_result? fun(result: any)
---@param bufnr? integer
function M.execute(command, argument, on_result, bufnr)
  M.request('workspace/executeCommand', { command = command, arguments = { argument } }, on_result, bufnr)
end

return M
