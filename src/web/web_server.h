// nimbus-web's process: wires the DFS client, the URL signer, the metadata
// database and the FastCGI transport around WebService, and runs the
// background chores (orphan blob collection, expired-session sweep) on
// their own thread.
//
// Threads: FastCGI workers (FcgiServer), one chores thread, and the thread
// calling Run(), which waits for Stop().
#ifndef NIMBUS_WEB_WEB_SERVER_H_
#define NIMBUS_WEB_WEB_SERVER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "common/env.h"
#include "web/fcgi_server.h"
#include "web/web_options.h"
#include "web/web_service.h"

namespace nimbus::web {

class WebServer {
 public:
  WebServer(WebOptions opts, Env* env);
  ~WebServer();

  Status Start();
  // Blocks until Stop().
  void Run();
  void Stop();

 private:
  void Chores();

  const WebOptions opts_;
  Env* const env_;
  std::unique_ptr<WebService> service_;
  std::unique_ptr<FcgiServer> fcgi_;
  std::thread chores_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_WEB_SERVER_H_
