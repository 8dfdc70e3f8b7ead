-- The help file's tags build and `:help` finds the plugin and every
-- subcommand.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

H.run({
  {
    ':help specwright and each subcommand',
    function()
      local copy = H.workspace({})
      vim.fn.mkdir(copy .. '/doc', 'p')
      vim.fn.writefile(vim.fn.readfile(H.plugin .. '/doc/specwright.txt'), copy .. '/doc/specwright.txt')
      vim.cmd('helptags ' .. vim.fn.fnameescape(copy .. '/doc'))
      vim.opt.rtp:prepend(copy)
      vim.cmd('help specwright')
      H.ok(vim.api.nvim_buf_get_name(0):find('specwright.txt$'), vim.api.nvim_buf_get_name(0))
      vim.opt.rtp:prepend(H.plugin)
      for _, sub in ipairs(require('specwright.commands').names()) do
        local ok, err = pcall(vim.cmd, 'help :Specwright-' .. sub)
        H.ok(ok, (':help :Specwright-%s: %s'):format(sub, tostring(err)))
      end
      local tags = { 'specwright.setup()', 'specwright-health', 'specwright-install', 'g:specwright_autostart' }
      vim.list_extend(tags, { 'specwright-chat', 'specwright-chat-context', 'specwright-review', 'specwright-task-runs' })
      vim.list_extend(tags, { 'specwright-progress', 'specwright-write-edits', 'specwright-chat-edits' })
      for _, tag in ipairs(tags) do
        H.ok(pcall(vim.cmd, 'help ' .. tag), tag)
      end
    end,
  },
})
