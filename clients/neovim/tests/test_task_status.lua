-- :Specwright task done changes only that task's marker, in the buffer,
-- through the server's workspace/applyEdit, written to the file unless the
-- buffer had unsaved changes.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
H.setup()

H.run({
  {
    ':Specwright task done changes only that marker',
    function()
      local _, buf = H.open_demo_tasks()
      local before = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
      vim.api.nvim_win_set_cursor(0, { 6, 4 }) -- "- [ ] 2. Issue tokens"
      vim.cmd('Specwright task done')
      H.wait('the marker to change', function()
        return vim.api.nvim_buf_get_lines(buf, 5, 6, false)[1] == '- [x] 2. Issue tokens'
      end)
      local after = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
      local expected = vim.deepcopy(before)
      expected[6] = '- [x] 2. Issue tokens'
      H.eq(after, expected, 'every other line is unchanged')
      -- The buffer had no unsaved changes: the edit is written (write_edits).
      local path = vim.api.nvim_buf_get_name(buf)
      H.eq(H.read(path), table.concat(expected, '\n') .. '\n', 'written')
      H.ok(not vim.bo[buf].modified, 'not modified')

      -- Back to in progress with an unsaved change of the user's: the
      -- buffer changes, the file stays as the user last wrote it.
      vim.api.nvim_buf_set_lines(buf, 0, 1, false, { '# Implementation Plan (draft)' })
      vim.cmd('Specwright task in-progress')
      H.wait('in progress', function()
        return vim.api.nvim_buf_get_lines(buf, 5, 6, false)[1] == '- [-] 2. Issue tokens'
      end)
      H.eq(H.read(path), table.concat(expected, '\n') .. '\n', 'the file is untouched')
      H.ok(vim.bo[buf].modified, 'the buffer keeps its unsaved changes')
      -- A line without a task says so.
      local messages = {}
      local notify = vim.notify
      vim.notify = function(msg)
        table.insert(messages, msg)
      end
      vim.api.nvim_win_set_cursor(0, { 1, 0 })
      vim.cmd('Specwright task done')
      vim.notify = notify
      H.ok(messages[1] and messages[1]:find('no task on this line', 1, true), vim.inspect(messages))
    end,
  },
})
