/* Test support: a tiny HTTP/1.1 server on 127.0.0.1 inside the test
 * process (one thread, one connection at a time, closed after each
 * answer), for answers the simulator cannot give: token responses with odd
 * expires_in, bodies that echo the request's headers, HTML on a JSON
 * operation, an answer that never comes or trickles in. Plain HTTP only. */
#ifndef THREECX_TEST_RAWSRV_H
#define THREECX_TEST_RAWSRV_H

#include <stddef.h>

typedef struct rawsrv rawsrv;

/* Called for each request with its head and body as received
 * (NUL-terminated), the path of its request line, and the connection; it
 * writes any answer (or none) and returns; the connection is closed then. */
typedef void (*rawsrv_fn)(rawsrv *srv, void *user_data, const char *path, const char *request,
                          int fd);

/* Listens on 127.0.0.1 (any free port) and serves until rawsrv_stop. */
rawsrv *rawsrv_start(rawsrv_fn fn, void *user_data);
int rawsrv_port(const rawsrv *srv);
/* "http://127.0.0.1:PORT" */
const char *rawsrv_base(const rawsrv *srv);
/* Requests served so far. */
int rawsrv_count(rawsrv *srv);
void rawsrv_stop(rawsrv *srv);

/* Writes a complete answer with Content-Length and Connection: close.
 * `headers` is extra header lines each ending in "\r\n" (may be NULL). */
void rawsrv_reply(int fd, int status, const char *content_type, const char *headers,
                  const char *body);
/* Blocks until the client closes the connection or the server stops
 * (an answer that never comes). */
void rawsrv_hold(rawsrv *srv, int fd);
/* 1 once rawsrv_stop has been called. */
int rawsrv_stopping(rawsrv *srv);

#endif
