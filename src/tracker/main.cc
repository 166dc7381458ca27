// nimbus-tracker: see net/server_main.h for the command line and exit codes.
#include "net/server_main.h"
#include "tracker/tracker_options.h"
#include "tracker/tracker_server.h"

int main(int argc, char** argv) {
  return nimbus::net::ServerMain<nimbus::tracker::TrackerOptions,
                                 nimbus::tracker::TrackerServer>(
      argc, argv, "nimbus-tracker",
      "nimbus-tracker: FastDFS-compatible tracker server", "trackerd.log");
}
