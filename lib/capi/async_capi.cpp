// The extern "C" layer of the asynchronous API (lib/async).
#include "async/async.hpp"
#include "capi/handles.hpp"
#include "common/error.hpp"
#include "threecx/threecx.h"

using threecx::fail;
using threecx::guard;

extern "C" {

int threecx_async_new(threecx_client *client, threecx_async **out) {
  if (out) *out = nullptr;
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    THREECX_REQUIRE(out);
    *out = new threecx_async{std::make_unique<threecx::AsyncEngine>(client->rep)};
  });
}

void threecx_async_free(threecx_async *async) { delete async; }

int threecx_async_set_max_concurrent(threecx_async *async, int32_t max) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    async->rep->set_max_concurrent(max);
  });
}

int threecx_async_submit(threecx_async *async, const threecx_request *request, threecx_async_fn fn,
                         void *user_data, int64_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    THREECX_REQUIRE(request);
    int64_t id = async->rep->submit(request->rep, fn, user_data);
    if (out) *out = id;
  });
}

int threecx_async_perform(threecx_async *async, int32_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    int32_t n = async->rep->perform();
    if (out) *out = n;
  });
}

int threecx_async_wait(threecx_async *async, int64_t timeout_ms, int32_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    int32_t n = async->rep->wait(timeout_ms);
    if (out) *out = n;
  });
}

int threecx_async_wakeup(threecx_async *async) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    async->rep->wakeup();
  });
}

int threecx_async_next(threecx_async *async, threecx_completion **out) {
  if (out) *out = nullptr;
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    THREECX_REQUIRE(out);
    auto c = async->rep->next();
    if (!c) return THREECX_DONE;
    *out = c.release();
    return THREECX_OK;
  });
}

int threecx_async_cancel(threecx_async *async, int64_t id) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    if (!async->rep->cancel(id))
      fail(THREECX_E_NOT_FOUND, "no pending asynchronous request " + std::to_string(id));
  });
}

int threecx_async_cancel_all(threecx_async *async) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    async->rep->cancel_all();
  });
}

int threecx_async_fds(threecx_async *async, threecx_pollfd *fds, size_t capacity, size_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    THREECX_REQUIRE(out);
    if (!fds && capacity) fail(THREECX_E_INVALID_ARGUMENT, "fds is NULL with a capacity");
    *out = async->rep->fds(fds, capacity);
  });
}

int threecx_async_timeout_ms(threecx_async *async, int64_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(async);
    THREECX_REQUIRE(out);
    *out = async->rep->timeout_ms();
  });
}

int threecx_completion_id(const threecx_completion *completion, int64_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(completion);
    THREECX_REQUIRE(out);
    *out = completion->id;
  });
}

int threecx_completion_code(const threecx_completion *completion, int32_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(completion);
    THREECX_REQUIRE(out);
    *out = completion->code;
  });
}

int threecx_completion_message(const threecx_completion *completion, char **out) {
  if (out) *out = nullptr;
  return guard(__func__, [&] {
    THREECX_REQUIRE(completion);
    THREECX_REQUIRE(out);
    *out = threecx::dup_out(completion->message);
  });
}

int threecx_completion_take_response(threecx_completion *completion, threecx_response **out) {
  if (out) *out = nullptr;
  return guard(__func__, [&] {
    THREECX_REQUIRE(completion);
    THREECX_REQUIRE(out);
    if (!completion->response) fail(THREECX_E_NOT_FOUND, "the completion holds no response");
    *out = completion->response.release();
  });
}

void threecx_completion_free(threecx_completion *completion) { delete completion; }

}  // extern "C"
