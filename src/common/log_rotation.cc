#include "common/log_rotation.h"

#include <charconv>
#include <string>

#include "common/reserved_space.h"

namespace nimbus {
namespace {

// "HH:MM" (one- or two-digit hour) into hour and minute.
bool ParseClock(std::string_view text, int* hour, int* minute) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  auto number = [](std::string_view s, int max, int* out) {
    if (s.empty() || s.size() > 2) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size() && *out >= 0 &&
           *out <= max;
  };
  return number(text.substr(0, colon), 23, hour) &&
         number(text.substr(colon + 1), 59, minute);
}

}  // namespace

Result<LogRotation> LogRotation::FromConfig(ConfigFile& cf) {
  LogRotation r;
  NIMBUS_ASSIGN_OR_RETURN(r.daily, cf.GetBool("rotate_error_log", false));
  const std::string at = cf.GetString("error_log_rotate_time", "00:00");
  if (!ParseClock(at, &r.hour, &r.minute)) {
    return Status::InvalidArgument(cf.source() +
                                   ": error_log_rotate_time must be HH:MM, "
                                   "not `" +
                                   at + "`");
  }
  const std::string size = cf.GetString("rotate_error_log_size", "0");
  auto bytes = ParseByteSize(size);
  if (!bytes.ok() || *bytes < 0) {
    return Status::InvalidArgument(
        cf.source() +
        ": rotate_error_log_size must be a size such as 0, "
        "256MB or 1GB, not `" +
        size + "`");
  }
  r.max_size = *bytes;
  int64_t days = 0;
  NIMBUS_ASSIGN_OR_RETURN(days, cf.GetInt("log_file_keep_days", 0, 0, 36500));
  r.keep_days = static_cast<int>(days);
  return r;
}

}  // namespace nimbus
