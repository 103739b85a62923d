-- The libthreecx scenario in Lua: list users with a filter, create one,
-- update it with If-Match, delete it, page a large collection, stream a
-- download, stop a slow call.
--
--   THREECX_DOMAIN=pbx.example.com THREECX_CLIENT_ID=... THREECX_API_KEY=... \
--     lua5.4 scenario.lua
--
-- Needs the installed module (luarocks make, or the libthreecx package) and
-- lua-cjson. THREECX_CA_FILE (a private CA) and THREECX_ALLOW_HTTP=1 are
-- honoured as by the threecx command-line tool. Exits 1 on the first failure.
local threecx = require "threecx"
local cjson = threecx.json() or error("this example needs lua-cjson")

local function step(what, ok, err)
  if not ok then
    io.stderr:write(what .. ": FAILED: " .. tostring(err) .. "\n")
    os.exit(1)
  end
  if type(ok) == "number" and math.tointeger then ok = math.tointeger(ok) or ok end  -- cjson decodes 5 as 5.0
  print(what .. ": " .. tostring(ok))
end

local c, err = threecx.client_from_env { timeout = 30, decode = true,
  retry = { max_retries = 2 } }
step("client", c and c:base_url(), err)

-- 1. users with a filter
local page, e1 = c:get("/Users", { query = { filter = "Number ge '100'", select = "Id,Number,FirstName",
                                             orderby = "Number", top = 5, count = true } })
step("users with Number >= 100", page and (#page.value .. " of " .. string.format("%d", page["@odata.count"])), e1)

-- 2. create one
local user, e2 = c:call("CreateUser", { body = cjson.encode { Number = "7342", FirstName = "Lua",
  LastName = "Example", EmailAddress = "lua.example@example.com" } })
step("created user", user and user.Id, e2)

-- 3. update it with If-Match (the ETag of what we read)
local cur, st, headers = c:call("GetUser", { params = { Id = user.Id } })
step("read back, ETag", cur and headers.ETag, st)
local _, e3 = c:call("UpdateUser", { params = { Id = user.Id }, headers = { ["If-Match"] = headers.ETag },
                                     body = cjson.encode { FirstName = "Renamed" } })
step("updated with If-Match", e3 == 204 and "204", e3)
local _, stale = c:call("UpdateUser", { params = { Id = user.Id }, headers = { ["If-Match"] = headers.ETag },
                                        body = cjson.encode { FirstName = "Lost update" } })
step("a stale ETag is refused", stale and stale.status == 412 and "412 " .. tostring(stale.odata_code), stale)

-- 4. delete it
local _, e4 = c:call("DeleteUser", { params = { Id = user.Id } })
step("deleted", e4 == 204 and "204", e4)

-- 5. page a large collection, 5 items per request
local n = 0
for item in c:items("/SecurityTokens", { query = { select = "Id" } }, 5) do
  if item.Id ~= nil then n = n + 1 end
end
step("security tokens, paged by 5", n)

-- 6. stream a download to a file (never held in memory)
local path = os.tmpname()
local req = assert(c:op("ExportExtensions"))
local resp, e6 = req:send_to_file(path)
local f = io.open(path, "rb")
local size = f and f:seek("end") or 0
if f then f:close() end
os.remove(path)
step("ExportExtensions streamed to a file", resp and size > 0 and (size .. " bytes"), e6)

-- 7. stop a slow call: a per-call deadline of 0.5 s
local groups, e7 = c:get("/Groups", { deadline = 0.5 })
if groups then
  step("slow call", "answered within the deadline")
else
  step("slow call stopped by its deadline", e7.name == "THREECX_E_TIMEOUT" and e7.name, e7)
end
c:close()
print("scenario done")
