-- The server's edits (workspace/applyEdit) are written once applied only
-- for files under the workspace, and never over a file that changed on disk
-- since its buffer read it (the agent's tools, a test run): such an edit
-- stays in the buffer, unsaved, with a warning, and nothing is prompted.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
H.setup()

local ws = H.workspace({
  ['notes.md'] = '# Notes\n',
  ['inside.txt'] = 'old\n',
  ['racy.txt'] = 'old\n',
})
local outside = H.workspace({ ['x.txt'] = 'old\n', ['y.txt'] = 'old\n' })
vim.uv.fs_symlink(outside, ws .. '/linked')
vim.cmd.cd(ws)

local messages = H.capture_notify()
local client

--- Applies an edit replacing the first line of `path` with `text`, as the
--- server would; returns the handler's answer.
local function apply(path, text)
  local edit = {
    changes = {
      [vim.uri_from_fname(path)] = {
        { range = { start = { line = 0, character = 0 }, ['end'] = { line = 1, character = 0 } }, newText = text .. '\n' },
      },
    },
  }
  local handler = require('specwright.ui').handlers['workspace/applyEdit']
  return handler(nil, { edit = edit }, { client_id = client.id, method = 'workspace/applyEdit' })
end

H.run({
  {
    'an edit of a file in the workspace is applied and written',
    function()
      H.edit_attached(ws .. '/notes.md')
      client = require('specwright').client(0)
      H.ok(client, 'the client')
      H.eq(apply(ws .. '/inside.txt', 'new').applied, true, 'applied')
      local buf = vim.fn.bufnr(ws .. '/inside.txt')
      H.eq(vim.api.nvim_buf_get_lines(buf, 0, -1, false), { 'new' }, 'the buffer')
      H.eq(H.read(ws .. '/inside.txt'), 'new\n', 'the file')
      H.ok(not vim.bo[buf].modified, 'saved')
    end,
  },
  {
    'an edit of a file outside the workspace is applied to the buffer but not written',
    function()
      H.eq(apply(outside .. '/x.txt', 'new').applied, true, 'applied')
      local buf = vim.fn.bufnr(outside .. '/x.txt')
      H.eq(vim.api.nvim_buf_get_lines(buf, 0, -1, false), { 'new' }, 'the buffer')
      H.ok(vim.bo[buf].modified, 'left modified')
      H.eq(H.read(outside .. '/x.txt'), 'old\n', 'the file is untouched')
      H.ok(H.notified(messages, 'left ' .. outside .. '/x.txt unsaved: it is outside the workspace'), vim.inspect(messages))
      -- A path in the workspace that is a link to a folder outside it.
      H.eq(apply(ws .. '/linked/y.txt', 'new').applied, true, 'applied through the link')
      H.eq(H.read(outside .. '/y.txt'), 'old\n', 'the linked file is untouched')
    end,
  },
  {
    'a file changed on disk since it was read is not written over, and nothing is prompted',
    function()
      local path = ws .. '/racy.txt'
      vim.cmd.edit(vim.fn.fnameescape(path))
      local buf = vim.api.nvim_get_current_buf()
      -- The agent's tools change the file behind the buffer's back.
      local f = assert(io.open(path, 'w'))
      f:write('old\nwritten by a tool\n')
      f:close()
      local later = os.time() + 5
      vim.uv.fs_utime(path, later, later)
      H.eq(apply(path, 'new').applied, true, 'applied')
      H.eq(vim.api.nvim_buf_get_lines(buf, 0, -1, false), { 'new' }, 'the buffer has the edit')
      H.ok(vim.bo[buf].modified, 'left modified')
      H.eq(H.read(path), 'old\nwritten by a tool\n', 'the change on disk stays')
      H.ok(H.notified(messages, 'left ' .. path .. ' unsaved: it changed on disk'), vim.inspect(messages))
      -- Once the buffer has the file again, the next edit is written.
      vim.cmd('edit!')
      H.eq(apply(path, 'newer').applied, true, 'applied')
      H.eq(H.read(path), 'newer\nwritten by a tool\n', 'written')
    end,
  },
})
