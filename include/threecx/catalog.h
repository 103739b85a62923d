/*
 * libthreecx: the XAPI operation catalog at run time, generic calls by
 * operationId, and file downloads.
 *
 * The catalog is generated from the XAPI specification (see
 * threecx_xapi_version()). A threecx_operation pointer refers to static,
 * immutable data: it is valid for the life of the process, may be shared by
 * any threads, and is never freed. `const char **out` results of the
 * threecx_operation_* functions are static strings too (never freed).
 */
#ifndef THREECX_CATALOG_H
#define THREECX_CATALOG_H

#include "threecx/threecx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Path parameter types (OData literal kinds). */
#define THREECX_TYPE_STRING 1
#define THREECX_TYPE_INT32 2
#define THREECX_TYPE_BOOL 3
#define THREECX_TYPE_GUID 4
#define THREECX_TYPE_DATETIME 5

/* Query options an operation accepts (bit mask). */
#define THREECX_OPT_TOP 0x01
#define THREECX_OPT_SKIP 0x02
#define THREECX_OPT_SEARCH 0x04
#define THREECX_OPT_FILTER 0x08
#define THREECX_OPT_COUNT 0x10
#define THREECX_OPT_ORDERBY 0x20
#define THREECX_OPT_SELECT 0x40
#define THREECX_OPT_EXPAND 0x80

/* What a successful answer carries. */
#define THREECX_RESPONSE_NONE 0       /* 204 No Content */
#define THREECX_RESPONSE_COLLECTION 1 /* {"@odata.count"?, "value": [...]} */
#define THREECX_RESPONSE_ENTITY 2     /* one JSON object */
#define THREECX_RESPONSE_VALUE 3      /* {"value": primitive} */
#define THREECX_RESPONSE_FILE 4       /* raw bytes with a Content-Type */

typedef struct threecx_operation threecx_operation;

/* Number of operations in the catalog (601 for XAPI 20.0.10). */
THREECX_API int threecx_operation_count(size_t *out);
/* Operation by index, 0 <= index < count (sorted by operationId). */
THREECX_API int threecx_operation_at(size_t index,
                                     const threecx_operation **out);
/* Operation by operationId, e.g. "ListSecurityRefreshToken" (exact case);
 * THREECX_E_NOT_FOUND if none. */
THREECX_API int threecx_operation_find(const char *operation_id,
                                       const threecx_operation **out);

/* The operationId, e.g. "ListSecurityRefreshToken". */
THREECX_API int threecx_operation_id(const threecx_operation *op,
                                     const char **out);
/* "GET", "POST", "PATCH" or "DELETE". */
THREECX_API int threecx_operation_method(const threecx_operation *op,
                                         const char **out);
/* Path template under /xapi/v1, e.g. "/Users({Id})". */
THREECX_API int threecx_operation_path(const threecx_operation *op,
                                       const char **out);
THREECX_API int threecx_operation_tag(const threecx_operation *op,
                                      const char **out);
THREECX_API int threecx_operation_summary(const threecx_operation *op,
                                          const char **out);
/* Name of the typed C function, e.g. "threecx_xapi_list_security_refresh_token". */
THREECX_API int threecx_operation_function(const threecx_operation *op,
                                           const char **out);
/* Path parameters, in path order. */
THREECX_API int threecx_operation_param_count(const threecx_operation *op,
                                              size_t *out);
THREECX_API int threecx_operation_param_name(const threecx_operation *op,
                                             size_t index, const char **out);
/* THREECX_TYPE_* */
THREECX_API int threecx_operation_param_type(const threecx_operation *op,
                                             size_t index, int32_t *out);
THREECX_API int threecx_operation_param_nullable(const threecx_operation *op,
                                                 size_t index, int32_t *out);
/* Mask of THREECX_OPT_* the operation accepts. */
THREECX_API int threecx_operation_options(const threecx_operation *op,
                                          int32_t *out);
/* 1 if the operation takes a JSON request body. */
THREECX_API int threecx_operation_has_body(const threecx_operation *op,
                                           int32_t *out);
/* 1 if the operation accepts an If-Match header (DELETE). */
THREECX_API int threecx_operation_has_if_match(const threecx_operation *op,
                                               int32_t *out);
/* THREECX_RESPONSE_* */
THREECX_API int threecx_operation_response_kind(const threecx_operation *op,
                                                int32_t *out);

/* A request for an operation of the catalog. Compared with
 * threecx_request_new, it also checks before anything is sent: parameter
 * names and types (THREECX_E_UNKNOWN_PARAMETER, THREECX_E_INVALID_ARGUMENT),
 * null only for nullable parameters, every parameter set
 * (THREECX_E_MISSING_PARAMETER), query options and bodies the operation
 * does not accept (THREECX_E_UNSUPPORTED). THREECX_E_NOT_FOUND for an
 * unknown operationId. Free with threecx_request_free(). */
THREECX_API int threecx_request_new_op(threecx_client *client,
                                       const char *operation_id,
                                       threecx_request **out);

/* ------------------------------------------------------------------------ */
/* Raw bodies and files. */

/* Receives body bytes of a successful answer as they arrive. Return 0 to
 * go on, anything else to abort the transfer (THREECX_E_ABORTED). */
typedef int32_t (*threecx_write_fn)(void *user_data, const unsigned char *data,
                                    size_t size);

/* A copy of the raw body bytes (may contain NULs); *size gets the length.
 * Free *out with threecx_free(). An empty body gives *out NULL, *size 0. */
THREECX_API int threecx_response_body_bytes(const threecx_response *response,
                                            unsigned char **out, size_t *size);
/* Sends the request and streams a 2xx body to `fn` instead of keeping it in
 * the response (error bodies are kept in the response as usual). *out as for
 * threecx_request_send. */
THREECX_API int threecx_request_send_to_callback(threecx_request *request,
                                                 threecx_write_fn fn,
                                                 void *user_data,
                                                 threecx_response **out);
/* Same, writing a 2xx body to the file at `path`: the body goes to a new
 * file next to it ("<path>.part-...") that replaces `path` only once the
 * whole body is written. On any failure (HTTP error, network, disk) that
 * file is removed and an existing file at `path` is left untouched. */
THREECX_API int threecx_request_send_to_file(threecx_request *request,
                                             const char *path,
                                             threecx_response **out);

#ifdef __cplusplus
}
#endif

#endif /* THREECX_CATALOG_H */
