// nimbus-storage: see net/server_main.h for the command line and exit codes.
#include "net/server_main.h"
#include "storage/storage_options.h"
#include "storage/storage_server.h"

int main(int argc, char** argv) {
  return nimbus::net::ServerMain<nimbus::storage::StorageOptions,
                                 nimbus::storage::StorageServer>(
      argc, argv, "nimbus-storage",
      "nimbus-storage: FastDFS-compatible storage server", "storaged.log");
}
