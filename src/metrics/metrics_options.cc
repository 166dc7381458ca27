#include "metrics/metrics_options.h"

#include <charconv>

namespace nimbus::metrics {

Result<int> ParsePortSetting(ConfigFile& cf, std::string_view key) {
  std::string port = cf.GetString(key, "off");
  if (port == "off") return -1;
  if (port == "auto") return 0;
  int v = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (ec != std::errc() || p != port.data() + port.size() || v < 1 ||
      v > 65535) {
    return Status::InvalidArgument(cf.source() + ": " + std::string(key) +
                                   " must be 1..65535, auto or off, not `" +
                                   port + "`");
  }
  return v;
}

Result<MetricsOptions> MetricsOptions::FromConfig(
    ConfigFile& cf, const std::string& default_bind) {
  MetricsOptions o;
  NIMBUS_ASSIGN_OR_RETURN(o.port, ParsePortSetting(cf, "metrics_port"));
  o.bind_addr = cf.GetString("metrics_bind_addr", default_bind);
  return o;
}

}  // namespace nimbus::metrics
