-- The "Generate tasks from spec" code action, against the scripted model
-- server (OpenAI wire format), writes tasks.md and opens it.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local tasks = {
  tasks = {
    {
      title = 'Create the user store',
      details = { 'A repository over Postgres' },
      requirements = { '1.1', '1.2' },
      subtasks = {},
    },
    { title = 'Issue signed tokens', details = {}, requirements = { '2.1' }, subtasks = {} },
  },
}
local url = H.model_server({ { text = { chunks = { vim.json.encode(tasks) }, delay_ms = 0 } } })
H.setup({
  settings = { model = { provider = 'openai', model = 'test-model', baseUrl = url .. '/v1', maxRetries = 0 } },
})

H.run({
  {
    'Generate tasks from spec writes tasks.md and opens it',
    function()
      local ws = H.workspace(H.spec)
      H.edit_attached(ws .. '/.kiro/specs/demo/design.md')
      local chosen
      vim.lsp.buf.code_action({
        apply = true,
        filter = function(action)
          if action.title == 'Generate tasks from spec' then
            chosen = action
            return true
          end
          return false
        end,
      })
      H.wait('the code action', function()
        return chosen ~= nil
      end)
      local path = ws .. '/.kiro/specs/demo/tasks.md'
      local tasks_buf = H.wait_window(path)
      H.wait('the generated text', function()
        return H.text(tasks_buf):find('Issue signed tokens', 1, true) ~= nil
      end)
      local text = H.text(tasks_buf)
      H.ok(text:find('- [ ] 1. Create the user store', 1, true), text)
      H.ok(text:find('_Requirements: 1.1, 1.2_', 1, true), text)
      H.ok(text:find('- [ ] 2. Issue signed tokens', 1, true), text)
      -- The file exists; saving the buffer writes what the server generated.
      vim.api.nvim_buf_call(tasks_buf, function()
        vim.cmd('silent write')
      end)
      H.eq(H.read(path), text .. '\n', 'tasks.md on disk')
      -- The new tasks cover every criterion: no diagnostics left on tasks.md.
      H.wait('tasks.md diagnostics to settle', function()
        return #vim.diagnostic.get(tasks_buf) == 0
      end)
    end,
  },
})
