#include "storage/access_log.h"

#include <spdlog/spdlog.h>

#include "common/rotating_log_sink.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/storage_messages.h"
#include "proto/tracker_messages.h"

namespace nimbus::storage {

Result<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& path,
                                                   const LogRotation& rotation,
                                                   Env* env) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    logger = std::make_shared<spdlog::logger>(
        "access", std::make_shared<RotatingLogSink>(path, rotation, env));
  } catch (const spdlog::spdlog_ex& e) {
    return Status::IOError(std::string("cannot open access log: ") + e.what());
  }
  logger->set_pattern("[%Y-%m-%d %H:%M:%S] %v");
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  return std::unique_ptr<AccessLog>(new AccessLog(std::move(logger)));
}

const char* AccessLog::Action(uint8_t cmd) {
  switch (cmd) {
    case proto::kUploadFile:
    case proto::kUploadAppenderFile:
    case proto::kUploadSlaveFile:
      return "upload";
    case proto::kDownloadFile:
      return "download";
    case proto::kDeleteFile:
      return "delete";
    case proto::kGetMetadata:
      return "get_metadata";
    case proto::kSetMetadata:
      return "set_metadata";
    case proto::kAppendFile:
      return "append";
    case proto::kModifyFile:
      return "modify";
    case proto::kTruncateFile:
      return "truncate";
    case proto::kQueryFileInfo:
      return "status";
    case proto::kRegenerateAppenderFilename:
      return "rename";
    default:
      return nullptr;
  }
}

std::string AccessLog::FileOf(uint8_t cmd, std::string_view body,
                              std::string_view reply, const std::string& group,
                              const std::string& read_name) {
  auto in_group = [&](const std::string& name) {
    return name.empty() ? std::string("-") : group + "/" + name;
  };
  switch (cmd) {
    case proto::kUploadFile:
    case proto::kUploadAppenderFile:
    case proto::kUploadSlaveFile:
    case proto::kRegenerateAppenderFilename:
      // GROUP 16 | new name, on success.
      if (reply.size() > proto::kGroupNameLen) {
        return in_group(std::string(reply.substr(proto::kGroupNameLen)));
      }
      return cmd == proto::kRegenerateAppenderFilename
                 ? in_group(std::string(body))
                 : std::string("-");
    case proto::kDownloadFile:
      if (auto r = proto::DecodeDownloadRequest(body); r.ok()) {
        return in_group(r->name);
      }
      return "-";
    case proto::kDeleteFile:
    case proto::kGetMetadata:
    case proto::kQueryFileInfo:
      if (auto r = proto::DecodeGroupAndName(body); r.ok()) {
        return in_group(r->name);
      }
      return "-";
    case proto::kSetMetadata:
      if (auto r = proto::DecodeSetMetaRequest(body); r.ok()) {
        return in_group(r->name);
      }
      return "-";
    case proto::kTruncateFile:
      if (auto r = proto::DecodeTruncateRequest(body); r.ok()) {
        return in_group(r->name);
      }
      return "-";
    default:
      return in_group(read_name);
  }
}

void AccessLog::Write(const std::string& client_ip, const char* action,
                      const std::string& file, int status, int64_t ms,
                      int64_t request_bytes, int64_t response_bytes) {
  logger_->info("{} {} {} {} {} {} {}", client_ip, action, file, status, ms,
                request_bytes, response_bytes);
}

}  // namespace nimbus::storage
