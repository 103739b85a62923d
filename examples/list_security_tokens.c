/*
 * The seed scenario: list the PBX's security refresh tokens with every OData
 * option, as JSON.
 *
 *   THREECX_DOMAIN=pbx.example.com:5001 THREECX_CLIENT_ID=myapi \
 *   THREECX_API_KEY=... ./list_security_tokens
 *
 * Optional: THREECX_CA_FILE (PEM bundle for a private CA), and the options
 * THREECX_TOP, THREECX_SKIP, THREECX_SEARCH, THREECX_FILTER, THREECX_COUNT,
 * THREECX_ORDERBY, THREECX_SELECT, THREECX_EXPAND (defaults below).
 */
#include <stdio.h>
#include <stdlib.h>

#include <threecx/threecx.h>

static const char *env(const char *name, const char *fallback) {
  const char *v = getenv(name);
  return (v && *v) ? v : fallback;
}

static int check(int rc, const char *what) {
  if (rc != THREECX_OK)
    fprintf(stderr, "%s failed: %s (%s): %s\n", what, threecx_error_name(rc),
            threecx_strerror(rc), threecx_last_error());
  return rc;
}

int main(void) {
  threecx_client *client = NULL;
  threecx_query *query = NULL;
  threecx_request *request = NULL;
  threecx_response *response = NULL;
  char *url = NULL, *body = NULL, *err = NULL;
  int32_t status = 0;
  int rc;

  if (check(threecx_client_new_from_env(&client), "threecx_client_new_from_env"))
    return 2;
  if (getenv("THREECX_CA_FILE"))
    check(threecx_client_set_ca_file(client, getenv("THREECX_CA_FILE")), "set_ca_file");

  /* All eight options of "list security refresh tokens". */
  rc = threecx_query_new(&query);
  if (!rc) rc = threecx_query_set_top(query, atoll(env("THREECX_TOP", "5")));
  if (!rc) rc = threecx_query_set_skip(query, atoll(env("THREECX_SKIP", "0")));
  if (!rc) rc = threecx_query_set_search(query, env("THREECX_SEARCH", "a"));
  if (!rc) rc = threecx_query_set_filter(query, env("THREECX_FILTER", "Id gt 0"));
  if (!rc) rc = threecx_query_set_count(query, atoi(env("THREECX_COUNT", "1")));
  if (!rc) rc = threecx_query_set_orderby(query, env("THREECX_ORDERBY", "Username asc,Id desc"));
  if (!rc) rc = threecx_query_set_select(query, env("THREECX_SELECT", "Id,Username,DisplayName,Expires"));
  if (!rc) rc = threecx_query_set_expand(query, env("THREECX_EXPAND", "Client"));
  if (!rc) rc = threecx_request_new(client, "GET", "/SecurityTokens", &request);
  if (!rc) rc = threecx_request_set_query(request, query);
  if (check(rc, "building the request")) goto out;

  if (!check(threecx_request_url(request, &url), "threecx_request_url"))
    fprintf(stderr, "GET %s\n", url);

  rc = threecx_request_send(request, &response);
  if (rc == THREECX_E_HTTP) {
    threecx_response_status(response, &status);
    threecx_response_error_message(response, &err);
    fprintf(stderr, "HTTP %d: %s\n", (int)status, err ? err : "(no OData error)");
    goto out;
  }
  if (check(rc, "threecx_request_send")) goto out;
  if (!check(threecx_response_body(response, &body), "threecx_response_body"))
    printf("%s\n", body);

out:
  threecx_free(err);
  threecx_free(body);
  threecx_free(url);
  threecx_response_free(response);
  threecx_request_free(request);
  threecx_query_free(query);
  threecx_client_free(client);
  return rc == THREECX_OK ? 0 : 1;
}
