// RotatingLogSink: an spdlog sink writing to one file that it rotates as
// LogRotation says (daily at a time of day, and/or by size), renaming the
// full file to `<path>.YYYYMMDD_HHMMSS` and pruning rotated files older
// than keep_days. spdlog's own rotating and daily sinks name files
// differently (`x.1.log`, `x_2026-11-29.log`), which would break the paths
// FastDFS operators and their tools expect.
//
// Thread-safe (spdlog's base_sink holds a mutex around every call). Each
// rotation check runs on a message and on flush, so an idle server still
// rotates on time when something calls flush periodically
// (spdlog::flush_every). Renames and directory listings go through `env`;
// `now` is injectable for tests. A failed rename is reported on stderr once
// and the file keeps growing rather than losing messages.
#ifndef NIMBUS_COMMON_ROTATING_LOG_SINK_H_
#define NIMBUS_COMMON_ROTATING_LOG_SINK_H_

#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <mutex>
#include <string>

#include "common/env.h"
#include "common/log_rotation.h"

namespace nimbus {

class RotatingLogSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  using Clock = std::function<std::time_t()>;

  // Opens (appends to) `path`; throws spdlog::spdlog_ex if it cannot, as
  // spdlog's own file sinks do.
  RotatingLogSink(
      std::string path, LogRotation rotation, Env* env,
      Clock now = [] { return std::time(nullptr); });

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  // Rotates when the day's time has come, or when `incoming` more bytes
  // would pass max_size.
  void MaybeRotate(size_t incoming);
  void Rotate(std::time_t now);
  // Removes rotated files whose names say they are older than keep_days.
  void Prune(std::time_t now);
  // The first moment after `after` at rotation.hour:minute (local time).
  std::time_t NextDailyRotation(std::time_t after) const;

  const std::string path_;
  const LogRotation rotation_;
  Env* const env_;
  const Clock now_;
  spdlog::details::file_helper file_;
  // Bytes in the file, counted here: file_helper's size() sees only what
  // its stdio buffer has flushed.
  size_t size_ = 0;
  std::time_t next_daily_ = 0;
  bool rename_failed_ = false;
};

}  // namespace nimbus

#endif  // NIMBUS_COMMON_ROTATING_LOG_SINK_H_
