// HostPort: a "host:port" endpoint as written in FastDFS configs
// (tracker_server = 10.0.0.1:22122). A value type.
#ifndef NIMBUS_COMMON_HOST_PORT_H_
#define NIMBUS_COMMON_HOST_PORT_H_

#include <cstdint>
#include <string>

#include "common/result.h"

namespace nimbus {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

// Parses "host:port"; the port is required and must be 1..65535.
Result<HostPort> ParseHostPort(const std::string& text);

}  // namespace nimbus

#endif  // NIMBUS_COMMON_HOST_PORT_H_
