// The request and response that nimbus-web's handlers see, independent of
// FastCGI (FcgiServer fills and writes them; tests build them directly).
#ifndef NIMBUS_WEB_HTTP_MESSAGE_H_
#define NIMBUS_WEB_HTTP_MESSAGE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace nimbus::web {

struct HttpRequest {
  std::string method;                        // upper case
  std::string path;                          // decoded, without the query
  std::map<std::string, std::string> query;  // decoded
  // Lower-case names; only the headers nimbus-web reads are kept.
  std::map<std::string, std::string> headers;
  int64_t content_length = -1;  // -1: none given
  std::string remote_addr;
  // Reads up to `n` body bytes; 0 at the end of the body.
  std::function<Result<size_t>(char* dst, size_t n)> read_body;
  // Filled by the router from ":name" segments.
  std::map<std::string, std::string> params;

  std::string Header(const std::string& lower_name) const;
  // Parses "a=1&b=x%20y" into `query` (later duplicates win). Keys and
  // values are percent-decoded; '+' is a space.
  static std::map<std::string, std::string> ParseQuery(std::string_view q);
  static std::string PercentDecode(std::string_view s, bool plus_is_space);
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static HttpResponse Json(int status, const nlohmann::json& j);
  static HttpResponse NoContent();
  // {"error": {"code": code, "message": message}}
  static HttpResponse Error(int status, std::string_view code,
                            std::string_view message);
  // The HTTP status and error code for a Status from the layers below.
  static HttpResponse FromStatus(const Status& s);
  static std::string_view Reason(int status);
};

// Reads the request's body, which must be a JSON object of at most
// `max_bytes`; on failure `*error` is the response to send (413 or 400).
Result<nlohmann::json> ReadJsonObject(HttpRequest& req, int64_t max_bytes,
                                      HttpResponse* error);

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_HTTP_MESSAGE_H_
