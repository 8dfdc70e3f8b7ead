-- What the user sees: live generation previews, hook results, the server's
-- messages and edits, scratch buffers, code lens refreshes and keymaps; the
-- handlers of the server's notifications and requests (chat and edit
-- review live in chat.lua and review.lua).
local config = require('specwright.config')

local M = {}

local group = vim.api.nvim_create_augroup('specwright', { clear = true })

-- Generation previews -------------------------------------------------------

---@class specwright.Preview
---@field buf integer
---@field token? string

---@type specwright.Preview?
local preview = nil

--- Opens (or reuses) the preview buffer that `specwright/stream` fills.
---@param title string
---@return integer buf
function M.open_preview(title)
  local buf = preview and vim.api.nvim_buf_is_valid(preview.buf) and preview.buf or nil
  if not buf then
    buf = vim.api.nvim_create_buf(false, true)
    vim.bo[buf].bufhidden = 'hide'
    vim.bo[buf].filetype = 'markdown'
  end
  pcall(vim.api.nvim_buf_set_name, buf, 'specwright://preview/' .. title)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { '<!-- ' .. title .. ': waiting for the model -->' })
  if vim.fn.bufwinid(buf) == -1 then
    -- A split below; the cursor stays where it was, so the written
    -- document opens in the user's window.
    local from = vim.api.nvim_get_current_win()
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
    vim.api.nvim_set_current_win(from)
  end
  preview = { buf = buf, token = nil }
  return buf
end

--- The preview buffer, if one is open.
---@return integer?
function M.preview_buf()
  return preview and vim.api.nvim_buf_is_valid(preview.buf) and preview.buf or nil
end

--- Appends `text` at the end of `buf`.
---@param buf integer
---@param text string
local function append(buf, text)
  local last = vim.api.nvim_buf_line_count(buf)
  local tail = vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1] or ''
  local pieces = vim.split(tail .. text, '\n', { plain = true })
  vim.api.nvim_buf_set_lines(buf, last - 1, last, false, pieces)
end

---@param params { token: string, uri: string, document: string, delta: string }
local function on_stream(_, params)
  local buf = M.preview_buf()
  if not buf or type(params) ~= 'table' or type(params.delta) ~= 'string' then
    return
  end
  if preview.token ~= params.token then
    -- A new document: start over with its name.
    preview.token = params.token
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, { '<!-- ' .. tostring(params.document) .. ' -->', '' })
  end
  append(buf, params.delta)
  local win = vim.fn.bufwinid(buf)
  if win ~= -1 then
    vim.api.nvim_win_set_cursor(win, { vim.api.nvim_buf_line_count(buf), 0 })
  end
end

-- Hook results ----------------------------------------------------------------

---@param result { name: string, trigger: string, file?: string, ok: boolean, output: string, action: string, timedOut: boolean }
local function on_hook_result(_, result)
  if type(result) ~= 'table' then
    return
  end
  local mode = config.get().notify_hooks
  if mode == 'none' or (mode == 'failures' and result.ok) then
    return
  end
  -- Failures also arrive as the server's window/showMessage; say it once.
  if not result.ok and mode == 'all' then
    return
  end
  local on = result.file and (' on ' .. result.file) or ''
  local state = result.ok and 'done' or (result.timedOut and 'timed out' or 'failed')
  local first = vim.trim(result.output or ''):match('^[^\n]*') or ''
  local msg = ("Hook '%s' (%s%s) %s"):format(result.name, result.trigger, on, state)
  if first ~= '' and result.action ~= 'askAgent' then
    msg = msg .. ': ' .. first
  end
  vim.notify(msg, result.ok and vim.log.levels.INFO or vim.log.levels.WARN, { title = 'Specwright' })
end

-- Neovim 0.11's window/showDocument handler reads the word under the
-- cursor for the tag stack and fails (E348) when there is none; then the
-- document is opened here instead.
local function on_show_document(err, params, ctx)
  local default = vim.lsp.handlers['window/showDocument']
  local ok, result = pcall(default, err, params, ctx)
  if ok then
    return result
  end
  if type(params) ~= 'table' or params.external or type(params.uri) ~= 'string' then
    return { success = false }
  end
  local buf = vim.uri_to_bufnr(params.uri)
  vim.fn.bufload(buf)
  vim.bo[buf].buflisted = true
  vim.api.nvim_win_set_buf(0, buf)
  return { success = true }
end

-- The server's edits (the agent's, task markers, restores) are written once
-- applied, like a refactoring that saves: a task's tests run on the files on
-- disk, and a restore is a restore. Only files under the workspace are
-- written; a file with unsaved changes of the user's stays unsaved, and so
-- does one changed on disk since it was read (the agent's tools, a test run)
-- rather than overwritten. `write_edits = false` leaves every edit unsaved.

--- The files a workspace edit writes to (not those it deletes).
---@param edit table
---@return string[] paths
local function edited_files(edit)
  local uris = {}
  for uri in pairs(type(edit.changes) == 'table' and edit.changes or {}) do
    table.insert(uris, uri)
  end
  for _, change in ipairs(type(edit.documentChanges) == 'table' and edit.documentChanges or {}) do
    if change.textDocument then
      table.insert(uris, change.textDocument.uri)
    elseif change.kind == 'create' then
      table.insert(uris, change.uri)
    elseif change.kind == 'rename' then
      table.insert(uris, change.newUri)
    end
  end
  local paths, seen = {}, {}
  for _, uri in ipairs(uris) do
    local ok, path = pcall(vim.uri_to_fname, uri)
    if ok and not seen[path] then
      seen[path] = true
      table.insert(paths, path)
    end
  end
  return paths
end

---@param path string
---@return integer?
local function loaded_buffer(path)
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.api.nvim_buf_get_name(buf) == path then
      return buf
    end
  end
  return nil
end

--- `path` with `..` and symbolic links resolved (those of its nearest
--- existing folder when it does not exist yet).
---@param path string
---@return string
local function real_path(path)
  path = vim.fs.normalize(path)
  local rest = {}
  local dir = path
  while true do
    local real = vim.uv.fs_realpath(dir)
    if real then
      return #rest == 0 and real or (real:gsub('/$', '') .. '/' .. table.concat(rest, '/'))
    end
    local parent = vim.fs.dirname(dir)
    if parent == dir then
      return path
    end
    table.insert(rest, 1, vim.fs.basename(dir))
    dir = parent
  end
end

--- The folders whose files the server's edits may write: the client's
--- workspace folders and root, else the plugin's root.
---@param client_id? integer
---@return string[]
local function workspace_roots(client_id)
  local client = client_id and vim.lsp.get_client_by_id(client_id)
  local roots = {}
  for _, folder in ipairs(client and client.workspace_folders or {}) do
    local ok, path = pcall(vim.uri_to_fname, folder.uri)
    if ok then
      table.insert(roots, path)
    end
  end
  if client and client.root_dir then
    table.insert(roots, client.root_dir)
  end
  if #roots == 0 then
    table.insert(roots, require('specwright').root())
  end
  return vim.tbl_map(real_path, roots)
end

---@param path string
---@param roots string[]
---@return boolean
local function in_workspace(path, roots)
  local real = real_path(path)
  for _, root in ipairs(roots) do
    root = root:gsub('/$', '')
    if real == root or vim.startswith(real, root .. '/') then
      return true
    end
  end
  return false
end

--- Whether the file of `buf` changed on disk (or went away) since the
--- buffer read or wrote it. `:checktime` asks, with a FileChangedShell
--- autocommand in place: nothing is prompted, nothing reloaded.
---@param buf integer
---@return boolean
local function changed_on_disk(buf)
  local changed = false
  local id = vim.api.nvim_create_autocmd('FileChangedShell', {
    buffer = buf,
    callback = function()
      changed = true
      vim.v.fcs_choice = ''
    end,
  })
  pcall(vim.cmd, 'checktime ' .. buf)
  pcall(vim.api.nvim_del_autocmd, id)
  return changed
end

---@param msg string
local function warn(msg)
  vim.notify('Specwright: ' .. msg, vim.log.levels.WARN, { title = 'Specwright' })
end

local function on_apply_edit(err, params, ctx)
  local write = config.get().write_edits and type(params) == 'table' and type(params.edit) == 'table'
  local clean, outside = {}, {}
  if write then
    local roots = workspace_roots(ctx and ctx.client_id)
    for _, path in ipairs(edited_files(params.edit)) do
      local buf = loaded_buffer(path)
      if not in_workspace(path, roots) then
        table.insert(outside, path)
      elseif not buf or not vim.bo[buf].modified then
        table.insert(clean, path)
      end
    end
  end
  local result = vim.lsp.handlers['workspace/applyEdit'](err, params, ctx)
  if write and type(result) == 'table' and result.applied then
    for _, path in ipairs(clean) do
      local buf = loaded_buffer(path)
      if buf and vim.bo[buf].modified and vim.bo[buf].buftype == '' then
        if changed_on_disk(buf) then
          warn(('left %s unsaved: it changed on disk since it was read (:w! keeps the edit, :e! the file on disk)'):format(path))
        else
          local ok, msg = pcall(vim.api.nvim_buf_call, buf, function()
            vim.cmd('silent write')
          end)
          if not ok then
            warn(('could not write %s: %s'):format(path, msg))
          end
        end
      end
    end
    for _, path in ipairs(outside) do
      local buf = loaded_buffer(path)
      if buf and vim.bo[buf].modified then
        warn(('left %s unsaved: it is outside the workspace'):format(path))
      end
    end
  end
  return result
end

-- The server's messages (a task run's report among them) go through
-- vim.notify, so that notification plugins show them.
local function on_show_message(_, params)
  if type(params) ~= 'table' or type(params.message) ~= 'string' then
    return
  end
  local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO, vim.log.levels.DEBUG }
  local level = levels[params.type] or vim.log.levels.INFO
  local message = params.message:gsub('^Specwright: ', '')
  vim.notify('Specwright: ' .. message, level, { title = 'Specwright' })
end

--- Handlers for the server's custom notifications and requests
--- (lsp/specwright.lua uses them). Chat and review load on first use.
M.handlers = {
  ['specwright/stream'] = on_stream,
  ['specwright/hookResult'] = on_hook_result,
  ['specwright/chat/event'] = function(...)
    return require('specwright.chat').on_event(...)
  end,
  ['specwright/reviewEdits'] = function(...)
    return require('specwright.review').handler(...)
  end,
  ['window/showDocument'] = on_show_document,
  ['window/showMessage'] = on_show_message,
  ['workspace/applyEdit'] = on_apply_edit,
}

-- The client's exit ------------------------------------------------------------

--- Ends what waited on the client `client_id` (once): its running chat
--- turns end with an error, its task runs are forgotten, and review places
--- no edit will take are dropped. Only the modules in use are told.
---@param client_id integer
function M.client_exited(client_id)
  local chat, runs, review = package.loaded['specwright.chat'], package.loaded['specwright.runs'], package.loaded['specwright.review']
  if runs then
    runs.client_exited(client_id)
  end
  if chat then
    chat.client_exited(client_id)
  end
  if review then
    review.forget_accepted(nil, true)
  end
end

--- The client's `on_exit` (lsp/specwright.lua): the pending requests'
--- callbacks are never called once the server is gone.
---@param client_id integer
function M.on_exit(_, _, client_id)
  vim.schedule(function()
    M.client_exited(client_id)
  end)
end

--- What the client declares beyond Neovim's defaults: it reviews edits
--- (`specwright/reviewEdits`) instead of answering Apply / Reject.
M.capabilities = { experimental = { specwright = { reviewEdits = true } } }

-- Scratch buffers -------------------------------------------------------------

--- Shows `lines` in a scratch buffer named `name`, in a split.
---@param name string
---@param lines string[]
---@param filetype? string
---@return integer buf
function M.scratch(name, lines, filetype)
  local buf = vim.fn.bufnr('specwright://' .. name)
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, 'specwright://' .. name)
    vim.bo[buf].bufhidden = 'hide'
  end
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  if filetype then
    vim.bo[buf].filetype = filetype
  end
  if vim.fn.bufwinid(buf) == -1 then
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
  end
  return buf
end

-- Code lenses and keymaps ---------------------------------------------------------

local function is_kiro(buf)
  return vim.api.nvim_buf_get_name(buf):find('/.kiro/', 1, true) ~= nil
end

--- Refreshes the code lenses of `buf` when it is a Kiro document.
---@param buf integer
function M.refresh_codelens(buf)
  if config.get().codelens_refresh and is_kiro(buf) and vim.api.nvim_buf_is_loaded(buf) then
    pcall(vim.lsp.codelens.refresh, { bufnr = buf })
  end
end

local function set_keymaps(buf)
  local keys = config.get().keymaps
  if not keys then
    return
  end
  local function map(lhs, rhs, desc)
    if lhs then
      vim.keymap.set('n', lhs, rhs, { buffer = buf, desc = 'Specwright: ' .. desc })
    end
  end
  map(keys.task_done, '<cmd>Specwright task done<cr>', 'mark the task done')
  map(keys.task_in_progress, '<cmd>Specwright task in-progress<cr>', 'start the task')
  map(keys.task_not_started, '<cmd>Specwright task not-started<cr>', 'reopen the task')
  map(keys.task_start, '<cmd>Specwright task start<cr>', 'the agent implements the task')
  map(keys.chat, '<cmd>Specwright chat<cr>', 'open the chat')
  map(keys.specs, '<cmd>Specwright specs<cr>', 'pick a spec')
  map(keys.codelens, vim.lsp.codelens.run, 'run the code lens')
end

function M.setup_autocmds()
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if not client or client.name ~= 'specwright' then
        return
      end
      set_keymaps(args.buf)
      M.refresh_codelens(args.buf)
    end,
  })
  -- An `on_exit` of the user's replaces the one of lsp/specwright.lua; a
  -- client that detaches because it stopped says so too.
  vim.api.nvim_create_autocmd('LspDetach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == 'specwright' and client:is_stopped() then
        M.client_exited(client.id)
      end
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufEnter', 'BufWritePost', 'InsertLeave' }, {
    group = group,
    callback = function(args)
      if #vim.lsp.get_clients({ bufnr = args.buf, name = 'specwright' }) > 0 then
        M.refresh_codelens(args.buf)
      end
    end,
  })
end

return M
