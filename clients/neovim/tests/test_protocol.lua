-- Every custom method and command the plugin names is declared in
-- schemas/protocol.json, in the direction the plugin uses it; and the
-- client declares the edit review it answers.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
vim.opt.rtp:prepend(H.plugin)

H.run({
  {
    'the methods and commands used are those of schemas/protocol.json',
    function()
      local protocol = vim.json.decode(H.read(H.repo .. '/schemas/protocol.json'))
      local methods, commands = {}, {}
      for _, m in ipairs(protocol.methods) do
        methods[m.method] = m.direction
      end
      for _, c in ipairs(protocol.commands) do
        commands[c.command] = true
      end
      local used = {}
      local files = vim.fs.find(function(name)
        return name:match('%.lua$') ~= nil
      end, { path = H.plugin, limit = math.huge, type = 'file' })
      for _, file in ipairs(files) do
        if not file:find('/tests/', 1, true) then
          local text = H.read(file)
          for name in text:gmatch("'(specwright[/.][%w/.]+)'") do
            local module = H.plugin .. '/lua/' .. name:gsub('%.', '/') .. '.lua'
            if vim.uv.fs_stat(module) == nil then
              used[name] = file:sub(#H.plugin + 2)
            end
          end
        end
      end
      local unknown = {}
      for name, file in pairs(used) do
        if not (methods[name] or commands[name]) then
          table.insert(unknown, name .. ' (' .. file .. ')')
        end
      end
      table.sort(unknown)
      H.eq(unknown, {}, 'names not in schemas/protocol.json')
      for _, name in ipairs({
        'specwright/chat/send',
        'specwright/chat/cancel',
        'specwright.task.start',
        'specwright.checkpoint.restore',
        'specwright/mcp/status',
      }) do
        H.ok(used[name], name .. ' is used')
      end
      -- The handlers answer what the server sends.
      local handlers = require('specwright.ui').handlers
      for name, direction in pairs(methods) do
        if direction == 'serverToClient' then
          H.ok(handlers[name], 'a handler for ' .. name)
        end
      end
    end,
  },
  {
    'lsp/specwright.lua declares the edit review with its handler',
    function()
      local cfg = dofile(H.plugin .. '/lsp/specwright.lua')
      H.eq(cfg.capabilities, { experimental = { specwright = { reviewEdits = true } } }, 'capabilities')
      H.ok(cfg.handlers['specwright/reviewEdits'], 'the handler')
    end,
  },
})
