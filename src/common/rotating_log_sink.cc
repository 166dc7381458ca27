#include "common/rotating_log_sink.h"

#include <cstdio>
#include <string_view>
#include <utility>

namespace nimbus {
namespace {

constexpr std::string_view kSuffixFormat = "%Y%m%d_%H%M%S";
constexpr size_t kSuffixLen = 15;  // YYYYMMDD_HHMMSS

std::string Suffix(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), kSuffixFormat.data(), &tm);
  return std::string(buf, n);
}

// The time a rotated file's suffix names, or -1 when `suffix` is not one
// (".1" after it, for a second rotation within a second, is allowed).
std::time_t ParseSuffix(std::string_view suffix) {
  if (suffix.size() < kSuffixLen) return -1;
  std::string head(suffix.substr(0, kSuffixLen));
  std::string_view rest = suffix.substr(kSuffixLen);
  if (!rest.empty()) {
    if (rest.front() != '.' || rest.size() < 2) return -1;
    for (char c : rest.substr(1)) {
      if (c < '0' || c > '9') return -1;
    }
  }
  std::tm tm{};
  const char* end = strptime(head.c_str(), kSuffixFormat.data(), &tm);
  if (end == nullptr || *end != '\0') return -1;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

}  // namespace

RotatingLogSink::RotatingLogSink(std::string path, LogRotation rotation,
                                 Env* env, Clock now)
    : path_(std::move(path)),
      rotation_(rotation),
      env_(env),
      now_(std::move(now)) {
  file_.open(path_, false);
  size_ = file_.size();
  const std::time_t t = now_();
  if (rotation_.daily) next_daily_ = NextDailyRotation(t);
  Prune(t);
}

std::time_t RotatingLogSink::NextDailyRotation(std::time_t after) const {
  std::tm tm{};
  localtime_r(&after, &tm);
  tm.tm_hour = rotation_.hour;
  tm.tm_min = rotation_.minute;
  tm.tm_sec = 0;
  tm.tm_isdst = -1;
  std::time_t at = std::mktime(&tm);
  if (at <= after) {
    ++tm.tm_mday;  // mktime normalises the day past the month's end
    tm.tm_isdst = -1;
    at = std::mktime(&tm);
  }
  return at;
}

void RotatingLogSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  MaybeRotate(formatted.size());
  file_.write(formatted);
  size_ += formatted.size();
}

void RotatingLogSink::flush_() {
  MaybeRotate(0);
  file_.flush();
}

void RotatingLogSink::MaybeRotate(size_t incoming) {
  const std::time_t t = now_();
  bool due = false;
  if (rotation_.daily && t >= next_daily_) {
    next_daily_ = NextDailyRotation(t);
    due = true;
  }
  const size_t size = size_;
  if (rotation_.max_size > 0 && incoming > 0 && size > 0 &&
      static_cast<int64_t>(size + incoming) > rotation_.max_size) {
    due = true;
  }
  // An empty file is not worth a rotated copy.
  if (due && size > 0) Rotate(t);
}

void RotatingLogSink::Rotate(std::time_t now) {
  file_.flush();
  std::string target = path_ + "." + Suffix(now);
  for (int n = 1; env_->FileExists(target) && n < 1000; ++n) {
    target = path_ + "." + Suffix(now) + "." + std::to_string(n);
  }
  file_.close();
  Status s = env_->RenameNoReplace(path_, target);
  if (!s.ok() && !rename_failed_) {
    // No logger can report on itself here; stderr reaches the journal.
    std::fprintf(stderr, "cannot rotate %s to %s: %s\n", path_.c_str(),
                 target.c_str(), s.ToString().c_str());
  }
  rename_failed_ = !s.ok();
  file_.open(path_, false);
  size_ = file_.size();  // 0, unless the rename failed
  Prune(now);
}

void RotatingLogSink::Prune(std::time_t now) {
  if (rotation_.keep_days <= 0) return;
  const size_t slash = path_.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : path_.substr(0, slash);
  const std::string base =
      (slash == std::string::npos ? path_ : path_.substr(slash + 1)) + ".";
  auto names = env_->GetChildren(dir);
  if (!names.ok()) return;
  const std::time_t oldest =
      now - static_cast<std::time_t>(rotation_.keep_days) * 86400;
  for (const std::string& name : *names) {
    if (name.size() <= base.size() || name.compare(0, base.size(), base) != 0) {
      continue;
    }
    std::time_t when = ParseSuffix(std::string_view(name).substr(base.size()));
    if (when >= 0 && when < oldest) env_->RemoveFile(dir + "/" + name);
  }
}

}  // namespace nimbus
