-- :Specwright task start / runall against the scripted model server and a
-- tiny pytest project: the agent's edit lands, the server runs the tests
-- and ticks the task; progress comes through `$/progress` (what
-- vim.lsp.status() and fidget.nvim read); the report is a notification;
-- :Specwright checkpoints restores the files of a run.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local python = H.repo .. '/.venv-test/bin/python'
if vim.fn.executable(python) ~= 1 then
  io.stdout:write('FAIL pytest is needed: run scripts/setup-test-tools (scripts/test does) to create ' .. python .. '\n')
  os.exit(1)
end

local REQUIREMENTS = [[# Requirements Document

## Requirements

### Requirement 1

**User Story:** As a user, I want to add, so that I can count.

#### Acceptance Criteria

1. WHEN two numbers are added THEN the calculator SHALL return their sum
]]

local TASKS = [[# Implementation Plan

- [ ] 1. Implement add
  - _Requirements: 1.1_

- [ ] 2. Document add
  - _Requirements: 1.1_
]]

local function edit(id, old, new)
  return {
    tool_call = {
      id = id,
      name = 'edit_file',
      arguments_chunks = { vim.json.encode({ path = 'calc.py', old_str = old, new_str = new }) },
    },
  }
end

local url = H.model_server({
  edit('c1', 'return 0', 'return a + b'),
  { text = { chunks = { 'Implemented', ' add.' }, delay_ms = 300 } },
  edit('c2', 'def add(a, b):', 'def add(a, b):\n    """Adds."""'),
  { hang = { ms = 20000 } }, -- cancelled here
  edit('c3', 'def add(a, b):', 'def add(a, b):\n    """The sum of a and b."""'),
  { text = { chunks = { 'Documented add.' } } },
})
H.setup({
  settings = {
    model = { provider = 'openai', model = 'test-model', baseUrl = url .. '/v1', maxRetries = 0, timeoutSeconds = 10 },
    agent = { mode = 'autopilot' },
    tasks = { testCommand = python .. ' -m pytest -q -p no:cacheprovider' },
  },
})

local ws = H.workspace({
  ['.kiro/specs/calc/requirements.md'] = REQUIREMENTS,
  ['.kiro/specs/calc/tasks.md'] = TASKS,
  ['calc.py'] = 'def add(a, b):\n    return 0\n',
  ['test_calc.py'] = 'from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n',
})
vim.cmd.cd(ws)

-- The server asks before it runs the project's tests: trust the folder.
local asked = {}
vim.ui.select = function(items, opts, on_choice)
  table.insert(asked, opts.prompt)
  for _, item in ipairs(items) do
    if type(item) == 'table' and item.title == 'Trust and run' then
      return on_choice(item)
    end
  end
  on_choice(items[1])
end

-- What a statusline or fidget.nvim would show.
local progress, statuses = {}, {}
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(args)
    local value = args.data.params.value
    table.insert(progress, { kind = value.kind, title = value.title, message = value.message })
    local status = vim.lsp.status()
    if status ~= '' then
      table.insert(statuses, status)
    end
  end,
})

local tasks_buf
local messages = H.capture_notify()

H.run({
  {
    ':Specwright task start: the agent implements the task under the cursor, the tests tick it',
    function()
      tasks_buf = H.edit_attached(ws .. '/.kiro/specs/calc/tasks.md')
      vim.api.nvim_win_set_cursor(0, { 4, 0 }) -- the requirements line of task 1
      vim.cmd('Specwright task start')
      H.wait('task 1 ticked', function()
        return vim.api.nvim_buf_get_lines(tasks_buf, 2, 3, false)[1] == '- [x] 1. Implement add'
      end, 60000)
      H.wait('the report', function()
        return H.notified(messages, 'Task 1 is done: its tests pass.')
      end)
      H.ok(asked[1] and asked[1]:find('Trust', 1, true), 'the trust question: ' .. vim.inspect(asked))
      local calc = vim.fn.bufnr(ws .. '/calc.py')
      H.eq(vim.api.nvim_buf_get_lines(calc, 0, -1, false), { 'def add(a, b):', '    return a + b' }, 'the edit')
      -- $/progress: begun, reported, ended, and vim.lsp.status() showed it.
      local titles = vim.tbl_map(function(p)
        return p.kind .. ' ' .. tostring(p.title)
      end, progress)
      H.ok(vim.tbl_contains(titles, 'begin Specwright: task 1') and vim.tbl_contains(titles, 'end Specwright: task 1'), vim.inspect(titles))
      H.ok(vim.iter(statuses):any(function(s)
        return s:find('Specwright: task 1', 1, true) ~= nil
      end), 'vim.lsp.status(): ' .. vim.inspect(statuses))
      -- The run's conversation is shown, and its edit is in the quickfix list.
      local chat
      for _, b in ipairs(vim.api.nvim_list_bufs()) do
        if vim.api.nvim_buf_get_name(b):find('^specwright://chat/') then
          chat = b
        end
      end
      H.ok(chat, 'a chat buffer follows the run')
      H.ok(H.text(chat):find('- `edit_file` `calc.py`', 1, true) and H.text(chat):find('Implemented add.', 1, true), H.text(chat))
      local qf = vim.fn.getqflist()
      H.eq(vim.api.nvim_buf_get_name(qf[1].bufnr), ws .. '/calc.py', 'the edit in the quickfix list')
    end,
  },
  {
    'on a done task, task start says so',
    function()
      vim.api.nvim_set_current_buf(tasks_buf)
      vim.api.nvim_win_set_cursor(0, { 3, 0 })
      vim.cmd('Specwright task start')
      H.ok(H.notified(messages, 'this task is done'), vim.inspect(messages))
    end,
  },
  {
    ':Specwright task cancel stops a run and the server puts its files back',
    function()
      local calc = vim.fn.bufnr(ws .. '/calc.py')
      vim.api.nvim_win_set_cursor(0, { 6, 0 }) -- task 2
      vim.cmd('Specwright task start')
      H.wait('the edit of the run, then the model asked again', function()
        return H.text(calc):find('Adds.', 1, true) ~= nil and #H.model_requests() == 4
      end, 20000)
      vim.cmd('Specwright task cancel')
      H.wait('the report', function()
        return H.notified(messages, 'Task 2 was cancelled; its files were put back.')
      end, 20000)
      H.eq(H.text(calc), 'def add(a, b):\n    return a + b', 'the edit undone')
      H.eq(H.read(ws .. '/calc.py'), 'def add(a, b):\n    return a + b\n', 'on disk too')
      H.wait('task 2 open again', function()
        return vim.api.nvim_buf_get_lines(tasks_buf, 5, 6, false)[1] == '- [ ] 2. Document add'
      end)
      H.ok(H.notified(messages, 'cancelling 1 task run'), vim.inspect(messages))
      H.wait('the progress to end', function()
        return vim.iter(progress):any(function(p)
          return p.kind == 'end' and p.title == 'Specwright: task 2'
        end)
      end)
    end,
  },
  {
    ':Specwright task runall runs the open tasks and says how they went',
    function()
      vim.cmd('Specwright task runall')
      local ok = vim.wait(60000, function()
        return H.notified(messages, 'all 1 task run passed')
      end, 20)
      H.ok(ok, 'the summary: ' .. vim.inspect(messages))
      H.ok(H.notified(messages, '2 Document add: done'), vim.inspect(messages))
      H.eq(vim.api.nvim_buf_get_lines(tasks_buf, 5, 6, false)[1], '- [x] 2. Document add', 'task 2 ticked')
      local chat_windows = vim.tbl_filter(function(w)
        return vim.api.nvim_buf_get_name(vim.api.nvim_win_get_buf(w)):find('^specwright://chat/') ~= nil
      end, vim.api.nvim_tabpage_list_wins(0))
      H.eq(#chat_windows, 1, 'one window follows the runs')
    end,
  },
  {
    ':Specwright checkpoints lists the runs and restores one',
    function()
      local shown
      vim.ui.select = function(items, opts, on_choice)
        if opts.format_item then
          shown = vim.tbl_map(opts.format_item, items)
          return on_choice(items[1]) -- the newest: task 2's run
        end
        on_choice(items[1]) -- Restore
      end
      vim.cmd('Specwright checkpoints')
      local calc = vim.fn.bufnr(ws .. '/calc.py')
      H.wait('calc.py as before task 2', function()
        return H.text(calc) == 'def add(a, b):\n    return a + b'
      end)
      H.eq(#shown, 3, 'task 1, the cancelled task 2 and task 2: ' .. vim.inspect(shown))
      H.ok(shown[1]:match('^task 2 Document add  · %d%d%d%d%-%d%d%-%d%d %d%d:%d%d  · calc%.py$'), shown[1])
      H.wait('the confirmation', function()
        return H.notified(messages, 'restored 1 file: calc.py')
      end)
    end,
  },
})
