#include "common/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "common/env.h"
#include "common/rotating_log_sink.h"

namespace nimbus {

Status InitLogging(const std::string& program, const std::string& level,
                   const std::string& log_file, const LogRotation& rotation) {
  spdlog::level::level_enum lvl;
  if (level == "emerg" || level == "alert" || level == "crit" ||
      level == "critical") {
    lvl = spdlog::level::critical;
  } else if (level == "error" || level == "err") {
    lvl = spdlog::level::err;
  } else if (level == "warn" || level == "warning") {
    lvl = spdlog::level::warn;
  } else if (level == "notice" || level == "info" || level.empty()) {
    lvl = spdlog::level::info;
  } else if (level == "debug") {
    lvl = spdlog::level::debug;
  } else if (level == "trace") {
    lvl = spdlog::level::trace;
  } else if (level == "off") {
    lvl = spdlog::level::off;
  } else {
    return Status::InvalidArgument("unknown log_level `" + level + "`");
  }
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (log_file.empty()) {
      logger = spdlog::stderr_color_mt(program);
    } else if (rotation.enabled()) {
      logger = std::make_shared<spdlog::logger>(
          program, std::make_shared<RotatingLogSink>(log_file, rotation,
                                                     Env::Default()));
    } else {
      logger = spdlog::basic_logger_mt(program, log_file);
    }
  } catch (const spdlog::spdlog_ex& e) {
    return Status::IOError(std::string("cannot open log: ") + e.what());
  }
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::info);
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] [%t] %v");
  spdlog::set_default_logger(logger);
  return Status::OK();
}

}  // namespace nimbus
