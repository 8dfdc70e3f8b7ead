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
    local file = name ~= '' and not name:match('^%w+://') and name or vim.fn.getcwd()
    local root = vim.fs.root(file, config.get().root_markers) or vim.fn.getcwd()
    cfg.name = 'specwright'
    cfg.root_dir = root
    cfg.workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fs.basename(root) } }
    -- A scratch buffer (the chat, a preview) is not a document of the server's.
    local attach = vim.bo[bufnr].buftype == '' and not name:match('^%w+://')
    local ok, id = pcall(vim.lsp.start, cfg, { bufnr = bufnr, silent = true, attach = attach })
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

--- The folder the server works in for chats, task runs and checkpoints:
--- its first workspace folder (else the working directory's project).
---@return string
function M.root()
  local client = vim.lsp.get_clients({ name = 'specwright' })[1]
  local folder = client and client.workspace_folders and client.workspace_folders[1]
  if folder then
    return vim.uri_to_fname(folder.uri)
  end
  if client and client.root_dir then
    return client.root_dir
  end
  return vim.fs.root(vim.fn.getcwd(), config.get().root_markers) or vim.fn.getcwd()
end

--- How the chat and the review name a file: its path relative to M.root()
--- when it is under it, else the whole path.
---@param uri_or_path string A file URI or a path.
---@return string
function M.relative(uri_or_path)
  local path = uri_or_path:match('^%w+://') and vim.uri_to_fname(uri_or_path) or uri_or_path
  local root = M.root()
  if vim.startswith(path, root .. '/') then
    return path:sub(#root + 2)
  end
  return path
end

--- Sends a request and calls `on_result(result)` on success; errors are
--- shown with vim.notify (a cancelled request quietly), and passed to
--- `on_error` when given. Returns the client and the request's id (for
--- `client:cancel_request(id)`).
---@param method string
---@param params table
---@param on_result? fun(result: any)
---@param bufnr? integer
---@param on_error? fun(err: lsp.ResponseError)
---@return vim.lsp.Client? client, integer? id
function M.request(method, params, on_result, bufnr, on_error)
  local client = M.client(bufnr)
  if not client then
    return nil
  end
  local _, id = client:request(method, params, function(err, result)
    if err then
      if on_error then
        on_error(err)
      end
      if err.code ~= vim.lsp.protocol.ErrorCodes.RequestCancelled then
        local what = method == 'workspace/executeCommand' and params.command or method
        vim.notify(('Specwright: %s failed: %s'):format(what, err.message or vim.inspect(err)), vim.log.levels.ERROR)
      end
      return
    end
    if on_result then
      on_result(result)
    end
  end, bufnr or vim.api.nvim_get_current_buf())
  return client, id
end

--- Runs a server command (`workspace/executeCommand`) with one argument
--- (none when `argument` is nil). Returns what M.request returns.
---@param command string
---@param argument? table
---@param on_result? fun(result: any)
---@param bufnr? integer
---@param on_error? fun(err: lsp.ResponseError)
---@return vim.lsp.Client? client, integer? id
function M.execute(command, argument, on_result, bufnr, on_error)
  local params = { command = command, arguments = argument and { argument } or {} }
  return M.request('workspace/executeCommand', params, on_result, bufnr, on_error)
end

return M
