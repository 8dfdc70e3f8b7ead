-- :checkhealth specwright finds the binary, starts and initializes the
-- server, and reports no errors.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

H.run({
  {
    ':checkhealth specwright reports no errors',
    function()
      H.setup()
      vim.cmd('checkhealth specwright')
      local text = H.text(vim.api.nvim_get_current_buf())
      H.ok(not text:find('ERROR', 1, true), text)
      H.ok(text:find('the server starts and initializes (specwright', 1, true), text)
      H.ok(text:find('no model configured', 1, true), text)
    end,
  },
  {
    'the demo provider needs no key and says its content is canned',
    function()
      H.setup({ settings = { model = { provider = 'demo' } } })
      vim.cmd('checkhealth specwright')
      local text = H.text(vim.api.nvim_get_current_buf())
      H.ok(not text:find('ERROR', 1, true) and not text:find('WARNING', 1, true), text)
      H.ok(text:find('provider: demo', 1, true) and text:find('canned content', 1, true), text)
    end,
  },
  {
    'a missing binary is an error with the fix',
    function()
      require('specwright').setup({ server_path = '/nonexistent/specwright' })
      vim.cmd('checkhealth specwright')
      local text = H.text(vim.api.nvim_get_current_buf())
      H.ok(text:find('ERROR', 1, true) and text:find('/nonexistent/specwright', 1, true), text)
      H.ok(text:find('server_path', 1, true), text)
    end,
  },
})
