-- A chat or task run whose server goes away is not left "answering": the
-- server stopping mid-turn ends the turn with an error and the chat takes
-- the next question; a server that cannot start leaves the question in
-- place; a task run is forgotten; an error of several lines is shown whole.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local url = H.model_server({
  { hang = { ms = 60000 } }, -- the server is stopped here
  { text = { chunks = { 'Back again.' } } },
  { text = { chunks = { 'Made it.' } } },
  { text = { chunks = { 'Working', ' on it.' }, delay_ms = 60000 } }, -- the task run's server is stopped here
})
local settings = {
  model = { provider = 'openai', model = 'test-model', baseUrl = url .. '/v1', maxRetries = 0, timeoutSeconds = 60 },
  agent = { mode = 'autopilot' },
  tasks = { testCommand = 'true' }, -- never reached: the run stops in its first model request
}
H.setup({ settings = settings })

local ws = H.workspace({
  ['.kiro/specs/calc/requirements.md'] = '# Requirements Document\n\n## Requirements\n\n### Requirement 1\n\n'
    .. '**User Story:** As a user, I want to add, so that I can count.\n\n#### Acceptance Criteria\n\n'
    .. '1. WHEN two numbers are added THEN the calculator SHALL return their sum\n',
  ['.kiro/specs/calc/tasks.md'] = '# Implementation Plan\n\n- [ ] 1. Implement add\n  - _Requirements: 1.1_\n',
  ['calc.py'] = 'def add(a, b):\n    return 0\n',
})
vim.cmd.cd(ws)

vim.ui.select = function(items, _, on_choice)
  for _, item in ipairs(items) do
    if type(item) == 'table' and item.title == 'Trust and run' then
      return on_choice(item)
    end
  end
  on_choice(items[1])
end

local messages = H.capture_notify()
local chat = require('specwright.chat')

--- Waits until the chat buffer ends with an empty `## You` again.
local function wait_prompt(buf, what)
  H.wait(what or 'the prompt', function()
    local lines = vim.api.nvim_buf_get_lines(buf, -4, -1, false)
    return lines[1] == '## You' and lines[2] == '' and lines[3] == ''
  end, 20000)
end

--- Types `text` under the last `## You` and sends it.
local function type_and_send(buf, text)
  vim.api.nvim_buf_set_lines(buf, -2, -1, false, { text })
  chat.send(buf)
end

local function stop_clients()
  for _, c in ipairs(vim.lsp.get_clients({ name = 'specwright' })) do
    c:stop(true)
  end
  H.wait('the server to stop', function()
    return #vim.lsp.get_clients({ name = 'specwright' }) == 0
  end)
end

local session_buf

H.run({
  {
    'the server stopping mid-turn ends the turn with an error; the chat takes the next question',
    function()
      vim.cmd('Specwright chat')
      local buf = vim.api.nvim_get_current_buf()
      session_buf = buf
      type_and_send(buf, 'Wait for me')
      H.wait('the model to be asked', function()
        return #H.model_requests() == 1
      end)
      H.ok(chat.get(buf).running, 'answering')
      stop_clients()
      wait_prompt(buf, 'the turn to end')
      local text = H.text(buf)
      H.ok(text:find('## Specwright\n\n**Error:** the server stopped; the turn did not finish\n\n## You', 1, true), text)
      H.ok(not chat.get(buf).running, 'no longer answering')
      -- The next question starts the server again and gets its answer.
      type_and_send(buf, 'Are you there?')
      H.wait('the answer', function()
        return H.text(buf):find('Back again.', 1, true) ~= nil
      end)
      wait_prompt(buf)
    end,
  },
  {
    'an error of several lines is shown whole',
    function()
      local buf = session_buf
      local session = vim.api.nvim_buf_get_name(buf):match('^specwright://chat/(.+)$')
      local ctx = { client_id = vim.lsp.get_clients({ name = 'specwright' })[1].id }
      chat.on_event(nil, { session = session, turn = 9, kind = 'text', text = 'Thinking' }, ctx)
      H.ok(chat.get(buf).running, 'a turn runs')
      chat.on_event(nil, { session = session, turn = 9, kind = 'error', text = 'the model failed:\nline two\nline three' }, ctx)
      local text = H.text(buf)
      H.ok(text:find('Thinking\n\n**Error:** the model failed:\nline two\nline three\n\n## You\n\n', 1, true), text)
      H.ok(not chat.get(buf).running, 'the turn ended')
    end,
  },
  {
    'a server that cannot start leaves the question in place, ready to send again',
    function()
      stop_clients()
      require('specwright').setup({ server_path = ws .. '/no-such-server', settings = settings })
      vim.cmd('Specwright chat new')
      local buf = vim.api.nvim_get_current_buf()
      type_and_send(buf, 'Anyone?')
      H.ok(H.notified(messages, 'cannot start the server'), vim.inspect(messages))
      H.ok(not chat.get(buf).running, 'not answering')
      H.eq(vim.api.nvim_buf_get_lines(buf, -4, -1, false), { '## You', '', 'Anyone?' }, 'the question stays')
      -- Sent again once the server can start.
      require('specwright').setup({ server_path = H.bin, settings = settings })
      chat.send(buf)
      H.wait('the answer', function()
        return H.text(buf):find('Made it.', 1, true) ~= nil
      end)
      wait_prompt(buf)
      -- With a session, the turn that could not be sent ends with the error.
      stop_clients()
      require('specwright').setup({ server_path = ws .. '/no-such-server', settings = settings })
      type_and_send(buf, 'And now?')
      wait_prompt(buf, 'the turn to end')
      H.ok(H.text(buf):find('And now?\n\n## Specwright\n\n**Error:** the server is not running', 1, true), H.text(buf))
      H.ok(not chat.get(buf).running, 'not answering')
      require('specwright').setup({ server_path = H.bin, settings = settings })
    end,
  },
  {
    'a task run whose server stops is forgotten and its chat ends',
    function()
      local tasks = H.edit_attached(ws .. '/.kiro/specs/calc/tasks.md')
      vim.api.nvim_win_set_cursor(0, { 3, 0 })
      vim.cmd('Specwright task start')
      local ok = vim.wait(20000, function()
        return #H.model_requests() == 4
      end, 20)
      H.ok(ok, 'the run asks the model: ' .. vim.inspect(messages))
      local followed
      H.wait('the chat following the run', function()
        for _, b in ipairs(vim.api.nvim_list_bufs()) do
          local c = vim.api.nvim_buf_get_name(b):find('^specwright://chat/') and chat.get(b)
          if c and c.title == 'task run' and c.running and H.text(b):find('Working', 1, true) then
            followed = b
          end
        end
        return followed ~= nil
      end)
      stop_clients()
      wait_prompt(followed, 'the followed turn to end')
      H.ok(H.text(followed):find('**Error:** the server stopped', 1, true), H.text(followed))
      H.wait('the run forgotten', function()
        return H.notified(messages, 'task 1 did not finish: the server stopped')
      end)
      vim.api.nvim_set_current_buf(tasks)
      vim.cmd('Specwright task cancel')
      H.ok(H.notified(messages, 'no task run is running'), vim.inspect(messages))
    end,
  },
})
