-- MCP in Neovim: the `#mcp:<server>/<uri>` chat context token, its
-- completion, and `:Specwright mcp` with the real server (a disabled server
-- and a workspace server of a folder that is not trusted: neither starts;
-- a user server, @modelcontextprotocol/server-everything (installed by
-- scripts/setup-test-tools), starts and its resources complete).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
-- A home of its own: its ~/.kiro/settings/mcp.json joins the workspace's.
local everything = H.repo .. '/.venv-test/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js'
local has_everything = vim.uv.fs_stat(everything) ~= nil
local user = { everything = { command = 'node', args = { everything, 'stdio' }, autoApprove = { 'echo' } } }
vim.env.HOME = H.workspace({ ['.kiro/settings/mcp.json'] = vim.json.encode({ mcpServers = user }) })
H.setup()

local context = require('specwright.context')
local commands = require('specwright.commands')

local mcp_json = vim.json.encode({
  mcpServers = {
    off = { command = 'node', args = { '-e', 'process.exit(1)' }, disabled = true },
    ['local'] = { command = 'node', args = { '-e', 'process.exit(0)' } },
  },
})
local ws = H.workspace({ ['.kiro/settings/mcp.json'] = mcp_json, ['src/a.ts'] = 'export const a = 1;\n' })
vim.cmd.cd(ws)

local function words(items)
  return vim.tbl_map(function(i)
    return i.word
  end, items)
end

H.run({
  {
    '#mcp:<server>/<uri> becomes an mcp context item, split at the first /',
    function()
      H.eq(context.parse('Summarise #mcp:everything/demo://resource/static/document/architecture.md please', ws), {
        { kind = 'mcp', server = 'everything', uri = 'demo://resource/static/document/architecture.md' },
      }, 'the server and the URI as written')
      H.eq(context.parse('#mcp:docs/file:///notes/api.md, #file:src/a.ts and #MCP:docs/file:///notes/api.md', ws), {
        { kind = 'mcp', server = 'docs', uri = 'file:///notes/api.md' },
        { kind = 'file', uri = vim.uri_from_fname(ws .. '/src/a.ts') },
      }, 'a URI is no path; trailing punctuation dropped; no repeats')
      H.eq(
        context.parse('#mcp:a/x://1 #mcp:b/x://1', ws),
        { { kind = 'mcp', server = 'a', uri = 'x://1' }, { kind = 'mcp', server = 'b', uri = 'x://1' } },
        'the same URI of two servers is two items'
      )
      H.eq(context.parse('#mcp #mcp: #mcp:everything #mcp:everything/ #mcp:/demo://x a#mcp:s/u #mcpx:s/u', ws), {}, 'incomplete tokens')
      H.eq({ context.mcp_resource('s/a/b/c') }, { 's', 'a/b/c' }, 'mcp_resource')
    end,
  },
  {
    '#mcp: completes as a kind; without a client its resources complete to nothing',
    function()
      H.eq(words(context.complete('#m', ws)), { '#mcp:' }, 'the kind')
      H.eq(#vim.lsp.get_clients({ name = 'specwright' }), 0, 'no client yet')
      H.eq(context.complete('#mcp:', ws), {}, 'no client: no candidates, no error')
    end,
  },
  {
    'format_mcp: a line per server, then its tools or the reason',
    function()
      local lines = commands.format_mcp({
        {
          folder = 'file:///w',
          name = 'everything',
          scope = 'user',
          transport = 'stdio: npx -y @modelcontextprotocol/server-everything',
          state = 'running',
          tools = { 'echo', 'add' },
          autoApprove = { 'echo' },
        },
        { folder = 'file:///w', name = 'off', scope = 'workspace', transport = 'http: https://x', state = 'disabled', tools = {}, autoApprove = {} },
        {
          folder = 'file:///w',
          name = 'bad',
          scope = 'workspace',
          transport = 'stdio: nope',
          state = 'failed',
          reason = 'cannot start nope',
          tools = {},
          autoApprove = { '*' },
        },
      })
      H.eq(lines, {
        'everything (user) running — stdio: npx -y @modelcontextprotocol/server-everything',
        '  tools: echo (auto), add',
        'off (workspace) disabled — http: https://x',
        'bad (workspace) failed — stdio: nope',
        '  reason: cannot start nope',
      }, 'lines')
      local several = commands.format_mcp({
        { folder = 'file:///a', name = 's', scope = 'workspace', transport = 't', state = 'stopped', tools = {}, autoApprove = {} },
        { folder = 'file:///b', name = 's', scope = 'workspace', transport = 't', state = 'running', tools = { 'x' }, autoApprove = {} },
      })
      H.eq(several, { '/a:', '  s (workspace) stopped — t', '/b:', '  s (workspace) running — t', '    tools: x' }, 'by folder')
    end,
  },
  {
    ':Specwright mcp shows the disabled server and the untrusted one, neither started',
    function()
      local messages = H.capture_notify()
      vim.cmd('Specwright mcp')
      local buf
      H.wait('the MCP status buffer', function()
        buf = vim.fn.bufnr('specwright://mcp')
        return buf ~= -1 and H.text(buf) ~= ''
      end)
      local text = H.text(buf)
      H.ok(text:find('off (workspace) disabled — stdio: node', 1, true), text)
      H.ok(text:find('local (workspace) not trusted — stdio: node', 1, true), text)
      H.ok(text:find('\n  reason: [^\n]*trust the folder'), text)
      H.ok(vim.fn.bufwinid(buf) ~= -1, 'shown in a window')
      H.eq(messages, {}, 'no message')

      -- Asked again: still not started (no process), the same states.
      local client = vim.lsp.get_clients({ name = 'specwright' })[1]
      local response = client:request_sync('specwright/mcp/status', { start = true, resources = true }, 10000)
      local states = {}
      for _, server in ipairs(response.result.servers) do
        if server.scope == 'workspace' then
          states[server.name] = { server.state, server.pid, server.resources }
        end
      end
      H.eq(states, { off = { 'disabled' }, ['local'] = { 'not trusted' } }, 'the states')

      -- Neither workspace server is offered by the #mcp: completion.
      local offered = table.concat(words(context.complete('#mcp:', ws)), ' ')
      H.ok(not offered:find('#mcp:off/', 1, true) and not offered:find('#mcp:local/', 1, true), offered)
    end,
  },
  {
    ':Specwright mcp starts a user server; #mcp: completes its resources',
    function()
      H.ok(has_everything, 'server-everything is needed: run scripts/setup-test-tools (scripts/test does)')
      local text = H.text(vim.fn.bufnr('specwright://mcp'))
      H.ok(text:find('everything (user) running — stdio: node ', 1, true), text)
      H.ok(text:find('\n  tools: [^\n]*echo %(auto%)'), text)
      local uri = 'demo://resource/static/document/architecture.md'
      local items = context.complete('#mcp:everything/demo://resource/static/document/arch', ws)
      H.eq(words(items), { '#mcp:everything/' .. uri }, 'a resource, by the typed prefix')
      H.eq(items[1].menu, '[everything]', 'its server')
      H.ok(vim.startswith(items[1].info, 'architecture.md'), items[1].info)
      H.eq(context.parse(items[1].word, ws), { { kind = 'mcp', server = 'everything', uri = uri } }, 'what it sends')
    end,
  },
})
