// AccessLog: FastDFS's storage access log (use_access_log), one line per
// client request, in FastDFS's layout so that existing log tooling parses
// it:
//
//   [YYYY-MM-DD HH:MM:SS] client_ip action file status ms request response
//
// action is upload (normal, appender and slave), download, delete,
// get_metadata, set_metadata, append, modify, truncate, status (file
// info) or rename (regenerate appender name); file is the full file ID
// ("-" when the request named none); status the errno sent (0: success);
// ms the time spent serving; request and response the bytes of each,
// headers included. Storage-to-storage requests are not logged. The file
// is written through a RotatingLogSink (rotate_access_log,
// access_log_rotate_time, rotate_access_log_size, log_file_keep_days) and
// flushed after each line, so a crash loses none. Thread-safe.
#ifndef NIMBUS_STORAGE_ACCESS_LOG_H_
#define NIMBUS_STORAGE_ACCESS_LOG_H_

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/log_rotation.h"
#include "common/result.h"

namespace nimbus::storage {

class AccessLog {
 public:
  // Opens (appends to) `path`.
  static Result<std::unique_ptr<AccessLog>> Open(const std::string& path,
                                                 const LogRotation& rotation,
                                                 Env* env);

  // FastDFS's action name for a client command, or nullptr for one that is
  // not logged.
  static const char* Action(uint8_t cmd);
  // The file ID a request is about: from the reply for the commands that
  // create a name, else from the request `body`, else `read_name` (a name
  // the handler read after the body, as appends do) under `group`; "-" when
  // none is known.
  static std::string FileOf(uint8_t cmd, std::string_view body,
                            std::string_view reply, const std::string& group,
                            const std::string& read_name);

  void Write(const std::string& client_ip, const char* action,
             const std::string& file, int status, int64_t ms,
             int64_t request_bytes, int64_t response_bytes);

 private:
  explicit AccessLog(std::shared_ptr<spdlog::logger> logger)
      : logger_(std::move(logger)) {}

  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_ACCESS_LOG_H_
