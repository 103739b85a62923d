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
%typemap(argout) (const char **data, size_t *size) %{
  if (tmp$argnum) lua_pushlstring(L, tmp$argnum, tmpn$argnum); else lua_pushnil(L);
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
THREECX_LUA_HANDLE_OUT(threecx_cancel)
THREECX_LUA_HANDLE_OUT(threecx_async)
THREECX_LUA_HANDLE_OUT(threecx_completion)

/* Lua strings may hold NULs; request bodies are JSON text, so const char *
 * is fine as is (nil -> NULL, refused by the library where required). */

/* ---- integer arguments: strict (never a truncation, never SWIG text) ----
 * A number with a fraction, a string, NaN or a value out of the C type's
 * range is refused with "function: argument N (name) must be an integer
 * ...", raised as a Lua error that threecx.lua turns into an error table.
 * (SWIG's default converts "2.5" and 2.9 to 2.) Works with Lua 5.1/LuaJIT
 * (doubles) and 5.3+ (integer subtype). */
%{
#include <math.h>
static int threecx_lua_toint(lua_State *L, int idx, double lo, double hi, long long *out) {
  if (lua_type(L, idx) != LUA_TNUMBER) return 0;
#if LUA_VERSION_NUM >= 503
  if (lua_isinteger(L, idx)) {
    lua_Integer v = lua_tointeger(L, idx);
    if ((double)v < lo || (double)v > hi) return 0;
    *out = (long long)v;
    return 1;
  }
#endif
  {
    lua_Number d = lua_tonumber(L, idx);
    /* hi is exclusive for int64 (2^63 is not representable) */
    if (d != d || d < lo || d > hi || (hi >= 9223372036854775807.0 && d >= 9223372036854775808.0) ||
        floor(d) != d)
      return 0;
    *out = (long long)d;
    return 1;
  }
}
static void threecx_lua_int_error(lua_State *L, const char *fn, int argnum, const char *name, int idx) {
  if (lua_type(L, idx) == LUA_TNUMBER)
    lua_pushfstring(L, "%s: argument %d (%s) must be an integer in range, got %s", fn, argnum, name,
                    lua_tostring(L, idx));
  else
    lua_pushfstring(L, "%s: argument %d (%s) must be an integer, got a %s", fn, argnum, name,
                    luaL_typename(L, idx));
}
%}
%define THREECX_LUA_INT_IN(CTYPE, LO, HI)
%typemap(in) CTYPE (long long v = 0) %{
  if (!threecx_lua_toint(L, $input, LO, HI, &v)) {
    threecx_lua_int_error(L, "$symname", $argnum, "$1_name", $input);
    SWIG_fail;
  }
  $1 = ($1_ltype)v;
%}
%enddef
THREECX_LUA_INT_IN(int64_t, -9223372036854775808.0, 9223372036854775807.0)
THREECX_LUA_INT_IN(int32_t, -2147483648.0, 2147483647.0)
THREECX_LUA_INT_IN(int, -2147483648.0, 2147483647.0)
THREECX_LUA_INT_IN(size_t, 0.0, 9007199254740992.0)

/* ---- log sink: a Lua function(level, message) ----
 * threecx_lua_set_log(client, level, fn|nil) -> true | nil, err, sink
 * The function is called on a Lua thread of its own (so a log during a call
 * made from a coroutine is safe), errors inside it are ignored. The returned
 * sink userdata keeps the function referenced: threecx.lua stores it in the
 * client and in every request and pager made from it (the C library keeps
 * calling the sink while any of them lives). When the sink is collected, it
 * is switched off and its references dropped; its few bytes of C state are
 * left allocated (the C objects may still hold the pointer). */
%{
typedef struct {
  lua_State *T;
  int thread_ref, fn_ref, live;
} threecx_lua_sink;

static void threecx_lua_log_cb(void *ud, int32_t level, const char *message) {
  threecx_lua_sink *s = (threecx_lua_sink *)ud;
  int top;
  if (!s || !s->live) return;
  top = lua_gettop(s->T);
  lua_rawgeti(s->T, LUA_REGISTRYINDEX, s->fn_ref);
  lua_pushinteger(s->T, (lua_Integer)level);
  lua_pushstring(s->T, message ? message : "");
  (void)lua_pcall(s->T, 2, 0, 0);
  lua_settop(s->T, top);
}

static int threecx_lua_sink_gc(lua_State *L) {
  threecx_lua_sink **p = (threecx_lua_sink **)lua_touserdata(L, 1);
  if (p && *p && (*p)->live) {
    (*p)->live = 0;
    luaL_unref(L, LUA_REGISTRYINDEX, (*p)->fn_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, (*p)->thread_ref);
  }
  return 0;
}

static int threecx_lua_set_log(lua_State *L) {
  threecx_client *c = NULL;
  threecx_lua_sink *s;
  threecx_lua_sink **ud;
  long long level = 0;
  int rc;
  if (!lua_isnil(L, 1) && !SWIG_IsOK(SWIG_ConvertPtr(L, 1, (void **)&c, SWIGTYPE_p_threecx_client, 0))) {
    lua_pushstring(L, "threecx_lua_set_log: argument 1 (client) must be a client handle");
    return lua_error(L);
  }
  if (!threecx_lua_toint(L, 2, 0.0, 5.0, &level)) {
    threecx_lua_int_error(L, "threecx_lua_set_log", 2, "level", 2);
    return lua_error(L);
  }
  if (lua_isnoneornil(L, 3)) {
    rc = threecx_client_set_log(c, THREECX_LOG_NONE, NULL, NULL);
    if (rc) { lua_pushnil(L); threecx_lua_push_error(L, rc); return 2; }
    lua_pushboolean(L, 1);
    return 1;
  }
  luaL_checktype(L, 3, LUA_TFUNCTION);
  s = (threecx_lua_sink *)malloc(sizeof *s);
  if (!s) { lua_pushnil(L); threecx_lua_push_error(L, THREECX_E_NO_MEMORY); return 2; }
  s->T = lua_newthread(L);
  s->thread_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, 3);
  s->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  s->live = 1;
  rc = threecx_client_set_log(c, (int32_t)level, threecx_lua_log_cb, s);
  if (rc) {
    luaL_unref(L, LUA_REGISTRYINDEX, s->fn_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, s->thread_ref);
    free(s);
    lua_pushnil(L);
    threecx_lua_push_error(L, rc);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_pushnil(L);
  ud = (threecx_lua_sink **)lua_newuserdata(L, sizeof *ud);
  *ud = s;
  lua_newtable(L);
  lua_pushcfunction(L, threecx_lua_sink_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  return 3;
}
%}
%native(threecx_lua_set_log) int threecx_lua_set_log(lua_State *L);
