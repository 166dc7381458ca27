#include "metrics/metrics_options.h"

#include <charconv>

namespace nimbus::metrics {

Result<MetricsOptions> MetricsOptions::FromConfig(
    ConfigFile& cf, const std::string& default_bind) {
  MetricsOptions o;
  std::string port = cf.GetString("metrics_port", "off");
  if (port == "off") {
    o.port = -1;
  } else if (port == "auto") {
    o.port = 0;
  } else {
    int v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v < 1 ||
        v > 65535) {
      return Status::InvalidArgument(
          cf.source() + ": metrics_port must be 1..65535, auto or off, not `" +
          port + "`");
    }
    o.port = v;
  }
  o.bind_addr = cf.GetString("metrics_bind_addr", default_bind);
  return o;
}

}  // namespace nimbus::metrics
