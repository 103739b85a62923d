/*
 * Lua typemaps (included by ../threecx.i). Raw functions of the native
 * module "threecx_native":
 *   success: the out values in order (true when there are none);
 *   failure: nil, {code=, name=, message=}, then the out values (so that
 *            threecx_request_send also hands back the response of an HTTP
 *            error).
 * THREECX_DONE is a success whose out value is nil (end of a pager).
 * The idiomatic layer is threecx.lua.
 */

%{
static void threecx_lua_push_error(lua_State *L, int code) {
  const char *msg = threecx_swig_errmsg(code); /* before any other call */
  const char *name = threecx_error_name(code);
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, code);
  lua_setfield(L, -2, "code");
  lua_pushstring(L, name ? name : "THREECX_E_UNKNOWN");
  lua_setfield(L, -2, "name");
  lua_pushstring(L, msg);
  lua_setfield(L, -2, "message");
}
%}

/* Status codes. */
%typemap(out) int %{
  if ($1 > THREECX_DONE) {
    lua_pushnil(L); SWIG_arg++;
    threecx_lua_push_error(L, $1); SWIG_arg++;
  }
%}
%typemap(out) int threecx_version_number, int threecx_abi_version, int threecx_error_last
  %{ lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++; %}
%typemap(ret) int %{
  if (SWIG_arg == 0) { lua_pushboolean(L, 1); SWIG_arg++; }
%}
%define THREECX_LUA_PLAIN_INT(NAME)
%typemap(ret) int NAME "";
%enddef
THREECX_LUA_PLAIN_INT(threecx_error_last)
THREECX_LUA_PLAIN_INT(threecx_version_number)
THREECX_LUA_PLAIN_INT(threecx_abi_version)

/* Out values. */
%typemap(argout) char **out %{
  if (tmp$argnum) lua_pushstring(L, tmp$argnum); else lua_pushnil(L);
  SWIG_arg++;
%}
%typemap(argout) (unsigned char **out, size_t *size) %{
  if (tmp$argnum) lua_pushlstring(L, (const char *)tmp$argnum, tmpn$argnum);
  else lua_pushliteral(L, "");
  SWIG_arg++;
%}
%typemap(argout) const char **out %{
  if (tmp$argnum) lua_pushstring(L, tmp$argnum); else lua_pushnil(L);
  SWIG_arg++;
%}
%typemap(argout) int32_t *out, int64_t *out %{
  lua_pushinteger(L, (lua_Integer)tmp$argnum); SWIG_arg++;
%}
%typemap(argout) size_t *out %{
  lua_pushinteger(L, (lua_Integer)tmp$argnum); SWIG_arg++;
%}

/* Handles come back as plain SWIG pointers (not owned by SWIG): threecx.lua
 * wraps each in an object whose __gc calls the matching *_free. */
%define THREECX_LUA_HANDLE_OUT(TYPE)
%typemap(argout) TYPE **out %{
  if (tmp$argnum) SWIG_NewPointerObj(L, (void *)tmp$argnum, $*1_descriptor, 0);
  else lua_pushnil(L);
  SWIG_arg++;
%}
%enddef
THREECX_LUA_HANDLE_OUT(threecx_client)
THREECX_LUA_HANDLE_OUT(threecx_query)
THREECX_LUA_HANDLE_OUT(threecx_request)
THREECX_LUA_HANDLE_OUT(threecx_response)
THREECX_LUA_HANDLE_OUT(threecx_pager)
THREECX_LUA_HANDLE_OUT(const threecx_operation)

/* Lua strings may hold NULs; request bodies are JSON text, so const char *
 * is fine as is (nil -> NULL, refused by the library where required). */
