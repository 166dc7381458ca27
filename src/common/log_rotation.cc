#include "common/log_rotation.h"

#include <string>

#include "common/reserved_space.h"

namespace nimbus {

Result<LogRotation> LogRotation::FromConfig(ConfigFile& cf) {
  LogRotation r;
  NIMBUS_ASSIGN_OR_RETURN(r.daily, cf.GetBool("rotate_error_log", false));
  int at = 0;
  NIMBUS_ASSIGN_OR_RETURN(at, cf.GetTimeOfDay("error_log_rotate_time", 0));
  r.hour = at / 60;
  r.minute = at % 60;
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
