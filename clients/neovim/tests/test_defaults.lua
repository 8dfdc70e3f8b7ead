-- With no setup() call at all, the plugin runs with its defaults: the
-- server is `specwright` on PATH and attaches to spec documents.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
vim.env.PATH = vim.fs.dirname(H.bin) .. ':' .. vim.env.PATH
vim.opt.rtp:prepend(H.plugin)
vim.cmd('filetype on')
vim.cmd('runtime! plugin/specwright.lua')

H.run({
  {
    'no setup: defaults, specwright from PATH',
    function()
      local ws, buf = H.open_demo_tasks()
      H.wait('diagnostics', function()
        return #vim.diagnostic.get(buf) > 0
      end)
      local client = vim.lsp.get_clients({ bufnr = buf, name = 'specwright' })[1]
      H.eq(client.config.cmd, { 'specwright', 'lsp' }, 'the default command')
      H.eq(client.root_dir, ws, 'rooted at the .kiro folder')
      H.eq(vim.fn.exists(':Specwright'), 2, ':Specwright exists')
    end,
  },
})
