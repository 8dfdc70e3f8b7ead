-- What the user sees: live generation previews, hook results, scratch
-- buffers, code lens refreshes and keymaps.
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

--- Handlers for the server's custom notifications (lsp/specwright.lua uses them).
M.handlers = {
  ['specwright/stream'] = on_stream,
  ['specwright/hookResult'] = on_hook_result,
  ['window/showDocument'] = on_show_document,
}

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
