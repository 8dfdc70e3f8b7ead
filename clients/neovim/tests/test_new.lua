-- :Specwright new asks for the feature, streams the requirements into a
-- preview buffer as the (scripted) model writes them, then opens the file.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local requirements = vim.json.encode({
  introduction = 'Visitors sign up and users log in; the API issues JSON Web Tokens.',
  glossary = { { term = 'Auth_Service', definition = 'The service that authenticates users' } },
  requirements = {
    {
      title = 'Sign up',
      user_story = { role = 'a visitor', capability = 'to create an account', benefit = 'I can log in' },
      acceptance_criteria = {
        {
          pattern = 'event',
          condition = 'a visitor submits a valid email and password',
          system = 'Auth_Service',
          response = 'create the account',
        },
      },
    },
    {
      title = 'Log in',
      user_story = { role = 'a user', capability = 'to log in', benefit = 'I get a token' },
      acceptance_criteria = {
        {
          pattern = 'event',
          condition = 'a user submits valid credentials',
          system = 'Auth_Service',
          response = 'issue a signed JWT',
        },
      },
    },
  },
})
local chunks = {}
for i = 1, #requirements, 48 do
  table.insert(chunks, requirements:sub(i, i + 47))
end
local url = H.model_server({ { text = { chunks = chunks, delay_ms = 40 } } })
H.setup({
  settings = { model = { provider = 'openai', model = 'test-model', baseUrl = url .. '/v1', maxRetries = 0 } },
})

H.run({
  {
    ':Specwright new streams into a buffer and opens the requirements',
    function()
      local ws = H.workspace({ ['.kiro/steering/product.md'] = '# Product\nAn auth API.\n' })
      vim.cmd.cd(ws)
      vim.cmd.edit(ws .. '/.kiro/steering/product.md')
      H.wait('the server to attach', function()
        return #vim.lsp.get_clients({ name = 'specwright' }) > 0
      end)
      -- Count what arrives in the preview while it streams.
      local ui = require('specwright.ui')
      local handler = ui.handlers['specwright/stream']
      local deltas, grew = 0, {}
      ui.handlers['specwright/stream'] = nil
      local client = vim.lsp.get_clients({ name = 'specwright' })[1]
      client.handlers['specwright/stream'] = function(err, params, ctx)
        handler(err, params, ctx)
        deltas = deltas + 1
        local buf = ui.preview_buf()
        table.insert(grew, buf and #H.text(buf) or 0)
      end
      vim.ui.input = function(_, on_confirm)
        on_confirm('Users sign up and log in with JWTs')
      end
      vim.cmd('Specwright new auth-api')
      local preview = ui.preview_buf()
      H.ok(preview, 'a preview buffer opened')
      local path = ws .. '/.kiro/specs/auth-api/requirements.md'
      local doc = H.wait_window(path)
      H.ok(deltas >= 3, 'several deltas streamed, got ' .. deltas)
      H.ok(grew[#grew] > grew[1], 'the preview grew while streaming: ' .. vim.inspect(grew))
      local streamed = H.text(preview)
      H.ok(streamed:find('Sign up', 1, true) and streamed:find('Log in', 1, true), streamed)
      H.wait('the requirements', function()
        return H.text(doc):find('Requirement 2', 1, true) ~= nil
      end)
      H.ok(H.text(doc):find('WHEN a user submits valid credentials', 1, true), H.text(doc))
    end,
  },
})
