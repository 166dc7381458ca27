#include "web/http_message.h"

namespace nimbus::web {

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::PercentDecode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 &&
        hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> HttpRequest::ParseQuery(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string key = PercentDecode(part.substr(0, eq), true);
    std::string value = eq == std::string_view::npos
                            ? ""
                            : PercentDecode(part.substr(eq + 1), true);
    out[std::move(key)] = std::move(value);
  }
  return out;
}

HttpResponse HttpResponse::Json(int status, const nlohmann::json& j) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  // Invalid UTF-8 never reaches here (names are validated), but a dump
  // must not throw across the FastCGI boundary whatever happens.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.body += '\n';
  return r;
}

HttpResponse HttpResponse::NoContent() {
  HttpResponse r;
  r.status = 204;
  return r;
}

HttpResponse HttpResponse::Error(int status, std::string_view code,
                                 std::string_view message) {
  nlohmann::json j;
  j["error"] = {{"code", code}, {"message", message}};
  return Json(status, j);
}

HttpResponse HttpResponse::FromStatus(const Status& s) {
  std::string msg = s.message();
  switch (s.code()) {
    case Status::Code::kNotFound:
      return Error(404, "not_found", msg);
    case Status::Code::kInvalidArgument:
      return Error(400, "bad_request", msg);
    case Status::Code::kAlreadyExists:
      return Error(409, "conflict", msg);
    case Status::Code::kNoSpace:
      return Error(507, "quota_exceeded", msg);
    case Status::Code::kPermission:
      return Error(403, "forbidden", msg);
    case Status::Code::kUnavailable:
    case Status::Code::kBusy:
      return Error(503, "unavailable", "storage temporarily unavailable");
    case Status::Code::kTimedOut:
      return Error(504, "timeout", "storage timed out");
    default:
      // Details of internal failures go to the log, not to the client.
      return Error(500, "internal", "internal error");
  }
}

std::string_view HttpResponse::Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 302:
      return "Found";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 460:
      return "Checksum Mismatch";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 507:
      return "Insufficient Storage";
    default:
      return "Unknown";
  }
}

Result<nlohmann::json> ReadJsonObject(HttpRequest& req, int64_t max_bytes,
                                      HttpResponse* error) {
  if (req.content_length > max_bytes) {
    *error = HttpResponse::Error(413, "too_large", "request body too large");
    return Status::InvalidArgument("too large");
  }
  std::string body;
  char buf[8192];
  for (;;) {
    Result<size_t> n =
        req.read_body ? req.read_body(buf, sizeof(buf)) : Result<size_t>(0);
    if (!n.ok()) {
      *error = HttpResponse::Error(400, "bad_request", "body read failed");
      return n.status();
    }
    if (*n == 0) break;
    body.append(buf, *n);
    if (static_cast<int64_t>(body.size()) > max_bytes) {
      *error = HttpResponse::Error(413, "too_large", "request body too large");
      return Status::InvalidArgument("too large");
    }
  }
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *error = HttpResponse::Error(400, "bad_request",
                                 "the body must be a JSON object");
    return Status::InvalidArgument("bad json");
  }
  return j;
}

}  // namespace nimbus::web
