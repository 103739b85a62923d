-- bench_xapi's Lua contender (measure 7): the generic GET of bench_xapi.c
-- (request_new + send + body) through the Lua binding, N times after 20
-- warm-up calls. Prints the process CPU time per call in microseconds.
--   LUA_CPATH=<build>/bindings/lua/?.so LUA_PATH=bindings/lua/?.lua \
--     lua5.4 bench/wrap_lua.lua http://127.0.0.1:PORT N
local threecx = require "threecx"
local domain, n = arg[1], tonumber(arg[2])
local c = assert(threecx.client(domain, "bench", "bench-key", { allow_http = true }))
for _ = 1, 20 do assert(c:get("/SecurityTokens")) end
local t0 = os.clock()
for _ = 1, n do
  assert(c:get("/SecurityTokens"))
end
print(string.format("%.3f", (os.clock() - t0) * 1e6 / n))
c:close()
