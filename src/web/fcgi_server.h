// The FastCGI transport of nimbus-web (libfcgi): nginx's fastcgi_pass
// connects to `listen`; `workers` threads each accept one request at a
// time, turn it into an HttpRequest whose body is read from the FastCGI
// stream as the handler consumes it (uploads are never held whole in
// memory), call WebService::Handle and write the response.
//
// Threads: Run() starts the workers and returns; Stop() (any thread)
// stops accepting, lets requests in flight finish and joins the workers.
#ifndef NIMBUS_WEB_FCGI_SERVER_H_
#define NIMBUS_WEB_FCGI_SERVER_H_

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "web/web_service.h"

namespace nimbus::web {

class FcgiServer {
 public:
  FcgiServer(WebService* service, std::string listen, int workers);
  ~FcgiServer();

  // Opens the socket ("host:port" or a Unix socket path) and starts the
  // workers.
  Status Start();
  void Stop();

 private:
  void Work();

  WebService* const service_;
  const std::string listen_;
  const int workers_;
  int fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_FCGI_SERVER_H_
