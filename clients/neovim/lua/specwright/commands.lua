-- :Specwright and its subcommands. Each one calls the server (a request or
-- a command) and renders the answer; nothing here knows what a spec means.
local specwright = require('specwright')
local ui = require('specwright.ui')

local M = {}

local STATUSES = { 'done', 'in-progress', 'not-started', 'queued' }
local DOCUMENTS = { 'requirements', 'bugfix', 'design', 'tasks' }

---@param msg string
---@param level? integer
local function notify(msg, level)
  vim.notify('Specwright: ' .. msg, level or vim.log.levels.INFO, { title = 'Specwright' })
end

--- The current buffer's URI, or nil (with a message) when it is no file.
---@return string?
local function buffer_uri()
  local name = vim.api.nvim_buf_get_name(0)
  if name == '' or name:match('^%w+://') then
    notify('open a document of the spec first', vim.log.levels.WARN)
    return nil
  end
  return vim.uri_from_fname(name)
end

local function report_generation(result)
  if type(result) ~= 'table' then
    return
  end
  local problems = result.problems or {}
  if #problems > 0 then
    notify('the spec still has problems: ' .. table.concat(problems, '; '), vim.log.levels.WARN)
  end
end

---@type table<string, { run: fun(args: string[]), complete?: fun(lead: string, args: string[]): string[], desc: string }>
M.subcommands = {}

M.subcommands.new = {
  desc = 'new [name]: describe a feature; the requirements stream into a preview, then open',
  run = function(args)
    local name = args[1]
    vim.ui.input({ prompt = 'Describe the feature: ' }, function(prompt)
      if not prompt or vim.trim(prompt) == '' then
        return
      end
      local params = { prompt = prompt, name = name }
      local root = vim.fs.root(vim.fn.getcwd(), require('specwright.config').get().root_markers)
      if root then
        params.root = vim.uri_from_fname(root)
      end
      ui.open_preview(name or 'new spec')
      specwright.execute('specwright.spec.create', params, report_generation)
    end)
  end,
}

local function next_step(command, label)
  return {
    desc = label,
    run = function(args)
      local uri = buffer_uri()
      if not uri then
        return
      end
      local params = { spec = uri }
      if #args > 0 then
        params.prompt = table.concat(args, ' ')
      end
      ui.open_preview(command:match('generate(%a+)$') or 'spec')
      specwright.execute(command, params, report_generation)
    end,
  }
end

M.subcommands.design = next_step('specwright.spec.generateDesign', 'design [guidance]: design.md from the requirements')
M.subcommands.tasks = next_step('specwright.spec.generateTasks', 'tasks [guidance]: tasks.md from the spec')

M.subcommands.refine = {
  desc = 'refine [document]: revise a document of the spec as you instruct',
  complete = function(lead)
    return vim.tbl_filter(function(d)
      return vim.startswith(d, lead)
    end, DOCUMENTS)
  end,
  run = function(args)
    local uri = buffer_uri()
    if not uri then
      return
    end
    local document = args[1] or vim.fs.basename(vim.api.nvim_buf_get_name(0)):match('^(%a+)%.md$')
    if not vim.tbl_contains(DOCUMENTS, document) then
      notify('say which document to refine: ' .. table.concat(DOCUMENTS, ', '), vim.log.levels.WARN)
      return
    end
    vim.ui.input({ prompt = 'How should ' .. document .. '.md change? ' }, function(instruction)
      if not instruction or vim.trim(instruction) == '' then
        return
      end
      ui.open_preview(document)
      specwright.execute(
        'specwright.spec.refine',
        { spec = uri, document = document, instruction = instruction },
        report_generation
      )
    end)
  end,
}

--- One line per spec: its name and progress.
---@param spec table
---@return string
function M.format_spec(spec)
  local line = ('%s  %d/%d tasks done'):format(spec.name, spec.done or 0, spec.total or 0)
  local uncovered = spec.uncovered and #spec.uncovered or 0
  if uncovered > 0 then
    line = line .. ('  · %d uncovered'):format(uncovered)
  end
  if (spec.errors or 0) > 0 then
    line = line .. ('  · %d error%s'):format(spec.errors, spec.errors == 1 and '' or 's')
  end
  return line
end

M.subcommands.specs = {
  desc = 'specs: pick a spec by its progress and open it',
  run = function()
    specwright.request('specwright/specs', {}, function(result)
      local specs = result and result.specs or {}
      if #specs == 0 then
        notify('no specs in .kiro/specs/ yet: :Specwright new')
        return
      end
      table.sort(specs, function(a, b)
        return a.name < b.name
      end)
      vim.ui.select(specs, { prompt = 'Specs', format_item = M.format_spec }, function(spec)
        if not spec then
          return
        end
        local docs = spec.documents or {}
        local uri = docs.tasks or docs.requirements or docs.bugfix or docs.design
        if uri then
          vim.cmd.edit(vim.fn.fnameescape(vim.uri_to_fname(uri)))
        end
      end)
    end)
  end,
}

local TASK_RUNS = { 'start', 'runall', 'cancel' }

M.subcommands.task = {
  desc = 'task {start|runall [optional]|cancel}: the agent implements the task under the cursor (every open task), '
    .. 'proven by its tests; task {done|in-progress|not-started|queued}: its status',
  complete = function(lead, args)
    local words = #args == 0 and vim.list_extend(vim.list_slice(TASK_RUNS), STATUSES)
      or (args[1] == 'runall' and #args == 1 and { 'optional' } or {})
    return vim.tbl_filter(function(s)
      return vim.startswith(s, lead)
    end, words)
  end,
  run = function(args)
    local status = args[1]
    local runs = require('specwright.runs')
    if status == 'start' then
      return runs.start()
    elseif status == 'runall' then
      return runs.run_all(vim.list_slice(args, 2))
    elseif status == 'cancel' then
      return runs.cancel()
    end
    if not vim.tbl_contains(STATUSES, status) then
      notify(
        'usage: :Specwright task {' .. table.concat(vim.list_extend(vim.list_slice(TASK_RUNS), STATUSES), '|') .. '}',
        vim.log.levels.WARN
      )
      return
    end
    local client = specwright.client(0)
    if not client then
      return
    end
    -- The server offers each status of the task on this line as a code
    -- action carrying `specwright.task.setStatus`; take the one asked for.
    local row = vim.api.nvim_win_get_cursor(0)[1] - 1
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(0) },
      range = { start = { line = row, character = 0 }, ['end'] = { line = row, character = 0 } },
      context = { diagnostics = {} },
    }
    local response = client:request_sync('textDocument/codeAction', params, 5000, 0)
    local actions = response and response.result or {}
    for _, action in ipairs(actions) do
      local command = action.command
      local arg = command and command.arguments and command.arguments[1]
      if command and command.command == 'specwright.task.setStatus' and arg and arg.status == status then
        specwright.execute('specwright.task.setStatus', arg)
        return
      end
    end
    notify('no task on this line (or it is already ' .. status .. ')', vim.log.levels.WARN)
  end,
}

local function hook_names(lead)
  local client = vim.lsp.get_clients({ name = 'specwright' })[1]
  if not client then
    return {}
  end
  local response = client:request_sync('specwright/hooks', {}, 2000)
  local names = {}
  for _, hook in ipairs(response and response.result and response.result.hooks or {}) do
    if vim.startswith(hook.name, lead) then
      table.insert(names, hook.name)
    end
  end
  return names
end

local function run_hook(hook)
  specwright.execute('specwright.hook.run', { name = hook.name, root = hook.root }, function(result)
    -- With notify_hooks = 'all' the server's hook result already said so.
    if result and result.ok and require('specwright.config').get().notify_hooks ~= 'all' then
      notify(("hook '%s' done"):format(hook.name))
    end
  end)
end

local function toggle_hook(hook)
  specwright.execute('specwright.hook.toggle', { name = hook.name, root = hook.root })
end

M.subcommands.hooks = {
  desc = 'hooks [run|toggle NAME | trust]: pick a hook to run, enable, disable or open; trust the workspace\'s hooks',
  complete = function(lead, args)
    if #args == 0 then
      return vim.tbl_filter(function(s)
        return vim.startswith(s, lead)
      end, { 'run', 'toggle', 'trust' })
    end
    return hook_names(lead)
  end,
  run = function(args)
    if args[1] == 'trust' then
      -- The server records the trust outside the repository and answers
      -- which hook files it covers.
      return specwright.execute('specwright.hooks.trust', vim.empty_dict(), function(result)
        local n = result and result.trusted and #result.trusted or 0
        notify(('trusted %d hook file(s); recorded in %s'):format(n, result and result.record or '?'))
      end)
    end
    specwright.request('specwright/hooks', {}, function(result)
      local hooks = result and result.hooks or {}
      local action, name = args[1], table.concat(vim.list_slice(args, 2), ' ')
      if action == 'run' or action == 'toggle' then
        for _, hook in ipairs(hooks) do
          if hook.name == name then
            return (action == 'run' and run_hook or toggle_hook)(hook)
          end
        end
        return notify(("no hook named '%s'"):format(name), vim.log.levels.WARN)
      end
      if #hooks == 0 then
        return notify('no valid hooks in .kiro/hooks/')
      end
      vim.ui.select(hooks, {
        prompt = 'Hooks',
        format_item = function(h)
          return ('%s%s  %s → %s %s'):format(h.name, h.enabled and '' or ' (disabled)', h.trigger, h.action, h.detail)
        end,
      }, function(hook)
        if not hook then
          return
        end
        local choices = { 'Run now', hook.enabled and 'Disable' or 'Enable', 'Open the hook file' }
        vim.ui.select(choices, { prompt = hook.name }, function(choice)
          if choice == 'Run now' then
            run_hook(hook)
          elseif choice == 'Open the hook file' then
            vim.cmd.edit(vim.fn.fnameescape(vim.uri_to_fname(hook.uri)))
            pcall(vim.api.nvim_win_set_cursor, 0, { hook.line + 1, 0 })
          elseif choice then
            toggle_hook(hook)
          end
        end)
      end)
    end)
  end,
}

M.subcommands.check = {
  desc = 'check: every spec diagnostic of the workspace in the quickfix list',
  run = function()
    local client = specwright.client(0)
    if not client then
      return
    end
    local items = {}
    for _, pull in ipairs({ false, true }) do
      local ns = vim.lsp.diagnostic.get_namespace(client.id, pull)
      for _, d in ipairs(vim.diagnostic.get(nil, { namespace = ns })) do
        local name = vim.api.nvim_buf_get_name(d.bufnr)
        if name:find('/.kiro/', 1, true) then
          table.insert(items, d)
        end
      end
    end
    local list = vim.diagnostic.toqflist(items)
    table.sort(list, function(a, b)
      local fa, fb = vim.api.nvim_buf_get_name(a.bufnr), vim.api.nvim_buf_get_name(b.bufnr)
      if fa ~= fb then
        return fa < fb
      end
      return a.lnum < b.lnum
    end)
    vim.fn.setqflist({}, ' ', { title = 'Specwright check', items = list })
    if #list == 0 then
      notify('no problems in the specs')
    else
      vim.cmd('botright copen')
    end
  end,
}

M.subcommands.map = {
  desc = 'map [tokens]: the ranked repository map in a scratch buffer',
  run = function(args)
    local params = {}
    if args[1] then
      params.budget = tonumber(args[1])
    end
    local name = vim.api.nvim_buf_get_name(0)
    if name ~= '' and not name:match('^%w+://') then
      params.focus = { vim.uri_from_fname(name) }
    end
    specwright.request('specwright/context/repoMap', params, function(result)
      local text = result and result.text or ''
      local header = ('# Repository map: %d files, %d symbols, ~%d tokens (of %d indexed files)'):format(
        result.files or 0,
        result.symbols or 0,
        result.tokens or 0,
        result.indexed or 0
      )
      ui.scratch('map', vim.list_extend({ header, '' }, vim.split(text, '\n', { plain = true })))
    end)
  end,
}

M.subcommands.chat = {
  desc = 'chat [new [autopilot|supervised] | sessions]: chat with the agent in a markdown buffer; '
    .. '<CR> sends what is under "## You", <C-c> stops',
  complete = function(lead, args)
    local words = {}
    if #args == 0 then
      words = { 'new', 'sessions' }
    elseif args[1] == 'new' and #args == 1 then
      words = { 'autopilot', 'supervised' }
    end
    return vim.tbl_filter(function(s)
      return vim.startswith(s, lead)
    end, words)
  end,
  run = function(args)
    local chat = require('specwright.chat')
    if args[1] == 'sessions' then
      return chat.pick()
    elseif args[1] == 'new' then
      local autopilot = nil -- the server's specwright.agent.mode
      if args[2] == 'autopilot' or args[2] == 'supervised' then
        autopilot = args[2] == 'autopilot'
      end
      return chat.open({ new = true, autopilot = autopilot })
    elseif args[1] then
      return notify('usage: :Specwright chat [new [autopilot|supervised] | sessions]', vim.log.levels.WARN)
    end
    chat.open()
  end,
}

M.subcommands.ask = {
  desc = 'ask {text}: send one question to the chat (#file:path and the other # tokens attach context)',
  run = function(args)
    local text = table.concat(args, ' ')
    if vim.trim(text) == '' then
      return notify('usage: :Specwright ask {text}', vim.log.levels.WARN)
    end
    require('specwright.chat').ask(text)
  end,
}

M.subcommands.send = {
  desc = 'send: send what is under "## You" in the chat buffer',
  run = function()
    require('specwright.chat').send()
  end,
}

M.subcommands.checkpoints = {
  desc = 'checkpoints: pick an agent turn that changed files and restore them',
  run = function()
    require('specwright.runs').checkpoints()
  end,
}

--- The lines of `:Specwright mcp`: per server `name (scope) state — transport`,
--- then an indented `tools:` line (tools that run without asking marked
--- `(auto)`) or `reason:` line; servers of several folders under their folder.
---@param servers table[] `servers` of `specwright/mcp/status`
---@return string[]
function M.format_mcp(servers)
  local folders = {}
  for _, server in ipairs(servers) do
    folders[server.folder or ''] = true
  end
  local several = vim.tbl_count(folders) > 1
  local lines, folder = {}, nil
  for _, server in ipairs(servers) do
    if several and server.folder ~= folder then
      folder = server.folder
      local ok, path = pcall(vim.uri_to_fname, folder or '')
      table.insert(lines, (ok and path or tostring(folder)) .. ':')
    end
    local indent = several and '  ' or ''
    table.insert(
      lines,
      ('%s%s (%s) %s — %s'):format(indent, server.name, server.scope, server.state, server.transport)
    )
    local auto = {}
    for _, name in ipairs(server.autoApprove or {}) do
      auto[name] = true
    end
    local tools = {}
    for _, tool in ipairs(server.tools or {}) do
      table.insert(tools, (auto['*'] or auto[tool]) and (tool .. ' (auto)') or tool)
    end
    if server.reason and server.reason ~= '' then
      table.insert(lines, indent .. '  reason: ' .. server.reason)
    elseif #tools > 0 then
      table.insert(lines, indent .. '  tools: ' .. table.concat(tools, ', '))
    end
  end
  return lines
end

M.subcommands.mcp = {
  desc = 'mcp: the MCP servers of .kiro/settings/mcp.json and ~/.kiro/settings/mcp.json, started, '
    .. 'with their state and tools (a workspace\'s own only once the folder is trusted)',
  run = function()
    specwright.request('specwright/mcp/status', { start = true }, function(result)
      local servers = result and result.servers or {}
      if #servers == 0 then
        return notify('no MCP server is configured (.kiro/settings/mcp.json, ~/.kiro/settings/mcp.json)')
      end
      ui.scratch('mcp', M.format_mcp(servers))
    end)
  end,
}

--- `:Specwright {subcommand} {args}`.
---@param opts { fargs: string[] }
function M.run(opts)
  local name = opts.fargs[1]
  local sub = name and M.subcommands[name]
  if not sub then
    local lines = { 'usage: :Specwright {subcommand}' }
    for _, key in ipairs(M.names()) do
      table.insert(lines, '  ' .. M.subcommands[key].desc)
    end
    notify(table.concat(lines, '\n'), name and vim.log.levels.WARN or vim.log.levels.INFO)
    return
  end
  sub.run(vim.list_slice(opts.fargs, 2))
end

---@return string[]
function M.names()
  local names = vim.tbl_keys(M.subcommands)
  table.sort(names)
  return names
end

--- Completion of `:Specwright`: subcommands, then their arguments.
function M.complete(lead, cmdline)
  local words = vim.split(cmdline, '%s+', { trimempty = true })
  local finished = cmdline:match('%s$') ~= nil
  local position = #words - (finished and 0 or 1) -- words before the one being typed, the command included
  if position <= 1 then
    return vim.tbl_filter(function(n)
      return vim.startswith(n, lead)
    end, M.names())
  end
  local sub = M.subcommands[words[2]]
  if sub and sub.complete then
    return sub.complete(lead, vim.list_slice(words, 3, position))
  end
  return {}
end

return M
