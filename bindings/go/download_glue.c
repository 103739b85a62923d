/* C side of Request.Download: the write callback trampoline into Go and the
 * error message captured in the same cgo call as the failing C call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>

#include "_cgo_export.h"

static int32_t threecx_go_write_tramp(void *ud, const unsigned char *data, size_t size) {
  return threecxGoWrite((uintptr_t)ud, (unsigned char *)data, size);
}

int threecx_go_send_to_writer(uintptr_t request, uintptr_t handle, uintptr_t *response, char **message) {
  threecx_response *r = NULL;
  int rc = threecx_request_send_to_callback((threecx_request *)request, threecx_go_write_tramp,
                                            (void *)handle, &r);
  *response = (uintptr_t)r;
  *message = NULL;
  if (rc > THREECX_DONE) {
    const char *m = threecx_last_error();
    if (threecx_last_error_code() != rc || !m || !*m) m = threecx_strerror(rc);
    *message = strdup(m);
  }
  return rc;
}
