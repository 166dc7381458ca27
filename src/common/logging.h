// Logging set-up. Servers log through spdlog's default logger (spdlog::info,
// spdlog::warn, ...), which is thread-safe. InitLogging is called once from
// main() before any thread starts.
#ifndef NIMBUS_COMMON_LOGGING_H_
#define NIMBUS_COMMON_LOGGING_H_

#include <string>

#include "common/log_rotation.h"
#include "common/status.h"

namespace nimbus {

// `level`: FastDFS's log_level vocabulary (emerg, alert, crit, error, warn,
// notice, info, debug) or spdlog's (trace, debug, info, warn, err, critical,
// off). `log_file` empty means stderr; a file is rotated as `rotation`
// says (RotatingLogSink). A daily rotation of an idle server needs periodic
// flushes (spdlog::flush_every), started by the caller once its signal mask
// is in place.
Status InitLogging(const std::string& program, const std::string& level,
                   const std::string& log_file,
                   const LogRotation& rotation = LogRotation());

}  // namespace nimbus

#endif  // NIMBUS_COMMON_LOGGING_H_
