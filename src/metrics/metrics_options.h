// MetricsOptions: where a server serves /metrics and /healthz (Nimbus keys,
// the same in tracker.conf and storage.conf):
//
//   metrics_port = 9122      a port; `auto` for an ephemeral one (written to
//                            base_path/data/<program>.metrics_port); `off`
//                            or absent: no endpoint
//   metrics_bind_addr = ...  default: the server's bind_addr
#ifndef NIMBUS_METRICS_METRICS_OPTIONS_H_
#define NIMBUS_METRICS_METRICS_OPTIONS_H_

#include <string>

#include "common/config_file.h"
#include "common/result.h"

namespace nimbus::metrics {

// A port setting of the form above (`off`, `auto` or 1..65535) under
// `key`: -1 off, 0 ephemeral, else the port.
Result<int> ParsePortSetting(ConfigFile& cf, std::string_view key);

struct MetricsOptions {
  int port = -1;  // -1 off, 0 ephemeral
  std::string bind_addr;

  bool enabled() const { return port >= 0; }
  static Result<MetricsOptions> FromConfig(ConfigFile& cf,
                                           const std::string& default_bind);
};

}  // namespace nimbus::metrics

#endif  // NIMBUS_METRICS_METRICS_OPTIONS_H_
