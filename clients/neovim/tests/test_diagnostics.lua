-- Opening tasks.md shows the server's diagnostics and code lenses;
-- :Specwright check lists every spec diagnostic in the quickfix list.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
H.setup()

H.run({
  {
    'tasks.md shows diagnostics and code lenses',
    function()
      local _, buf = H.open_demo_tasks()
      H.wait('the dangling reference', function()
        return #vim.diagnostic.get(buf) > 0
      end)
      local d = vim.diagnostic.get(buf)[1]
      H.eq(d.code, 'dangling-reference', 'code')
      H.eq(d.severity, vim.diagnostic.severity.ERROR, 'severity')
      H.eq(d.lnum, 6, 'line of 1.9')
      H.ok(d.message:find('1.9', 1, true), d.message)

      H.wait('code lenses', function()
        return #vim.lsp.codelens.get(buf) >= 3
      end)
      local titles = {}
      for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
        table.insert(titles, lens.command and lens.command.title or '')
      end
      table.sort(titles)
      H.eq(titles, {
        'Update tasks from requirements',
        '▶ Run all tasks',
        '▶ Start task',
        '▶ Start task',
        '☐ not started · mark in progress',
        '☐ not started · mark in progress',
      }, 'lens titles')
    end,
  },
  {
    ':Specwright check fills the quickfix list',
    function()
      vim.cmd('Specwright check')
      local items = vim.fn.getqflist()
      local codes = {}
      for _, item in ipairs(items) do
        table.insert(codes, vim.fs.basename(vim.api.nvim_buf_get_name(item.bufnr)) .. ':' .. item.lnum .. ': ' .. item.text)
      end
      H.ok(#items >= 1, 'at least the dangling reference')
      H.ok(vim.iter(codes):any(function(c)
        return c:find('^tasks%.md:7: ') and c:find('1.9', 1, true)
      end), vim.inspect(codes))
      H.eq(vim.fn.getqflist({ title = 1 }).title, 'Specwright check', 'title')
    end,
  },
})
