#include "net/http_endpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>

#include "net/timed_io.h"

namespace nimbus::net {
namespace {

constexpr size_t kMaxHead = 8192;
constexpr auto kTimeout = std::chrono::seconds(5);
// How long a kept-alive connection may wait for its next request.
constexpr auto kKeepAliveIdle = std::chrono::seconds(30);

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

Result<HttpRequestLine> ParseHttpRequestLine(std::string_view head) {
  size_t eol = head.find("\r\n");
  if (eol == std::string_view::npos) {
    return Status::InvalidArgument("no request line");
  }
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || sp1 == 0) {
    return Status::InvalidArgument("malformed request line");
  }
  std::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return Status::InvalidArgument("not HTTP/1.x");
  }
  HttpRequestLine r;
  r.method = std::string(line.substr(0, sp1));
  for (char c : r.method) {
    if (c < 'A' || c > 'Z') return Status::InvalidArgument("bad method");
  }
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (target.empty() || target[0] != '/') {
    return Status::InvalidArgument("bad request target");
  }
  r.path = std::string(target.substr(0, target.find('?')));
  r.head = std::string(head);
  return r;
}

std::string HttpHeader(std::string_view head, std::string_view name) {
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos) {
    size_t start = pos + 2;
    size_t end = head.find("\r\n", start);
    if (end == std::string_view::npos || end == start) break;
    std::string_view line = head.substr(start, end - start);
    size_t colon = line.find(':');
    if (colon == name.size() &&
        std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
        v.remove_prefix(1);
      }
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
        v.remove_suffix(1);
      }
      return std::string(v);
    }
    pos = end;
  }
  return "";
}

std::string HttpDate(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  std::tm tm{};
  std::string s(text);
  const char* end = ::strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(::timegm(&tm));
}

HttpResponse OperationalResponse(const HttpRequestLine& r,
                                 const std::function<std::string()>& metrics,
                                 const std::function<Status()>& health) {
  if (r.path == "/metrics") {
    return {200, "text/plain; version=0.0.4; charset=utf-8", metrics()};
  }
  if (r.path == "/healthz") {
    Status s = health();
    if (s.ok()) return {200, "text/plain; charset=utf-8", "ok\n"};
    return {503, "text/plain; charset=utf-8", s.ToString() + "\n"};
  }
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

HttpEndpoint::HttpEndpoint(asio::io_context& io, Handler handler)
    : HttpEndpoint(
          io, AsyncHandler(
                  [h = std::move(handler)](const HttpRequestLine& r)
                      -> asio::awaitable<HttpResponse> { co_return h(r); })) {}

HttpEndpoint::HttpEndpoint(asio::io_context& io, AsyncHandler handler,
                           int max_connections, IoLoopPool* loops,
                           bool keep_alive)
    : handler_(std::move(handler)),
      keep_alive_(keep_alive),
      server_(
          io, [this](asio::ip::tcp::socket s) { return Serve(std::move(s)); },
          max_connections, loops) {}

Status HttpEndpoint::Listen(const std::string& bind_addr, uint16_t port) {
  return server_.Listen(bind_addr, port);
}

asio::awaitable<void> HttpEndpoint::Serve(asio::ip::tcp::socket sock) {
  std::string buf;  // what was read and not yet used
  for (bool first = true;; first = false) {
    std::error_code ec = co_await ReadUntil(sock, buf, "\r\n\r\n", kMaxHead,
                                            first ? kTimeout : kKeepAliveIdle);
    HttpResponse resp;
    bool head_only = false;
    bool keep = false;
    if (ec == asio::error::not_found) {
      resp = {431, "text/plain; charset=utf-8", "request head too large\n"};
    } else if (ec) {
      co_return;  // timed out, idle or gone: nobody to answer
    } else {
      const size_t end = buf.find("\r\n\r\n") + 4;
      const std::string head = buf.substr(0, end);
      buf.erase(0, end);
      auto line = ParseHttpRequestLine(head);
      if (!line.ok()) {
        resp = {400, "text/plain; charset=utf-8",
                line.status().message() + "\n"};
      } else if (line->method != "GET" && line->method != "HEAD") {
        resp = {405, "text/plain; charset=utf-8", "only GET and HEAD\n"};
      } else {
        head_only = line->method == "HEAD";
        resp = co_await handler_(*line);
        // HTTP/1.1 without "Connection: close" and without a body (which
        // would have to be skipped) may send another request.
        std::string connection = HttpHeader(head, "Connection");
        for (char& c : connection) {
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        keep = keep_alive_ &&
               head.substr(0, head.find("\r\n")).ends_with(" HTTP/1.1") &&
               connection != "close" &&
               HttpHeader(head, "Content-Length").empty() &&
               HttpHeader(head, "Transfer-Encoding").empty();
      }
    }
    std::string extra;
    for (const auto& [name, value] : resp.headers) {
      extra += fmt::format("{}: {}\r\n", name, value);
    }
    if (resp.status == 405) extra += "Allow: GET, HEAD\r\n";
    // A 304 carries no body and no Content-Length of its own.
    const bool no_body = head_only || resp.status == 304;
    std::string out = fmt::format(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\n{}"
        "Connection: {}\r\n{}\r\n",
        resp.status, Reason(resp.status), resp.content_type,
        resp.status == 304
            ? std::string()
            : fmt::format("Content-Length: {}\r\n", resp.body.size()),
        keep ? "keep-alive" : "close", extra);
    ec = co_await WriteAll2(
        sock, asio::buffer(out),
        asio::buffer(no_body ? std::string_view() : resp.body), kTimeout);
    if (ec || !keep) break;
  }
  std::error_code ignored;
  sock.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

}  // namespace nimbus::net
