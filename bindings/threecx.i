/*
 * libthreecx SWIG core: shared by every language binding.
 *
 *   swig -lua    -I<this dir> -I<include dirs> threecx.i   (Lua)
 *   swig -csharp -I<this dir> ... threecx.i                 (C#)
 *   swig -go -cgo -intgosize 64 -I<this dir> ... threecx.i  (Go)
 *
 * This file holds what is common: the headers, what is ignored, the
 * C side of the out-parameter typemaps (the temporaries and the
 * threecx_free() of owned strings) and the list of int results that are not
 * status codes. The thin per-language file included below holds only that
 * language's typemaps (how a status becomes an error, how an out value is
 * handed to the language) and renames. See README.md for the catalog of
 * typemaps and who frees what.
 */
%module threecx

%{
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "threecx/threecx.h"
#include "threecx/catalog.h"
#include "threecx/operations.h"

/* The error of a failed call, captured in the wrapper right after the C call
 * (threecx_last_error() is per thread and only valid until the next
 * threecx_* call, and a Go goroutine may move to another OS thread between
 * two cgo calls: so no binding ever reads it in a separate call). */
static const char *threecx_swig_errmsg(int code) {
  const char *m = threecx_last_error();
  if (threecx_last_error_code() != code || !m || !*m) m = threecx_strerror(code);
  return m;
}
/* "CODE:message" (C# and Go carry it as one string): in a malloc'ed buffer,
 * or, if that allocation fails, "CODE:" in `fallback` (never NULL for an
 * error, so a failure is never mistaken for success). Free the result with
 * threecx_swig_status_free(result, fallback). */
static char *threecx_swig_encode_status(int code, char fallback[24]) {
  const char *m = threecx_swig_errmsg(code);
  size_t n = strlen(m) + 16;
  char *s = (char *)malloc(n);
  if (s) {
    snprintf(s, n, "%d:%s", code, m);
    return s;
  }
  snprintf(fallback, 24, "%d:", code);
  return fallback;
}
static void threecx_swig_status_free(char *s, char *fallback) {
  if (s != fallback) free(s);
}
%}

%include <stdint.i>

#define THREECX_API

/* What cannot cross well: C callbacks. (Streaming to a file,
 * threecx_request_send_to_file, is wrapped instead.) */
%ignore threecx_client_set_log;
%ignore threecx_request_send_to_callback;
%ignore threecx_request_set_progress;
/* The asynchronous API without C callbacks: completions are polled with
 * threecx_async_next (threecx_swig_async_submit below submits without a
 * callback); the descriptors for a caller's poll loop are C's business. */
%ignore threecx_async_submit;
%ignore threecx_async_fds;
%ignore threecx_pollfd;
/* Borrowed (const char **) results: the bindings read headers by name
 * (threecx_response_header) and copy; the iteration is for C. */
%ignore threecx_response_header_at;
%ignore threecx_response_header_view;
/* Bindings capture the error inside each wrapper; reading the thread's last
 * error in a separate call is wrong in Go and pointless elsewhere. */
%ignore threecx_last_error;
%ignore threecx_last_error_code;
%ignore threecx_clear_error;
/* Memory is released by the typemaps; never by the language. */
%ignore threecx_free;

/* ------------------------------------------------------------------------ */
/* int results that are NOT status codes: they keep the language's plain int
 * typemap (copied here, before any language file redefines `int`). */
%define THREECX_PLAIN_INT(NAME)
%typemap(out) int NAME = int;
%enddef
THREECX_PLAIN_INT(threecx_error_last)
THREECX_PLAIN_INT(threecx_version_number)
THREECX_PLAIN_INT(threecx_abi_version)

/* ------------------------------------------------------------------------ */
/* C side of the out-parameters. Every `out` is hidden from the language
 * (numinputs=0) except in Go, whose file redefines the `in` typemaps. */

/* char **out: a string the caller owns -> copied to the language, then
 * released with threecx_free() in freearg (the out-parameter form of
 * %newobject + newfree). */
%typemap(in, numinputs=0) char **out (char *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
%typemap(freearg) char **out %{ threecx_free(tmp$argnum); %}

/* unsigned char **out, size_t *size: owned bytes (may contain NULs), freed
 * with threecx_free() after the copy. */
%typemap(in, numinputs=0) (unsigned char **out, size_t *size)
    (unsigned char *tmp = NULL, size_t tmpn = 0) %{ $1 = ($1_ltype)&tmp; $2 = &tmpn; %}
%typemap(freearg) (unsigned char **out, size_t *size) %{ threecx_free(tmp$argnum); %}

/* const char **out: a static string (catalog): copied, never freed. */
%typemap(in, numinputs=0) const char **out (const char *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
/* (explicitly empty: SWIG would otherwise fall back to char **out's free) */
%typemap(freearg) const char **out "";

/* const char **data, size_t *size: bytes LENT by the library (a response's
 * body, a pager's item), valid until the handle moves on: never freed. Only
 * Lua exposes them (copied once, straight into a Lua string); Go and C#
 * copy anyway, through the owning accessors. */
%typemap(in, numinputs=0) (const char **data, size_t *size)
    (const char *tmp = NULL, size_t tmpn = 0) %{ $1 = ($1_ltype)&tmp; $2 = &tmpn; %}
#if !defined(SWIGLUA)
%ignore threecx_response_body_view;
%ignore threecx_pager_next_item_view;
#endif

/* Numbers. */
%typemap(in, numinputs=0) int32_t *out (int32_t tmp = 0) %{ $1 = ($1_ltype)&tmp; %}
%typemap(in, numinputs=0) int64_t *out (int64_t tmp = 0) %{ $1 = ($1_ltype)&tmp; %}
%typemap(in, numinputs=0) size_t *out (size_t tmp = 0) %{ $1 = ($1_ltype)&tmp; %}

/* Handles: `threecx_x **out` -> the new handle is the result. The language
 * layer owns it and releases it with threecx_x_free() (Lua __gc, C#
 * IDisposable, Go Close + finalizer). const threecx_operation * is static
 * catalog data and never freed. */
%define THREECX_HANDLE_OUT(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
%enddef
THREECX_HANDLE_OUT(threecx_client)
THREECX_HANDLE_OUT(threecx_query)
THREECX_HANDLE_OUT(threecx_request)
THREECX_HANDLE_OUT(threecx_response)
THREECX_HANDLE_OUT(threecx_pager)
THREECX_HANDLE_OUT(threecx_cancel)
THREECX_HANDLE_OUT(threecx_async)
THREECX_HANDLE_OUT(threecx_completion)
THREECX_HANDLE_OUT(const threecx_operation)

/* ------------------------------------------------------------------------ */
/* The language's own typemaps and renames. */
#if defined(SWIGLUA)
%include "lua/threecx_lua.i"
#elif defined(SWIGCSHARP)
%include "csharp/threecx_csharp.i"
#elif defined(SWIGGO)
%include "go/threecx_go.i"
#else
#error "libthreecx: no binding file for this SWIG language"
#endif

%include "threecx/threecx.h"
%include "threecx/catalog.h"

%inline %{
/* threecx_async_submit without a callback: the completion is kept for
 * threecx_async_next. */
static int threecx_swig_async_submit(threecx_async *async, const threecx_request *request,
                                     int64_t *out) {
  return threecx_async_submit(async, request, NULL, NULL, out);
}
%}
#ifndef THREECX_NO_TYPED_OPERATIONS
%include "threecx/operations.h"
#endif
