// Private: one C handle per C++ object.
#pragma once

#include <memory>

#include "client/client.hpp"
#include "common/cancel.hpp"
#include "request/query.hpp"
#include "request/request.hpp"
#include "response/pager.hpp"
#include "response/response.hpp"

struct threecx_client {
  std::shared_ptr<threecx::ClientCore> rep;
};
struct threecx_query {
  threecx::Query rep;
};
struct threecx_request {
  threecx::Request rep;
};
struct threecx_response {
  threecx::Response rep;
};
struct threecx_pager {
  threecx::Pager rep;
};
struct threecx_cancel {
  std::shared_ptr<threecx::CancelToken> rep;
};
