/* A minimal consumer of an installed libthreecx: proves that the headers are
 * found, the library links and loads, and that the run-time version matches
 * the headers. Builds a request URL (no network) so that the C++ inside the
 * library (exceptions, std::string, libcurl/cJSON/OpenSSL deps) is exercised,
 * which matters for the static link. */
#include <stdio.h>
#include <string.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>

int main(void) {
  threecx_client *c = NULL;
  threecx_request *r = NULL;
  char *url = NULL;
  size_t n = 0;
  int ok = 1;

  printf("libthreecx %s (headers %s), ABI %d, XAPI %s\n", threecx_version(), THREECX_VERSION,
         threecx_abi_version(), threecx_xapi_version());
  if (strcmp(threecx_version(), THREECX_VERSION) != 0 ||
      threecx_version_number() != THREECX_VERSION_NUMBER ||
      threecx_abi_version() != THREECX_ABI_VERSION) {
    fprintf(stderr, "version mismatch between headers and library\n");
    ok = 0;
  }
  if (threecx_client_new("pbx.example.com:5001", "id", "key", &c) != THREECX_OK ||
      threecx_request_new(c, "GET", "/Users({Id})", &r) != THREECX_OK ||
      threecx_request_set_param_int(r, "Id", 7) != THREECX_OK ||
      threecx_request_url(r, &url) != THREECX_OK ||
      strcmp(url, "https://pbx.example.com:5001/xapi/v1/Users(7)") != 0) {
    fprintf(stderr, "request URL: %s\n", threecx_last_error());
    ok = 0;
  }
  /* an exception thrown and caught inside the library */
  if (threecx_request_set_param_guid(r, "Id", "nope") != THREECX_E_INVALID_ARGUMENT) ok = 0;
  if (threecx_operation_count(&n) != THREECX_OK || n == 0) ok = 0;
  threecx_free(url);
  threecx_request_free(r);
  threecx_client_free(c);
  printf("%s\n", ok ? "consumer OK" : "consumer FAILED");
  return ok ? 0 : 1;
}
