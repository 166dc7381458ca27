#include "common/host_port.h"

#include <charconv>

namespace nimbus {

Result<HostPort> ParseHostPort(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("`" + text + "` is not host:port");
  }
  HostPort hp;
  hp.host = text.substr(0, colon);
  int port = 0;
  const char* b = text.data() + colon + 1;
  const char* e = text.data() + text.size();
  auto [p, ec] = std::from_chars(b, e, port);
  if (ec != std::errc() || p != e || port <= 0 || port > 65535) {
    return Status::InvalidArgument("`" + text + "` has an invalid port");
  }
  hp.port = static_cast<uint16_t>(port);
  return hp;
}

}  // namespace nimbus
