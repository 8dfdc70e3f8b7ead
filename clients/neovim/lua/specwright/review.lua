-- Edit review: the server's `specwright/reviewEdits` request (sent instead
-- of an Apply / Reject question when the client declares
-- `experimental.specwright.reviewEdits`) opens a tab with the current text
-- and the proposed text side by side in diff mode. Keys decide hunks or
-- whole files; the answer says what was accepted and the server applies
-- only that. The hunks are the server's; this file only asks.
local M = {}

local ns = vim.api.nvim_create_namespace('specwright-review')

--- The keys of the review buffers (documented in `:h specwright-review`).
M.keys = {
  accept = 'a',
  reject = 'r',
  accept_file = 'A',
  reject_file = 'R',
  next_file = ']f',
  prev_file = '[f',
  finish = 'q',
}

---@class specwright.ReviewFile
---@field uri string
---@field action 'create'|'change'|'delete'
---@field oldText? string
---@field newText? string
---@field hunks { oldStart: integer, oldLines: integer, newStart: integer, newLines: integer, text: string }[]
---@field decisions table<integer, boolean> By hunk (1-based here, 0-based in the answer).

---@class specwright.Review
---@field title string
---@field session? string The chat session the change comes from.
---@field files specwright.ReviewFile[]
---@field index integer The file shown.
---@field tab? integer
---@field old_buf? integer
---@field new_buf? integer
---@field from_win? integer
---@field done boolean
---@field on_done fun(answer: { files: { uri: string, accepted: boolean|integer[] }[] })

--- Where the accepted hunks of each file ended up, for the quickfix list
--- (taken when the server reports the edit), and the session they are of.
--- What no edit event took (the edit failed, was not reported) is dropped
--- when the session's turn ends or its next review opens.
---@type table<string, { session?: string, places: { lnum: integer, text: string }[] }>
local accepted_places = {}

--- The places of the accepted hunks of `uri` (once), or nil.
---@param uri string
---@return { lnum: integer, text: string }[]?
function M.take_accepted(uri)
  local entry = accepted_places[uri]
  accepted_places[uri] = nil
  return entry and entry.places or nil
end

--- Drops the places no edit event took: those of `session`, or all of them
--- when `all`.
---@param session? string
---@param all? boolean
function M.forget_accepted(session, all)
  for uri, entry in pairs(accepted_places) do
    if all or entry.session == session then
      accepted_places[uri] = nil
    end
  end
end

---@param text? string|userdata
---@return string[]
local function lines_of(text)
  if type(text) ~= 'string' or text == '' then
    return {}
  end
  local lines = vim.split(text, '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  return lines
end

--- The hunk's lines on one side: its first line and how many.
---@param hunk table
---@param side 'old'|'new'
---@return integer first, integer last
local function span(hunk, side)
  local start = side == 'new' and hunk.newStart or hunk.oldStart
  local count = side == 'new' and hunk.newLines or hunk.oldLines
  start = math.max(start, 1)
  return start, start + math.max(count, 1) - 1
end

--- The hunk at `line` of `side` (the nearest when none spans it).
---@param file specwright.ReviewFile
---@param side 'old'|'new'
---@param line integer
---@return integer?
local function hunk_at(file, side, line)
  local best, distance
  for i, hunk in ipairs(file.hunks) do
    local first, last = span(hunk, side)
    local d = line < first and first - line or (line > last and line - last or 0)
    if not distance or d < distance then
      best, distance = i, d
    end
  end
  return best
end

--- The first changed line of a hunk (after its leading context) on `side`,
--- and the first changed text.
---@param hunk table
---@param side 'old'|'new'
---@return integer line, string text
local function first_change(hunk, side)
  local context, changed, text = 0, false, nil
  local mine = side == 'new' and '+' or '-'
  for l in vim.gsplit(hunk.text or '', '\n', { plain = true }) do
    local sign = l:sub(1, 1)
    if sign == ' ' and not changed then
      context = context + 1
    elseif sign == '+' or sign == '-' then
      changed = true
      if sign == mine then
        text = vim.trim(l:sub(2))
        break
      end
    end
  end
  local first = span(hunk, side)
  return first + context, text or ''
end

---@param file specwright.ReviewFile
---@return boolean
local function whole_file_only(file)
  return file.action ~= 'change'
end

---@param review specwright.Review
---@return boolean
local function all_decided(review)
  for _, file in ipairs(review.files) do
    for i = 1, #file.hunks do
      if file.decisions[i] == nil then
        return false
      end
    end
  end
  return true
end

--- The answer: per file `true`, `false` or the accepted hunks' indices.
---@param review specwright.Review
---@return { files: { uri: string, accepted: boolean|integer[] }[] }
function M.answer(review)
  local files = {}
  for _, file in ipairs(review.files) do
    local accepted, all = {}, #file.hunks > 0
    for i = 1, #file.hunks do
      if file.decisions[i] then
        table.insert(accepted, i - 1)
      else
        all = false
      end
    end
    local value
    if all then
      value = true
    elseif #accepted == 0 or whole_file_only(file) then
      value = false
    else
      value = accepted
    end
    table.insert(files, { uri = file.uri, accepted = value })
  end
  return { files = files }
end

--- Records where each accepted hunk lands in the file as it will be.
---@param review specwright.Review
local function record_places(review)
  for _, file in ipairs(review.files) do
    local places, shift = {}, 0
    for i, hunk in ipairs(file.hunks) do
      if file.decisions[i] then
        local line, text = first_change(hunk, 'new')
        table.insert(places, {
          lnum = math.max(line - shift, 1),
          text = ('hunk %d of %d%s'):format(i, #file.hunks, text ~= '' and (': ' .. text) or ''),
        })
      else
        -- A rejected hunk keeps its old lines.
        shift = shift + (hunk.newLines - hunk.oldLines)
      end
    end
    if #places > 0 then
      accepted_places[file.uri] = { session = review.session, places = places }
    end
  end
end

---@param review specwright.Review
local function finish(review)
  if review.done then
    return
  end
  review.done = true
  local answer = M.answer(review)
  record_places(review)
  for _, buf in ipairs({ review.old_buf, review.new_buf }) do
    if buf and vim.api.nvim_buf_is_valid(buf) then
      pcall(vim.api.nvim_buf_delete, buf, { force = true })
    end
  end
  if review.from_win and vim.api.nvim_win_is_valid(review.from_win) then
    pcall(vim.api.nvim_set_current_win, review.from_win)
  end
  review.on_done(answer)
end

--- Marks each hunk's state at its first line, on both sides.
---@param review specwright.Review
local function mark(review)
  local file = review.files[review.index]
  for side, buf in pairs({ old = review.old_buf, new = review.new_buf }) do
    vim.api.nvim_buf_clear_namespace(buf, ns, 0, -1)
    local count = vim.api.nvim_buf_line_count(buf)
    for i, hunk in ipairs(file.hunks) do
      local line = math.min(first_change(hunk, side), count)
      local decision = file.decisions[i]
      local label, hl
      if decision == true then
        label, hl = ('✓ hunk %d/%d accepted'):format(i, #file.hunks), 'DiffAdd'
      elseif decision == false then
        label, hl = ('✗ hunk %d/%d rejected'):format(i, #file.hunks), 'DiffDelete'
      else
        label, hl = ('hunk %d/%d: %s accept, %s reject'):format(i, #file.hunks, M.keys.accept, M.keys.reject), 'Comment'
      end
      vim.api.nvim_buf_set_extmark(buf, ns, line - 1, 0, { virt_text = { { label, hl } }, virt_text_pos = 'eol' })
    end
  end
end

---@param s string
---@return string
local function bar_escape(s)
  return (s:gsub('%%', '%%%%'))
end

--- Shows file `index` of the review in both buffers.
---@param review specwright.Review
---@param index integer
local function show_file(review, index)
  review.index = index
  local file = review.files[index]
  local rel = require('specwright').relative(file.uri)
  local ft = vim.filetype.match({ filename = vim.uri_to_fname(file.uri) }) or ''
  for side, buf in pairs({ old = review.old_buf, new = review.new_buf }) do
    vim.bo[buf].modifiable = true
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines_of(side == 'old' and file.oldText or file.newText))
    vim.bo[buf].modifiable = false
    vim.bo[buf].filetype = ft
    pcall(vim.api.nvim_buf_set_name, buf, ('specwright://review/%d/%s/%s'):format(review.new_buf, side, rel))
  end
  local keys = M.keys
  local bar = ('Specwright review %d/%d: %s (%s)  %s/%s hunk  %s/%s file  %s %s files  %s finish'):format(
    index,
    #review.files,
    rel,
    file.action,
    keys.accept,
    keys.reject,
    keys.accept_file,
    keys.reject_file,
    keys.next_file,
    keys.prev_file,
    keys.finish
  )
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(review.tab)) do
    local buf = vim.api.nvim_win_get_buf(win)
    if buf == review.new_buf then
      vim.wo[win].winbar = '%#Title#' .. bar_escape(bar)
    elseif buf == review.old_buf then
      vim.wo[win].winbar = bar_escape(file.action == 'create' and 'does not exist yet' or 'now')
    end
    vim.api.nvim_win_call(win, function()
      vim.cmd('diffupdate')
    end)
  end
  mark(review)
end

--- The next file with an undecided hunk after the current one, or nil.
---@param review specwright.Review
---@return integer?
local function next_undecided_file(review)
  local n = #review.files
  for step = 1, n do
    local i = (review.index - 1 + step) % n + 1
    local file = review.files[i]
    for h = 1, #file.hunks do
      if file.decisions[h] == nil then
        return i
      end
    end
  end
  return nil
end

--- Moves the cursor to hunk `i` of the file shown.
---@param review specwright.Review
---@param i integer
local function goto_hunk(review, i)
  local file = review.files[review.index]
  local buf = vim.api.nvim_get_current_buf()
  local side = buf == review.old_buf and 'old' or 'new'
  local line = math.min(first_change(file.hunks[i], side), vim.api.nvim_buf_line_count(buf))
  pcall(vim.api.nvim_win_set_cursor, 0, { line, 0 })
end

--- After a decision: the next undecided hunk of this file, else of the
--- next file; the review ends when every hunk is decided.
---@param review specwright.Review
local function advance(review)
  mark(review)
  local file = review.files[review.index]
  for i = 1, #file.hunks do
    if file.decisions[i] == nil then
      return goto_hunk(review, i)
    end
  end
  local nxt = next_undecided_file(review)
  if nxt then
    show_file(review, nxt)
    for i = 1, #review.files[nxt].hunks do
      if review.files[nxt].decisions[i] == nil then
        return goto_hunk(review, i)
      end
    end
  elseif all_decided(review) then
    finish(review)
  end
end

--- Decides the hunk under the cursor (every hunk for a created or deleted file).
---@param review specwright.Review
---@param accept boolean
function M.decide_hunk(review, accept)
  local file = review.files[review.index]
  if whole_file_only(file) then
    return M.decide_file(review, accept)
  end
  local buf = vim.api.nvim_get_current_buf()
  local side = buf == review.old_buf and 'old' or 'new'
  local i = hunk_at(file, side, vim.api.nvim_win_get_cursor(0)[1])
  if i then
    file.decisions[i] = accept
  end
  advance(review)
end

--- Decides every hunk of the file shown.
---@param review specwright.Review
---@param accept boolean
function M.decide_file(review, accept)
  local file = review.files[review.index]
  for i = 1, #file.hunks do
    file.decisions[i] = accept
  end
  advance(review)
end

---@param review specwright.Review
local function set_keymaps(review)
  local keys = M.keys
  local actions = {
    [keys.accept] = { 'accept the hunk under the cursor', function()
      M.decide_hunk(review, true)
    end },
    [keys.reject] = { 'reject the hunk under the cursor', function()
      M.decide_hunk(review, false)
    end },
    [keys.accept_file] = { 'accept the whole file', function()
      M.decide_file(review, true)
    end },
    [keys.reject_file] = { 'reject the whole file', function()
      M.decide_file(review, false)
    end },
    [keys.next_file] = { 'the next file', function()
      show_file(review, review.index % #review.files + 1)
    end },
    [keys.prev_file] = { 'the previous file', function()
      show_file(review, (review.index - 2) % #review.files + 1)
    end },
    [keys.finish] = { 'finish the review (what is undecided is rejected)', function()
      finish(review)
    end },
  }
  for _, buf in ipairs({ review.old_buf, review.new_buf }) do
    for lhs, action in pairs(actions) do
      vim.keymap.set('n', lhs, action[2], { buffer = buf, nowait = true, desc = 'Specwright review: ' .. action[1] })
    end
    -- Closing a side by hand finishes the review too.
    vim.api.nvim_create_autocmd('BufWipeout', {
      buffer = buf,
      once = true,
      callback = function()
        vim.schedule(function()
          finish(review)
        end)
      end,
    })
  end
end

---@return integer
local function scratch()
  local buf = vim.api.nvim_create_buf(false, true)
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  return buf
end

--- Opens the review of `params` (`specwright/reviewEdits`) and calls
--- `on_done(answer)` once the user finished it.
---@param params { session?: string, title: string, files: table[] }
---@param on_done fun(answer: { files: { uri: string, accepted: boolean|integer[] }[] })
---@return specwright.Review?
function M.open(params, on_done)
  local session = type(params) == 'table' and type(params.session) == 'string' and params.session or nil
  M.forget_accepted(session)
  local files = {}
  for _, f in ipairs(type(params) == 'table' and params.files or {}) do
    if type(f) == 'table' and type(f.uri) == 'string' then
      local hunks = type(f.hunks) == 'table' and f.hunks or {}
      if #hunks == 0 then
        -- Nothing to pick from: the file is one decision.
        hunks = { { oldStart = 1, oldLines = 0, newStart = 1, newLines = 0, text = '' } }
      end
      table.insert(files, {
        uri = f.uri,
        action = f.action or 'change',
        oldText = f.oldText,
        newText = f.newText,
        hunks = hunks,
        decisions = {},
      })
    end
  end
  if #files == 0 then
    on_done({ files = {} })
    return nil
  end
  ---@type specwright.Review
  local review = {
    title = params.title or 'Specwright: review the changes',
    session = session,
    files = files,
    index = 1,
    done = false,
    from_win = vim.api.nvim_get_current_win(),
    on_done = on_done,
  }
  review.new_buf, review.old_buf = scratch(), scratch()
  -- The keys are normal-mode keys: a review may arrive while you type.
  vim.cmd('stopinsert')
  vim.cmd('tabnew')
  review.tab = vim.api.nvim_get_current_tabpage()
  local placeholder = vim.api.nvim_get_current_buf()
  vim.api.nvim_win_set_buf(0, review.new_buf)
  if placeholder ~= review.new_buf and vim.api.nvim_buf_is_valid(placeholder) then
    pcall(vim.api.nvim_buf_delete, placeholder, {})
  end
  vim.cmd('diffthis')
  vim.cmd('leftabove vsplit')
  vim.api.nvim_win_set_buf(0, review.old_buf)
  vim.cmd('diffthis')
  vim.cmd('wincmd l')
  show_file(review, 1)
  set_keymaps(review)
  goto_hunk(review, 1)
  vim.notify(review.title, vim.log.levels.INFO, { title = 'Specwright' })
  return review
end

--- The handler of `specwright/reviewEdits`: Neovim runs server requests in
--- a coroutine, so the answer waits for the user.
function M.handler(_, params)
  local co, is_main = coroutine.running()
  if not co or is_main then
    -- Nowhere to wait: nothing is accepted.
    return { files = {} }
  end
  M.open(params, function(answer)
    vim.schedule(function()
      coroutine.resume(co, answer)
    end)
  end)
  return coroutine.yield()
end

return M
