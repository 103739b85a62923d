/* Test support: starts and stops a real threecx-sim process on loopback and
 * talks to its control endpoints. */
#ifndef THREECX_TEST_SIMPROC_H
#define THREECX_TEST_SIMPROC_H

#include <stdint.h>
#include <sys/types.h>

/* Credentials every simulator started by sim_start knows. Distinctive, so
 * the log scan can find them. */
#define TEST_CLIENT_ID "test"
#define TEST_API_KEY "k3y-5e1f0a4b-test-api-key"

typedef struct sim {
  pid_t pid;
  int port;
  int https;
  char domain[64];     /* "127.0.0.1:PORT" */
  char base[96];       /* "https://127.0.0.1:PORT" */
  char ca_file[512];   /* CA to trust */
  char dir[256];       /* scratch dir */
  int control_unverified; /* sim_call without TLS verification (a test
                             serving a bad certificate on purpose) */
} sim;

/* Starts the simulator (HTTPS with the test CA unless `http`), with extra
 * arguments (NULL-terminated list, may be NULL). Returns 0 on success. */
int sim_start(sim *s, int http, const char *const *extra_args);
void sim_stop(sim *s);
/* Sends METHOD base+path with an optional JSON body to the simulator's
 * control API. Returns the HTTP status (or -1); *out (may be NULL) gets the
 * body, malloc'ed. */
int sim_call(const sim *s, const char *method, const char *path,
             const char *body, char **out);
/* Convenience: a JSON number field of GET /_sim/stats, -1 on failure. */
int64_t sim_stat(const sim *s, const char *field);

/* The wire as the simulator recorded it (/_sim/requests): the sequence
 * number the next XAPI request will get, and how many requests with
 * `method` whose path starts with /xapi/v1 + `prefix` arrived since `mark`
 * (-1 on failure). */
long sim_wire_mark(const sim *s);
int sim_wire_count(const sim *s, long mark, const char *method, const char *prefix);

/* Test CA files (from the test_ca fixture). */
const char *test_ca_dir(void);

/* A log sink for clients: appends every line to the file named by
 * THREECX_TEST_LOG (if set) and counts lines in *(int64_t *)user_data. */
void test_log_sink(void *user_data, int32_t level, const char *message);


#include <threecx/threecx.h>
/* A client for the simulator's default credentials (test:secret), trusting
 * the test CA, logging at TRACE level through test_log_sink. */
int sim_client(const sim *s, threecx_client **out);
int sim_client_as(const sim *s, const char *id, const char *key, threecx_client **out);
/* GET path (relative to /xapi/v1) with an optional query; returns the status
 * code of threecx_request_send; *body (may be NULL) receives the body. */
/* A CMocka group fixture shared by the integration runners: one simulator
 * (HTTPS) and one client for the whole group, state reset before each test. */
extern sim g_sim;
extern threecx_client *g_client;
int sim_group_setup(void **state);
int sim_group_teardown(void **state);
int sim_reset(void **state);

int sim_get(threecx_client *c, const char *path, threecx_query *q, char **body,
            int32_t *status);
#endif
