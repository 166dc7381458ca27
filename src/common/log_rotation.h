// LogRotation: FastDFS's keys for rotating a server's log file, read from
// tracker.conf / storage.conf by both servers.
//
//   rotate_error_log = true      rotate once a day at error_log_rotate_time
//   error_log_rotate_time = 00:00  (local time, HH:MM)
//   rotate_error_log_size = 0    also rotate when the file would grow past
//                                this size (0: never by size)
//   log_file_keep_days = 0       remove rotated files older than this many
//                                days (0: keep them all)
//
// A rotated file is renamed to `<log>.YYYYMMDD_HHMMSS` (the moment of
// rotation) and the server goes on writing to `<log>`, as FastDFS does.
// compress_old_error_log and the access-log keys are not implemented.
#ifndef NIMBUS_COMMON_LOG_ROTATION_H_
#define NIMBUS_COMMON_LOG_ROTATION_H_

#include <cstdint>

#include "common/config_file.h"
#include "common/result.h"

namespace nimbus {

struct LogRotation {
  bool daily = false;
  int hour = 0;
  int minute = 0;
  int64_t max_size = 0;
  int keep_days = 0;

  bool enabled() const { return daily || max_size > 0; }
  // Invalid values are errors naming the key. `access_log` reads the
  // storage access log's keys instead (rotate_access_log,
  // access_log_rotate_time, rotate_access_log_size; log_file_keep_days is
  // shared).
  static Result<LogRotation> FromConfig(ConfigFile& cf,
                                        bool access_log = false);
};

}  // namespace nimbus

#endif  // NIMBUS_COMMON_LOG_ROTATION_H_
