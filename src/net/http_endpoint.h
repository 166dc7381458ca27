// HttpEndpoint: a tiny HTTP/1.1 server for operational endpoints (/metrics,
// /healthz) and, behind nginx, packed files, each on its own port. GET and
// HEAD only, one request per connection unless keep-alive is enabled, a
// request head of at most 8 KiB read within 5 s; anything else gets
// 400/405/431 and the connection closes.
// Not a general web server: the product's HTTP goes through nginx.
//
// Runs on the caller's io_context; the handler is called on a network thread
// for each request and must not block (an asynchronous handler may wait, on
// its own coroutine).
#ifndef NIMBUS_NET_HTTP_ENDPOINT_H_
#define NIMBUS_NET_HTTP_ENDPOINT_H_

#include <asio.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "net/tcp_server.h"

namespace nimbus::net {

struct HttpResponse {
  HttpResponse() = default;
  HttpResponse(int s, std::string type, std::string b)
      : status(s), content_type(std::move(type)), body(std::move(b)) {}

  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // More response headers (name, value); values must not hold CR or LF.
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpRequestLine {
  std::string method;
  std::string path;  // without the query string
  std::string head;  // the whole request head, for HttpHeader
};

// The value of header `name` (case-insensitive) in a request head, trimmed;
// empty when absent.
std::string HttpHeader(std::string_view head, std::string_view name);
// An HTTP-date (RFC 9110 IMF-fixdate) of `seconds` since the epoch, and
// back (nullopt for anything else).
std::string HttpDate(int64_t seconds);
std::optional<int64_t> ParseHttpDate(std::string_view text);

// Parses the request line of a request head ("GET /metrics?x HTTP/1.1\r\n
// ..."). InvalidArgument for anything that is not a well-formed HTTP/1.x
// request line.
Result<HttpRequestLine> ParseHttpRequestLine(std::string_view head);

// The operational endpoints every server has: /metrics (Prometheus text
// from `metrics`) and /healthz (200 "ok", or 503 with the reason `health`
// returns); 404 for anything else.
HttpResponse OperationalResponse(const HttpRequestLine& r,
                                 const std::function<std::string()>& metrics,
                                 const std::function<Status()>& health);

class HttpEndpoint {
 public:
  using Handler = std::function<HttpResponse(const HttpRequestLine&)>;
  using AsyncHandler =
      std::function<asio::awaitable<HttpResponse>(const HttpRequestLine&)>;

  HttpEndpoint(asio::io_context& io, Handler handler);
  // At most `max_connections` at once; with `loops`, connections are spread
  // over its event loops (TcpServer) instead of running on `io`. With
  // `keep_alive`, an HTTP/1.1 client (nginx with upstream keepalive) may
  // send further requests on the connection, each within 30 s of the last.
  HttpEndpoint(asio::io_context& io, AsyncHandler handler,
               int max_connections = 64, IoLoopPool* loops = nullptr,
               bool keep_alive = false);
  // Port 0 picks an ephemeral port (see port()).
  Status Listen(const std::string& bind_addr, uint16_t port);
  void Start() { server_.Start(); }
  void Stop() { server_.Stop(); }
  uint16_t port() const { return server_.port(); }

 private:
  asio::awaitable<void> Serve(asio::ip::tcp::socket sock);

  AsyncHandler handler_;
  const bool keep_alive_;
  TcpServer server_;
};

}  // namespace nimbus::net

#endif  // NIMBUS_NET_HTTP_ENDPOINT_H_
