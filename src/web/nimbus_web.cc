// nimbus-web: the cloud-disk API as a FastCGI application behind nginx.
// See net/server_main.h for the command line and exit codes, and
// deploy/conf/web.conf for the configuration.
#include "net/server_main.h"
#include "web/web_options.h"
#include "web/web_server.h"

int main(int argc, char** argv) {
  return nimbus::net::ServerMain<nimbus::web::WebOptions,
                                 nimbus::web::WebServer>(
      argc, argv, "nimbus-web", "nimbus-web: Nimbus cloud-disk API (FastCGI)",
      "nimbus-web.log");
}
