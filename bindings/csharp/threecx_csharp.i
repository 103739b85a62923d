/*
 * C# typemaps (included by ../threecx.i). Generated with
 *   swig -csharp -module Native -namespace Threecx -dllimport threecx_csharp
 * The raw class Threecx.Native is the plumbing under Threecx.cs:
 *  - a status int becomes a ThreecxException (null on THREECX_OK / DONE),
 *    built from the code and the message captured in the C wrapper right
 *    after the call; Threecx.cs throws it;
 *  - out-parameters become C# `out` parameters: strings are copied into
 *    managed strings and released with threecx_free() inside the wrapper;
 *    handles come back as SWIGTYPE_p_* pointers that Threecx.cs owns
 *    (IDisposable classes calling threecx_*_free).
 */

/* The raw class Threecx.Native stays public, so that the 601 typed
 * threecx_xapi_* functions are reachable (with ThreecxClient.Handle etc.);
 * the everyday API is Threecx.cs. */

/* ---- status codes ---- */
%typemap(ctype, out="char *") int "int"
%typemap(imtype, out="string") int "int"
%typemap(cstype, out="ThreecxException") int "int"
%typemap(out) int %{
  {
    char fb[24];
    char *s = $1 > THREECX_DONE ? threecx_swig_encode_status($1, fb) : NULL;
    $result = s ? SWIG_csharp_string_callback(s) : NULL;
    threecx_swig_status_free(s, fb);
  }
%}
%typemap(csout, excode=SWIGEXCODE) int {
    string s = $imcall;$excode
    return ThreecxException.FromStatus(s);
  }
/* ... except the plain int results. */
%define THREECX_CS_PLAIN_INT(NAME)
%typemap(ctype, out="int") int NAME "int"
%typemap(imtype, out="int") int NAME "int"
%typemap(cstype, out="int") int NAME "int"
%typemap(out) int NAME %{ $result = $1; %}
%typemap(csout, excode=SWIGEXCODE) int NAME {
    int ret = $imcall;$excode
    return ret;
  }
%enddef
THREECX_CS_PLAIN_INT(threecx_error_last)
THREECX_CS_PLAIN_INT(threecx_version_number)
THREECX_CS_PLAIN_INT(threecx_abi_version)

/* ---- out values: visible `out` parameters ---- */
%define THREECX_CS_OUT(CTYPE, CSTYPE, ARGOUT)
%typemap(ctype) CTYPE "void *"
%typemap(imtype, out="global::System.IntPtr") CTYPE "out CSTYPE"
%typemap(cstype) CTYPE "out CSTYPE"
%typemap(csin) CTYPE "out $csinput"
%typemap(argout) CTYPE %{ if ($input) { ARGOUT; } %}
%enddef

/* char **out: owned string -> managed copy, then threecx_free (freearg). */
%typemap(in) char **out (char *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
THREECX_CS_OUT(char **out, string,
  *(char **)$input = tmp$argnum ? SWIG_csharp_string_callback(tmp$argnum) : NULL)
/* const char **out: static string -> managed copy, not freed. */
%typemap(in) const char **out (const char *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
THREECX_CS_OUT(const char **out, string,
  *(char **)$input = tmp$argnum ? SWIG_csharp_string_callback(tmp$argnum) : NULL)

%typemap(in) int32_t *out (int32_t tmp = 0) %{ $1 = ($1_ltype)&tmp; %}
THREECX_CS_OUT(int32_t *out, int, *(int32_t *)$input = tmp$argnum)
%typemap(in) int64_t *out (int64_t tmp = 0) %{ $1 = ($1_ltype)&tmp; %}
THREECX_CS_OUT(int64_t *out, long, *(int64_t *)$input = tmp$argnum)
%typemap(in) size_t *out (size_t tmp = 0) %{ $1 = ($1_ltype)&tmp; %}
THREECX_CS_OUT(size_t *out, ulong, *(unsigned long long *)$input = (unsigned long long)tmp$argnum)

/* Handles: out SWIGTYPE_p_threecx_x (null when none). */
%define THREECX_CS_HANDLE_OUT(TYPE, CSCLASS)
%typemap(in) TYPE **out (TYPE *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
%typemap(ctype) TYPE **out "void **"
%typemap(imtype) TYPE **out "out global::System.IntPtr"
%typemap(cstype) TYPE **out "out CSCLASS"
%typemap(csin, pre="    global::System.IntPtr p_$csinput = global::System.IntPtr.Zero;",
         post="      $csinput = p_$csinput == global::System.IntPtr.Zero ? null : new CSCLASS(p_$csinput, false);")
  TYPE **out "out p_$csinput"
%typemap(argout) TYPE **out %{ if ($input) *$input = (void *)tmp$argnum; %}
%enddef
THREECX_CS_HANDLE_OUT(threecx_client, SWIGTYPE_p_threecx_client)
THREECX_CS_HANDLE_OUT(threecx_query, SWIGTYPE_p_threecx_query)
THREECX_CS_HANDLE_OUT(threecx_request, SWIGTYPE_p_threecx_request)
THREECX_CS_HANDLE_OUT(threecx_response, SWIGTYPE_p_threecx_response)
THREECX_CS_HANDLE_OUT(threecx_pager, SWIGTYPE_p_threecx_pager)
THREECX_CS_HANDLE_OUT(const threecx_operation, SWIGTYPE_p_threecx_operation)
THREECX_CS_HANDLE_OUT(threecx_cancel, SWIGTYPE_p_threecx_cancel)
THREECX_CS_HANDLE_OUT(threecx_async, SWIGTYPE_p_threecx_async)
THREECX_CS_HANDLE_OUT(threecx_completion, SWIGTYPE_p_threecx_completion)

/* Raw bytes: copied by C into a caller-sized managed array instead (the
 * pointer/length pair does not map onto one C# `out`). */
%ignore threecx_response_body_bytes;
%typemap(ctype) unsigned char *buf "unsigned char *"
%typemap(imtype) unsigned char *buf
  "[global::System.Runtime.InteropServices.In, global::System.Runtime.InteropServices.Out] byte[]"
%typemap(cstype) unsigned char *buf "byte[]"
%typemap(csin) unsigned char *buf "$csinput"
%typemap(in) unsigned char *buf %{ $1 = $input; %}
%inline %{
/* Copies the raw body (threecx_response_body_bytes) into buf, which must
 * hold threecx_response_body_size() bytes. */
int threecx_csharp_copy_body(const threecx_response *response,
                             unsigned char *buf, size_t cap) {
  unsigned char *p = NULL;
  size_t n = 0;
  int rc = threecx_response_body_bytes(response, &p, &n);
  if (rc) return rc;
  if (n > cap || (n && !buf)) {
    threecx_free(p);
    return THREECX_E_INVALID_ARGUMENT;
  }
  if (n) memcpy(buf, p, n);
  threecx_free(p);
  return THREECX_OK;
}
%}

/* The #define constants would go through the status typemaps of `int`;
 * Threecx.cs declares the ones C# needs (ErrorCodes) as real constants. */
%rename("$ignore", regexmatch$name="^THREECX_") "";
