#include "common/log_rotation.h"

#include <string>

#include "common/reserved_space.h"

namespace nimbus {

Result<LogRotation> LogRotation::FromConfig(ConfigFile& cf, bool access_log) {
  const char* const daily_key =
      access_log ? "rotate_access_log" : "rotate_error_log";
  const char* const time_key =
      access_log ? "access_log_rotate_time" : "error_log_rotate_time";
  const char* const size_key =
      access_log ? "rotate_access_log_size" : "rotate_error_log_size";
  LogRotation r;
  NIMBUS_ASSIGN_OR_RETURN(r.daily, cf.GetBool(daily_key, false));
  int at = 0;
  NIMBUS_ASSIGN_OR_RETURN(at, cf.GetTimeOfDay(time_key, 0));
  r.hour = at / 60;
  r.minute = at % 60;
  const std::string size = cf.GetString(size_key, "0");
  auto bytes = ParseByteSize(size);
  if (!bytes.ok() || *bytes < 0) {
    return Status::InvalidArgument(
        cf.source() + ": " + size_key +
        " must be a size such as 0, 256MB or 1GB, not `" + size + "`");
  }
  r.max_size = *bytes;
  int64_t days = 0;
  NIMBUS_ASSIGN_OR_RETURN(days, cf.GetInt("log_file_keep_days", 0, 0, 36500));
  r.keep_days = static_cast<int>(days);
  return r;
}

}  // namespace nimbus
