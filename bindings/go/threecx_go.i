/*
 * Go typemaps (included by ../threecx.i). Generated with
 *   swig -go -cgo -intgosize 64 -module threecxc
 * into the package threecxc, the raw layer under the idiomatic package
 * threecx (threecx.go).
 *
 * A status int becomes a Go `error` (nil on THREECX_OK / THREECX_DONE, else
 * *Error). The C wrapper encodes "CODE:message" right after the C call, in
 * the same cgo call: a goroutine may move to another OS thread between two
 * cgo calls, so threecx_last_error() must never be read in a separate call.
 * Out-parameters are Go pointers the caller passes (Go has no SWIG multiple
 * results): *string (owned C strings are copied, then threecx_free'd in the
 * wrapper), *int32 / *int64 / *uint64, *uintptr for handles (the idiomatic
 * layer owns those and frees them in Close / a finalizer).
 * Nothing here panics.
 */

/* ---- status codes ---- */
%typemap(gotype) int "error"
%typemap(imtype) int "string"
%typemap(out, fragment="AllocateString") int %{
  {
    char fb[24];
    char *s = $1 > THREECX_DONE ? threecx_swig_encode_status($1, fb) : NULL;
    $result = Swig_AllocateString(s ? s : "", s ? strlen(s) : 0);
    threecx_swig_status_free(s, fb);
  }
%}
%typemap(goout, fragment="CopyString") int %{ $result = statusError(swigCopyString($1)) %}

/* int32_t (a typedef of int) and the int parameters (threecx_strerror(int code), threecx_error_name(int code))
 * and the plain int results keep Go's int. */
%typemap(gotype) int32_t "int32"
%typemap(imtype) int32_t "int32"
%typemap(gotype) int code "int"
%typemap(imtype) int code "int"
%define THREECX_GO_PLAIN_INT(NAME)
%typemap(gotype) int NAME "int"
%typemap(imtype) int NAME "int"
%typemap(out) int NAME %{ $result = (intgo)$1; %}
%typemap(goout) int NAME ""
%enddef
THREECX_GO_PLAIN_INT(threecx_error_last)
THREECX_GO_PLAIN_INT(threecx_version_number)
THREECX_GO_PLAIN_INT(threecx_abi_version)

%insert(go_wrapper) %{

// Error is a failed call of this raw layer: the THREECX_E_* Code, its
// macro Name and the Message captured in the call. The package threecx
// turns it into its own *Error (HTTP status, OData error, errors.Is).
type Error struct {
	Code    int
	Name    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%d): %s", e.Name, e.Code, e.Message) }

func statusError(s string) error {
	if s == "" {
		return nil
	}
	code, msg := 21, s
	if i := strings.IndexByte(s, ':'); i > 0 {
		if n, err := strconv.Atoi(s[:i]); err == nil {
			code, msg = n, s[i+1:]
		}
	}
	name := Threecx_error_name(code)
	if name == "" {
		name = "THREECX_E_UNKNOWN"
	}
	return &Error{Code: code, Name: name, Message: msg}
}
%}
%go_import("fmt", "strconv", "strings")

/* ---- out values: Go pointers ---- */
/* Strings: always written (never left pointing at the caller's memory). */
%typemap(gotype) char **out, const char **out "*string"
/* goin passes a fresh Go variable (cgocheck rejects a pointer into an object
 * that holds Go pointers, e.g. a field of a struct); goargout copies back. */
%typemap(goin) char **out, const char **out %{
	if $input != nil {
		$result = new(string)
	}
%}
%typemap(in) char **out (char *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
%typemap(in) const char **out (const char *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
%typemap(argout, fragment="AllocateString") char **out, const char **out %{
  if ($input) *$input = Swig_AllocateString(tmp$argnum ? tmp$argnum : "", tmp$argnum ? strlen(tmp$argnum) : 0);
%}
%typemap(goargout, fragment="CopyString") char **out, const char **out %{
	if $input != nil {
		*$1 = swigCopyString(*$input)
	}
%}

/* Raw bytes: a Go string holding the bytes (may contain NULs). */
%typemap(gotype) (unsigned char **out, size_t *size) "*string"
%typemap(goin) (unsigned char **out, size_t *size) %{
	if $input != nil {
		$result = new(string)
	}
%}
%typemap(in) (unsigned char **out, size_t *size) (unsigned char *tmp = NULL, size_t tmpn = 0)
  %{ $1 = ($1_ltype)&tmp; $2 = &tmpn; %}
%typemap(argout, fragment="AllocateString") (unsigned char **out, size_t *size) %{
  if ($input) *$input = Swig_AllocateString(tmp$argnum ? (const char *)tmp$argnum : "", tmpn$argnum);
%}
%typemap(goargout, fragment="CopyString") (unsigned char **out, size_t *size) %{
	if $input != nil {
		*$1 = swigCopyString(*$input)
	}
%}

/* Numbers. */
%define THREECX_GO_NUM_OUT(CTYPE, GOTYPE, CCAST)
%typemap(gotype) CTYPE *out "*GOTYPE"
%typemap(goin) CTYPE *out %{
	if $input != nil {
		$result = new(GOTYPE)
	}
%}
%typemap(goargout) CTYPE *out %{
	if $input != nil {
		*$1 = *$input
	}
%}
%typemap(in) CTYPE *out (CTYPE tmp = 0) %{ $1 = ($1_ltype)&tmp; %}
%typemap(argout) CTYPE *out %{ if ($input) *$input = (CCAST)tmp$argnum; %}
%enddef
THREECX_GO_NUM_OUT(int32_t, int32, int32_t)
THREECX_GO_NUM_OUT(int64_t, int64, int64_t)
THREECX_GO_NUM_OUT(size_t, uint64, uint64_t)

/* Handles: *uintptr, 0 when none. Convert with SwigcptrSWIGTYPE_p_<type>(p). */
%define THREECX_GO_HANDLE_OUT(TYPE)
%typemap(gotype) TYPE **out "*uintptr"
%typemap(goin) TYPE **out %{
	if $input != nil {
		$result = new(uintptr)
	}
%}
%typemap(goargout) TYPE **out %{
	if $input != nil {
		*$1 = *$input
	}
%}
%typemap(in) TYPE **out (TYPE *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
/* (SWIG gives the C side of a *uintptr the parameter's own C type) */
%typemap(argout) TYPE **out %{ if ($input) memcpy((void *)$input, &tmp$argnum, sizeof(void *)); %}
%enddef
THREECX_GO_HANDLE_OUT(threecx_client)
THREECX_GO_HANDLE_OUT(threecx_query)
THREECX_GO_HANDLE_OUT(threecx_request)
THREECX_GO_HANDLE_OUT(threecx_response)
THREECX_GO_HANDLE_OUT(threecx_pager)
THREECX_GO_HANDLE_OUT(threecx_cancel)
THREECX_GO_HANDLE_OUT(threecx_async)
THREECX_GO_HANDLE_OUT(threecx_completion)
THREECX_GO_HANDLE_OUT(const threecx_operation)

/* The #define constants would go through the status typemaps of `int`; the
 * idiomatic package declares the ones Go needs. */
%rename("$ignore", regexmatch$name="^THREECX_") "";
