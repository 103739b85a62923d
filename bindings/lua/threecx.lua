--- libthreecx for Lua: an idiomatic layer over the SWIG module threecx_native.
--
-- Every function returns its result, or nil and an error table
--   { code = 14, name = "THREECX_E_HTTP", message = "...",
--     status = 404, odata_code = "NotFound", odata_message = "...", body = "..." }
-- (status/odata_* only for HTTP errors). Objects free their handle in __gc
-- (or at once with :close(), also used by Lua 5.4 `<close>` variables).
local native = require "threecx_native"

local M = { native = native }

local ErrorMT = {}
ErrorMT.__index = ErrorMT
ErrorMT.__tostring = function(e)
  local s = string.format("%s (%d): %s", e.name or "?", e.code or -1, e.message or "")
  if e.status then s = s .. string.format(" [HTTP %d %s]", e.status, e.odata_code or "") end
  return s
end
M.Error = ErrorMT

local function mkerr(e)
  if type(e) ~= "table" then
    -- a SWIG argument check (wrong Lua type): report it as an invalid argument
    e = { code = native.THREECX_E_INVALID_ARGUMENT, name = "THREECX_E_INVALID_ARGUMENT",
          message = tostring(e) }
  end
  return setmetatable(e, ErrorMT)
end

-- Calls a raw function; returns its values, or nil, err, <outs...>.
local function call(f, ...)
  local r = table.pack(pcall(f, ...))
  if not r[1] then return nil, mkerr(r[2]) end
  if r[2] == nil and type(r[3]) == "table" then
    r[3] = mkerr(r[3])
    return table.unpack(r, 2, r.n)
  end
  return table.unpack(r, 2, r.n)
end

-- Objects -------------------------------------------------------------------

local function class(free_fn)
  local C = {}
  C.__index = C
  function C:close()
    local h = rawget(self, "_h")
    if h then
      self._h = nil
      native[free_fn](h)
    end
  end
  C.__gc = C.close
  C.__close = C.close
  return C
end

local function wrap(C, h) return setmetatable({ _h = h }, C) end

local Client = class("threecx_client_free")
local Query = class("threecx_query_free")
local Request = class("threecx_request_free")
local Response = class("threecx_response_free")
local Pager = class("threecx_pager_free")
M.Client, M.Query, M.Request, M.Response, M.Pager = Client, Query, Request, Response, Pager

-- Query ---------------------------------------------------------------------

local query_setters = {
  top = "threecx_query_set_top", skip = "threecx_query_set_skip",
  search = "threecx_query_set_search", filter = "threecx_query_set_filter",
  count = "threecx_query_set_count", orderby = "threecx_query_set_orderby",
  select = "threecx_query_set_select", expand = "threecx_query_set_expand",
}
local query_order = { "filter", "search", "orderby", "select", "expand", "count", "top", "skip" }

--- threecx.query{top=5, count=true, select="Id,Username", params={name=value}}
function M.query(t)
  local h, err = call(native.threecx_query_new)
  if not h then return nil, err end
  local q = wrap(Query, h)
  for _, k in ipairs(query_order) do
    local v = t and t[k]
    if v ~= nil then
      if k == "count" then v = v and 1 or 0 end
      local ok, e = call(native[query_setters[k]], h, v)
      if not ok then q:close(); return nil, e end
    end
  end
  for k in pairs(t or {}) do
    if not query_setters[k] and k ~= "params" then
      q:close()
      return nil, mkerr { code = native.THREECX_E_INVALID_ARGUMENT,
                          name = "THREECX_E_INVALID_ARGUMENT",
                          message = "unknown query option '" .. tostring(k) .. "'" }
    end
  end
  if t and t.params then
    local names = {}
    for k in pairs(t.params) do names[#names + 1] = k end
    table.sort(names)
    for _, k in ipairs(names) do
      local ok, e = call(native.threecx_query_add_param, h, k, tostring(t.params[k]))
      if not ok then q:close(); return nil, e end
    end
  end
  return q
end

function Query:string() return call(native.threecx_query_to_string, self._h) end

local function as_query(q)
  if q == nil then return nil end
  if getmetatable(q) == Query then return q end
  return M.query(q)
end

-- Client --------------------------------------------------------------------

--- threecx.client(domain, client_id, api_key [, opts])
-- opts: allow_http, ca_file, ca_path, ca_pem (PEM text), pinned_public_key, timeout_ms,
--       max_response_bytes, connect_timeout_ms, user_agent, insecure_skip_tls_verify
function M.client(domain, id, key, opts)
  local h, err = call(native.threecx_client_new, domain, id, key)
  if not h then return nil, err end
  local c = wrap(Client, h)
  opts = opts or {}
  local setters = {
    { "allow_http", "threecx_client_allow_http", function(v) return v and 1 or 0 end },
    { "ca_file", "threecx_client_set_ca_file" },
    { "ca_path", "threecx_client_set_ca_path" },
    { "pinned_public_key", "threecx_client_set_pinned_public_key" },
    { "timeout_ms", "threecx_client_set_timeout_ms" },
    { "max_response_bytes", "threecx_client_set_max_response_bytes" },
    { "connect_timeout_ms", "threecx_client_set_connect_timeout_ms" },
    { "user_agent", "threecx_client_set_user_agent" },
    { "insecure_skip_tls_verify", "threecx_client_set_insecure_skip_tls_verify",
      function(v) return v and 1 or 0 end },
  }
  for _, s in ipairs(setters) do
    local v = opts[s[1]]
    if v ~= nil then
      if s[3] then v = s[3](v) end
      local ok, e = call(native[s[2]], h, v)
      if not ok then c:close(); return nil, e end
    end
  end
  if opts.ca_pem ~= nil then
    local ok, e = call(native.threecx_client_set_ca_pem, h, opts.ca_pem, #opts.ca_pem)
    if not ok then c:close(); return nil, e end
  end
  return c
end

function M.client_from_env()
  local h, err = call(native.threecx_client_new_from_env)
  if not h then return nil, err end
  return wrap(Client, h)
end

function Client:base_url() return call(native.threecx_client_base_url, self._h) end
function Client:authenticate() return call(native.threecx_client_authenticate, self._h) end

local function fill_request(r, opts)
  opts = opts or {}
  local steps = {}
  for name, v in pairs(opts.params or {}) do steps[#steps + 1] = { r.param, name, v } end
  if opts.query then steps[#steps + 1] = { r.query, opts.query } end
  for name, v in pairs(opts.headers or {}) do steps[#steps + 1] = { r.header, name, v } end
  if opts.body then steps[#steps + 1] = { r.body, opts.body } end
  for _, st in ipairs(steps) do
    local ok, e = st[1](r, table.unpack(st, 2))
    if not ok then return nil, e end
  end
  return r
end

-- A Request around a new handle h (or the error of making it), filled from opts.
local function new_request(h, err, opts)
  if not h then return nil, err end
  local r = wrap(Request, h)
  local ok, e = fill_request(r, opts)
  if not ok then r:close(); return nil, e end
  return r
end

--- client:request(method, path [, {params=, query=, headers=, body=}]) -> Request
function Client:request(method, path, opts)
  local h, err = call(native.threecx_request_new, self._h, method, path)
  return new_request(h, err, opts)
end

--- client:op(operation_id [, opts]) -> Request, checked against the catalog
function Client:op(operation_id, opts)
  local h, err = call(native.threecx_request_new_op, self._h, operation_id)
  return new_request(h, err, opts)
end

local function send_body(self, method, path, opts)
  local r, err = self:request(method, path, opts)
  if not r then return nil, err end
  local resp, e = r:send()
  r:close()
  if not resp then return nil, e end
  local body, e2 = resp:body()
  resp:close()
  return body, e2
end

--- client:get(path [, opts]) -> body string, or nil, err
function Client:get(path, opts) return send_body(self, "GET", path, opts) end
function Client:delete(path, opts) return send_body(self, "DELETE", path, opts) end
-- opts with body set, as a new table (the caller's is never changed)
local function with_body(opts, body)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  o.body = body
  return o
end
function Client:post(path, body, opts) return send_body(self, "POST", path, with_body(opts, body)) end
function Client:patch(path, body, opts) return send_body(self, "PATCH", path, with_body(opts, body)) end

--- threecx.null: a parameter value sent as the OData null (a nil cannot sit
-- in a Lua table).
M.null = setmetatable({}, { __tostring = function() return "threecx.null" end })

local KIND_OF_TYPE  -- catalog parameter type -> Request:param kind

--- client:call(operation_id [, {params=, query=, headers=, body=}])
--   -> body string, status   (or nil, err)
-- Sends one operation of the catalog. Parameters are given by their spec
-- names and rendered by their catalog type (a date-time or GUID parameter
-- takes a string, threecx.null sends null), so
--   c:call("GetLogs", { params = { startDate = "2026-01-01T00:00:00Z",
--     endDate = "2026-01-02T00:00:00Z", extension = threecx.null,
--     call = threecx.null, severity = threecx.null } })
function Client:call(operation_id, opts)
  opts = opts or {}
  local op, err = M.operation(operation_id)
  if not op then return nil, err end
  KIND_OF_TYPE = KIND_OF_TYPE or {
    [native.THREECX_TYPE_STRING] = "string", [native.THREECX_TYPE_INT32] = "int",
    [native.THREECX_TYPE_BOOL] = "bool", [native.THREECX_TYPE_GUID] = "guid",
    [native.THREECX_TYPE_DATETIME] = "datetime",
  }
  local h, e = call(native.threecx_request_new_op, self._h, operation_id)
  local r, e2 = new_request(h, e, { query = opts.query, headers = opts.headers, body = opts.body })
  if not r then return nil, e2 end
  local kinds = {}
  for _, p in ipairs(op.params) do kinds[p.name] = KIND_OF_TYPE[p.type] end
  for name, v in pairs(opts.params or {}) do
    -- an unknown name is refused by the library (kind nil: guessed from v)
    local ok, pe
    if v == M.null then ok, pe = r:param(name, nil, "null")
    else ok, pe = r:param(name, v, kinds[name]) end
    if not ok then r:close(); return nil, pe end
  end
  local resp, se = r:send()
  r:close()
  if not resp then return nil, se end
  local body, status = resp:body(), resp:status()
  resp:close()
  return body, status
end

function Client:pager(path, opts, page_size)
  local r, err = self:request("GET", path, opts)
  if not r then return nil, err end
  local h, e = call(native.threecx_pager_new, r._h, page_size or 100)
  r:close()
  if not h then return nil, e end
  return wrap(Pager, h)
end

--- for item in client:items(path [, opts [, page_size]]) do ... end
-- Iterates over the items' JSON strings; a failure raises the error table
-- (catch it with pcall).
function Client:items(path, opts, page_size)
  local p, err = self:pager(path, opts, page_size)
  if not p then error(err, 2) end
  return function()
    local item, e = p:next_item()
    if e then p:close(); error(e, 2) end
    if item == nil then p:close() end
    return item
  end
end

-- Request -------------------------------------------------------------------

--- r:param(name, value [, kind]) kind: "string" (default for strings), "int"
-- (default for integers), "bool" (default for booleans), "guid", "datetime",
-- "null" (default for value == nil)
function Request:param(name, value, kind)
  if kind == nil then
    local t = math.type(value) or type(value)
    kind = ({ integer = "int", boolean = "bool", ["nil"] = "null" })[t] or "string"
  end
  if kind == "null" then return call(native.threecx_request_set_param_null, self._h, name) end
  if kind == "bool" then value = value and 1 or 0 end
  local f = native["threecx_request_set_param_" .. kind]
  if not f then
    return nil, mkerr { code = native.THREECX_E_INVALID_ARGUMENT, name = "THREECX_E_INVALID_ARGUMENT",
                        message = "unknown parameter kind '" .. tostring(kind) .. "'" }
  end
  return call(f, self._h, name, value)
end

function Request:query(q)
  local qq, err = as_query(q)
  if not qq then return nil, err end
  local ok, e = call(native.threecx_request_set_query, self._h, qq._h)
  if qq ~= q then qq:close() end
  return ok, e
end
function Request:header(name, value) return call(native.threecx_request_add_header, self._h, name, value) end
function Request:body(json) return call(native.threecx_request_set_body, self._h, json) end
function Request:url() return call(native.threecx_request_url, self._h) end

local function http_error(err, resp)
  err.status = resp:status()
  err.odata_code = resp:error_code()
  err.odata_message = resp:error_message()
  err.body = resp:body()
  return err
end

-- The Response of a send (h), or nil, err with the HTTP error's details
-- taken from resp (then freed).
local function sent(h, err, resp)
  if h then return wrap(Response, h) end
  if resp then
    local r = wrap(Response, resp)
    http_error(err, r)
    r:close()
  end
  return nil, err
end

--- r:send() -> Response (2xx), or nil, err (HTTP errors carry status,
-- odata_code, odata_message and body)
function Request:send() return sent(call(native.threecx_request_send, self._h)) end

--- r:send_to_file(path) -> Response (body written to the file)
function Request:send_to_file(path) return sent(call(native.threecx_request_send_to_file, self._h, path)) end

-- Response ------------------------------------------------------------------

function Response:status() return call(native.threecx_response_status, self._h) end
function Response:body() return call(native.threecx_response_body, self._h) end
function Response:bytes() return call(native.threecx_response_body_bytes, self._h) end
function Response:header(name) return call(native.threecx_response_header, self._h, name) end
-- An optional string: nil when absent (THREECX_E_NOT_FOUND: e.g. a body
-- that is not an OData error), nil, err for real errors (a closed response).
local function opt_str(f, h)
  local v, err = call(f, h)
  if v == nil and err and err.code ~= native.THREECX_E_NOT_FOUND then return nil, err end
  return v
end
function Response:error_code() return opt_str(native.threecx_response_error_code, self._h) end
function Response:error_message() return opt_str(native.threecx_response_error_message, self._h) end
function Response:error_details() return opt_str(native.threecx_response_error_details, self._h) end

-- Pager ---------------------------------------------------------------------

-- An HTTP error carries status, odata_code, odata_message and body, as for
-- r:send() (from threecx_pager_last_response); the walk may be resumed.
local function paged(self, f)
  local v, err = call(f, self._h)
  if v == nil and err and err.code == native.THREECX_E_HTTP then
    local h = call(native.threecx_pager_last_response, self._h)
    if h then
      local r = wrap(Response, h)
      http_error(err, r)
      r:close()
    end
  end
  return v, err
end
function Pager:next_page() return paged(self, native.threecx_pager_next_page) end
function Pager:next_item() return paged(self, native.threecx_pager_next_item) end
function Pager:total() return call(native.threecx_pager_total, self._h) end

-- Catalog -------------------------------------------------------------------

function M.operation_count() return call(native.threecx_operation_count) end

local function describe(op)
  local d = {}
  for _, f in ipairs { "id", "method", "path", "tag", "summary", "function" } do
    d[f] = call(native["threecx_operation_" .. f], op)
  end
  d.options = call(native.threecx_operation_options, op)
  d.has_body = call(native.threecx_operation_has_body, op) ~= 0
  d.has_if_match = call(native.threecx_operation_has_if_match, op) ~= 0
  d.response_kind = call(native.threecx_operation_response_kind, op)
  d.params = {}
  local n = call(native.threecx_operation_param_count, op) or 0
  for i = 0, n - 1 do
    d.params[#d.params + 1] = {
      name = call(native.threecx_operation_param_name, op, i),
      type = call(native.threecx_operation_param_type, op, i),
      nullable = call(native.threecx_operation_param_nullable, op, i) ~= 0,
    }
  end
  return d
end

--- threecx.operation("ListSecurityRefreshToken") -> description table, or nil, err
function M.operation(id)
  local op, err = call(native.threecx_operation_find, id)
  if not op then return nil, err end
  return describe(op)
end

--- threecx.operation_at(i) (0-based)
function M.operation_at(i)
  local op, err = call(native.threecx_operation_at, i)
  if not op then return nil, err end
  return describe(op)
end

-- Helpers -------------------------------------------------------------------

function M.odata_string(s) return call(native.threecx_odata_string, s) end
function M.url_encode(s) return call(native.threecx_url_encode, s) end
function M.version() return native.threecx_version() end
function M.xapi_version() return native.threecx_xapi_version() end
function M.strerror(code) return native.threecx_strerror(code) end

return M
