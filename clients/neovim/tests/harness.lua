-- A small harness for headless Neovim tests of specwright.nvim: each test
-- file runs in its own `nvim --headless --clean -l`, drives the real server
-- binary (and, where a model is needed, the scripted model server), and
-- exits 0 when every assertion held, 1 otherwise. A hang is ended by the
-- runner's timeout.
local H = {}

local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
H.plugin = vim.fn.fnamemodify(here, ':h')
H.repo = vim.fn.fnamemodify(H.plugin, ':h:h')
H.bin = vim.env.SPECWRIGHT_BIN or (H.repo .. '/target/debug/specwright')
H.mock = vim.env.SPECWRIGHT_MODEL_MOCK or (H.repo .. '/target/debug/specwright-model-mock')

--- Loads the plugin from this checkout and sets it up with the server
--- binary under test.
---@param opts? table
function H.setup(opts)
  vim.opt.rtp:prepend(H.plugin)
  vim.cmd('filetype on')
  vim.cmd('runtime! plugin/specwright.lua')
  require('specwright').setup(vim.tbl_deep_extend('force', { server_path = H.bin }, opts or {}))
end

--- A temporary folder holding `files` (path → text); returns its real path.
---@param files table<string, string>
---@return string
function H.workspace(files)
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  dir = vim.uv.fs_realpath(dir)
  for rel, text in pairs(files) do
    local path = dir .. '/' .. rel
    vim.fn.mkdir(vim.fs.dirname(path), 'p')
    local f = assert(io.open(path, 'w'))
    f:write(text)
    f:close()
  end
  return dir
end

---@param path string
---@return string?
function H.read(path)
  local f = io.open(path, 'r')
  if not f then
    return nil
  end
  local text = f:read('*a')
  f:close()
  return text
end

--- Waits up to `ms` for `cond()`; fails the test with `what` otherwise.
function H.wait(what, cond, ms)
  if not vim.wait(ms or 15000, cond, 20) then
    error('timed out waiting for ' .. what, 2)
  end
end

function H.eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

function H.ok(cond, what)
  if not cond then
    error('assertion failed: ' .. (what or '?'), 2)
  end
end

---@param buf integer
---@return string
function H.text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

--- The buffer showing `path`, once it is open in a window.
function H.wait_window(path)
  local win
  H.wait('a window on ' .. path, function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_buf_get_name(vim.api.nvim_win_get_buf(w)) == path then
        win = w
        return true
      end
    end
    return false
  end)
  return vim.api.nvim_win_get_buf(win)
end

--- Opens `path` and waits until the Specwright client is attached to it;
--- returns the buffer.
---@param path string
---@return integer
function H.edit_attached(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  H.wait('the server to attach to ' .. path, function()
    return #vim.lsp.get_clients({ bufnr = buf, name = 'specwright' }) > 0
  end)
  return buf
end

--- A workspace with the demo spec and its tasks.md, that tasks.md open
--- with the server attached: returns the workspace and the buffer.
---@return string ws, integer buf
function H.open_demo_tasks()
  local files = vim.deepcopy(H.spec)
  files['.kiro/specs/demo/tasks.md'] = H.tasks
  local ws = H.workspace(files)
  vim.cmd.cd(ws)
  return ws, H.edit_attached(ws .. '/.kiro/specs/demo/tasks.md')
end

--- Starts the scripted model server with `script` (a list of replies, see
--- `specwright-model-mock --help`); returns its base URL. Every request it
--- gets is recorded: H.model_requests() reads them.
---@param script table
---@return string
function H.model_server(script)
  local file = vim.fn.tempname() .. '.json'
  local f = assert(io.open(file, 'w'))
  f:write(vim.json.encode(script))
  f:close()
  H.model_record = vim.fn.tempname() .. '.jsonl'
  local url
  local proc = vim.system({ H.mock, '--port', '0', '--script', file, '--record', H.model_record }, {
    stdout = function(_, data)
      if data and not url then
        url = data:match('listening on (http://[%d%.:]+)')
      end
    end,
  })
  H.model_proc = proc
  H.wait('the model server', function()
    return url ~= nil
  end, 10000)
  return url
end

--- The requests the scripted model server got so far, each
--- `{method, path, headers, body, raw_body}`.
---@return table[]
function H.model_requests()
  local out = {}
  for line in vim.gsplit(H.read(H.model_record or '') or '', '\n', { plain = true, trimempty = true }) do
    table.insert(out, vim.json.decode(line))
  end
  return out
end

--- Replaces vim.notify; returns the list the messages are collected in.
---@return { msg: string, level?: integer }[]
function H.capture_notify()
  local messages = {}
  vim.notify = function(msg, level)
    table.insert(messages, { msg = msg, level = level })
  end
  return messages
end

--- Whether one of `messages` contains `text`.
function H.notified(messages, text)
  return vim.iter(messages):any(function(m)
    return m.msg:find(text, 1, true) ~= nil
  end)
end

--- Runs the tests and exits: 0 when all passed. Neovim leaving before
--- they end (a prompt read the end of stdin) is a failure.
---@param tests table<integer, { [1]: string, [2]: fun() }>
function H.run(tests)
  local finished = false
  vim.api.nvim_create_autocmd('VimLeavePre', {
    callback = function()
      if not finished then
        io.stdout:write('FAIL Neovim quit before the tests ended (did something prompt?)\n')
        io.stdout:flush()
        os.exit(1)
      end
    end,
  })
  local failed = 0
  for _, t in ipairs(tests) do
    local ok, err = xpcall(t[2], debug.traceback)
    if ok then
      io.stdout:write('ok   ' .. t[1] .. '\n')
    else
      failed = failed + 1
      io.stdout:write('FAIL ' .. t[1] .. '\n' .. tostring(err) .. '\n')
    end
  end
  if H.model_proc then
    pcall(function()
      H.model_proc:kill(9)
    end)
  end
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop(true)
  end
  io.stdout:flush()
  finished = true
  os.exit(failed == 0 and 0 or 1)
end

--- A small spec: two requirements (1.1, 1.2, 2.1), a design, and tasks
--- that cite a criterion that does not exist (1.9).
H.spec = {
  ['.kiro/specs/demo/requirements.md'] = [[# Requirements Document

## Introduction

Users sign up and log in.

## Requirements

### Requirement 1: Sign up

**User Story:** As a visitor, I want to create an account, so that I can log in.

#### Acceptance Criteria

1. WHEN a visitor submits a valid email and password THEN the Auth_Service SHALL create the account
2. IF the email is already registered THEN the Auth_Service SHALL reject the request

### Requirement 2: Log in

**User Story:** As a user, I want to log in, so that I get a token.

#### Acceptance Criteria

1. WHEN a user submits valid credentials THEN the Auth_Service SHALL issue a signed JWT
]],
  ['.kiro/specs/demo/design.md'] = [[# Design Document

## Overview

An Express API with an auth service.

## Architecture

Routes call the Auth_Service.
]],
}

H.tasks = [[# Implementation Plan

- [ ] 1. Create the user store
  - _Requirements: 1.1, 1.2_

- [ ] 2. Issue tokens
  - _Requirements: 2.1, 1.9_
]]

return H
