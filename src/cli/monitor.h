// `nimbus monitor`: the cluster as fdfs_monitor shows it, readable, or JSON.
#ifndef NIMBUS_CLI_MONITOR_H_
#define NIMBUS_CLI_MONITOR_H_

#include <ostream>

#include "common/status.h"
#include "nimbus/client.h"

namespace nimbus::cli {

Status PrintMonitor(client::Client& c, bool json, std::ostream& out);

}  // namespace nimbus::cli

#endif  // NIMBUS_CLI_MONITOR_H_
