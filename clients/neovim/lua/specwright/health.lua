-- :checkhealth specwright: the Neovim version, the server binary and its
-- version, a real start and initialize of the server, and whether a model
-- is configured (presence only; never a key).
local M = {}

local function server_version(cmd)
  local ok, result = pcall(function()
    return vim.system({ cmd[1], '--version' }, { text = true }):wait(5000)
  end)
  if not ok or not result or result.code ~= 0 then
    return nil
  end
  return vim.trim(result.stdout or '')
end

--- Starts the server on its own and sends initialize; returns the server's
--- name and version, or an error message.
---@param cmd string[]
---@return table? info, string? err
local function initialize(cmd)
  local closed = false
  local ok, rpc = pcall(vim.lsp.rpc.start, cmd, {
    notification = function() end,
    server_request = function()
      return nil, nil
    end,
    on_exit = function()
      closed = true
    end,
    on_error = function() end,
  })
  if not ok or not rpc then
    return nil, tostring(rpc)
  end
  local answer, failure
  rpc.request('initialize', {
    processId = vim.fn.getpid(),
    rootUri = vim.NIL,
    capabilities = vim.lsp.protocol.make_client_capabilities(),
  }, function(err, result)
    if err then
      failure = err.message or vim.inspect(err)
    else
      answer = result
    end
  end)
  vim.wait(10000, function()
    return answer ~= nil or failure ~= nil or closed
  end, 20)
  if answer then
    rpc.request('shutdown', vim.NIL, function()
      rpc.notify('exit', vim.NIL)
    end)
    vim.wait(2000, function()
      return closed
    end, 20)
  end
  if not closed then
    pcall(rpc.terminate)
  end
  if not answer then
    return nil, failure or 'no answer to initialize within 10 s'
  end
  return answer.serverInfo or {}, nil
end

function M.check()
  local health = vim.health
  health.start('Neovim')
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim ' .. tostring(vim.version()) .. ' is too old: specwright.nvim needs 0.11 or newer')
    return
  end

  local config = require('specwright.config')
  local cmd = config.cmd()
  health.start('Server')
  if vim.fn.executable(cmd[1]) ~= 1 then
    health.error(
      ('`%s` is not executable or not on PATH'):format(cmd[1]),
      { 'Build it with `cargo build --release` and put target/release/specwright on PATH,', 'or set server_path in require("specwright").setup({ server_path = "/path/to/specwright" })' }
    )
    return
  end
  local version = server_version(cmd)
  if version then
    health.ok(('%s (%s)'):format(version, vim.fn.exepath(cmd[1])))
  else
    health.warn(('`%s --version` failed'):format(cmd[1]))
  end
  local info, err = initialize(cmd)
  if info then
    health.ok(('the server starts and initializes (%s %s)'):format(info.name or '?', info.version or '?'))
  else
    health.error('the server did not initialize: ' .. tostring(err))
  end
  local clients = vim.lsp.get_clients({ name = 'specwright' })
  if #clients > 0 then
    local roots = {}
    for _, c in ipairs(clients) do
      table.insert(roots, c.root_dir or '?')
    end
    health.ok('running for ' .. table.concat(roots, ', '))
  else
    health.info('not attached to any buffer yet (it starts on markdown, JSON and source files in a project with .kiro or .git)')
  end

  health.start('Model')
  local model = (config.get().settings or {}).model or {}
  local provider = model.provider or vim.env.SPECWRIGHT_PROVIDER
  if not provider or provider == '' then
    health.info('no model configured: every check works; generation writes templates. Set settings.model.provider (or SPECWRIGHT_PROVIDER) to draft specs with a model.')
    return
  end
  health.ok('provider: ' .. provider .. (model.model and (', model: ' .. model.model) or ''))
  if provider == 'demo' then
    health.info('the demo model writes canned content (a to-do list spec) with no key; configure anthropic or openai for real specs')
    return
  end
  local default_var = provider == 'anthropic' and 'ANTHROPIC_API_KEY' or 'OPENAI_API_KEY'
  local var = model.apiKeyEnv or default_var
  local base = model.baseUrl or vim.env.SPECWRIGHT_BASE_URL or ''
  local loopback = base:match('^https?://localhost') or base:match('^https?://127%.') or base:match('^https?://%[::1%]')
  if vim.env[var] and vim.env[var] ~= '' then
    health.ok(('the API key variable %s is set'):format(var))
  elseif loopback then
    health.ok('a server on this machine (' .. base .. '): no key needed')
  else
    health.warn(('the API key variable %s is not set'):format(var))
  end
end

return M
