-- :Specwright specs, hooks, map and the command-line completion.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
H.setup({ settings = { hooks = { debounceMs = 50 } } })

local files = vim.deepcopy(H.spec)
files['.kiro/specs/demo/tasks.md'] = H.tasks
files['.kiro/hooks/greet.kiro.hook'] = vim.json.encode({
  enabled = true,
  name = 'Greet',
  version = '1',
  when = { type = 'userTriggered' },
  ['then'] = { type = 'runCommand', command = 'echo hello from a hook' },
})
files['src/app.ts'] = 'export function greet(name: string): string {\n  return `hi ${name}`;\n}\n'
local ws = H.workspace(files)
vim.cmd.cd(ws)

local function attach(path)
  return H.edit_attached(ws .. '/' .. path)
end

local function capture_notify()
  local messages = {}
  vim.notify = function(msg, level)
    table.insert(messages, { msg = msg, level = level })
  end
  return messages
end

H.run({
  {
    ':Specwright specs lists progress and opens the chosen spec',
    function()
      attach('src/app.ts')
      local shown
      vim.ui.select = function(items, opts, on_choice)
        shown = vim.tbl_map(opts.format_item, items)
        on_choice(items[1])
      end
      vim.cmd('Specwright specs')
      H.wait('the picker', function()
        return shown ~= nil
      end)
      H.eq(shown, { 'demo  0/2 tasks done  · 1 error' }, 'the spec with its progress')
      H.wait('tasks.md', function()
        return vim.api.nvim_buf_get_name(0) == ws .. '/.kiro/specs/demo/tasks.md'
      end)
    end,
  },
  {
    ':Specwright hooks run NAME asks before an untrusted hook runs, then runs it and notifies',
    function()
      local messages = capture_notify()
      -- The server asks with window/showMessageRequest; the user picks "Trust and run".
      local asked
      vim.lsp.handlers['window/showMessageRequest'] = function(_, params)
        asked = params
        for _, action in ipairs(params.actions or {}) do
          if action.title == 'Trust and run' then
            return action
          end
        end
        return vim.NIL
      end
      vim.cmd('Specwright hooks run Greet')
      H.wait('the hook result', function()
        return vim.iter(messages):any(function(m)
          return m.msg:find("Hook 'Greet' (userTriggered) done: hello from a hook", 1, true) ~= nil
        end)
      end)
      assert(asked, 'the server asked first')
      assert(asked.message:find("'Greet'", 1, true) and asked.message:find('`echo hello from a hook`', 1, true), asked.message)
      local titles = vim.tbl_map(function(a)
        return a.title
      end, asked.actions)
      H.eq(titles, { 'Trust and run', 'Not now', 'Never for this workspace' }, 'the three answers')
      -- Once the run's reply is in, the hook was announced once, not twice.
      local client = vim.lsp.get_clients({ name = 'specwright' })[1]
      H.wait('the run to finish', function()
        return vim.tbl_isempty(client.requests)
      end)
      vim.wait(200)
      local about = vim.tbl_filter(function(m)
        return m.msg:find('Greet', 1, true) ~= nil
      end, messages)
      H.eq(#about, 1, 'one notification for one run: ' .. vim.inspect(about))
    end,
  },
  {
    '"Generate unit test skeleton" creates the missing test file and opens it',
    function()
      local buf = attach('src/app.ts')
      vim.api.nvim_win_set_cursor(0, { 1, 17 })
      local messages = capture_notify()
      vim.lsp.buf.code_action({
        apply = true,
        filter = function(action)
          return action.title == 'Generate unit test skeleton for greet'
        end,
      })
      local test_path = ws .. '/src/app.test.ts'
      local test_buf = H.wait_window(test_path)
      local text = H.read(test_path) or ''
      H.ok(text:find("import { greet } from './app';", 1, true) and text:find("describe('greet'", 1, true), text)
      H.eq(H.text(test_buf) .. '\n', text, 'the buffer shows the file')
      H.ok(vim.api.nvim_buf_is_valid(buf), 'the source stays open')
      local errors = vim.tbl_filter(function(m)
        return (m.level or 0) >= vim.log.levels.WARN
      end, messages)
      H.eq(errors, {}, 'no error')
    end,
  },
  {
    ':Specwright hooks trust trusts the workspace hook files',
    function()
      local messages = capture_notify()
      vim.cmd('Specwright hooks trust')
      H.wait('the confirmation', function()
        return vim.iter(messages):any(function(m)
          return m.msg:find('trusted 1 hook file(s); recorded in ', 1, true) ~= nil
        end)
      end)
    end,
  },
  {
    ':Specwright hooks toggle NAME disables the hook in its file',
    function()
      vim.cmd('Specwright hooks toggle Greet')
      local path = ws .. '/.kiro/hooks/greet.kiro.hook'
      H.wait('the edit', function()
        local buf = vim.fn.bufnr(path)
        return buf ~= -1 and H.text(buf):find('"enabled":false', 1, true) ~= nil
      end)
    end,
  },
  {
    ':Specwright map shows the repository map',
    function()
      attach('src/app.ts')
      vim.cmd('Specwright map')
      H.wait('the map buffer', function()
        local buf = vim.fn.bufnr('specwright://map')
        return buf ~= -1 and H.text(buf):find('src/app.ts', 1, true) ~= nil
      end)
      local text = H.text(vim.fn.bufnr('specwright://map'))
      H.ok(text:find('^# Repository map: 1 files') and text:find('greet', 1, true), text)
    end,
  },
  {
    'completion of subcommands and their arguments',
    function()
      local complete = require('specwright.commands').complete
      H.eq(
        complete('', 'Specwright '),
        { 'ask', 'chat', 'check', 'checkpoints', 'design', 'hooks', 'map', 'mcp', 'new', 'refine', 'send', 'specs', 'task', 'tasks' },
        'subcommands'
      )
      H.eq(complete('ta', 'Specwright ta'), { 'task', 'tasks' }, 'prefix')
      H.eq(complete('d', 'Specwright task d'), { 'done' }, 'statuses')
      H.eq(complete('', 'Specwright task '), { 'start', 'runall', 'cancel', 'done', 'in-progress', 'not-started', 'queued' }, 'task runs and statuses')
      H.eq(complete('', 'Specwright task runall '), { 'optional' }, 'runall')
      H.eq(complete('', 'Specwright chat '), { 'new', 'sessions' }, 'chat')
      H.eq(complete('a', 'Specwright chat new a'), { 'autopilot' }, 'chat modes')
      H.eq(complete('', 'Specwright hooks '), { 'run', 'toggle', 'trust' }, 'hook actions')
      H.eq(complete('Gr', 'Specwright hooks run Gr'), { 'Greet' }, 'hook names from the server')
    end,
  },
  {
    'an unknown subcommand shows the usage',
    function()
      local messages = capture_notify()
      vim.cmd('Specwright nonsense')
      H.ok(messages[1] and messages[1].msg:find('usage: :Specwright', 1, true), vim.inspect(messages))
      H.eq(messages[1].level, vim.log.levels.WARN, 'a warning')
    end,
  },
})
