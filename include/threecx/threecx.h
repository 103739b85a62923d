/*
 * libthreecx: a C client for the 3CX V20 Configuration API ("XAPI").
 *
 * THE CONTRACT
 *
 *  1. Handles are opaque. threecx_client, threecx_query, threecx_request,
 *     threecx_response and threecx_pager are distinct incomplete types; you
 *     only ever hold pointers to them. Every handle is created by a *_new
 *     function and released by its own *_free function. Every *_free accepts
 *     NULL and does nothing.
 *
 *  2. Errors. Every function that can fail returns an int status: THREECX_OK
 *     (0) on success, THREECX_DONE (1) when an iteration has finished, or one
 *     of the THREECX_E_* codes below. Codes are numbered once and never
 *     renumbered; retired codes stay reserved. threecx_strerror(code) gives a
 *     fixed text per code. threecx_last_error() gives the detailed message of
 *     the last failure on the calling thread; it is valid until the next
 *     threecx_* call on that same thread (copy it if you need it longer).
 *     Successful calls do not clear it; threecx_last_error_code() tells the
 *     code that went with it.
 *
 *  3. Ownership. Results come back through out-parameters, always the last
 *     arguments. A `char **out` receives a NUL-terminated string that the
 *     caller owns and must release with threecx_free() (never free()). A
 *     handle out-parameter (`threecx_x **out`) receives a handle the caller
 *     releases with threecx_x_free(). On failure out-parameters are set to
 *     NULL / 0, except where a function documents otherwise
 *     (threecx_request_send hands back the response of an HTTP error).
 *     `const char *` results of threecx_version(), threecx_strerror() and
 *     threecx_error_name() are static and never freed.
 *
 *  4. NULL. A NULL handle, NULL out-pointer or NULL required string is
 *     refused with THREECX_E_INVALID_ARGUMENT; the library never aborts or
 *     crashes on bad arguments. Arguments documented as "may be NULL" are
 *     optional.
 *
 *  5. Threads. A threecx_client may be shared by any number of threads at
 *     once; it owns the bearer token, which it fetches, caches, refreshes
 *     ahead of expiry and shares (one token request at a time, because 3CX
 *     keeps only one live token per Client ID). Client options should be set
 *     before the client is shared. A threecx_query, threecx_request,
 *     threecx_response or threecx_pager must be used by one thread at a time
 *     (different threads may each use their own). Handles may be freed in any
 *     order: a request or pager keeps its client's internals alive. A
 *     threecx_cancel is the exception: it is meant to be triggered from any
 *     thread while another thread's call uses it.
 *     threecx_last_error() is per thread.
 *
 *  6. Secrets. The API key and access tokens never appear in log messages,
 *     error messages or URLs produced by this library: text quoted from a
 *     server (error bodies, headers, OData error details) is scrubbed of
 *     the key, the current and previous token and anything shaped like
 *     "Bearer ...", access_token or client_secret before it is stored.
 *     Response accessors (threecx_response_body, _header, _error_*) return
 *     the server's bytes as sent. Redirects are never followed, so neither
 *     the key nor a token goes to another host. TLS certificate
 *     verification is on unless
 *     threecx_client_set_insecure_skip_tls_verify(client, 1) is
 *     called; plain http:// is refused unless threecx_client_allow_http() is.
 *
 *  7. Booleans are int32_t (0 = false, anything else = true). Sizes are
 *     size_t, counts and numbers int64_t. No structs cross the boundary by
 *     value and no function takes varargs.
 */
#ifndef THREECX_THREECX_H
#define THREECX_THREECX_H

#include <stddef.h>
#include <stdint.h>

#include "threecx/export.h"
#include "threecx/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes. Stable numbers: never renumbered, retired ones stay reserved. */

#define THREECX_OK 0                  /* success */
#define THREECX_DONE 1                /* an iteration has no more elements */
#define THREECX_E_INVALID_ARGUMENT 2  /* NULL handle/pointer or bad value */
#define THREECX_E_NO_MEMORY 3         /* an allocation failed */
#define THREECX_E_INVALID_JSON 4      /* a JSON body is malformed */
#define THREECX_E_INVALID_DOMAIN 5    /* the 3CX domain / URL is unusable */
#define THREECX_E_OPTION_REPEATED 6   /* a query option was set twice */
#define THREECX_E_UNKNOWN_PARAMETER 7 /* no {name} in the path / operation */
#define THREECX_E_MISSING_PARAMETER 8 /* a path parameter was never set */
#define THREECX_E_INSECURE 9          /* http:// refused (see allow_http) */
#define THREECX_E_NETWORK 10          /* DNS, connect or transfer failure */
#define THREECX_E_TLS 11              /* TLS handshake / verification */
#define THREECX_E_TIMEOUT 12          /* connect or total timeout */
#define THREECX_E_AUTH 13             /* /connect/token refused or failed */
#define THREECX_E_HTTP 14             /* the XAPI answered a non-2xx status */
#define THREECX_E_PROTOCOL 15         /* the server's answer is unusable */
#define THREECX_E_NOT_FOUND 16        /* no such header/operation/item */
#define THREECX_E_UNSUPPORTED 17      /* not accepted by this operation */
#define THREECX_E_STATE 18            /* call not valid in this state */
#define THREECX_E_IO 19               /* a local file could not be written */
#define THREECX_E_ABORTED 20          /* a callback asked to stop */
#define THREECX_E_INTERNAL 21         /* a bug in libthreecx */
#define THREECX_E_UNCERTAIN 22        /* a write was sent, no answer came:
                                         it may or may not have been applied */
#define THREECX_E_RETRY_LATER 23      /* the server asked to wait past the
                                         retry deadline (Retry-After) */
#define THREECX_E_CANCELLED 24        /* a cancel token stopped the call */
#define THREECX_E__LAST 24            /* highest code in this version */
/* Out of memory: every allocation of libthreecx itself (its C++ objects and
 * strings, its copies of response bodies and headers, the JSON documents it
 * parses with cJSON, option strings it hands to libcurl) that fails makes
 * the call return THREECX_E_NO_MEMORY, with nothing leaked. An allocation
 * that fails deep inside libcurl or OpenSSL is reported as libcurl reports
 * it: usually THREECX_E_NO_MEMORY, sometimes THREECX_E_NETWORK (a transfer
 * libcurl abandoned); with libcurl 7.88 a failure inside its URL parser may
 * even send the request without its query string. */

/* Fixed English text for a code ("unknown status code" for others). Static. */
THREECX_API const char *threecx_strerror(int code);
/* The macro name of a code, e.g. "THREECX_E_HTTP"; NULL if unknown. Static. */
THREECX_API const char *threecx_error_name(int code);
/* Highest status code this build knows (for bindings that build tables). */
THREECX_API int threecx_error_last(void);
/* Detailed message of the last failure on this thread ("" if none). Valid
 * until the next threecx_* call on this thread. Never NULL. */
THREECX_API const char *threecx_last_error(void);
/* Status code that went with threecx_last_error() (THREECX_OK if none). */
THREECX_API int threecx_last_error_code(void);
/* Forgets this thread's last error. */
THREECX_API void threecx_clear_error(void);
/* The value of any numeric THREECX_* macro of the public headers, by its
 * name ("THREECX_E_HTTP", "THREECX_LOG_DEBUG", "THREECX_OPT_TOP",
 * "THREECX_TYPE_GUID", "THREECX_RESPONSE_FILE", "THREECX_VERSION_NUMBER"...),
 * for callers that cannot read C headers. THREECX_E_NOT_FOUND if unknown. */
THREECX_API int threecx_constant(const char *name, int64_t *out);

/* Releases memory returned through a `char **` or `unsigned char **`
 * out-parameter of this library. NULL is fine. */
THREECX_API void threecx_free(void *ptr);

/* ------------------------------------------------------------------------ */
/* Version. threecx_version() is the run-time library version ("0.1.0"),
 * threecx_version_number() is MAJOR*10000 + MINOR*100 + PATCH, compare with
 * THREECX_VERSION_NUMBER from threecx/version.h. threecx_abi_version() is the
 * SONAME number. threecx_xapi_version() is the XAPI specification version
 * the operation catalog was generated from. All strings static. */
THREECX_API const char *threecx_version(void);
THREECX_API int threecx_version_number(void);
THREECX_API int threecx_abi_version(void);
THREECX_API const char *threecx_xapi_version(void);

/* ------------------------------------------------------------------------ */
/* Logging. */

#define THREECX_LOG_NONE 0
#define THREECX_LOG_ERROR 1
#define THREECX_LOG_WARN 2
#define THREECX_LOG_INFO 3
#define THREECX_LOG_DEBUG 4
#define THREECX_LOG_TRACE 5

/* Log sink. `message` is valid only during the call. Called from whichever
 * thread performs the work; the callback must be thread-safe if the client
 * is shared. Messages never contain the API key, tokens or Authorization. */
typedef void (*threecx_log_fn)(void *user_data, int32_t level,
                               const char *message);

/* ------------------------------------------------------------------------ */
/* Client. */

typedef struct threecx_client threecx_client;

/* Creates a client for the PBX at `domain` ("host", "host:port" or
 * "https://host[:port]"; "http://" needs threecx_client_allow_http before the
 * first request), authenticating as `client_id` (the API integration's
 * Client ID / DN) with `api_key`. No network traffic happens here: the token
 * is fetched on first use. The key is copied into memory that is excluded
 * from core dumps and wiped on free; the short-lived copies made to send it
 * (the token request body, the Authorization line) are wiped too. Buffers
 * inside libcurl and OpenSSL are outside the library's control.
 * Release the client with threecx_client_free(). */
THREECX_API int threecx_client_new(const char *domain, const char *client_id,
                                   const char *api_key, threecx_client **out);
/* Same, reading THREECX_DOMAIN, THREECX_CLIENT_ID and THREECX_API_KEY.
 * Fails with THREECX_E_INVALID_ARGUMENT naming the variable that is unset. */
THREECX_API int threecx_client_new_from_env(threecx_client **out);
/* Releases the client (NULL is fine). Requests and pagers made from it stay
 * usable until they are freed themselves. */
THREECX_API void threecx_client_free(threecx_client *client);

/* Options. Each may be called again to change the value. */
/* CA bundle file (PEM) used to verify the PBX; NULL restores the default. */
THREECX_API int threecx_client_set_ca_file(threecx_client *client,
                                           const char *path);
/* Directory of hashed CA certificates; NULL restores the default. */
THREECX_API int threecx_client_set_ca_path(threecx_client *client,
                                           const char *dir);
/* CA bundle from memory: `size` bytes of PEM certificates (no file needed,
 * for embedded systems); copied. Used instead of the default trust store
 * and together with threecx_client_set_ca_file/_ca_path if set. NULL
 * removes it. INVALID_ARGUMENT when no PEM certificate is in it. */
THREECX_API int threecx_client_set_ca_pem(threecx_client *client,
                                          const char *pem, size_t size);
/* Public-key pinning: the PBX's certificate must carry one of these public
 * keys, given as "sha256//<base64 of the SHA-256 of the DER
 * SubjectPublicKeyInfo>", several separated by ';' (compute one with
 * `openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform
 * der | openssl dgst -sha256 -binary | base64`). Checked in addition to the
 * CA verification; a mismatch is THREECX_E_TLS before anything is sent.
 * NULL removes the pins. */
THREECX_API int threecx_client_set_pinned_public_key(threecx_client *client,
                                                     const char *pins);
/* Connect timeout in milliseconds (TCP and TLS handshake; default 10000;
 * 0 = libcurl's own, 300 s; at most 2147483647). */
THREECX_API int threecx_client_set_connect_timeout_ms(threecx_client *client,
                                                      int64_t ms);
/* Total timeout of one HTTP exchange in milliseconds (0 = none, the
 * default: set one for unattended use; at most 2147483647). It also bounds
 * a token request, which other threads sharing the client wait for. */
THREECX_API int threecx_client_set_timeout_ms(threecx_client *client,
                                              int64_t ms);
/* Stall detector: an exchange (the token request included) is abandoned
 * with THREECX_E_TIMEOUT when fewer than `min_bytes_per_second` bytes per
 * second arrive, on average, for `seconds` seconds in a row - a server that
 * accepts and never answers, or stops sending midway. A long download
 * that keeps flowing is never cut. Default: 1 byte/s over 60 s. seconds 0
 * (or min_bytes_per_second 0) turns it off. A write abandoned this way
 * after it was sent is THREECX_E_UNCERTAIN. */
THREECX_API int threecx_client_set_stall_timeout(threecx_client *client,
                                                 int64_t min_bytes_per_second,
                                                 int64_t seconds);
/* Largest response body kept in memory, in bytes (0 = no limit, the
 * default). A larger answer stops the transfer at the limit and fails with
 * THREECX_E_PROTOCOL, whatever its status; bodies streamed by
 * threecx_request_send_to_callback/_to_file are not limited. */
THREECX_API int threecx_client_set_max_response_bytes(threecx_client *client,
                                                      int64_t bytes);
/* User-Agent header; NULL restores "libthreecx/<version>". */
THREECX_API int threecx_client_set_user_agent(threecx_client *client,
                                              const char *user_agent);
/* Permit plain http:// domains (1) or refuse them (0, the default). */
THREECX_API int threecx_client_allow_http(threecx_client *client,
                                          int32_t allow);
/* HTTP versions for threecx_client_set_http_version. */
#define THREECX_HTTP_1_1 1 /* HTTP/1.1 only */
#define THREECX_HTTP_2 2   /* HTTP/2 over TLS when the PBX offers it (ALPN), else 1.1 */
/* Which HTTP version to ask for: THREECX_HTTP_2 (the default: HTTP/2 when
 * the PBX offers it during the TLS handshake, HTTP/1.1 otherwise and over
 * plain http://) or THREECX_HTTP_1_1. Other values: INVALID_ARGUMENT.
 * Takes effect for requests started afterwards. */
THREECX_API int threecx_client_set_http_version(threecx_client *client,
                                                int32_t version);
/* INSECURE: skip_verify 1 turns TLS peer and host verification OFF; 0 (the
 * default) verifies. Turned off, the API key goes to whoever answers; this
 * is logged at WARN level on every token request. Prefer
 * threecx_client_set_ca_file() for a PBX with a private CA. */
THREECX_API int threecx_client_set_insecure_skip_tls_verify(
    threecx_client *client, int32_t skip_verify);
/* Log sink with its maximum level (THREECX_LOG_*); fn NULL turns logs off.
 * `fn` and `user_data` must stay valid until the client and every request
 * and pager made from it are freed (they keep the client's internals, the
 * sink included, alive). A message already being delivered on another
 * thread may still arrive after this call replaces or removes the sink. */
THREECX_API int threecx_client_set_log(threecx_client *client, int32_t level,
                                       threecx_log_fn fn, void *user_data);
/* Seconds before expiry at which the token is refreshed ahead of time.
 * Default: -1, meaning min(60, lifetime / 5). */
THREECX_API int threecx_client_set_refresh_margin(threecx_client *client,
                                                  int64_t seconds);

/* Retries of transient failures, on by default (3 retries, 250, 20000,
 * 60000). Retried: answers 408, 429, 500, 502, 503 and 504, network
 * failures and timeouts - for requests that may be repeated (GET, PUT, a
 * DELETE with If-Match, or any request marked so with
 * threecx_request_set_idempotent) and for the token request. A POST, PATCH
 * or DELETE without If-Match is retried only when nothing was sent
 * (connection refused, DNS, TLS handshake timeout) or on 429 (not
 * processed); once sent without an answer it is THREECX_E_UNCERTAIN. The
 * library never lets libcurl resend a request on its own, so a request
 * with N retries reaches the server at most N+1 times. Waits: the server's
 * Retry-After exactly as given - if it ends past the deadline the call
 * fails at once with THREECX_E_RETRY_LATER, the answer in *out and its
 * delay from threecx_response_retry_after_ms() - otherwise "full jitter":
 * a random wait in 0..min(max_delay_ms, base_delay_ms * 2^n). No wait ends
 * later than deadline_ms after the first try. Retries also draw on the
 * client's retry budget (threecx_client_set_retry_budget). Streamed
 * downloads are not retried once the request was sent. max_retries 0 turns
 * retries off; 0..100 retries, every delay and the deadline
 * 0..2147483647 ms (INVALID_ARGUMENT otherwise). */
THREECX_API int threecx_client_set_retry(threecx_client *client,
                                         int32_t max_retries,
                                         int64_t base_delay_ms,
                                         int64_t max_delay_ms,
                                         int64_t deadline_ms);
/* The client-wide retry budget (the AWS SDKs' retry quota): a bucket of
 * `capacity` tokens shared by every thread using the client; each retry
 * takes 5 (10 after a timeout), each success gives back what its retry
 * took (1 for a first-try success), never above capacity. With the bucket
 * empty, failures are returned without retrying, so an outage does not
 * multiply the load. Default 500; 0 = no budget (only the policy limits
 * retries); at most 2147483647. Setting it refills the bucket. */
THREECX_API int threecx_client_set_retry_budget(threecx_client *client,
                                                int64_t capacity);

/* Fetches a token now (otherwise done on first request). Errors: AUTH with
 * 3CX's error / error_description in threecx_last_error(), NETWORK, TLS... */
THREECX_API int threecx_client_authenticate(threecx_client *client);
/* Drops the cached token so that the next request fetches a new one. */
THREECX_API int threecx_client_invalidate_token(threecx_client *client);
/* Number of token requests this client has sent (for monitoring). */
THREECX_API int threecx_client_token_requests(threecx_client *client,
                                              int64_t *out);
/* The XAPI base URL, e.g. "https://pbx.example.com:5001/xapi/v1".
 * Free with threecx_free(). */
THREECX_API int threecx_client_base_url(threecx_client *client, char **out);

/* ------------------------------------------------------------------------ */
/* OData literals (pure helpers, no client needed). Results: threecx_free(). */

/* 'text' with every ' doubled, not percent-encoded (for use inside $filter).
 * Example: O'Brien -> 'O''Brien'. */
THREECX_API int threecx_odata_string(const char *text, char **out);
/* Percent-encodes per the OData URL conventions: unreserved characters stay,
 * everything else (space included) becomes %XX. */
THREECX_API int threecx_url_encode(const char *text, char **out);

/* ------------------------------------------------------------------------ */
/* Query: the OData system query options, built once, used by any request. */

typedef struct threecx_query threecx_query;

/* A new, empty query. Free with threecx_query_free(). */
THREECX_API int threecx_query_new(threecx_query **out);
/* Releases a query (NULL is fine). Requests that copied it are unaffected. */
THREECX_API void threecx_query_free(threecx_query *query);
/* Each option may be set once per query (again: THREECX_E_OPTION_REPEATED).
 * $top / $skip must be >= 0. */
THREECX_API int threecx_query_set_top(threecx_query *query, int64_t top);
THREECX_API int threecx_query_set_skip(threecx_query *query, int64_t skip);
/* Search expression, sent as written (OData $search): words, AND, OR, NOT
 * (upper case), parentheses and "phrases" (inside a phrase write \" for "
 * and \\ for \). "blue car" (without quotes) finds items with both words,
 * "blue OR car" either, "\"blue car\"" the phrase; threecx_search_phrase()
 * makes a phrase of any text. Each word and phrase is percent-encoded as the
 * OData ABNF requires (e.g. ; ' + & # % and non-ASCII), blanks between terms
 * become %20. An expression that does not parse (unbalanced parentheses or
 * quotes, an empty phrase, AND/OR/NOT without operand, terms not separated
 * by a blank) is refused with THREECX_E_INVALID_ARGUMENT, naming the offset.
 * Changed after 0.1.0: the text used to be sent as one quoted phrase whenever it
 * held a blank; wrap it with threecx_search_phrase() for that. */
THREECX_API int threecx_query_set_search(threecx_query *query,
                                         const char *search);
/* The search phrase that matches `text` literally, for
 * threecx_query_set_search(): "text" with \ and " escaped by a backslash.
 * E.g. blue "car" -> "blue \"car\"". Empty or non-UTF-8 text is refused
 * (THREECX_E_INVALID_ARGUMENT). Free *out with threecx_free(). Thread-safe
 * (pure function). */
THREECX_API int threecx_search_phrase(const char *text, char **out);
/* Filter expression as written, e.g. "Name eq 'O''Brien'". Inside string
 * literals ('...') everything but unreserved characters, ! ( ) * , ; $ = : @
 * and the '' pairs is percent-encoded (so 'a/b' goes out as 'a%2Fb', as the
 * OData ABNF's string rule requires); outside them & # + % space and
 * non-ASCII are. $orderby, $select and $expand are encoded the same way. */
THREECX_API int threecx_query_set_filter(threecx_query *query,
                                         const char *filter);
THREECX_API int threecx_query_set_count(threecx_query *query, int32_t count);
/* Comma-separated lists: "Name desc,Id", "Id,Name",
 * "Groups($select=Name;$top=5),Greetings". */
THREECX_API int threecx_query_set_orderby(threecx_query *query,
                                          const char *orderby);
THREECX_API int threecx_query_set_select(threecx_query *query,
                                         const char *select);
THREECX_API int threecx_query_set_expand(threecx_query *query,
                                         const char *expand);
/* Extra query parameter appended after the OData options, in call order.
 * Names starting with '$' are refused (use the setters). */
THREECX_API int threecx_query_add_param(threecx_query *query, const char *name,
                                        const char *value);
/* The encoded query string without '?', options in the fixed order $filter,
 * $search, $orderby, $select, $expand, $count, $top, $skip, then extras.
 * "" when empty. Free with threecx_free(). */
THREECX_API int threecx_query_to_string(const threecx_query *query,
                                        char **out);

/* ------------------------------------------------------------------------ */
/* Request: method + path under /xapi/v1 + parameters, headers and body. */

typedef struct threecx_request threecx_request;
typedef struct threecx_response threecx_response;

/* ------------------------------------------------------------------------ */
/* Cancellation: a token that aborts, from any thread, the calls of every
 * request and pager it is attached to. */

typedef struct threecx_cancel threecx_cancel;

/* A new, untriggered cancel token. Attach it with threecx_request_set_cancel
 * or threecx_pager_set_cancel (any number of requests and pagers may share
 * one), then trigger it from any thread. Free with threecx_cancel_free(). */
THREECX_API int threecx_cancel_new(threecx_cancel **out);
/* Triggers the token: every call in flight on a request or pager holding it
 * stops within about 100 ms, whatever the timeouts (the connection is
 * closed, a retry wait or a wait for another thread's token fetch ends), and
 * fails with THREECX_E_CANCELLED; later calls fail at once the same way.
 * Thread-safe and idempotent; not async-signal-safe (do not call it from a
 * signal handler). A token stays triggered: use a new one for new work.
 * A token fetch cancelled half-way leaves the client usable: the next call
 * fetches a token again, and other threads waiting for that fetch are not
 * failed by it. */
THREECX_API int threecx_cancel_trigger(threecx_cancel *token);
/* *out = 1 once the token was triggered, else 0. Thread-safe. */
THREECX_API int threecx_cancel_is_triggered(const threecx_cancel *token,
                                            int32_t *out);
/* Releases the caller's reference (NULL is fine). Requests and pagers that
 * hold the token keep it alive until they are freed or detached. */
THREECX_API void threecx_cancel_free(threecx_cancel *token);

/* A request for `method` ("GET", "POST", "PATCH", "DELETE", "PUT") and
 * `path` relative to /xapi/v1, e.g. "/Users({Id})/Pbx.GetPhoneSecret()".
 * {name} placeholders are filled by threecx_request_set_param_*.
 * Free with threecx_request_free(). */
THREECX_API int threecx_request_new(threecx_client *client, const char *method,
                                    const char *path, threecx_request **out);
THREECX_API void threecx_request_free(threecx_request *request);

/* Path parameters, rendered as OData literals by type. Setting the same
 * name again replaces the value. Unknown names: THREECX_E_UNKNOWN_PARAMETER.
 *  string:   'text' with ' doubled, then percent-encoded
 *  int:      decimal
 *  bool:     true / false
 *  guid:     8-4-4-4-12 hex, validated, bare
 *  datetime: ISO 8601 with seconds and an offset (Z or +hh:mm), validated;
 *            '+' is sent as %2B
 *  null:     null (for nullable parameters; never for a key: a slot in the
 *            parentheses of a segment that is not namespace-qualified, as
 *            {Number} in /Users(Number={Number}), is refused with
 *            THREECX_E_INVALID_ARGUMENT whatever the spec says) */
THREECX_API int threecx_request_set_param_string(threecx_request *request,
                                                 const char *name,
                                                 const char *value);
THREECX_API int threecx_request_set_param_int(threecx_request *request,
                                              const char *name, int64_t value);
THREECX_API int threecx_request_set_param_bool(threecx_request *request,
                                               const char *name, int32_t value);
THREECX_API int threecx_request_set_param_guid(threecx_request *request,
                                               const char *name,
                                               const char *value);
THREECX_API int threecx_request_set_param_datetime(threecx_request *request,
                                                   const char *name,
                                                   const char *value);
THREECX_API int threecx_request_set_param_null(threecx_request *request,
                                               const char *name);
/* Copies the options of `query` into the request (replacing earlier ones). */
THREECX_API int threecx_request_set_query(threecx_request *request,
                                          const threecx_query *query);
/* Adds a header, e.g. "If-Match". Authorization, Host, Content-Length and
 * values containing CR or LF are refused. */
THREECX_API int threecx_request_add_header(threecx_request *request,
                                           const char *name, const char *value);
/* JSON body (copied). Malformed JSON is refused with THREECX_E_INVALID_JSON
 * and a message giving the byte offset, line and column. NULL removes it. */
THREECX_API int threecx_request_set_body(threecx_request *request,
                                         const char *json);
/* Attaches a cancel token to the request (replacing an earlier one; NULL
 * detaches). The request holds its own reference. Applies to every send,
 * send_to_file and send_to_callback of the request, and to pagers created
 * from it afterwards (threecx_pager_new copies it). */
THREECX_API int threecx_request_set_cancel(threecx_request *request,
                                           threecx_cancel *token);
/* Download progress: receives the body bytes received so far in this
 * exchange and the total announced by Content-Length (-1 when the server
 * did not say). */
typedef void (*threecx_progress_fn)(void *user_data, int64_t received,
                                    int64_t total);
/* Sets the download progress callback: called on the sending thread each
 * time body bytes arrive (buffered or streamed, every status); a retried
 * exchange starts again from 0. It must not call into the same request.
 * fn NULL removes it. Copied by threecx_pager_new. */
THREECX_API int threecx_request_set_progress(threecx_request *request,
                                             threecx_progress_fn fn,
                                             void *user_data);
/* Deadline of each send of this request, in milliseconds from the moment it
 * starts: it bounds the whole call (waiting for or fetching a token, every
 * retry and its waits) and replaces the client's total timeout
 * (threecx_client_set_timeout_ms) for it. Past it the call fails with
 * THREECX_E_TIMEOUT. 0 (the default) = the client's timeout; at most
 * 2147483647. Copied by threecx_pager_new, where it bounds each page fetch. */
THREECX_API int threecx_request_set_deadline_ms(threecx_request *request,
                                                int64_t ms);
/* Whether the request may be sent more than once. By default (-1) GET, PUT
 * and a DELETE carrying If-Match may be repeated by the retries; POST,
 * PATCH and a DELETE without If-Match are sent at most once: they are
 * retried only when nothing was sent (connection refused, DNS) or on 429,
 * and when one was sent but no complete answer came back the send returns
 * THREECX_E_UNCERTAIN (it may or may not have been applied) instead of
 * trying again. 1 declares the request safe to repeat (e.g. a PATCH that
 * sets absolute values), 0 forbids repeating it after it was sent. */
THREECX_API int threecx_request_set_idempotent(threecx_request *request,
                                               int32_t idempotent);
/* The full URL that would be requested. Free with threecx_free(). */
THREECX_API int threecx_request_url(threecx_request *request, char **out);
/* Sends the request (fetching or refreshing the token as needed; a 401
 * answer causes one token refresh and one retry; transient failures are
 * retried per threecx_client_set_retry). On THREECX_OK (2xx),
 * THREECX_E_HTTP (any other status) and THREECX_E_RETRY_LATER *out
 * receives the response, which the caller frees with
 * threecx_response_free(); on other errors *out is NULL. A 2xx answer that
 * does not have the shape the operation returns - a JSON operation
 * answered with another content type or a body that is not JSON, or an
 * HTML page for a request by path - is THREECX_E_PROTOCOL with the start
 * of the body in the message; file operations are exempt, and so is any
 * non-HTML, non-JSON answer to a path the catalog does not know.
 * THREECX_E_UNCERTAIN: a request that is not repeated (see
 * threecx_request_set_idempotent) was sent and no complete answer came.
 * May be called again to send the same request again. */
THREECX_API int threecx_request_send(threecx_request *request,
                                     threecx_response **out);

/* ------------------------------------------------------------------------ */
/* Response. */

/* Releases a response (NULL is fine). */
THREECX_API void threecx_response_free(threecx_response *response);
/* HTTP status (200, 201, 204, 404...). */
THREECX_API int threecx_response_status(const threecx_response *response,
                                        int32_t *out);
/* The body as a NUL-terminated string ("" for 204). Free with threecx_free. */
THREECX_API int threecx_response_body(const threecx_response *response,
                                      char **out);
/* The body lent, not copied: *data points to the response's own bytes
 * (*size of them, followed by a NUL; "" with size 0 for an empty body),
 * valid until threecx_response_free(response); never free or modify it.
 * The body was moved, never copied, from the transfer into the response.
 * Thread-safe with other read-only accessors of the same response. On
 * failure *data is NULL and *size 0. */
THREECX_API int threecx_response_body_view(const threecx_response *response,
                                           const char **data, size_t *size);
/* Body length in bytes. */
THREECX_API int threecx_response_body_size(const threecx_response *response,
                                           size_t *out);
/* A response header by case-insensitive name (e.g. "ETag", "X-3CX-Version",
 * "Retry-After", "Content-Type"); THREECX_E_NOT_FOUND when absent.
 * Free with threecx_free(). */
THREECX_API int threecx_response_header(const threecx_response *response,
                                        const char *name, char **out);
/* The first header of that case-insensitive name, lent, not copied:
 * *value points to the response's own NUL-terminated copy of the value
 * (without surrounding blanks; *size bytes before the NUL), valid until
 * threecx_response_free(response); never free or modify it. `size` may be
 * NULL. THREECX_E_NOT_FOUND when absent. Thread-safe with the other
 * read-only accessors of the same response. On failure *value is NULL and
 * *size 0. */
THREECX_API int threecx_response_header_view(const threecx_response *response,
                                             const char *name,
                                             const char **value, size_t *size);
/* Number of header fields of the response, in the order received (a
 * repeated field counts once per occurrence; the status line is not a
 * header). */
THREECX_API int threecx_response_header_count(const threecx_response *response,
                                              size_t *out);
/* Header field `index` (0 .. count-1): *name and *value are borrowed,
 * NUL-terminated, as received (value without surrounding blanks), and
 * valid until threecx_response_free(); do not free them. Either of name
 * and value may be NULL when not wanted. Index out of range:
 * THREECX_E_NOT_FOUND, *name and *value NULL. */
THREECX_API int threecx_response_header_at(const threecx_response *response,
                                           size_t index, const char **name,
                                           const char **value);
/* The answer's Retry-After in milliseconds (delta-seconds or an HTTP date,
 * 0 for a date in the past); THREECX_E_NOT_FOUND when absent or
 * unparsable. After THREECX_E_RETRY_LATER this is the server's delay. */
THREECX_API int threecx_response_retry_after_ms(
    const threecx_response *response, int64_t *out);
/* The OData error of a non-2xx answer: error.code, error.message and
 * error.details (a JSON array, "[]" when absent). THREECX_E_NOT_FOUND when
 * the body carries no OData error. Free with threecx_free(). Being error
 * text, they are scrubbed like threecx_last_error(): the API key, the
 * current and previous tokens and any Bearer value echoed by the server
 * read [REDACTED] (the body, threecx_response_body, is left as received). */
THREECX_API int threecx_response_error_code(const threecx_response *response,
                                            char **out);
THREECX_API int threecx_response_error_message(
    const threecx_response *response, char **out);
THREECX_API int threecx_response_error_details(
    const threecx_response *response, char **out);

/* ------------------------------------------------------------------------ */
/* Pager: walks any collection with $top/$skip, one page in memory at a time. */

typedef struct threecx_pager threecx_pager;

/* Pages over `request` (a GET of a collection; it is copied, so it may be
 * freed afterwards). `page_size` > 0 items per request. A $skip already in
 * the request's query is the starting offset and a $top the total limit.
 * $count=true is added so the pager can stop at @odata.count. */
THREECX_API int threecx_pager_new(const threecx_request *request,
                                  int64_t page_size, threecx_pager **out);
THREECX_API void threecx_pager_free(threecx_pager *pager);
/* Next page's full JSON body: THREECX_OK with *out set, THREECX_DONE with
 * *out NULL when the collection is exhausted (a short page, an empty page
 * or @odata.count reached). Free *out with threecx_free(). */
THREECX_API int threecx_pager_next_page(threecx_pager *pager, char **out);
/* Next item's JSON text, fetching pages as needed: THREECX_OK or
 * THREECX_DONE (*out NULL). Free *out with threecx_free(). Do not mix with
 * next_page on one pager. The item is the server's text as sent, copied
 * once from the page: its formatting (blanks, escapes, member order) is
 * the server's (changed after 0.1.0: items used to be re-printed compact by
 * cJSON). Every page is checked to be JSON (RFC 8259) with a "value"
 * array before any of its items is handed out. */
THREECX_API int threecx_pager_next_item(threecx_pager *pager, char **out);
/* Next item lent, not copied: *data points to the item's text inside the
 * pager's current page (*size bytes, followed by a NUL written in place of
 * the byte after it), valid until the next next_item, next_item_view or
 * next_page call on this pager or threecx_pager_free(pager); never free or
 * modify it. THREECX_OK, or THREECX_DONE
 * with *data NULL and *size 0. Same items, same formatting and same errors
 * as threecx_pager_next_item (the two may be mixed); not with next_page.
 * Memory: one page (two with prefetch) plus a few bytes. */
THREECX_API int threecx_pager_next_item_view(threecx_pager *pager,
                                             const char **data, size_t *size);
/* Prefetch (1) or not (0, the default): with it, as soon as a page arrives
 * the pager fetches the next one on a thread of its own while the caller
 * consumes the current one, so two pages may be in memory. The items,
 * pages, counts and errors are the same as without: an error of the
 * background fetch (HTTP, network, timeout, THREECX_E_NO_MEMORY...) is
 * returned by the call that reaches that page, and the pager stays where it
 * was. The pager's cancel token and the request's deadline apply to the
 * background fetch too (a token triggered while it runs fails the call that
 * reaches the page with THREECX_E_CANCELLED; a token replaced by
 * threecx_pager_set_cancel since does not); threecx_pager_free stops it.
 * A walk abandoned before its end may have fetched one page more than it
 * consumed. The client's log sink may be called from that thread. */
THREECX_API int threecx_pager_set_prefetch(threecx_pager *pager,
                                           int32_t prefetch);
/* @odata.count as last reported by the server; THREECX_E_NOT_FOUND before
 * the first page or when the server sent none. */
THREECX_API int threecx_pager_total(const threecx_pager *pager, int64_t *out);
/* Attaches a cancel token to the pager's requests (replacing the one it
 * copied from its request; NULL detaches). A cancelled next_page/next_item
 * fails with THREECX_E_CANCELLED and the pager stays where it was: with a
 * new token (or none) the walk can go on. */
THREECX_API int threecx_pager_set_cancel(threecx_pager *pager,
                                         threecx_cancel *token);
/* After next_page/next_item returned THREECX_E_HTTP: that answer (status,
 * OData error, headers, body) as a new response the caller frees with
 * threecx_response_free(). THREECX_E_NOT_FOUND when the last fetch was not
 * an HTTP error. */
THREECX_API int threecx_pager_last_response(const threecx_pager *pager,
                                            threecx_response **out);

/* ------------------------------------------------------------------------ */
/* Asynchronous requests: many requests in flight, driven by one thread
 * (an event loop, firmware's main loop, a tool) instead of one blocked
 * thread per request.
 *
 * Threads: an async object is used by one thread at a time (any thread,
 * not concurrently); only threecx_async_wakeup may be called from any
 * thread at any time. Completion callbacks run on the thread calling
 * threecx_async_perform/_wait, inside that call; they may submit and
 * cancel on the same async object but must not free it.
 *
 * Token: fetched when the first request starts and shared by everything in
 * flight (and by the client's synchronous calls). A fetch BLOCKS the
 * thread driving the loop (it is one request, made when no valid token is
 * held: at the start, on expiry, after a 401); a 401 refreshes the token
 * once per request and sends it again.
 *
 * Retries follow the client's policy (threecx_client_set_retry, the retry
 * budget, Retry-After) as threecx_request_send does, the waits driven by
 * the loop's timeout (never a sleep): a transient failure (network,
 * timeout) of a request that was not sent or may be repeated (GET, PUT,
 * DELETE with If-Match, threecx_request_set_idempotent), and 408, 429, 500,
 * 502, 503, 504 answers (429 for any method). A write sent without an
 * answer is THREECX_E_UNCERTAIN, never repeated. Streaming to a callback or
 * a file is not offered here (bodies are buffered, within
 * threecx_client_set_max_response_bytes). */

typedef struct threecx_async threecx_async;
/* One finished request. */
typedef struct threecx_completion threecx_completion;

/* Called once per submitted request (unless it was submitted without a
 * callback, or the async object is freed first). `completion` is borrowed:
 * valid until the callback returns (take the response out with
 * threecx_completion_take_response to keep it). */
typedef void (*threecx_async_fn)(void *user_data,
                                 threecx_completion *completion);

/* Creates an async object sending through `client`'s settings, token,
 * retry policy and log. The client may be freed before the async object
 * (which keeps what it needs). Free with threecx_async_free(). */
THREECX_API int threecx_async_new(threecx_client *client,
                                  threecx_async **out);
/* Cancels everything still pending (no callback is called; undelivered
 * completions and their responses are freed). NULL is fine. */
THREECX_API void threecx_async_free(threecx_async *async);
/* How many requests may be in flight at once (1..100000; default 64);
 * the others wait in submission order. It also sizes the connections kept
 * open between batches (as many as may be in flight) and, over HTTP/2,
 * the streams one connection may carry (at least 100; the server's own
 * limit applies too). */
THREECX_API int threecx_async_set_max_concurrent(threecx_async *async,
                                                 int32_t max);
/* Queues `request` (copied: it may be freed or changed at once; its cancel
 * token and deadline apply, the deadline counted from now). `fn` NULL:
 * the completion is kept for threecx_async_next; otherwise fn(user_data,
 * completion) is called from perform/wait. *out (may be NULL) gets the
 * request's id (> 0). Nothing is sent before the next perform/wait. Errors
 * the request already carries (a path parameter never set, a body an
 * operation requires) are returned here; nothing is queued then. */
THREECX_API int threecx_async_submit(threecx_async *async,
                                     const threecx_request *request,
                                     threecx_async_fn fn, void *user_data,
                                     int64_t *out);
/* Does whatever can be done now without waiting: starts queued requests,
 * moves transfers on, starts retries that are due, delivers completions to
 * callbacks. *out (may be NULL) gets how many submitted requests have not
 * been delivered yet (0: nothing left; completions waiting for
 * threecx_async_next count). */
THREECX_API int threecx_async_perform(threecx_async *async, int32_t *out);
/* Performs as above; unless that delivered a completion, waits up to
 * `timeout_ms` (0..2147483647) for network activity, a due retry or
 * threecx_async_wakeup, and performs again (completions for
 * threecx_async_next already there do not cut the wait short: take them
 * first). *out as for perform. */
THREECX_API int threecx_async_wait(threecx_async *async, int64_t timeout_ms,
                                   int32_t *out);
/* Makes a wait in progress (or the next one) return at once. Thread-safe:
 * the one function that may be called from any thread at any time. */
THREECX_API int threecx_async_wakeup(threecx_async *async);
/* Takes the next completion of a request submitted without a callback:
 * THREECX_OK with *out set (free it with threecx_completion_free), or
 * THREECX_DONE with *out NULL when none is ready (drive the loop with
 * perform/wait). */
THREECX_API int threecx_async_next(threecx_async *async,
                                   threecx_completion **out);
/* Cancels the request `id`: it completes with THREECX_E_CANCELLED
 * (delivered by the next perform/wait; a transfer in progress is closed;
 * a write that was already sent may or may not have been applied).
 * THREECX_E_NOT_FOUND when no such request is pending (unknown, or its
 * completion was already made). */
THREECX_API int threecx_async_cancel(threecx_async *async, int64_t id);
/* Cancels every pending request the same way. */
THREECX_API int threecx_async_cancel_all(threecx_async *async);

/* Integration with a caller's event loop (poll(2), epoll, select...):
 * wait on these descriptors for the given events, at most
 * threecx_async_timeout_ms, then call threecx_async_perform. The layout
 * and the flag values are those of struct pollfd and POLLIN/POLLOUT on
 * Linux and the BSDs, so the array can be passed to poll() as is. */
typedef struct threecx_pollfd {
  int32_t fd;
  int16_t events;  /* THREECX_POLLIN | THREECX_POLLOUT */
  int16_t revents; /* for the caller's poll(); not read by the library */
} threecx_pollfd;
#define THREECX_POLLIN 1
#define THREECX_POLLOUT 4
/* Fills up to `capacity` entries of `fds` (NULL with capacity 0 asks for
 * the count) with the descriptors to watch now (the transfers' sockets and
 * the wakeup descriptor); *out gets how many there are, which may exceed
 * `capacity` (call again with a larger array). Valid until the next call
 * on the async object. */
THREECX_API int threecx_async_fds(threecx_async *async, threecx_pollfd *fds,
                                  size_t capacity, size_t *out);
/* How long the caller's loop may wait before calling perform even if no
 * descriptor is ready: milliseconds, 0 for "perform now", -1 when no
 * request is in progress (completions kept for threecx_async_next may
 * still be there to take). */
THREECX_API int threecx_async_timeout_ms(threecx_async *async, int64_t *out);

/* A completion: the submitted request's id, its status code (THREECX_OK,
 * THREECX_E_HTTP with the response, THREECX_E_RETRY_LATER, or any error
 * threecx_request_send returns: THREECX_E_UNCERTAIN for an unanswered
 * write, THREECX_E_CANCELLED, THREECX_E_NETWORK, ...), the error message
 * (secrets scrubbed) and the response (on OK, E_HTTP, E_RETRY_LATER). */
THREECX_API int threecx_completion_id(const threecx_completion *completion,
                                      int64_t *out);
THREECX_API int threecx_completion_code(const threecx_completion *completion,
                                        int32_t *out);
/* The error message ("" after THREECX_OK). Free with threecx_free(). */
THREECX_API int threecx_completion_message(
    const threecx_completion *completion, char **out);
/* Moves the response out (the caller frees it with threecx_response_free);
 * THREECX_E_NOT_FOUND when there is none or it was already taken. */
THREECX_API int threecx_completion_take_response(
    threecx_completion *completion, threecx_response **out);
/* Frees a completion from threecx_async_next (and its response unless it
 * was taken). NULL is fine. Never for the one lent to a callback. */
THREECX_API void threecx_completion_free(threecx_completion *completion);

#ifdef __cplusplus
}
#endif

#endif /* THREECX_THREECX_H */
