--- libthreecx for Lua: an idiomatic layer over the SWIG module threecx_native.
--
-- Every function returns its result, or nil and an error table
--   { code = 14, name = "THREECX_E_HTTP", message = "...",
--     status = 404, odata_code = "NotFound", odata_message = "...", body = "..." }
-- (status/odata_* only for HTTP errors). Objects free their handle in __gc
-- (or at once with :close(), also used by Lua 5.4 `<close>` variables).
-- Runs on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT. Integer arguments are strict:
-- 2.5, "2" or 2^70 where an integer is expected is an error naming the
-- argument, never a truncation.
local native = require "threecx_native"

local M = { native = native }

local pack = table.pack or function(...) return { n = select("#", ...), ... } end
local unpack = table.unpack or unpack

-- true for a number without a fraction (Lua 5.3+ floats like 2.0 included)
local function is_integer(v)
  if type(v) ~= "number" then return false end
  if math.type then return math.type(v) == "integer" or (v == math.floor(v) and v > -2^63 and v < 2^63) end
  return v == math.floor(v) and v > -2^63 and v < 2^63
end
M.is_integer = is_integer

-- what v is, for error messages (never the value of a string: it may be a secret)
local function describe_value(v)
  if type(v) == "number" then return tostring(v) end
  return "a " .. type(v)
end

local ErrorMT = {}
ErrorMT.__index = ErrorMT
ErrorMT.__tostring = function(e)
  local s = string.format("%s (%d): %s", e.name or "?", e.code or -1, e.message or "")
  if e.status then s = s .. string.format(" [HTTP %d %s]", e.status, e.odata_code or "") end
  return s
end
M.Error = ErrorMT

-- A raised argument error of the native module, in plain words: SWIG's own
-- checks ("Error in f (arg 2), expected 'x' got 'y'") are reworded, the
-- "file:line:" prefix dropped.
local function clean_message(m)
  m = tostring(m):gsub("^[^:]*:%d+: ", "")
  local fn, n, want, got = m:match("^Error in ([%w_]+) %(arg (%d+)%), expected '([^']*)' got '([^']*)'")
  if fn then
    want = want:gsub("^SWIGTYPE_p_", ""):gsub("^const ", ""):gsub(" %*$", " handle"):gsub("^char handle$", "string")
    return string.format("%s: argument %s must be a %s, got a %s", fn, n, want, got)
  end
  local fn2, a, b, c = m:match("^Error in ([%w_]+) expected (%d+)%.%.(%d+) args, got (%d+)")
  if fn2 then return string.format("%s: takes %s to %s arguments, got %s", fn2, a, b, c) end
  return m
end

local function mkerr(e)
  if type(e) ~= "table" then
    -- an argument check of the native module (wrong Lua type, not an integer)
    e = { code = native.THREECX_E_INVALID_ARGUMENT, name = "THREECX_E_INVALID_ARGUMENT",
          message = clean_message(e) }
  end
  return setmetatable(e, ErrorMT)
end

-- Calls a raw function; returns its values, or nil, err, <outs...>.
local function call(f, ...)
  local r = pack(pcall(f, ...))
  if not r[1] then return nil, mkerr(r[2]) end
  if r[2] == nil and type(r[3]) == "table" then
    r[3] = mkerr(r[3])
    return unpack(r, 2, r.n)
  end
  return unpack(r, 2, r.n)
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

-- sink: the log sink of the client the object was made from, kept alive
-- as long as the object (the C library logs through it)
local function wrap(C, h, sink) return setmetatable({ _h = h, _sink = sink }, C) end
local function new_error(name, msg)
  return mkerr { code = native[name], name = name, message = msg }
end

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
      if (k == "top" or k == "skip") and not is_integer(v) then
        q:close()
        return nil, new_error("THREECX_E_INVALID_ARGUMENT",
          string.format("query option '%s' must be an integer, got %s", k, describe_value(v)))
      end
      local ok, e = call(native[query_setters[k]], h, v)
      if not ok then q:close(); return nil, e end
    end
  end
  for k in pairs(t or {}) do
    if not query_setters[k] and k ~= "params" then
      q:close()
      return nil, new_error("THREECX_E_INVALID_ARGUMENT", "unknown query option '" .. tostring(k) .. "'")
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

local function flag(v) return v and 1 or 0 end
local function ms(v) return math.floor(v * 1000 + 0.5) end  -- seconds -> ms

-- Client options: name -> { native setter, convert, kind } (kind checks the
-- value: "int" strict integer, "seconds" a number >= 0, "string", "bool").
local CLIENT_OPTIONS = {
  allow_http = { "threecx_client_allow_http", flag, "bool" },
  insecure_skip_tls_verify = { "threecx_client_set_insecure_skip_tls_verify", flag, "bool" },
  ca_file = { "threecx_client_set_ca_file", nil, "string" },
  ca_path = { "threecx_client_set_ca_path", nil, "string" },
  pinned_public_key = { "threecx_client_set_pinned_public_key", nil, "string" },
  user_agent = { "threecx_client_set_user_agent", nil, "string" },
  timeout = { "threecx_client_set_timeout_ms", ms, "seconds" },
  connect_timeout = { "threecx_client_set_connect_timeout_ms", ms, "seconds" },
  timeout_ms = { "threecx_client_set_timeout_ms", nil, "int" },
  connect_timeout_ms = { "threecx_client_set_connect_timeout_ms", nil, "int" },
  max_response_bytes = { "threecx_client_set_max_response_bytes", nil, "int" },
  refresh_margin = { "threecx_client_set_refresh_margin", nil, "int" },
}
local RETRY_OPTIONS = { max_retries = "int", base_delay = "seconds", max_delay = "seconds", deadline = "seconds" }
M.LOG = { none = 0, error = 1, warn = 2, info = 3, debug = 4, trace = 5 }

local function check_kind(where, v, kind)
  local ok
  if kind == "int" then ok = is_integer(v)
  elseif kind == "seconds" then ok = type(v) == "number" and v >= 0 and v == v
  elseif kind == "string" then ok = type(v) == "string"
  elseif kind == "bool" then ok = type(v) == "boolean"
  elseif kind == "function" then ok = type(v) == "function"
  elseif kind == "table" then ok = type(v) == "table" end
  if ok then return true end
  local what = ({ int = "an integer", seconds = "a number of seconds >= 0", string = "a string",
                  bool = "a boolean", ["function"] = "a function", table = "a table" })[kind]
  return nil, new_error("THREECX_E_INVALID_ARGUMENT",
    string.format("%s must be %s, got %s", where, what, describe_value(v)))
end

local function apply_options(c, opts)
  local h = c._h
  for k, v in pairs(opts) do
    local spec = CLIENT_OPTIONS[k]
    if spec then
      local ok, e = check_kind("option '" .. k .. "'", v, spec[3])
      if not ok then return nil, e end
      if spec[2] then v = spec[2](v) end
      ok, e = call(native[spec[1]], h, v)
      if not ok then return nil, e end
    elseif k == "ca_pem" then  -- PEM text: a CA bundle from memory
      local ok, e = check_kind("option 'ca_pem'", v, "string")
      if not ok then return nil, e end
      ok, e = call(native.threecx_client_set_ca_pem, h, v, #v)
      if not ok then return nil, e end
    elseif k == "retry" then
      local ok, e = check_kind("option 'retry'", v, "table")
      if not ok then return nil, e end
      for rk, rv in pairs(v) do
        if not RETRY_OPTIONS[rk] then
          return nil, new_error("THREECX_E_INVALID_ARGUMENT", "unknown retry option '" .. tostring(rk) .. "'")
        end
        ok, e = check_kind("retry option '" .. rk .. "'", rv, RETRY_OPTIONS[rk])
        if not ok then return nil, e end
      end
      ok, e = call(native.threecx_client_set_retry, h, v.max_retries or 3,
        ms(v.base_delay or 0.25), ms(v.max_delay or 30), ms(v.deadline or 120))
      if not ok then return nil, e end
    elseif k == "log" then
      local ok, e = check_kind("option 'log'", v, "function")
      if not ok then return nil, e end
      local level = opts.log_level or M.LOG.info
      if type(level) == "string" then level = M.LOG[level] end
      ok, e = check_kind("option 'log_level'", level, "int")
      if not ok then return nil, e end
      local sink
      ok, e, sink = call(native.threecx_lua_set_log, h, level, v)
      if not ok then return nil, e end
      c._sink = sink
    elseif k == "decode" then
      if v and not M.json() then
        return nil, new_error("THREECX_E_UNSUPPORTED", "option 'decode' needs lua-cjson (require 'cjson' failed)")
      end
      c._decode = v and true or nil
    elseif k ~= "log_level" and k ~= "domain" and k ~= "client_id" and k ~= "api_key" then
      return nil, new_error("THREECX_E_INVALID_ARGUMENT", "unknown client option '" .. tostring(k) .. "'")
    end
  end
  return c
end

local cjson_module
--- threecx.json() -> the lua-cjson module, or nil when it is not installed
function M.json()
  if cjson_module == nil then
    local ok, m = pcall(require, "cjson")
    cjson_module = ok and m or false
  end
  return cjson_module or nil
end

--- threecx.client{domain=, client_id=, api_key= [, option = value ...]}
--- threecx.client(domain, client_id, api_key [, options])
-- Options (every client option of libthreecx):
--   ca_file, ca_path, ca_pem (PEM text), pinned_public_key ("sha256//...")
--   (strings), allow_http, insecure_skip_tls_verify (booleans),
--   timeout, connect_timeout (seconds, may be fractional; or timeout_ms,
--   connect_timeout_ms in integer ms), max_response_bytes, refresh_margin
--   (integers), user_agent (string),
--   retry = { max_retries = 3, base_delay = 0.25, max_delay = 30, deadline = 120 } (seconds),
--   log = function(level, message) end with log_level (threecx.LOG.* or
--   "error".."trace", default "info"), decode = true (results as Lua tables,
--   needs lua-cjson).
-- An unknown option or a value of the wrong type is an error naming it.
function M.client(domain, id, key, opts)
  if type(domain) == "table" then
    opts = domain
    domain, id, key = opts.domain, opts.client_id, opts.api_key
  end
  opts = opts or {}
  local h, err = call(native.threecx_client_new, domain, id, key)
  if not h then return nil, err end
  local c = wrap(Client, h)
  local ok, e = apply_options(c, opts)
  if not ok then c:close(); return nil, e end
  return c
end

--- threecx.client_from_env([options]) reads the variables the threecx
-- command-line tool reads: THREECX_DOMAIN, THREECX_CLIENT_ID,
-- THREECX_API_KEY, THREECX_CA_FILE (a CA bundle) and THREECX_ALLOW_HTTP=1;
-- options as for threecx.client override them.
function M.client_from_env(opts)
  local h, err = call(native.threecx_client_new_from_env)
  if not h then return nil, err end
  local c = wrap(Client, h)
  local env = {}
  if os.getenv("THREECX_CA_FILE") and os.getenv("THREECX_CA_FILE") ~= "" then env.ca_file = os.getenv("THREECX_CA_FILE") end
  if os.getenv("THREECX_ALLOW_HTTP") == "1" then env.allow_http = true end
  for k, v in pairs(opts or {}) do env[k] = v end
  local ok, e = apply_options(c, env)
  if not ok then c:close(); return nil, e end
  return c
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
  if opts.deadline then steps[#steps + 1] = { r.deadline, opts.deadline } end
  for _, st in ipairs(steps) do
    local ok, e = st[1](r, unpack(st, 2))
    if not ok then return nil, e end
  end
  return r
end

-- A Request around a new handle h (or the error of making it), filled from opts.
local function new_request(h, err, opts, sink)
  if not h then return nil, err end
  local r = wrap(Request, h, sink)
  local ok, e = fill_request(r, opts)
  if not ok then r:close(); return nil, e end
  return r
end

--- client:request(method, path [, {params=, query=, headers=, body=}]) -> Request
function Client:request(method, path, opts)
  local h, err = call(native.threecx_request_new, self._h, method, path)
  return new_request(h, err, opts, self._sink)
end

--- client:op(operation_id [, opts]) -> Request, checked against the catalog
function Client:op(operation_id, opts)
  local h, err = call(native.threecx_request_new_op, self._h, operation_id)
  return new_request(h, err, opts, self._sink)
end

-- decode (client option or per call opts.decode): the body as a Lua table
-- (JSON null as threecx.json().null); an empty body stays "".
local function wants_decode(self, opts)
  if opts and opts.decode ~= nil then return opts.decode end
  return self._decode
end

local function decode_body(body)
  if body == nil or body == "" then return body end
  local cjson = M.json()
  if not cjson then
    return nil, new_error("THREECX_E_UNSUPPORTED", "decode = true needs lua-cjson (require 'cjson' failed)")
  end
  local ok, v = pcall(cjson.decode, body)
  if not ok then return nil, new_error("THREECX_E_PROTOCOL", "the answer is not JSON: " .. clean_message(v)) end
  return v
end

-- body, status, headers of a sent Response (the headers table keeps it open)
local function result(self, resp, opts)
  local body, e = resp:body()
  if body == nil then resp:close(); return nil, e end
  local status = resp:status()
  local headers = resp:headers()
  if wants_decode(self, opts) then
    local d, de = decode_body(body)
    if de then return nil, de end
    body = d
  end
  return body, status, headers
end

-- only the request options (decode is the caller's, not the request's)
local REQUEST_OPTS = { params = true, query = true, headers = true, body = true, decode = true, deadline = true }
local function request_opts(opts)
  for k in pairs(opts or {}) do
    if not REQUEST_OPTS[k] then
      return nil, new_error("THREECX_E_INVALID_ARGUMENT", "unknown request option '" .. tostring(k) .. "'")
    end
  end
  return true
end

local function send_body(self, method, path, opts)
  local okk, oe = request_opts(opts)
  if not okk then return nil, oe end
  local r, err = self:request(method, path, opts)
  if not r then return nil, err end
  local resp, e = r:send()
  r:close()
  if not resp then return nil, e end
  return result(self, resp, opts)
end

--- client:get(path [, {params=, query=, headers=, body=, deadline=, decode=}])
--   -> body, status, headers; or nil, err
-- body: the JSON text (a Lua table with decode = true); headers: a table
-- read by case-insensitive name (headers.ETag, headers["odata-version"]).
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

--- client:call(operation_id [, {params=, query=, headers=, body=, deadline=, decode=}])
--   -> body, status, headers   (or nil, err)
-- Sends one operation of the catalog. Parameters are given by their spec
-- names and rendered by their catalog type (a date-time or GUID parameter
-- takes a string, threecx.null sends null; an int32 parameter takes an
-- integer only: 2.5, "2" or "abc" is nil, err naming it), so
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
  local okk, oe = request_opts(opts)
  if not okk then return nil, oe end
  local h, e = call(native.threecx_request_new_op, self._h, operation_id)
  local r, e2 = new_request(h, e, { query = opts.query, headers = opts.headers, body = opts.body,
                                    deadline = opts.deadline }, self._sink)
  if not r then return nil, e2 end
  local kinds = {}
  for _, p in ipairs(op.params) do kinds[p.name] = KIND_OF_TYPE[p.type] end
  for name, v in pairs(opts.params or {}) do
    -- an unknown name is refused by the library (kind nil: guessed from v)
    local ok, pe
    if v == M.null then ok, pe = r:param(name, nil, "null")
    elseif kinds[name] == "int" and not is_integer(v) then
      ok, pe = nil, new_error("THREECX_E_INVALID_ARGUMENT",
        string.format("%s: parameter '%s' must be an integer, got %s", operation_id, name, describe_value(v)))
    else ok, pe = r:param(name, v, kinds[name]) end
    if not ok then r:close(); return nil, pe end
  end
  local resp, se = r:send()
  r:close()
  if not resp then return nil, se end
  return result(self, resp, opts)
end

function Client:pager(path, opts, page_size)
  page_size = page_size or 100
  local okk, oe = check_kind("page_size", page_size, "int")
  if not okk then return nil, oe end
  okk, oe = request_opts(opts)
  if not okk then return nil, oe end
  local r, err = self:request("GET", path, opts)
  if not r then return nil, err end
  local h, e = call(native.threecx_pager_new, r._h, page_size)
  r:close()
  if not h then return nil, e end
  local p = wrap(Pager, h, self._sink)
  p._decode = wants_decode(self, opts)
  return p
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
    if item == nil then p:close(); return nil end
    if p._decode then
      local d, de = decode_body(item)
      if de then p:close(); error(de, 2) end
      item = d
    end
    return item
  end
end

-- Request -------------------------------------------------------------------

--- r:param(name, value [, kind]) kind: "string" (default for strings), "int"
-- (default for integers), "bool" (default for booleans), "guid", "datetime",
-- "null" (default for value == nil)
function Request:param(name, value, kind)
  if kind == nil then
    if type(value) == "number" then kind = "int"
    else kind = ({ boolean = "bool", ["nil"] = "null" })[type(value)] or "string" end
  end
  if kind == "null" then return call(native.threecx_request_set_param_null, self._h, name) end
  if kind == "int" and not is_integer(value) then
    return nil, new_error("THREECX_E_INVALID_ARGUMENT",
      string.format("parameter '%s' must be an integer, got %s", tostring(name), describe_value(value)))
  end
  if kind == "bool" then value = value and 1 or 0 end
  local f = native["threecx_request_set_param_" .. kind]
  if not f then
    return nil, new_error("THREECX_E_INVALID_ARGUMENT", "unknown parameter kind '" .. tostring(kind) .. "'")
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
--- r:deadline(seconds): bounds each send of this request (token, retries
-- and waits included), replacing the client's timeout; past it the call
-- fails with THREECX_E_TIMEOUT. 0 = the client's timeout.
function Request:deadline(seconds)
  local ok, e = check_kind("deadline", seconds, "seconds")
  if not ok then return nil, e end
  return call(native.threecx_request_set_deadline_ms, self._h, ms(seconds))
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
-- (the lent body, copied once into the Lua string)
function Response:body() return call(native.threecx_response_body_view, self._h) end
function Response:bytes() return call(native.threecx_response_body_bytes, self._h) end
function Response:header(name) return call(native.threecx_response_header, self._h, name) end

local HeadersMT = {}
HeadersMT.__index = function(t, name)
    local resp = rawget(t, HeadersMT)
    if type(name) ~= "string" or not resp or not rawget(resp, "_h") then return nil end
    local v = call(native.threecx_response_header, resp._h, name)
    return v
  end
--- resp:headers() -> a table of the response headers read by
-- case-insensitive name (h.ETag, h["OData-Version"]); nil when absent. It
-- keeps the response open until it is collected (or resp:close()).
function Response:headers() return setmetatable({ [HeadersMT] = self }, HeadersMT) end
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
-- (the lent item, copied once into the Lua string)
function Pager:next_item() return paged(self, native.threecx_pager_next_item_view) end
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

-- Asynchronous requests -------------------------------------------------------

local Async = class("threecx_async_free")
M.Async = Async

--- client:async([{max_concurrent = n}]) -> Async: many requests in flight
-- on one native async object, driven by the caller's poll loop:
--   local id = a:submit(request)       -- the request is copied
--   local pending = a:wait(seconds)    -- moves transfers on (<= seconds)
--   local c = a:next()                 -- {id=, response=} / {id=, error=} / nil
-- a:perform() moves on without waiting; a:cancel(id), a:cancel_all();
-- a:close() cancels what is pending. One token is fetched for everything in
-- flight (blocking the loop once); retries follow the client's policy.
function Client:async(opts)
  local h, err = call(native.threecx_async_new, self._h)
  if not h then return nil, err end
  local a = wrap(Async, h, self._sink)
  if opts and opts.max_concurrent ~= nil then
    local ok, e = call(native.threecx_async_set_max_concurrent, h, opts.max_concurrent)
    if not ok then a:close(); return nil, e end
  end
  return a
end

function Async:submit(request)
  if getmetatable(request) ~= Request or not request._h then
    return nil, new_error("THREECX_E_INVALID_ARGUMENT", "submit: a Request is needed")
  end
  return call(native.threecx_swig_async_submit, self._h, request._h)
end
function Async:perform() return call(native.threecx_async_perform, self._h) end
function Async:wait(seconds) return call(native.threecx_async_wait, self._h, ms(seconds or 1)) end
function Async:cancel(id) return call(native.threecx_async_cancel, self._h, id) end
function Async:cancel_all() return call(native.threecx_async_cancel_all, self._h) end

--- a:next() -> the next completion: {id=, response=Response} for a 2xx,
-- {id=, error=err} otherwise (an HTTP error carries status, odata_* and
-- body as for r:send(); THREECX_E_UNCERTAIN, THREECX_E_CANCELLED...), or
-- nil when none is ready.
function Async:next()
  local c, err = call(native.threecx_async_next, self._h)
  if not c then return nil, err end
  local id = native.threecx_completion_id(c)
  local code = native.threecx_completion_code(c)
  local msg = native.threecx_completion_message(c)
  local resp = call(native.threecx_completion_take_response, c)
  native.threecx_completion_free(c)
  if code == native.THREECX_OK then return { id = id, response = wrap(Response, resp) } end
  local e = mkerr { code = code, name = native.threecx_error_name(code), message = msg }
  if resp then
    local r = wrap(Response, resp)
    http_error(e, r)
    r:close()
  end
  return { id = id, error = e }
end

-- Helpers -------------------------------------------------------------------

function M.odata_string(s) return call(native.threecx_odata_string, s) end
function M.url_encode(s) return call(native.threecx_url_encode, s) end
function M.version() return native.threecx_version() end
function M.xapi_version() return native.threecx_xapi_version() end
function M.strerror(code) return native.threecx_strerror(code) end

return M
