#include "net/http_endpoint.h"

#include <fmt/format.h>

#include <chrono>

#include "net/timed_io.h"

namespace nimbus::net {
namespace {

constexpr size_t kMaxHead = 8192;
constexpr auto kTimeout = std::chrono::seconds(5);

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
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
  return r;
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
    : handler_(std::move(handler)),
      server_(
          io, [this](asio::ip::tcp::socket s) { return Serve(std::move(s)); },
          64) {}

Status HttpEndpoint::Listen(const std::string& bind_addr, uint16_t port) {
  return server_.Listen(bind_addr, port);
}

asio::awaitable<void> HttpEndpoint::Serve(asio::ip::tcp::socket sock) {
  std::string head;
  std::error_code ec =
      co_await ReadUntil(sock, head, "\r\n\r\n", kMaxHead, kTimeout);
  HttpResponse resp;
  bool head_only = false;
  if (ec == asio::error::not_found) {
    resp = {431, "text/plain; charset=utf-8", "request head too large\n"};
  } else if (ec) {
    co_return;  // timed out or gone: nobody to answer
  } else {
    auto line = ParseHttpRequestLine(head);
    if (!line.ok()) {
      resp = {400, "text/plain; charset=utf-8", line.status().message() + "\n"};
    } else if (line->method != "GET" && line->method != "HEAD") {
      resp = {405, "text/plain; charset=utf-8", "only GET and HEAD\n"};
    } else {
      head_only = line->method == "HEAD";
      resp = handler_(*line);
    }
  }
  std::string out = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
      "Connection: close\r\n{}\r\n",
      resp.status, Reason(resp.status), resp.content_type, resp.body.size(),
      resp.status == 405 ? "Allow: GET, HEAD\r\n" : "");
  co_await WriteAll2(sock, asio::buffer(out),
                     asio::buffer(head_only ? std::string_view() : resp.body),
                     kTimeout);
  sock.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

}  // namespace nimbus::net
