// HttpEndpoint: a tiny HTTP/1.1 server for operational endpoints (/metrics,
// /healthz) on their own port. GET and HEAD only, one request per
// connection, a request head of at most 8 KiB read within 5 s; anything else
// gets 400/405/431 and the connection closes. Not a general web server: the
// product's HTTP goes through nginx.
//
// Runs on the caller's io_context; the handler is called on a network thread
// for each request and must not block.
#ifndef NIMBUS_NET_HTTP_ENDPOINT_H_
#define NIMBUS_NET_HTTP_ENDPOINT_H_

#include <asio.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "net/tcp_server.h"

namespace nimbus::net {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct HttpRequestLine {
  std::string method;
  std::string path;  // without the query string
};

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

  HttpEndpoint(asio::io_context& io, Handler handler);
  // Port 0 picks an ephemeral port (see port()).
  Status Listen(const std::string& bind_addr, uint16_t port);
  void Start() { server_.Start(); }
  void Stop() { server_.Stop(); }
  uint16_t port() const { return server_.port(); }

 private:
  asio::awaitable<void> Serve(asio::ip::tcp::socket sock);

  Handler handler_;
  TcpServer server_;
};

}  // namespace nimbus::net

#endif  // NIMBUS_NET_HTTP_ENDPOINT_H_
