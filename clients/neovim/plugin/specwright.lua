-- specwright.nvim: loaded once; defines :Specwright and, unless
-- `vim.g.specwright_autostart = false`, enables the language server with
-- the defaults (a later `require('specwright').setup(opts)` refines them).
if vim.g.loaded_specwright then
  return
end
vim.g.loaded_specwright = true

if vim.fn.has('nvim-0.11') == 0 then
  vim.notify('specwright.nvim needs Neovim 0.11 or newer (this is ' .. tostring(vim.version()) .. ')', vim.log.levels.ERROR)
  return
end

-- Kiro's hook files are JSON.
vim.filetype.add({
  extension = { hook = 'json' },
  filename = { ['.config.kiro'] = 'json' },
})

vim.api.nvim_create_user_command('Specwright', function(opts)
  require('specwright.commands').run(opts)
end, {
  nargs = '*',
  bang = false,
  desc = 'Specwright: spec-driven development (new, design, tasks, refine, specs, task, chat, ask, checkpoints, hooks, check, map)',
  complete = function(arg_lead, cmdline, cursor_pos)
    return require('specwright.commands').complete(arg_lead, cmdline, cursor_pos)
  end,
})

if vim.g.specwright_autostart ~= false then
  require('specwright').enable()
end
