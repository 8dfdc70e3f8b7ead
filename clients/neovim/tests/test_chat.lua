-- :Specwright chat against the scripted model server: the answer streams
-- into the chat buffer, `#file:` attaches the file (the model sees it),
-- <C-c> stops a turn, an autopilot edit lands in the quickfix list, the
-- context tokens complete, and a session reopens from the picker.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local slow = {}
for _, w in ipairs({ 'One', ' two', ' three', ' four', ' five', ' six', ' seven', ' eight', ' nine', ' ten' }) do
  table.insert(slow, w)
end
local url = H.model_server({
  { text = { chunks = { 'Hello', ' from', ' the', ' model.' }, delay_ms = 150 } },
  { text = { chunks = { 'It exports a.' } } },
  { text = { chunks = slow, delay_ms = 400 } },
  {
    tool_call = {
      id = 'c1',
      name = 'edit_file',
      arguments_chunks = { vim.json.encode({ path = 'src/a.ts', old_str = 'a = 1', new_str = 'a = 2' }) },
    },
  },
  { text = { chunks = { 'Changed it.' } } },
})
H.setup({
  settings = { model = { provider = 'openai', model = 'test-model', baseUrl = url .. '/v1', maxRetries = 0, timeoutSeconds = 10 } },
})

local ws = H.workspace({
  ['src/a.ts'] = 'export const a = 1;\n',
  ['.kiro/steering/product.md'] = '# Product\nA tiny library.\n',
  ['.kiro/specs/demo/requirements.md'] = H.spec['.kiro/specs/demo/requirements.md'],
})
vim.cmd.cd(ws)

local context = require('specwright.context')

--- Waits until the chat buffer ends with an empty `## You` again.
local function wait_turn(buf)
  H.wait('the turn to end', function()
    local lines = vim.api.nvim_buf_get_lines(buf, -4, -1, false)
    return lines[1] == '## You' and lines[2] == '' and lines[3] == ''
  end, 20000)
end

--- Types `text` under the last `## You` and presses <CR> in normal mode.
local function type_and_send(buf, text)
  vim.api.nvim_buf_set_lines(buf, -2, -1, false, { text })
  vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(buf), 0 })
  vim.api.nvim_feedkeys(vim.keycode('<CR>'), 'x', false)
end

local first_session

H.run({
  {
    ':Specwright chat streams the answer into a markdown buffer; <CR> sends',
    function()
      -- No server yet: the first question starts it for the working directory.
      H.eq(#vim.lsp.get_clients({ name = 'specwright' }), 0, 'no client before')
      vim.cmd('Specwright chat')
      local buf = vim.api.nvim_get_current_buf()
      H.ok(vim.api.nvim_buf_get_name(buf):find('^specwright://chat/'), vim.api.nvim_buf_get_name(buf))
      H.eq(vim.bo[buf].filetype, 'markdown', 'filetype')
      H.eq(vim.api.nvim_buf_get_lines(buf, -4, -1, false), { '## You', '', '' }, 'the prompt area')
      type_and_send(buf, 'Say hello')
      -- While it streams, the answer grows piece by piece.
      local partial = false
      H.wait('the whole answer', function()
        local text = H.text(buf)
        if text:find('Hello', 1, true) and not text:find('model.', 1, true) then
          partial = true
        end
        return text:find('Hello from the model.', 1, true) ~= nil
      end)
      H.ok(partial, 'a partial answer was shown while streaming')
      wait_turn(buf)
      local text = H.text(buf)
      H.ok(text:find('## You\n\nSay hello\n\n## Specwright\n\nHello from the model.\n\n## You', 1, true), text)
      first_session = vim.api.nvim_buf_get_name(buf):match('^specwright://chat/(.+)$')
      H.ok(first_session and not first_session:match('^new%-'), 'the buffer is named after the session: ' .. tostring(first_session))
      H.ok(text:find('# Specwright chat: Say hello', 1, true), 'titled after the first question')
      H.eq(vim.lsp.get_clients({ name = 'specwright' })[1].root_dir, ws, 'the server runs for the project')
      H.eq(#vim.lsp.get_clients({ bufnr = buf }), 0, 'the chat buffer is no document of the server')
    end,
  },
  {
    ':Specwright ask with #file:path sends the file as context',
    function()
      vim.cmd('Specwright ask What does #file:src/a.ts export?')
      local buf = vim.api.nvim_get_current_buf()
      H.wait('the answer', function()
        return H.text(buf):find('It exports a.', 1, true) ~= nil
      end)
      wait_turn(buf)
      local requests = H.model_requests()
      local body = requests[#requests].raw_body
      H.ok(body:find('What does #file:src/a.ts export?', 1, true), 'the question')
      H.ok(body:find('Attached file `src/a.ts`', 1, true) and body:find('export const a = 1;', 1, true), 'the file: ' .. body)
      H.ok(H.text(buf):find('## You\n\nWhat does #file:src/a.ts export?\n\n## Specwright\n\nIt exports a.', 1, true), H.text(buf))
    end,
  },
  {
    '<C-c> in the chat buffer stops the running turn',
    function()
      local buf = vim.api.nvim_get_current_buf()
      type_and_send(buf, 'Count to ten')
      local ok = vim.wait(15000, function()
        return H.text(buf):find('One two', 1, true) ~= nil
      end, 20)
      H.ok(ok, 'the first words: ' .. H.text(buf) .. ' in ' .. vim.api.nvim_buf_get_name(buf))
      vim.api.nvim_feedkeys(vim.keycode('<C-c>'), 'x', false)
      wait_turn(buf)
      local text = H.text(buf)
      H.ok(text:find('_(stopped)_', 1, true), text)
      H.ok(not text:find('nine', 1, true), 'the turn ended early: ' .. text)
    end,
  },
  {
    'an autopilot edit is listed in the chat and in the quickfix list',
    function()
      vim.cmd('Specwright chat new autopilot')
      local buf = vim.api.nvim_get_current_buf()
      H.ok(vim.api.nvim_buf_get_name(buf):find('^specwright://chat/new%-'), 'a new chat')
      type_and_send(buf, 'Set a to 2')
      wait_turn(buf)
      local text = H.text(buf)
      H.ok(text:find('- `edit_file` `src/a.ts`', 1, true), text)
      H.ok(text:find('- ✎ changed `src/a.ts`', 1, true), text)
      H.ok(text:find('Changed it.', 1, true), text)
      H.ok(text:find('1 file change: `:copen`', 1, true), text)
      local a = vim.fn.bufnr(ws .. '/src/a.ts')
      H.eq(vim.api.nvim_buf_get_lines(a, 0, -1, false), { 'export const a = 2;' }, 'the buffer changed')
      H.eq(H.read(ws .. '/src/a.ts'), 'export const a = 2;\n', 'and the file (write_edits)')
      local qf = vim.fn.getqflist({ title = 1, items = 1 })
      H.ok(qf.title:find('^Specwright edits: Set a to 2'), qf.title)
      H.eq(#qf.items, 1, 'one edit')
      H.eq(vim.api.nvim_buf_get_name(qf.items[1].bufnr), ws .. '/src/a.ts', 'the file')
    end,
  },
  {
    'the # context tokens complete and become context items',
    function()
      local root = require('specwright').root()
      H.eq(root, ws, 'the chat root')
      local words = function(items)
        return vim.tbl_map(function(i)
          return i.word
        end, items)
      end
      H.eq(words(context.complete('#', root)), { '#file:', '#folder', '#spec:', '#steering', '#codebase', '#problems', '#gitDiff', '#mcp:' }, 'kinds')
      H.eq(words(context.complete('#gi', root)), { '#gitDiff' }, 'a kind')
      H.eq(words(context.complete('#file:s', root)), { '#file:src/' }, 'a folder')
      H.eq(words(context.complete('#file:src/', root)), { '#file:src/a.ts' }, 'a file')
      H.eq(words(context.complete('#folder:', root)), { '#folder:.kiro/', '#folder:src/' }, 'folders only')
      H.eq(words(context.complete('#spec:', root)), { '#spec:demo' }, 'specs')
      H.eq(words(context.complete('#steering:p', root)), { '#steering:product' }, 'steering')
      -- The omnifunc finds the token before the cursor.
      local buf = vim.api.nvim_get_current_buf()
      vim.api.nvim_buf_set_lines(buf, -2, -1, false, { 'Look at #file:sr' })
      vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(buf), 16 })
      H.eq(context.omnifunc(1, ''), 8, 'the token starts at the #')
      vim.api.nvim_buf_set_lines(buf, -2, -1, false, { 'C#sharp' })
      vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(buf), 7 })
      H.eq(context.omnifunc(1, ''), -3, 'no token inside a word')
      vim.api.nvim_buf_set_lines(buf, -2, -1, false, { '' })

      local uri = vim.uri_from_fname
      H.eq(context.parse('Explain #file:src/a.ts, #codebase and C#sharp #gitdiff #spec:demo #steering #folder #problems #nothing', root), {
        { kind = 'file', uri = uri(ws .. '/src/a.ts') },
        { kind = 'codebase' },
        { kind = 'gitDiff' },
        { kind = 'spec', uri = uri(ws .. '/.kiro/specs/demo') },
        { kind = 'steering' },
        { kind = 'folder' },
        { kind = 'problems' },
      }, 'context items')
      H.eq(context.parse('#file #spec', root, ws .. '/.kiro/specs/demo/requirements.md'), {
        { kind = 'file', uri = uri(ws .. '/.kiro/specs/demo/requirements.md') },
        { kind = 'spec', uri = uri(ws .. '/.kiro/specs/demo') },
      }, '#file and #spec alone: the file the chat was opened from')
      H.eq(context.parse('#steering:product #folder:src/', root), {
        { kind = 'steering', uri = uri(ws .. '/.kiro/steering/product.md') },
        { kind = 'folder', uri = uri(ws .. '/src') },
      }, 'named steering and folder')
    end,
  },
  {
    ':Specwright chat sessions reopens a session with its history',
    function()
      vim.cmd('bwipeout! ' .. vim.fn.bufnr('specwright://chat/' .. first_session))
      local shown
      vim.ui.select = function(items, opts, on_choice)
        shown = vim.tbl_map(opts.format_item, items)
        for _, item in ipairs(items) do
          if item.session == first_session then
            return on_choice(item)
          end
        end
      end
      vim.cmd('Specwright chat sessions')
      H.wait('the picker', function()
        return shown ~= nil
      end)
      H.eq(#shown, 2, 'two sessions: ' .. vim.inspect(shown))
      H.ok(vim.tbl_contains(shown, 'Say hello  · 3 turns'), vim.inspect(shown))
      local buf
      H.wait('the history', function()
        buf = vim.fn.bufnr('specwright://chat/' .. first_session)
        return buf ~= -1 and H.text(buf):find('It exports a.', 1, true) ~= nil
      end)
      local text = H.text(buf)
      H.ok(text:find('## You\n\nSay hello\n\n## Specwright\n\nHello from the model.', 1, true), text)
      H.ok(text:find('What does #file:src/a.ts export?\n_(with attached context)_', 1, true), text)
      H.eq(vim.api.nvim_buf_get_lines(buf, -4, -1, false), { '## You', '', '' }, 'ready for the next question')
    end,
  },
})
