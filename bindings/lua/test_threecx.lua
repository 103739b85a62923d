-- Scenario test of the Lua binding against a threecx-sim it starts itself.
-- Environment: THREECX_SIM (path of threecx-sim, required), THREECX_XAPI_SPEC
-- (swagger.json, optional), THREECX_TEST_HTTP=1 for plain HTTP (default HTTPS
-- with the simulator's generated CA).
local threecx = require "threecx"

local passed, failed = 0, 0
local function check(cond, what, extra)
  if cond then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write("FAIL: " .. what .. (extra and (" -- " .. tostring(extra)) or "") .. "\n")
  end
end

-- Simulator -------------------------------------------------------------------
local sim_path = assert(os.getenv("THREECX_SIM"), "THREECX_SIM not set")
local http = os.getenv("THREECX_TEST_HTTP") == "1"
local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p '" .. dir .. "'")
local ready, ca, pidf = dir .. "/port", dir .. "/ca.pem", dir .. "/pid"
local spec = os.getenv("THREECX_XAPI_SPEC")
local cmd = string.format("'%s' --host 127.0.0.1 --port 0 --ready-file '%s' --client test:k3y-lua:SystemOwner --quiet " ..
  "--fault '{\"path\":\"^/Slow\",\"latency_ms\":1500}' %s %s",
  sim_path, ready, http and "--http" or ("--ca-out '" .. ca .. "'"),
  spec and ("--spec '" .. spec .. "'") or "")
os.execute(cmd .. " >/dev/null 2>&1 & echo $! > '" .. pidf .. "'")
local pid = io.open(pidf):read("*l")
local port
for _ = 1, 1000 do
  local f = io.open(ready)
  if f then
    port = tonumber(f:read("*a"))
    f:close()
    if port then break end
  end
  os.execute("sleep 0.01")
end
local function stop()
  os.execute("kill " .. pid .. " 2>/dev/null; sleep 0.1; rm -rf '" .. dir .. "'")
end
if not port then
  stop()
  io.stderr:write("threecx-sim did not start\n")
  os.exit(2)
end

-- 1. client ------------------------------------------------------------------
local opts = http and { allow_http = true } or { ca_file = ca }
opts.timeout_ms = 20000
opts.max_response_bytes = 16777216
local client, err = threecx.client((http and "http://" or "https://") .. "127.0.0.1:" .. port,
  "test", "k3y-lua", opts)
check(client ~= nil, "client created", err)

-- 2. list with $top/$count/$select ------------------------------------------
local body
body, err = client:get("/SecurityTokens", { query = { top = 5, count = true, select = "Id,Username" } })
check(body ~= nil, "list /SecurityTokens", err)
body = body or ""
local items = select(2, body:gsub('"Id":', ""))
check(items == 5, "5 items", items)
check(body:match('"@odata.count":(%d+)') == "23", "@odata.count 23", body:match('"@odata.count":(%d+)'))
local bad_key
for key in body:gmatch('"([^"]+)":') do
  if key ~= "Id" and key ~= "Username" and key ~= "value" and not key:match("^@odata%.") then bad_key = key end
end
check(bad_key == nil, "only Id/Username keys", bad_key)

-- 3. string key with ' / # ? % space and non-ASCII: create, get, delete --------
local KEY = "it's a/b#c?d%e f+g&h=\xc3\xbc\xe6\x9d\xb1 ''x"
local function json_string(s) return '"' .. s:gsub('[\\"]', "\\%0") .. '"' end
-- create through the typed function of operations.h (raw module)
local resp_h, e, resp_err = threecx.native.threecx_xapi_create_weblink(client._h,
  '{"Link":' .. json_string(KEY) .. ',"Name":"awkward"}')
check(resp_h ~= nil, "typed POST /WebsiteLinks", e and tostring(setmetatable(e, threecx.Error)))
if resp_h then
  local r = setmetatable({ _h = resp_h }, threecx.Response)
  check(r:status() == 201, "created 201", r:status())
  r:close()
end
-- read it back through the generic path
body, err = client:get("/WebsiteLinks({Link})", { params = { Link = KEY } })
check(body ~= nil and body:find(json_string(KEY), 1, true) ~= nil, "get by awkward key", err or body)
-- the catalog path: DeleteWeblink
local req
req, err = client:op("DeleteWeblink", { params = { Link = KEY } })
check(req ~= nil, "op DeleteWeblink", err)
if req then
  local resp
  resp, err = req:send()
  check(resp ~= nil and resp:status() == 204, "deleted 204", err)
  if resp then resp:close() end
  req:close()
end

-- 3b. client:call: one operation sent, parameters typed from the catalog ------
local b1, st1 = client:call("CreateWeblink", { body = '{"Link":' .. json_string(KEY) .. ',"Name":"called"}' })
check(b1 and st1 == 201, "call CreateWeblink 201", st1)
b1, st1 = client:call("GetWeblink", { params = { Link = KEY }, query = { select = "Link,Name" } })
check(b1 and st1 == 200 and b1:find('"Name":"called"', 1, true), "call GetWeblink(awkward key)", b1 or st1)
b1, st1 = client:call("ListSecurityRefreshToken", { query = { filter = "Id gt 0", search = "a",
  orderby = "Username asc,Id desc", select = "Id,Username", expand = "Client", count = true, top = 3, skip = 1 } })
check(b1 and st1 == 200 and b1:find('"@odata.count":', 1, true) and select(2, b1:gsub('"Username":', "")) <= 3,
  "call ListSecurityRefreshToken with all eight options", b1 or st1)
b1, st1 = client:call("GetLogs", { params = { startDate = "2026-01-02T03:04:05+02:00",
  endDate = "2026-01-03T03:04:05Z", extension = threecx.null, call = threecx.null, severity = threecx.null } })
check(b1 and st1 == 200, "call GetLogs: date-times by catalog type, threecx.null", b1 or st1)
b1, st1 = client:call("GetUser", { params = { Id = 987654 } })
check(b1 == nil and st1 and st1.status == 404, "call GetUser(missing): nil, err with status 404", st1)
b1, st1 = client:call("GetWeblink", { params = { Lnk = KEY } })
check(b1 == nil and st1 and st1.name == "THREECX_E_UNKNOWN_PARAMETER", "call with an unknown parameter name", st1)
b1, st1 = client:call("DeleteWeblink", { params = { Link = KEY } })
check(st1 == 204, "call DeleteWeblink 204", st1)

-- 4. 404 ---------------------------------------------------------------------
body, err = client:get("/WebsiteLinks({Link})", { params = { Link = KEY } })
check(body == nil and err ~= nil, "404 is an error")
if err then
  check(err.code == threecx.native.THREECX_E_HTTP and err.name == "THREECX_E_HTTP", "code HTTP", err)
  check(err.status == 404, "status 404", err.status)
  check(err.odata_code == "NotFound", "OData NotFound", err.odata_code)
  check(tostring(err):find("404", 1, true) ~= nil, "error tostring", tostring(err))
end

-- 5. nil arguments -----------------------------------------------------------
local c2
c2, err = threecx.client(nil, "test", "k")
check(c2 == nil and err and err.code == 2 and err.name == "THREECX_E_INVALID_ARGUMENT",
  "nil domain -> invalid argument", err)
check(err and #err.message > 0, "message present", err and err.message)
local ok
ok, err = threecx.native.threecx_request_set_body(nil, "{}")
check(ok == nil and err and err.code == 2, "nil handle -> invalid argument", err and err.message)
local r2 = client:request("GET", "/Users")
ok, err = r2:header(nil, "x")
check(ok == nil and err and err.code == 2, "nil header name -> invalid argument", err and err.message)
ok, err = r2:body("{bad json")
check(ok == nil and err and err.name == "THREECX_E_INVALID_JSON", "bad JSON refused", err and err.message)
r2:close()
ok, err = r2:url()  -- closed: the handle is nil now
check(ok == nil and err and err.code == 2, "closed handle -> invalid argument", err and err.message)

-- 6. catalog -----------------------------------------------------------------
check(threecx.operation_count() == 601, "601 operations", threecx.operation_count())
local op = threecx.operation("ListSecurityRefreshToken")
check(op and op.method == "GET" and op.path == "/SecurityTokens" and
  op["function"] == "threecx_xapi_list_security_refresh_token", "ListSecurityRefreshToken", op and op.path)
local none
none, err = threecx.operation("NoSuchOperation")
check(none == nil and err and err.name == "THREECX_E_NOT_FOUND", "unknown operation", err)

-- 7. pager -------------------------------------------------------------------
local n = 0
local pok, perr = pcall(function()
  for _ in client:items("/SecurityTokens", { query = { select = "Id" } }, 10) do n = n + 1 end
end)
check(pok, "pager", perr)
check(n == 23, "pager walks 23 items", n)
pok, perr = pcall(function() for _ in client:items("/NoSuchCollection") do end end)
check(not pok and type(perr) == "table" and perr.status == 404 and perr.odata_code == "NotFound",
  "pager error raises a table with the HTTP status and OData code", perr)

-- 8. lifetimes: a request outlives its collected client; closed objects refuse
do
  local c3 = assert(threecx.client((http and "http://" or "https://") .. "127.0.0.1:" .. port,
    "test", "k3y-lua", opts))
  local r3 = assert(c3:request("GET", "/SecurityTokens"))
  check(r3:query({ top = 2, select = "Id" }), "query on the orphan request")
  local weak = setmetatable({ c3 }, { __mode = "v" })
  c3 = nil
  collectgarbage()
  collectgarbage()
  check(weak[1] == nil, "the client object was collected")
  local resp3, e3 = r3:send()
  check(resp3 ~= nil, "a request sends after its client was collected", e3)
  if resp3 then
    local b3 = resp3:body() or ""
    check(resp3:status() == 200 and select(2, b3:gsub('"Id":', "")) == 2, "orphan request: 200 with 2 items", b3)
    resp3:close()
  end
  r3:close()
  local s3, e4 = r3:send()
  check(s3 == nil and e4 and e4.name == "THREECX_E_INVALID_ARGUMENT", "send on a closed request", e4)
  local c4 = assert(threecx.client("pbx.example.com", "test", "k"))
  c4:close()
  local b4, e5 = c4:get("/Users")
  check(b4 == nil and e5 and e5.name == "THREECX_E_INVALID_ARGUMENT", "get on a closed client", e5)
end

-- 9. the caller's opts table is not changed; optional strings pass real errors
do
  local o = { headers = { ["X-Test"] = "1" } }
  local b9, e9 = client:post("/WebsiteLinks", '{"Link":"opts-check","Name":"o"}', o)
  check(b9 ~= nil, "post with opts", e9)
  check(o.body == nil, "post leaves the caller's opts without a body")
  local r9 = assert(client:request("GET", "/WebsiteLinks('opts-check')"))
  local resp9 = assert(r9:send())
  local c9, ce9 = resp9:error_code()
  check(c9 == nil and ce9 == nil, "error_code of a 200: nil without an error (absent)", ce9)
  resp9:close()
  c9, ce9 = resp9:error_code()
  check(c9 == nil and ce9 and ce9.name == "THREECX_E_INVALID_ARGUMENT", "error_code of a closed response: nil, err", ce9)
  r9:close()
  client:delete("/WebsiteLinks('opts-check')")
end

-- 10. strict integers: never a truncation, never SWIG text ------------------
local function clean(e)
  local m = e and e.message or ""
  return not m:find("SWIG", 1, true) and not m:find("Error in ", 1, true) and not m:find("expected '", 1, true)
    and not m:find("%.lua:%d+:")
end
for _, case in ipairs { { 2.9, "2.9" }, { "2.5", "a string" }, { "abc", "a string" }, { 2^70, "" }, { 0/0, "" } } do
  local v = case[1]
  local b10, e10 = client:call("GetUser", { params = { Id = v } })
  check(b10 == nil and e10 and e10.name == "THREECX_E_INVALID_ARGUMENT" and e10.message:find("'Id'", 1, true)
    and e10.message:find(case[2], 1, true) and clean(e10),
    "call GetUser Id=" .. tostring(v) .. " refused naming Id", e10)
  local r10 = client:request("GET", "/Users({Id})")
  local ok10, pe10 = r10:param("Id", v, "int")
  check(ok10 == nil and pe10 and pe10.message:find("'Id'", 1, true) and clean(pe10),
    "request:param Id=" .. tostring(v) .. " as int refused", pe10)
  -- the raw native function refuses too, in plain words
  -- the raw native function raises, in plain words
  ok10, pe10 = pcall(threecx.native.threecx_request_set_param_int, r10._h, "Id", v)
  check(not ok10 and type(pe10) == "string" and pe10:find("must be an integer", 1, true)
    and not pe10:find("SWIG", 1, true) and not pe10:find("expected '", 1, true),
    "native set_param_int " .. tostring(v) .. " refused", pe10)
  r10:close()
end
do
  local b10, e10 = client:call("GetUser", { params = { Id = 1.0 } })  -- an integral float is an integer
  check(b10 ~= nil or (e10 and e10.status == 404), "Id=1.0 is accepted as 1", e10)
  local q10, qe10 = threecx.query { top = 2.5 }
  check(q10 == nil and qe10 and qe10.message:find("'top'", 1, true), "query top=2.5 refused", qe10)
  -- a wrong handle type through the idiomatic layer: an error table in plain words
  local _, we = threecx.Request.body({ _h = {} }, "{}")
  check(we and we.name == "THREECX_E_INVALID_ARGUMENT" and clean(we) and we.message:find("threecx_request_set_body", 1, true),
    "a wrong handle type: plain words", we)
end
do
  local pok, pe = pcall(client.items, client, "/Users", nil, 2.5)
  check(not pok and type(pe) == "table" and pe.message:find("page_size", 1, true), "page size 2.5 refused", pe)
end

-- 11. options table, log callback, headers, decode, client_from_env --------
do
  local logs = {}
  local base = (http and "http://" or "https://") .. "127.0.0.1:" .. port
  local c11, e11 = threecx.client {
    domain = base, client_id = "test", api_key = "k3y-lua",
    ca_file = (not http) and ca or nil, allow_http = http or nil,
    timeout = 20, connect_timeout = 5.5, max_response_bytes = 16777216, refresh_margin = 30,
    user_agent = "lua-test/1", retry = { max_retries = 2, base_delay = 0.01, max_delay = 0.1, deadline = 5 },
    log = function(level, msg) logs[#logs + 1] = { level, msg } end, log_level = "debug",
  }
  check(c11 ~= nil, "client from an options table", e11)
  if c11 then
    local b, st, hd = c11:get("/Users(1)")
    check(b ~= nil and st == 200, "get with the options client", st)
    check(hd and type(hd.ETag) == "string" and #hd.ETag > 0, "ETag header", hd and hd.ETag)
    check(hd and hd["x-3cx-version"] ~= nil and hd["X-3CX-Version"] == hd["x-3cx-version"],
      "headers by case-insensitive name", hd and hd["x-3cx-version"])
    check(hd and hd["X-No-Such-Header"] == nil, "an absent header is nil")
    check(#logs > 0, "log callback called", #logs)
    local leak, badtype = false, false
    for _, l in ipairs(logs) do
      if l[2]:find("k3y-lua", 1, true) then leak = true end
      if type(l[1]) ~= "number" or type(l[2]) ~= "string" then badtype = true end
    end
    check(not leak and not badtype, "log: (level, message), no API key")
    -- call: body, status, headers
    local cb, cst, chd = c11:call("GetUser", { params = { Id = 1 } })
    check(cb and cst == 200 and chd and chd.ETag == hd.ETag, "call returns the headers (same ETag)", chd and chd.ETag)
    -- decode
    if threecx.json() then
      local t, dst = c11:get("/SecurityTokens", { query = { top = 3 }, decode = true })
      check(type(t) == "table" and type(t.value) == "table" and #t.value == 3 and dst == 200,
        "decode = true returns a Lua table", t)
      local n11 = 0
      for item in c11:items("/SecurityTokens", { query = { select = "Id" }, decode = true }, 10) do
        if type(item) == "table" and item.Id ~= nil then n11 = n11 + 1 end
      end
      check(n11 == 23, "items with decode = true: tables", n11)
      local cu = c11:call("GetUser", { params = { Id = 1 }, decode = true })
      check(type(cu) == "table" and cu.Id == 1, "call with decode = true", cu)
    else
      io.stderr:write("note: lua-cjson not installed for this Lua: decode not tested\n")
    end
    c11:close()
  end
  local c12, e12 = threecx.client { domain = base, client_id = "test", api_key = "k", timeout_sec = 3 }
  check(c12 == nil and e12 and e12.message:find("timeout_sec", 1, true), "unknown option named", e12)
  c12, e12 = threecx.client { domain = base, client_id = "test", api_key = "k", max_response_bytes = 1.5 }
  check(c12 == nil and e12 and e12.message:find("max_response_bytes", 1, true), "non-integer option refused", e12)
  c12, e12 = threecx.client { domain = base, client_id = "test", api_key = "k", retry = { tries = 2 } }
  check(c12 == nil and e12 and e12.message:find("tries", 1, true), "unknown retry option named", e12)
  -- client_from_env in a child process (Lua cannot set its own environment)
  local interp = arg and arg[-1] or "lua"
  local lpath, cpath = package.path:gsub("'", ""), package.cpath:gsub("'", "")
  local script = dir .. "/env.lua"
  local f = io.open(script, "w")
  f:write(string.format("package.path=%q package.cpath=%q\n", lpath, cpath))
  f:write([[local t = require "threecx"
local c, e = t.client_from_env()
if not c then print("ERR " .. tostring(e)) os.exit(1) end
local b, st = c:get("/Users(1)")
print(st or tostring(b) .. " " .. tostring(st))]])
  f:close()
  local envs = string.format("THREECX_DOMAIN='%s' THREECX_CLIENT_ID=test THREECX_API_KEY=k3y-lua %s",
    base, http and "THREECX_ALLOW_HTTP=1" or ("THREECX_CA_FILE='" .. ca .. "'"))
  local pipe = io.popen(envs .. " '" .. interp .. "' '" .. script .. "' 2>&1")
  local out = pipe:read("*a")
  pipe:close()
  check(out:match("^200") ~= nil, "client_from_env honours THREECX_CA_FILE / THREECX_ALLOW_HTTP", out)
  pipe = io.popen("env -u THREECX_DOMAIN '" .. interp .. "' '" .. script .. "' 2>&1")
  out = pipe:read("*a")
  pipe:close()
  check(out:find("THREECX_DOMAIN", 1, true) ~= nil, "client_from_env without THREECX_DOMAIN names it", out)
end

-- 12. a per-call deadline (the simulator answers /Slow with a 404 after 1.5 s)
do
  local b12, e12 = client:get("/Slow", { deadline = 0.3 })
  check(b12 == nil and e12 and e12.name == "THREECX_E_TIMEOUT", "deadline = 0.3 on a slow call: THREECX_E_TIMEOUT", e12)
  b12, e12 = client:get("/Slow")
  check(b12 == nil and e12 and e12.status == 404, "without a deadline the slow call answers (404)", e12)
  b12, e12 = client:get("/Slow", { deadline = -1 })
  check(b12 == nil and e12 and e12.message:find("deadline", 1, true), "a negative deadline is refused", e12)
end

-- 13. TLS setters: a CA bundle from memory; a pinned key that is not the server's
if not http then
  local f = assert(io.open(ca, "rb"))
  local pem = f:read("*a")
  f:close()
  local base = "https://127.0.0.1:" .. port
  local c10, e10 = threecx.client(base, "test", "k3y-lua", { ca_pem = pem, timeout_ms = 20000 })
  check(c10 ~= nil, "client with ca_pem", e10)
  if c10 then
    local ok10, ea = c10:authenticate()
    check(ok10 ~= nil and ea == nil, "authenticate with the CA from memory", ea)
    c10:close()
  end
  local c11, e11 = threecx.client(base, "test", "k3y-lua", { ca_pem = "not a certificate" })
  check(c11 == nil and e11 and e11.name == "THREECX_E_INVALID_ARGUMENT", "ca_pem without PEM refused", e11)
  local c12 = assert(threecx.client(base, "test", "k3y-lua",
    { ca_file = ca, pinned_public_key = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }))
  local ok12, e12 = c12:authenticate()
  check(ok12 == nil and e12 and e12.name == "THREECX_E_TLS", "wrong pin: TLS error", e12)
  c12:close()
end

-- 14. asynchronous requests: a poll loop over one native async object
do
  local a, ea = client:async { max_concurrent = 4 }
  check(a ~= nil, "async created", ea)
  local ids = {}
  for i = 1, 12 do
    local r = assert(client:request("GET", i % 3 == 0 and "/Users(999999)" or "/SecurityTokens"))
    local id, es = a:submit(r)
    r:close() -- copied
    check(id ~= nil, "submitted", es)
    ids[id] = i
  end
  local ok_n, http_n, got = 0, 0, 0
  for _ = 1, 10000 do
    local pending = a:wait(1)
    local c = a:next()
    while c do
      got = got + 1
      check(ids[c.id] ~= nil, "known id", c.id)
      if c.response then
        if c.response:status() == 200 then ok_n = ok_n + 1 end
        c.response:close()
      elseif c.error and c.error.status == 404 and c.error.name == "THREECX_E_HTTP" then
        http_n = http_n + 1
      end
      c = a:next()
    end
    if got == 12 then break end
  end
  check(ok_n == 8 and http_n == 4, "8 answers and 4 HTTP errors", ok_n .. "/" .. http_n)
  check(a:next() == nil, "nothing more")
  check(a:perform() == 0, "nothing pending")
  -- cancelled while the server holds it (the /Slow latency fault)
  local slow = assert(client:request("GET", "/Slow"))
  local id = a:submit(slow)
  slow:close()
  a:perform()
  check(a:cancel(id) == true, "cancel")
  a:perform()
  local c = a:next()
  check(c and c.id == id and c.error and c.error.name == "THREECX_E_CANCELLED", "cancelled", c and c.error)
  local _, en = a:cancel(id)
  check(en and en.name == "THREECX_E_NOT_FOUND", "cancel twice", en)
  local _, eb = a:submit("not a request")
  check(eb and eb.name == "THREECX_E_INVALID_ARGUMENT", "submit refuses a non-request", eb)
  a:close()
  a:close()
end

client:close()
client:close() -- idempotent
collectgarbage()
stop()
print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
