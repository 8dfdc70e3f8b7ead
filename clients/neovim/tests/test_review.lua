-- Edit review: `specwright/reviewEdits` opens the current and the proposed
-- text in a diff tab; `a`/`r` decide a hunk, `A`/`R` a file, `q` finishes
-- (the rest rejected); the answer says what was accepted. First with the
-- handler called directly, then a supervised chat turn end to end: one hunk
-- accepted, one rejected, and the buffer ends with only the accepted one.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local old_lines, new_lines = {}, {}
for i = 1, 20 do
  table.insert(old_lines, 'line ' .. i)
  table.insert(new_lines, (i == 2 or i == 18) and ('LINE ' .. i) or ('line ' .. i))
end
local old_text = table.concat(old_lines, '\n') .. '\n'
local new_text = table.concat(new_lines, '\n') .. '\n'

local url = H.model_server({
  { tool_call = { id = 'c1', name = 'write_file', arguments_chunks = { vim.json.encode({ path = 'lines.txt', content = new_text }) } } },
  { text = { chunks = { 'Rewrote lines 2 and 18.' } } },
})
H.setup({
  settings = { model = { provider = 'openai', model = 'test-model', baseUrl = url .. '/v1', maxRetries = 0, timeoutSeconds = 10 } },
})
local ws = H.workspace({ ['lines.txt'] = old_text, ['src/a.ts'] = 'export const a = 1;\n' })
vim.cmd.cd(ws)

local review = require('specwright.review')
local messages = H.capture_notify()

local function hunk(old_start, old_count, new_start, body)
  return { oldStart = old_start, oldLines = old_count, newStart = new_start, newLines = old_count, text = body }
end

--- The change of lines.txt as the server describes it: two hunks.
local function change_params()
  return {
    title = "Specwright's agent wants to change lines.txt",
    files = {
      {
        uri = vim.uri_from_fname(ws .. '/lines.txt'),
        action = 'change',
        oldText = old_text,
        newText = new_text,
        hunks = {
          hunk(1, 5, 1, '@@ -1,5 +1,5 @@\n line 1\n-line 2\n+LINE 2\n line 3\n line 4\n line 5\n'),
          hunk(15, 6, 15, '@@ -15,6 +15,6 @@\n line 15\n line 16\n line 17\n-line 18\n+LINE 18\n line 19\n line 20\n'),
        },
      },
    },
  }
end

local function press(keys)
  vim.api.nvim_feedkeys(vim.keycode(keys), 'x', false)
end

--- Opens the review of `params`; returns a function giving the answer once there.
local function open(params)
  local answer
  review.open(params, function(a)
    answer = a
  end)
  return function()
    return answer
  end
end

H.run({
  {
    'a diff tab of the current and proposed text; a and r decide hunks',
    function()
      local tabs = #vim.api.nvim_list_tabpages()
      local answer = open(change_params())
      H.eq(#vim.api.nvim_list_tabpages(), tabs + 1, 'a tab for the review')
      local wins = vim.api.nvim_tabpage_list_wins(0)
      H.eq(#wins, 2, 'two windows')
      H.ok(vim.wo[wins[1]].diff and vim.wo[wins[2]].diff, 'both in diff mode')
      local proposed = vim.api.nvim_get_current_buf()
      H.eq(vim.api.nvim_buf_get_lines(proposed, 1, 2, false), { 'LINE 2' }, 'the proposed text on the right')
      H.eq(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(wins[1]), 1, 2, false), { 'line 2' }, 'the current text on the left')
      H.ok(vim.wo[0].winbar:find('lines.txt (change)', 1, true), vim.wo[0].winbar)
      H.ok(H.notified(messages, "Specwright's agent wants to change lines.txt"), 'the title is said')
      H.eq(vim.api.nvim_win_get_cursor(0)[1], 2, 'the cursor on the first change')
      press('a') -- hunk 1; the cursor moves on to hunk 2
      H.eq(vim.api.nvim_win_get_cursor(0)[1], 18, 'the cursor on the next hunk')
      local marks = vim.api.nvim_buf_get_extmarks(proposed, -1, 0, -1, { details = true })
      H.ok(marks[1][4].virt_text[1][1]:find('accepted', 1, true), vim.inspect(marks))
      press('r')
      H.wait('the answer', answer)
      H.eq(answer(), { files = { { uri = vim.uri_from_fname(ws .. '/lines.txt'), accepted = { 0 } } } }, 'hunk 0 only')
      H.eq(#vim.api.nvim_list_tabpages(), tabs, 'the tab is closed')
      H.ok(not vim.api.nvim_buf_is_valid(proposed), 'the scratch buffers are gone')
      H.eq(review.take_accepted(vim.uri_from_fname(ws .. '/lines.txt')), { { lnum = 2, text = 'hunk 1 of 2: LINE 2' } }, 'where it lands')
    end,
  },
  {
    'A accepts a file and moves to the next; q rejects what is left; the handler waits',
    function()
      local params = change_params()
      table.insert(params.files, {
        uri = vim.uri_from_fname(ws .. '/src/new.ts'),
        action = 'create',
        oldText = vim.NIL,
        newText = 'export const b = 2;\n',
        hunks = { { oldStart = 0, oldLines = 0, newStart = 1, newLines = 1, text = '@@ -0,0 +1,1 @@\n+export const b = 2;\n' } },
      })
      local answer
      coroutine.wrap(function()
        answer = review.handler(nil, params, {})
      end)()
      H.ok(vim.wo[0].winbar:find('1/2: lines.txt', 1, true), vim.wo[0].winbar)
      press('A')
      H.ok(vim.wo[0].winbar:find('2/2: src/new.ts (create)', 1, true), 'on to the next file: ' .. vim.wo[0].winbar)
      H.eq(H.text(vim.api.nvim_get_current_buf()), 'export const b = 2;', 'the new file')
      press('q')
      H.wait('the answer', function()
        return answer ~= nil
      end)
      H.eq(answer, {
        files = {
          { uri = vim.uri_from_fname(ws .. '/lines.txt'), accepted = true },
          { uri = vim.uri_from_fname(ws .. '/src/new.ts'), accepted = false },
        },
      }, 'the first file whole, the second not')
      review.take_accepted(vim.uri_from_fname(ws .. '/lines.txt'))
    end,
  },
  {
    'R rejects a file; closing the tab by hand rejects the rest',
    function()
      local answer = open(change_params())
      press('R')
      H.eq(answer(), { files = { { uri = vim.uri_from_fname(ws .. '/lines.txt'), accepted = false } } }, 'rejected')
      answer = open(change_params())
      press('a')
      vim.cmd('tabclose')
      H.wait('the answer', answer)
      H.eq(answer(), { files = { { uri = vim.uri_from_fname(ws .. '/lines.txt'), accepted = { 0 } } } }, 'what was decided stands')
      review.take_accepted(vim.uri_from_fname(ws .. '/lines.txt'))
    end,
  },
  {
    'accepted places no edit event took are dropped when the turn ends or the session opens its next review',
    function()
      local uri = vim.uri_from_fname(ws .. '/lines.txt')
      local function accept_first(session)
        local params = change_params()
        params.session = session
        local answer = open(params)
        press('a')
        press('r')
        H.wait('the answer', answer)
      end
      -- The apply failed, no edit event came: the turn's end drops them.
      accept_first('s1')
      require('specwright.chat').on_event(nil, { session = 's1', turn = 1, kind = 'done', text = 'endTurn' }, {})
      H.eq(review.take_accepted(uri), nil, 'dropped when the turn ended')
      -- The next review of the session drops them too; another session's stay.
      accept_first('s2')
      local answer = open(vim.tbl_extend('force', change_params(), { session = 's2' }))
      press('R')
      H.wait('the answer', answer)
      H.eq(review.take_accepted(uri), nil, 'dropped by the next review of s2')
      accept_first('s3')
      answer = open(vim.tbl_extend('force', change_params(), { session = 's4' }))
      press('R')
      H.wait('the answer', answer)
      require('specwright.chat').on_event(nil, { session = 's4', turn = 1, kind = 'error', text = 'boom' }, {})
      H.eq(review.take_accepted(uri), { { lnum = 2, text = 'hunk 1 of 2: LINE 2' } }, 'those of s3 stay')
    end,
  },
  {
    'a supervised chat turn: the server asks with reviewEdits; one hunk lands, the other not',
    function()
      local client = require('specwright').client(0)
      H.eq(client.capabilities.experimental, { specwright = { reviewEdits = true } }, 'declared in initialize')
      local asked
      local handler = require('specwright.ui').handlers['specwright/reviewEdits']
      client.handlers['specwright/reviewEdits'] = function(err, params, ctx)
        asked = params
        return handler(err, params, ctx)
      end
      vim.cmd('Specwright chat new supervised')
      local chat_buf = vim.api.nvim_get_current_buf()
      vim.cmd('Specwright ask Uppercase lines 2 and 18 of lines.txt')
      H.wait('the review', function()
        return asked ~= nil and vim.api.nvim_buf_get_name(0):find('^specwright://review/') ~= nil
      end, 20000)
      H.eq(#asked.files, 1, 'one file')
      H.eq(#asked.files[1].hunks, 2, 'two hunks')
      H.eq(asked.files[1].action, 'change', 'a change')
      -- Accept the first hunk, reject the second.
      vim.api.nvim_win_set_cursor(0, { 2, 0 })
      press('a')
      vim.api.nvim_win_set_cursor(0, { 18, 0 })
      press('r')
      H.wait('the turn to end', function()
        return H.text(chat_buf):find('Rewrote lines 2 and 18.', 1, true) ~= nil
      end, 20000)
      local buf = vim.fn.bufnr(ws .. '/lines.txt')
      H.ok(buf ~= -1, 'the file is in a buffer')
      local expected = vim.deepcopy(old_lines)
      expected[2] = 'LINE 2'
      H.eq(vim.api.nvim_buf_get_lines(buf, 0, -1, false), expected, 'only the accepted hunk')
      H.wait('the quickfix entry', function()
        return #vim.fn.getqflist() > 0
      end)
      local qf = vim.fn.getqflist()
      H.eq(#qf, 1, 'one place: ' .. vim.inspect(qf))
      H.eq({ vim.api.nvim_buf_get_name(qf[1].bufnr), qf[1].lnum }, { ws .. '/lines.txt', 2 }, 'the accepted hunk')
    end,
  },
})
