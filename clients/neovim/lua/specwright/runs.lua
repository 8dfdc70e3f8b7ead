-- Task runs and checkpoints: `specwright.task.start` for the task under
-- the cursor (the server's "▶ Start task" code lens says which task that
-- is), `specwright.tasks.runAll`, cancelling them, and the checkpoints that
-- undo an agent's turn. The server runs the agent and the tests, decides
-- whether a task is done, reports progress with `$/progress` and the
-- result with window/showMessage (shown through vim.notify).
local specwright = require('specwright')

local M = {}

---@param msg string
---@param level? integer
local function notify(msg, level)
  vim.notify('Specwright: ' .. msg, level or vim.log.levels.INFO, { title = 'Specwright' })
end

--- The running task commands: client and request id, for cancelling, and
--- what ends their entry.
---@type { client: vim.lsp.Client, id: integer, what: string, forget: fun() }[]
local running = {}

--- Runs a task command; its session's chat is shown while it runs.
---@param command string
---@param argument table
---@param what string
---@param on_result? fun(result: table)
local function run(command, argument, what, on_result)
  local done = require('specwright.chat').follow_runs()
  local entry
  local function forget()
    done()
    for i, r in ipairs(running) do
      if r == entry then
        table.remove(running, i)
        break
      end
    end
  end
  local client, id = specwright.execute(command, argument, function(result)
    forget()
    if on_result and type(result) == 'table' then
      on_result(result)
    end
  end, nil, forget)
  if client and id then
    entry = { client = client, id = id, what = what, forget = forget }
    table.insert(running, entry)
  else
    done()
  end
end

--- The argument of the "▶ Start task" code lens of the task under the
--- cursor: the nearest task line at or above it (every task has a status
--- lens; only open tasks have a Start lens). Nil, with why, when none.
---@return table? argument, string? why
local function task_under_cursor()
  local client = specwright.client(0)
  if not client then
    return nil, 'the server is not running'
  end
  local row = vim.api.nvim_win_get_cursor(0)[1] - 1
  local params = { textDocument = { uri = vim.uri_from_bufnr(0) } }
  local response = client:request_sync('textDocument/codeLens', params, 5000, 0)
  local line, start = -1, {}
  for _, lens in ipairs(response and response.result or {}) do
    local cmd = lens.command
    local at = lens.range and lens.range.start.line
    local task_lens = cmd and (cmd.command == 'specwright.task.start' or cmd.command == 'specwright.task.setStatus')
    if task_lens and at and at <= row then
      line = math.max(line, at)
      if cmd.command == 'specwright.task.start' then
        start[at] = cmd.arguments and cmd.arguments[1]
      end
    end
  end
  if line < 0 then
    return nil, 'no task under the cursor'
  end
  return start[line], start[line] == nil and 'this task is done' or nil
end

--- `:Specwright task start`: the agent implements the task under the cursor.
function M.start()
  local name = vim.api.nvim_buf_get_name(0)
  if not name:match('/%.kiro/specs/[^/]+/tasks%.md$') then
    return notify('put the cursor on a task in a tasks.md', vim.log.levels.WARN)
  end
  local argument, why = task_under_cursor()
  if not argument then
    return notify(why or 'no task here', vim.log.levels.WARN)
  end
  notify(('task %s: the agent starts; progress shows in vim.lsp.status()'):format(argument.taskId or '?'))
  run('specwright.task.start', argument, 'task ' .. tostring(argument.taskId))
end

--- One line per task report of a run.
---@param report table
---@return string
function M.format_report(report)
  local said = { done = 'done', ['evidence-failed'] = 'evidence failed', cancelled = 'cancelled', failed = 'did not finish' }
  local status = said[report.status] or tostring(report.status)
  local line = ('%s %s: %s'):format(report.id or '?', report.title or '', status)
  for _, check in ipairs(report.checks or {}) do
    if not check.ok then
      line = line .. (' (%s: %s)'):format(check.name, check.detail)
      break
    end
  end
  return line
end

--- `:Specwright task runall [optional]`: every open task of the spec, in order.
---@param args string[]
function M.run_all(args)
  local name = vim.api.nvim_buf_get_name(0)
  if not name:match('/%.kiro/specs/[^/]+/[^/]+$') then
    return notify('open a document of the spec first', vim.log.levels.WARN)
  end
  local argument = { uri = vim.uri_from_fname(name) }
  if args[1] == 'optional' then
    argument.includeOptional = true
  end
  notify('running every open task; progress shows in vim.lsp.status()')
  run('specwright.tasks.runAll', argument, 'run all', function(result)
    local tasks = result.tasks or {}
    if #tasks == 0 then
      return notify('no open task to run')
    end
    local lines = vim.tbl_map(M.format_report, tasks)
    -- A failure was reported by the server with its output; say the rest.
    local head = result.passed and ('all %d task run%s passed'):format(#tasks, #tasks == 1 and '' or 's')
      or ('stopped after %d task run%s'):format(#tasks, #tasks == 1 and '' or 's')
    notify(head .. ':\n' .. table.concat(lines, '\n'), result.passed and vim.log.levels.INFO or vim.log.levels.WARN)
  end)
end

--- `:Specwright task cancel`: cancels the running task runs as their
--- progress's Cancel button does (`window/workDoneProgress/cancel`): each
--- ends with a `cancelled` report and its files put back. Runs that report
--- no progress are cancelled as requests.
function M.cancel()
  local cancelled = 0
  for _, client in ipairs(vim.lsp.get_clients({ name = 'specwright' })) do
    for token, title in pairs(client.progress.pending or {}) do
      if type(title) == 'string' and (title:match('^Specwright: task ') or title:match('^Specwright: run all')) then
        client:notify('window/workDoneProgress/cancel', { token = token })
        cancelled = cancelled + 1
      end
    end
  end
  if cancelled == 0 then
    for _, r in ipairs(running) do
      r.client:cancel_request(r.id)
      cancelled = cancelled + 1
    end
  end
  if cancelled == 0 then
    return notify('no task run is running')
  end
  notify(('cancelling %d task run%s; the server puts the files back'):format(cancelled, cancelled == 1 and '' or 's'))
end

--- Forgets the runs of the client `client_id`, which exited: their answers
--- will not come, and their sessions are no longer followed.
---@param client_id integer
function M.client_exited(client_id)
  for _, r in ipairs(vim.list_slice(running)) do
    if r.client.id == client_id then
      r.forget()
      notify(('%s did not finish: the server stopped'):format(r.what), vim.log.levels.WARN)
    end
  end
end

-- Checkpoints ------------------------------------------------------------------

--- One line of the checkpoint picker: label, time, files.
---@param c { label: string, created: integer, files: string[] }
---@return string
function M.format_checkpoint(c)
  local files = c.files or {}
  local shown = table.concat(vim.list_slice(files, 1, 3), ', ')
  if #files > 3 then
    shown = shown .. (', +%d'):format(#files - 3)
  end
  return ('%s  · %s  · %s'):format(c.label, os.date('%Y-%m-%d %H:%M', c.created or 0), shown)
end

---@param c table
local function files_to_quickfix(c)
  local root = require('specwright').root()
  local items = vim.tbl_map(function(f)
    return { filename = root .. '/' .. f, lnum = 1, text = c.label }
  end, c.files or {})
  vim.fn.setqflist({}, ' ', { title = 'Specwright checkpoint: ' .. c.label, items = items })
  vim.cmd('botright copen')
end

---@param c table
local function restore(c)
  specwright.execute('specwright.checkpoint.restore', { id = c.id }, function(result)
    local restored = result and result.restored or {}
    notify(('restored %d file%s: %s'):format(#restored, #restored == 1 and '' or 's', table.concat(restored, ', ')))
  end)
end

--- `:Specwright checkpoints`: picks an agent turn that changed files (the
--- chat buffer's session only, in a chat buffer) and restores its files or
--- lists them.
function M.checkpoints()
  local chat = require('specwright.chat').get(vim.api.nvim_get_current_buf())
  local argument = chat and chat.session and { session = chat.session } or nil
  specwright.execute('specwright.checkpoint.list', argument, function(result)
    local checkpoints = result and result.checkpoints or {}
    if #checkpoints == 0 then
      return notify('no checkpoints: agent turns that change files make one')
    end
    vim.ui.select(checkpoints, { prompt = 'Checkpoints (newest first)', format_item = M.format_checkpoint }, function(c)
      if not c then
        return
      end
      local n = #(c.files or {})
      local restore_label = ('Restore %d file%s as they were before "%s"'):format(n, n == 1 and '' or 's', c.label)
      vim.ui.select({ restore_label, 'List the files in the quickfix list' }, { prompt = c.label }, function(choice)
        if choice == restore_label then
          restore(c)
        elseif choice then
          files_to_quickfix(c)
        end
      end)
    end)
  end)
end

return M
