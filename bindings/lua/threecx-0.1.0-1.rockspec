-- LuaRocks package of the libthreecx Lua binding. Builds the SWIG module
-- against an INSTALLED libthreecx found with pkg-config (threecx.pc), then
-- installs threecx.lua and threecx_native.so into the rocks tree:
--   cd bindings/lua && luarocks make threecx-0.1.0-1.rockspec
-- (PKG_CONFIG_PATH=<prefix>/lib/pkgconfig for a libthreecx outside the
-- default paths; needs swig, a C compiler and the Lua headers, which
-- luarocks finds for the Lua it runs for: 5.1, 5.2, 5.3, 5.4 or LuaJIT.)
-- lua-cjson is optional: with it, decode = true returns Lua tables.
rockspec_format = "3.0"
package = "threecx"
version = "0.1.0-1"
source = {
  url = "git+file://.",  -- built in place by `luarocks make` from a checkout
}
description = {
  summary = "Lua binding of libthreecx, the 3CX V20 Configuration API (XAPI) client",
  detailed = [[
threecx.client{domain=, client_id=, api_key=, ...} with every client option,
strict integer parameters, results with response headers, pagers, the
601-operation catalog; a SWIG module over libthreecx's C ABI.]],
  license = "MIT",
}
dependencies = {
  "lua >= 5.1",
}
build = {
  type = "make",
  makefile = "Makefile.rock",
  build_variables = {
    CFLAGS = "$(CFLAGS)",
    LIBFLAG = "$(LIBFLAG)",
    LUA_INCDIR = "$(LUA_INCDIR)",
  },
  install_variables = {
    LUA_INCDIR = "$(LUA_INCDIR)",
    INST_LUADIR = "$(LUADIR)",
    INST_LIBDIR = "$(LIBDIR)",
  },
}
