-- Chat with the server's agent in a markdown buffer: the question is what
-- stands under the buffer's last `## You`, the answer streams in from
-- `specwright/chat/event`, tool calls and edits as short lines, and the
-- files changed land in the quickfix list. `#file:path` and the other
-- context tokens become the `context` of `specwright/chat/send`. The agent,
-- its tools, sessions and checkpoints are the server's.
local context = require('specwright.context')
local specwright = require('specwright')

local M = {}

---@class specwright.Chat
---@field buf integer
---@field session? string Unset until the first question creates the session.
---@field title? string
---@field autopilot? boolean Nil: the server's `specwright.agent.mode`.
---@field origin? string The file the chat was opened from (`#file` alone, `#spec` alone).
---@field running? integer The turn running (0 until its number is known).
---@field client_id? integer The client the running turn (or session request) went to.
---@field last 'head'|'text'|'line' What the buffer ends with.
---@field edits integer Files the running turn changed.
---@field sent? integer Questions sent from this buffer.

---@type table<integer, specwright.Chat>
local by_buf = {}
---@type table<string, specwright.Chat>
local by_session = {}
---@type specwright.Chat?
local last_chat = nil
--- Task runs this client started: their sessions get a chat buffer.
local following = 0

local PROMPT = '## You'
local ANSWER = '## Specwright'
local NOT_RUNNING = 'the server is not running (see :checkhealth specwright)'

---@param msg string
---@param level? integer
local function notify(msg, level)
  vim.notify('Specwright: ' .. msg, level or vim.log.levels.INFO, { title = 'Specwright' })
end

-- The buffer -------------------------------------------------------------------

---@param buf integer
---@return string
local function last_line(buf)
  local n = vim.api.nvim_buf_line_count(buf)
  return vim.api.nvim_buf_get_lines(buf, n - 1, n, false)[1] or ''
end

--- Keeps windows that were at the end of `buf` at its end.
---@param buf integer
---@param fn fun()
local function following_end(buf, fn)
  local before = vim.api.nvim_buf_line_count(buf)
  local wins = {}
  for _, win in ipairs(vim.fn.win_findbuf(buf)) do
    if vim.api.nvim_win_get_cursor(win)[1] >= before - 1 then
      table.insert(wins, win)
    end
  end
  fn()
  local after = vim.api.nvim_buf_line_count(buf)
  for _, win in ipairs(wins) do
    pcall(vim.api.nvim_win_set_cursor, win, { after, 0 })
  end
end

--- Appends `text` to the buffer's last line (it may hold newlines).
---@param chat specwright.Chat
---@param text string
local function put_text(chat, text)
  local buf = chat.buf
  following_end(buf, function()
    local n = vim.api.nvim_buf_line_count(buf)
    if chat.last == 'line' then
      vim.api.nvim_buf_set_lines(buf, n, n, false, { '', '' })
      n = n + 2
    end
    local pieces = vim.split(last_line(buf) .. text, '\n', { plain = true })
    vim.api.nvim_buf_set_lines(buf, n - 1, n, false, pieces)
  end)
  chat.last = 'text'
end

--- Appends whole lines, on a line of their own.
---@param chat specwright.Chat
---@param lines string[]
local function put_lines(chat, lines)
  local buf = chat.buf
  following_end(buf, function()
    local n = vim.api.nvim_buf_line_count(buf)
    if last_line(buf) == '' then
      -- The open line takes the first.
      vim.api.nvim_buf_set_lines(buf, n - 1, n, false, lines)
    else
      if chat.last == 'text' then
        table.insert(lines, 1, '')
      end
      vim.api.nvim_buf_set_lines(buf, n, n, false, lines)
    end
  end)
  chat.last = 'line'
end

--- Ends the buffer with an empty `## You` section.
---@param chat specwright.Chat
local function open_prompt(chat)
  local buf = chat.buf
  following_end(buf, function()
    local n = vim.api.nvim_buf_line_count(buf)
    local lines = { PROMPT, '', '' }
    if last_line(buf) ~= '' then
      table.insert(lines, 1, '')
    end
    vim.api.nvim_buf_set_lines(buf, n, n, false, lines)
  end)
  chat.last = 'head'
end

--- The line of the last `## You` (1-based), or nil.
---@param buf integer
---@return integer?
local function prompt_line(buf)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i = #lines, 1, -1 do
    if lines[i] == PROMPT then
      return i
    end
  end
  return nil
end

--- The buffer's first three lines: title, blank, what the keys do.
---@param chat specwright.Chat
---@return string[]
local function header(chat)
  local what = chat.session and ('session ' .. chat.session) or 'new session'
  if chat.autopilot ~= nil then
    what = what .. (chat.autopilot and ', autopilot' or ', supervised')
  end
  return {
    '# Specwright chat' .. (chat.title and (': ' .. chat.title) or ''),
    '',
    ('<!-- %s. <CR> sends what is under the last "## You"; <C-c> stops the turn; '):format(what)
      .. '#file:path, #folder, #spec:name, #steering, #codebase, #problems, #gitDiff attach context (<C-x><C-o>) -->',
  }
end

---@param chat specwright.Chat
local function name_buffer(chat)
  pcall(vim.api.nvim_buf_set_name, chat.buf, 'specwright://chat/' .. (chat.session or ('new-' .. chat.buf)))
  vim.api.nvim_buf_set_lines(chat.buf, 0, 3, false, header(chat))
end

---@param chat specwright.Chat
local function set_keymaps(chat)
  local buf = chat.buf
  local function map(modes, lhs, rhs, desc)
    vim.keymap.set(modes, lhs, rhs, { buffer = buf, nowait = true, desc = 'Specwright: ' .. desc })
  end
  map('n', '<CR>', function()
    M.send(buf)
  end, 'send what is under "## You"')
  map({ 'n', 'i' }, '<C-c>', function()
    if chat.running then
      M.cancel(buf)
    elseif vim.fn.mode() == 'i' then
      vim.cmd('stopinsert')
    end
  end, 'stop the running turn')
end

--- A new chat buffer (not shown yet).
---@param opts { session?: string, title?: string, autopilot?: boolean, origin?: string, prompt?: boolean }
---@return specwright.Chat
local function create(opts)
  local buf = vim.api.nvim_create_buf(true, true)
  ---@type specwright.Chat
  local chat = {
    buf = buf,
    session = opts.session,
    title = opts.title,
    autopilot = opts.autopilot,
    origin = opts.origin,
    last = 'head',
    edits = 0,
  }
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'hide'
  vim.bo[buf].swapfile = false
  vim.bo[buf].filetype = 'markdown'
  vim.bo[buf].omnifunc = "v:lua.require'specwright.context'.omnifunc"
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { '', '', '' })
  name_buffer(chat)
  by_buf[buf] = chat
  if chat.session then
    by_session[chat.session] = chat
  end
  set_keymaps(chat)
  if opts.prompt then
    open_prompt(chat)
  end
  vim.api.nvim_create_autocmd('BufWipeout', {
    buffer = buf,
    once = true,
    callback = function()
      by_buf[buf] = nil
      if chat.session and by_session[chat.session] == chat then
        by_session[chat.session] = nil
      end
      if last_chat == chat then
        last_chat = nil
      end
    end,
  })
  return chat
end

--- A window of the current tab showing a chat, if any.
---@return integer?
local function chat_window()
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if by_buf[vim.api.nvim_win_get_buf(win)] then
      return win
    end
  end
  return nil
end

--- Shows the chat in a window (the window of another chat, else a split
--- on the right, unless it is shown); focuses it when `focus`.
---@param chat specwright.Chat
---@param focus boolean
local function show(chat, focus)
  local win = vim.fn.bufwinid(chat.buf)
  if win == -1 then
    win = chat_window()
    if win then
      vim.api.nvim_win_set_buf(win, chat.buf)
    else
      local from = vim.api.nvim_get_current_win()
      vim.cmd('botright vsplit')
      win = vim.api.nvim_get_current_win()
      vim.api.nvim_win_set_buf(win, chat.buf)
      vim.api.nvim_win_set_width(win, math.max(60, math.floor(vim.o.columns * 0.4)))
      vim.wo[win].wrap = true
      vim.wo[win].linebreak = true
      vim.api.nvim_set_current_win(from)
    end
    if focus then
      vim.api.nvim_set_current_win(win)
    end
  elseif focus then
    vim.api.nvim_set_current_win(win)
  end
  if focus then
    vim.api.nvim_win_set_cursor(win, { vim.api.nvim_buf_line_count(chat.buf), 0 })
  end
end

--- The file the user is in, when it is a file.
---@return string?
local function origin_file()
  local name = vim.api.nvim_buf_get_name(0)
  if name == '' or name:match('^%w+://') then
    return nil
  end
  return name
end

--- Opens a chat: the last one, or a new one with `opts.new`.
---@param opts? { new?: boolean, autopilot?: boolean, focus?: boolean }
---@return specwright.Chat
function M.open(opts)
  opts = opts or {}
  local chat = by_buf[vim.api.nvim_get_current_buf()]
  if opts.new or not chat then
    chat = (not opts.new and last_chat and vim.api.nvim_buf_is_valid(last_chat.buf)) and last_chat
      or create({ autopilot = opts.autopilot, origin = origin_file(), prompt = true })
  end
  if not chat.origin then
    chat.origin = origin_file()
  end
  last_chat = chat
  show(chat, opts.focus ~= false)
  return chat
end

--- The chat of `buf` (default: the current buffer, else the last chat).
---@param buf? integer
---@return specwright.Chat?
function M.get(buf)
  local chat = by_buf[buf or vim.api.nvim_get_current_buf()]
  if not chat and not buf and last_chat and vim.api.nvim_buf_is_valid(last_chat.buf) then
    chat = last_chat
  end
  return chat
end

-- Turns ----------------------------------------------------------------------

--- A short description of a tool call's input.
---@param input any
---@return string
local function tool_detail(input)
  if type(input) ~= 'table' then
    return ''
  end
  local value = input.path or input.command or input.query or input.pattern or input.spec
  if value == nil then
    for _, v in pairs(input) do
      if type(v) == 'string' then
        value = v
        break
      end
    end
  end
  if type(value) ~= 'string' or value == '' then
    return ''
  end
  value = value:gsub('\n.*', '…')
  if #value > 80 then
    value = value:sub(1, 77) .. '…'
  end
  return ' `' .. value .. '`'
end

-- The quickfix list of the edits: one list per turn, appended as edits come.
local edits_list = { key = nil, id = nil }

--- Adds the file of an `edit` event to the quickfix list of its turn; the
--- lines are those of the hunks accepted in review, else the first line.
---@param params { session: string, turn: integer, uri: string, action?: string }
---@param title string
function M.quickfix_edit(params, title)
  local path = vim.uri_to_fname(params.uri)
  local verb = ({ write = 'written', change = 'changed', delete = 'deleted' })[params.action] or 'changed'
  local places = require('specwright.review').take_accepted(params.uri) or { { lnum = 1, text = '' } }
  local items = {}
  for _, p in ipairs(places) do
    table.insert(items, {
      filename = path,
      lnum = p.lnum,
      col = 1,
      text = verb .. (p.text ~= '' and (': ' .. p.text) or ''),
    })
  end
  local key = params.session .. ':' .. tostring(params.turn)
  local valid = edits_list.id and vim.fn.getqflist({ id = edits_list.id }).id == edits_list.id
  if edits_list.key == key and valid then
    vim.fn.setqflist({}, 'a', { id = edits_list.id, items = items })
  else
    vim.fn.setqflist({}, ' ', { title = 'Specwright edits: ' .. title, items = items })
    edits_list = { key = key, id = vim.fn.getqflist({ id = 0 }).id }
  end
end

--- Ends the running turn in the buffer (once, whichever of the `done`
--- event and the chat/send answer comes first).
---@param chat specwright.Chat
---@param stop? string
---@param err? string
local function finish(chat, stop, err)
  if not chat.running then
    return
  end
  chat.running = nil
  chat.client_id = nil
  if err then
    put_lines(chat, vim.split('**Error:** ' .. err, '\n', { plain = true }))
  elseif stop == 'cancelled' then
    put_lines(chat, { '_(stopped)_' })
  elseif stop == 'maxSteps' then
    put_lines(chat, { '_(stopped at the step limit: say "go on" to continue)_' })
  end
  if chat.edits > 0 then
    put_lines(chat, {
      ('_%d file change%s: `:copen` lists them; `:Specwright checkpoints` undoes the turn._'):format(
        chat.edits,
        chat.edits == 1 and '' or 's'
      ),
    })
  end
  chat.edits = 0
  open_prompt(chat)
end

---@param chat specwright.Chat
---@param params table
local function render(chat, params)
  local kind = params.kind
  if kind == 'text' and type(params.text) == 'string' then
    put_text(chat, params.text)
  elseif kind == 'toolCall' then
    put_lines(chat, { ('- `%s`%s'):format(params.name or '?', tool_detail(params.input)) })
  elseif kind == 'toolResult' and params.ok == false then
    local first = vim.trim(params.output or ''):match('^[^\n]*') or ''
    put_lines(chat, { '  - ✗ ' .. first })
  elseif kind == 'edit' and params.uri then
    local verb = ({ write = 'wrote', change = 'changed', delete = 'deleted' })[params.action] or 'changed'
    put_lines(chat, { ('- ✎ %s `%s`'):format(verb, specwright.relative(params.uri)) })
    chat.edits = chat.edits + 1
  elseif kind == 'notice' and params.text then
    put_lines(chat, { '> ' .. params.text:gsub('\n', ' ') })
  elseif kind == 'done' then
    finish(chat, params.text)
  elseif kind == 'error' then
    finish(chat, 'error', params.text or 'the turn failed')
  end
end

--- A chat buffer for a session this client did not start (a task run),
--- shown without taking the cursor.
---@param session string
---@return specwright.Chat
local function follow(session)
  local chat = create({ session = session, title = 'task run' })
  put_lines(chat, { ANSWER, '' })
  chat.last = 'head'
  chat.running = 0
  show(chat, false)
  return chat
end

--- `specwright/chat/event`: renders the event in its session's buffer; the
--- edits also go to the quickfix list.
function M.on_event(_, params, ctx)
  if type(params) ~= 'table' or type(params.session) ~= 'string' then
    return
  end
  if (params.kind == 'done' or params.kind == 'error') and package.loaded['specwright.review'] then
    -- What the turn's reviews accepted and no edit event took is stale now.
    require('specwright.review').forget_accepted(params.session)
  end
  local chat = by_session[params.session]
  if chat and not vim.api.nvim_buf_is_valid(chat.buf) then
    chat = nil
  end
  if not chat and following > 0 then
    chat = follow(params.session)
  end
  if params.kind == 'edit' and params.uri then
    M.quickfix_edit(params, (chat and chat.title or 'chat') .. ' turn ' .. tostring(params.turn))
  end
  if chat then
    if not chat.running and params.kind ~= 'done' and params.kind ~= 'error' then
      -- A turn started elsewhere (the chat document, a task run) for this session.
      put_lines(chat, { ANSWER, '' })
      chat.last = 'head'
      chat.running = params.turn
    end
    if chat.running and ctx and ctx.client_id then
      chat.client_id = ctx.client_id
    end
    render(chat, params)
  end
end

--- Counts a task run this client started, whose session should be shown;
--- call the returned function when it ends.
---@return fun()
function M.follow_runs()
  following = following + 1
  local ended = false
  return function()
    if not ended then
      ended = true
      following = following - 1
    end
  end
end

--- The text under the last `## You`, trimmed.
---@param buf integer
---@return string text, integer? line
local function prompt_text(buf)
  local line = prompt_line(buf)
  if not line then
    return '', nil
  end
  local lines = vim.api.nvim_buf_get_lines(buf, line, -1, false)
  return vim.trim(table.concat(lines, '\n')), line
end

---@param chat specwright.Chat
---@param text string
local function send_turn(chat, text)
  local items = context.parse(text, specwright.root(), chat.origin)
  local _, line = prompt_text(chat.buf)
  -- The question as sent, then the answer's heading.
  local lines = vim.list_extend({ '' }, vim.split(text, '\n', { plain = true }))
  vim.list_extend(lines, { '', ANSWER, '', '' })
  following_end(chat.buf, function()
    vim.api.nvim_buf_set_lines(chat.buf, line, -1, false, lines)
  end)
  chat.last = 'head'
  chat.running = 0
  chat.edits = 0
  chat.sent = (chat.sent or 0) + 1
  local sent = chat.sent
  local params = { session = chat.session, text = text }
  if #items > 0 then
    params.context = items
  end
  local client, id = specwright.request('specwright/chat/send', params, function(result)
    if result then
      -- The turn's `done` event may come just after the answer; a server
      -- that sent none still gets its turn closed.
      local stop = result.stopReason
      vim.defer_fn(function()
        if chat.sent == sent then
          finish(chat, stop, stop == 'error' and (result.text ~= '' and result.text or 'the model failed') or nil)
        end
      end, 500)
    end
  end, nil, function(err)
    finish(chat, 'error', err.message or vim.inspect(err))
  end)
  if not id then
    -- Not sent (the server cannot start, or is shutting down): no answer
    -- will come.
    finish(chat, 'error', NOT_RUNNING)
  elseif chat.running then
    chat.client_id = client and client.id
  end
end

--- Sends the question under the last `## You` of `buf` (default: the
--- current chat); the session is created with the first question.
---@param buf? integer
function M.send(buf)
  local chat = M.get(buf)
  if not chat then
    return notify('no chat buffer: :Specwright chat', vim.log.levels.WARN)
  end
  if chat.running then
    return notify('the agent is answering; <C-c> stops it', vim.log.levels.WARN)
  end
  local text = prompt_text(chat.buf)
  if text == '' then
    return notify('write your question under "## You" first', vim.log.levels.WARN)
  end
  last_chat = chat
  if chat.session then
    return send_turn(chat, text)
  end
  local first = text:match('^[^\n]*')
  local params = { title = #first > 60 and (first:sub(1, 57) .. '…') or first }
  local spec = context.spec_dir_of(chat.origin)
  if spec then
    params.spec = vim.fs.basename(spec)
  end
  if chat.autopilot ~= nil then
    params.autopilot = chat.autopilot
  end
  chat.running = 0 -- no second send while the session is made
  local client, id = specwright.request('specwright/chat/new', params, function(result)
    chat.running, chat.client_id = nil, nil
    if type(result) ~= 'table' or type(result.session) ~= 'string' then
      return notify('the server made no session', vim.log.levels.ERROR)
    end
    chat.session, chat.title = result.session, params.title
    by_session[chat.session] = chat
    name_buffer(chat)
    send_turn(chat, text)
  end, nil, function()
    chat.running, chat.client_id = nil, nil
  end)
  if not id then
    -- Not sent: the question stays under "## You" for another try.
    chat.running, chat.client_id = nil, nil
    if client then
      notify(NOT_RUNNING, vim.log.levels.ERROR)
    end
  elseif chat.running then
    chat.client_id = client and client.id
  end
end

--- Ends, with an error, every turn running on the client `client_id`,
--- which exited: its answers and events will not come.
---@param client_id integer
function M.client_exited(client_id)
  for _, chat in pairs(by_buf) do
    local mine = chat.client_id == nil or chat.client_id == client_id
    if chat.running and mine and vim.api.nvim_buf_is_valid(chat.buf) then
      if not chat.session then
        -- The session was being made: the question is still under "## You".
        chat.running, chat.client_id = nil, nil
        notify('the server stopped before the chat session was made', vim.log.levels.ERROR)
      else
        -- A late answer of the turn does not end the next one.
        chat.sent = (chat.sent or 0) + 1
        finish(chat, 'error', 'the server stopped; the turn did not finish')
      end
    end
  end
end

--- Sends `text` as the next question of the current chat (opened if needed).
---@param text string
function M.ask(text)
  local chat = M.open({ focus = true })
  if chat.running then
    return notify('the agent is answering; <C-c> stops it', vim.log.levels.WARN)
  end
  local line = prompt_line(chat.buf)
  if not line then
    open_prompt(chat)
    line = prompt_line(chat.buf)
  end
  local lines = vim.split(text, '\n', { plain = true })
  vim.api.nvim_buf_set_lines(chat.buf, line, -1, false, vim.list_extend({ '' }, lines))
  M.send(chat.buf)
end

--- Stops the running turn of `buf`'s chat.
---@param buf? integer
function M.cancel(buf)
  local chat = M.get(buf)
  if not chat or not chat.running or not chat.session then
    return notify('no turn is running')
  end
  specwright.request('specwright/chat/cancel', { session = chat.session })
end

-- Sessions ---------------------------------------------------------------------

--- The first text part of a message.
---@param message table
---@param type_ string
local function parts(message, type_)
  return vim.tbl_filter(function(p)
    return type(p) == 'table' and p.type == type_
  end, type(message.content) == 'table' and message.content or {})
end

--- Fills `chat` with the session's conversation (`specwright/chat/history`).
---@param chat specwright.Chat
---@param on_done? fun()
local function load_history(chat, on_done)
  specwright.request('specwright/chat/history', { session = chat.session }, function(result)
    for _, message in ipairs(result and result.messages or {}) do
      if message.role == 'user' then
        local texts = parts(message, 'text')
        if #texts > 0 then
          -- Attached context follows the question in the same message.
          local text = texts[1].text or ''
          local attached = text:find('\n\nAttached ', 1, true)
          local lines = vim.split(vim.trim(attached and text:sub(1, attached - 1) or text), '\n', { plain = true })
          if attached then
            table.insert(lines, '_(with attached context)_')
          end
          put_lines(chat, vim.list_extend({ PROMPT, '' }, lines))
          put_lines(chat, { '', ANSWER, '', '' })
          chat.last = 'head'
        end
      elseif message.role == 'assistant' then
        for _, part in ipairs(message.content or {}) do
          if part.type == 'text' and part.text then
            put_text(chat, part.text)
          elseif part.type == 'tool_use' then
            put_lines(chat, { ('- `%s`%s'):format(part.name or '?', tool_detail(part.input)) })
          end
        end
      end
    end
    open_prompt(chat)
    if on_done then
      on_done()
    end
  end)
end

--- Opens the chat of `session` (its buffer, or a new one filled with its
--- history).
---@param info { session: string, title?: string, autopilot?: boolean }
---@param on_done? fun(chat: specwright.Chat)
function M.open_session(info, on_done)
  local chat = by_session[info.session]
  if chat and vim.api.nvim_buf_is_valid(chat.buf) then
    last_chat = chat
    show(chat, true)
    if on_done then
      on_done(chat)
    end
    return
  end
  chat = create({ session = info.session, title = info.title, autopilot = info.autopilot, origin = origin_file() })
  last_chat = chat
  show(chat, true)
  vim.api.nvim_buf_set_lines(chat.buf, 3, -1, false, { '' })
  load_history(chat, function()
    vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(chat.buf), 0 })
    if on_done then
      on_done(chat)
    end
  end)
end

--- One line of the sessions picker.
---@param s { session: string, title: string, turns: integer, autopilot: boolean }
---@return string
function M.format_session(s)
  local turns = ('%d turn%s'):format(s.turns, s.turns == 1 and '' or 's')
  return ('%s  · %s%s'):format(s.title, turns, s.autopilot and ' · autopilot' or '')
end

--- Picks a session of the workspace (`specwright/chat/list`) and opens it.
function M.pick()
  specwright.request('specwright/chat/list', vim.empty_dict(), function(result)
    local sessions = result and result.sessions or {}
    if #sessions == 0 then
      return notify('no chat sessions yet: :Specwright chat')
    end
    vim.ui.select(sessions, { prompt = 'Chat sessions', format_item = M.format_session }, function(choice)
      if choice then
        M.open_session(choice)
      end
    end)
  end)
end

return M
