-- With no buffer attached yet, a command starts the server for the
-- working directory's project and waits for it.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
H.setup()

H.run({
  {
    'a command starts the server for the project',
    function()
      local ws = H.workspace(H.spec)
      vim.cmd.cd(ws)
      H.eq(#vim.lsp.get_clients({ name = 'specwright' }), 0, 'no client before')
      local answer
      require('specwright').request('specwright/specs', {}, function(result)
        answer = result
      end)
      H.wait('the answer', function()
        return answer ~= nil
      end)
      H.eq(#answer.specs, 1, 'one spec')
      H.eq(answer.specs[1].name, 'demo', 'its name')
      H.eq(vim.lsp.get_clients({ name = 'specwright' })[1].root_dir, ws, 'rooted at the project')
    end,
  },
})
