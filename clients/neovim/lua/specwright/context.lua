-- The context of a chat question: the `#file:path`, `#folder`, `#spec:name`,
-- `#steering`, `#codebase`, `#problems`, `#gitDiff` and `#mcp:server/uri`
-- tokens it holds become the `context` items of `specwright/chat/send` (the
-- server reads and clips what they name), and the chat buffer's 'omnifunc'
-- completes them.
local specwright = require('specwright')

local M = {}

--- The context tokens of the prompt, with what they attach.
M.KINDS = {
  { word = '#file:', kind = 'file', info = 'a file (its text); #file alone: the file the chat was opened from' },
  { word = '#folder', kind = 'folder', info = 'the workspace folder listing; #folder:path a folder' },
  { word = '#spec:', kind = 'spec', info = 'a spec (requirements, design, tasks); #spec alone: the chat\'s spec' },
  { word = '#steering', kind = 'steering', info = 'every steering document; #steering:name one' },
  { word = '#codebase', kind = 'codebase', info = 'the repository map' },
  { word = '#problems', kind = 'problems', info = 'the spec and steering diagnostics' },
  { word = '#gitDiff', kind = 'gitDiff', info = 'git diff HEAD and untracked files' },
  { word = '#mcp:', kind = 'mcp', info = 'a resource of an MCP server: #mcp:server/uri (see :Specwright mcp)' },
}

local KIND_OF = {}
for _, k in ipairs(M.KINDS) do
  KIND_OF[k.kind:lower()] = k.kind
end

--- The spec folder `path` is in, if any.
---@param path? string
---@return string?
function M.spec_dir_of(path)
  return path and path:match('^(.*/%.kiro/specs/[^/]+)/') or nil
end

--- What follows `#mcp:`, split at its first `/`: the MCP server's name
--- before, the resource's URI after (`everything/demo://a/b` →
--- `everything`, `demo://a/b`). Nil when either is empty.
---@param arg string
---@return string? server, string? uri
function M.mcp_resource(arg)
  local server, uri = arg:match('^([^/]+)/(.+)$')
  return server, uri
end

--- The context items the prompt's `#` tokens ask for: `#file:src/a.ts`,
--- `#folder[:path]`, `#spec:name`, `#steering[:name]`, `#codebase`,
--- `#problems`, `#gitDiff`, `#mcp:server/uri`. A token must start the text
--- or follow a space; unknown kinds are text. Paths are relative to `root`;
--- an MCP resource's URI is sent as written.
---@param text string
---@param root string
---@param origin? string The file the chat was opened from.
---@return { kind: string, uri?: string, server?: string }[]
function M.parse(text, root, origin)
  local items, seen = {}, {}
  local function insert(item)
    local key = item.kind .. '\0' .. (item.uri or '') .. '\0' .. (item.server or '')
    if not seen[key] then
      seen[key] = true
      table.insert(items, item)
    end
  end
  local function add(kind, path)
    insert({ kind = kind, uri = path and vim.uri_from_fname(path) or nil })
  end
  local function resolve(arg)
    arg = vim.fs.normalize(arg) -- `~` and `$VAR` expanded
    if arg:sub(1, 1) ~= '/' then
      arg = vim.fs.normalize(root .. '/' .. arg)
    end
    return (arg:gsub('/$', ''))
  end
  for before, word, colon, arg in ('\n' .. text):gmatch('([%s])#(%a+)(:?)(%S*)') do
    local kind = before and KIND_OF[word:lower()]
    arg = arg:gsub('[%.,;:!?%)%]]+$', '')
    if colon == '' and arg ~= '' then
      kind = nil -- `#filex`: not a token
    end
    if kind == 'file' then
      local path = arg ~= '' and resolve(arg) or origin
      if path then
        add('file', path)
      end
    elseif kind == 'folder' then
      add('folder', arg ~= '' and resolve(arg) or nil)
    elseif kind == 'spec' then
      local dir = arg ~= '' and (arg:find('/', 1, true) and resolve(arg) or (root .. '/.kiro/specs/' .. arg))
        or M.spec_dir_of(origin)
      if dir then
        add('spec', dir)
      end
    elseif kind == 'steering' then
      if arg == '' then
        add('steering', nil)
      else
        local name = arg:match('%.md$') and arg or (arg .. '.md')
        add('steering', name:find('/', 1, true) and resolve(name) or (root .. '/.kiro/steering/' .. name))
      end
    elseif kind == 'mcp' then
      local server, uri = M.mcp_resource(arg)
      if server then
        insert({ kind = 'mcp', server = server, uri = uri })
      end
    elseif kind then
      add(kind, nil)
    end
  end
  return items
end

--- Entries of `dir` starting with `prefix`, folders with a trailing `/`.
---@param dir string
---@param prefix string
---@param folders_only boolean
---@return string[]
local function entries(dir, prefix, folders_only)
  local out = {}
  for name, type in vim.fs.dir(dir) do
    -- Hidden entries only when asked for, but .kiro always.
    local hidden = name:sub(1, 1) == '.' and name ~= '.kiro' and prefix == ''
    if vim.startswith(name, prefix) and name ~= '.git' and not hidden then
      if type == 'directory' then
        table.insert(out, name .. '/')
      elseif not folders_only then
        table.insert(out, name)
      end
    end
  end
  table.sort(out)
  return out
end

--- The `#mcp:` completions for `arg` (what follows `#mcp:`): the resources
--- of the running MCP servers, then `#mcp:<server>/` for the others that
--- could serve one, from `specwright/mcp/status` asked synchronously (no
--- client, no answer within a second: none). Starts no server.
---@param arg string
---@return table[] complete-items
local function complete_mcp(arg)
  local client = vim.lsp.get_clients({ name = 'specwright' })[1]
  if not client or not client.initialized then
    return {}
  end
  local ok, response = pcall(client.request_sync, client, 'specwright/mcp/status', { resources = true }, 1000)
  local servers = ok and response and not response.err and response.result and response.result.servers or {}
  local out, named = {}, {}
  for _, server in ipairs(servers) do
    for _, resource in ipairs(server.resources or {}) do
      local rest = server.name .. '/' .. resource.uri
      if vim.startswith(rest, arg) then
        local info = resource.name .. (resource.description and ('\n' .. resource.description) or '')
        table.insert(out, { word = '#mcp:' .. rest, abbr = rest, menu = '[' .. server.name .. ']', info = info })
      end
    end
  end
  for _, server in ipairs(servers) do
    local usable = server.state ~= 'disabled' and server.state ~= 'not trusted'
    local prefix = server.name .. '/'
    if usable and #(server.resources or {}) == 0 and not named[prefix] and vim.startswith(prefix, arg) then
      named[prefix] = true
      table.insert(out, { word = '#mcp:' .. prefix, menu = '[mcp ' .. server.state .. ']' })
    end
  end
  return out
end

--- Completion of the context token `base` (it starts with `#`): the kinds,
--- then paths of the workspace (`#file:`, `#folder:`), spec names
--- (`#spec:`), steering documents (`#steering:`) and MCP resources
--- (`#mcp:`).
---@param base string
---@param root string
---@return table[] complete-items
function M.complete(base, root)
  local word, arg = base:match('^#(%a*):(.*)$')
  local out = {}
  if not word then
    for _, k in ipairs(M.KINDS) do
      if vim.startswith(k.word:lower(), base:lower()) then
        table.insert(out, { word = k.word, menu = '[Specwright]', info = k.info })
      end
    end
    return out
  end
  local kind = KIND_OF[word:lower()]
  local head = '#' .. word .. ':'
  if kind == 'file' or kind == 'folder' then
    local dir, prefix = arg:match('^(.*/)([^/]*)$')
    dir, prefix = dir or '', prefix or arg
    local base_dir = dir:sub(1, 1) == '/' and dir or (root .. '/' .. dir)
    for _, name in ipairs(entries(base_dir, prefix, kind == 'folder')) do
      table.insert(out, { word = head .. dir .. name, abbr = dir .. name, menu = '[' .. kind .. ']' })
    end
  elseif kind == 'spec' then
    for _, name in ipairs(entries(root .. '/.kiro/specs', arg, true)) do
      table.insert(out, { word = head .. name:gsub('/$', ''), menu = '[spec]' })
    end
  elseif kind == 'steering' then
    for _, name in ipairs(entries(root .. '/.kiro/steering', arg, false)) do
      if name:match('%.md$') then
        table.insert(out, { word = head .. name:gsub('%.md$', ''), menu = '[steering]' })
      end
    end
  elseif kind == 'mcp' then
    out = complete_mcp(arg)
  end
  return out
end

--- 'omnifunc' of chat buffers: completes the `#` context tokens.
---@param findstart integer
---@param base string
---@return integer|table
function M.omnifunc(findstart, base)
  if findstart == 1 then
    local line = vim.api.nvim_get_current_line():sub(1, vim.api.nvim_win_get_cursor(0)[2])
    local start = line:find('#[%a]*:?[^%s]*$')
    if not start or (start > 1 and not line:sub(start - 1, start - 1):match('%s')) then
      return -3 -- no completion, leave the menu closed
    end
    return start - 1
  end
  return M.complete(base, specwright.root())
end

return M
