// ConfigFile: a FastDFS-style `key = value` configuration file.
//
// Format (the one FastDFS's tracker.conf / storage.conf / client.conf use):
//   # comment
//   key = value          whitespace around key and value is ignored
//   tracker_server = a:1 a key may repeat; GetAll() returns every value
//   [section]            accepted and ignored (mod_fastdfs.conf style)
// Typed getters validate and return a clear error naming the file, line and
// key. Each getter marks its key as known, so after the options struct has
// been filled, UnknownKeys() lists what this program does not implement; the
// caller logs those once. Thread-safety: not thread-safe; parse once at start.
#ifndef NIMBUS_COMMON_CONFIG_FILE_H_
#define NIMBUS_COMMON_CONFIG_FILE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace nimbus {

class ConfigFile {
 public:
  // Reads and parses `path`. A line that is neither blank, a comment, a
  // section nor `key = value` is an error.
  static Result<ConfigFile> Load(const std::string& path);
  // Parses `text`; `source` names it in error messages.
  static Result<ConfigFile> Parse(std::string_view text,
                                  std::string_view source);

  bool Has(std::string_view key) const;
  // The last value given for `key`, or `def`.
  std::string GetString(std::string_view key, std::string_view def = "");
  // Every value given for a repeatable key, in file order.
  std::vector<std::string> GetAll(std::string_view key);
  // Integer in [min, max]; a non-number or out-of-range value is an error.
  Result<int64_t> GetInt(std::string_view key, int64_t def, int64_t min,
                         int64_t max);
  // true/false, yes/no, on/off, 1/0 (case-insensitive).
  Result<bool> GetBool(std::string_view key, bool def);
  // A duration in seconds: "30", "30s", "5m", "1h", "1d".
  Result<int64_t> GetSeconds(std::string_view key, int64_t def, int64_t min,
                             int64_t max);

  // A time of day "HH:MM" (hour 0..23, minute 0..59) as minutes since
  // midnight; `def` likewise.
  Result<int> GetTimeOfDay(std::string_view key, int def);

  // Keys present in the file that no getter asked for.
  std::vector<std::string> UnknownKeys() const;
  const std::string& source() const { return source_; }

 private:
  struct Entry {
    std::string value;
    int line;
  };
  const Entry* Last(std::string_view key) const;
  Status Invalid(std::string_view key, const Entry& e,
                 std::string_view why) const;

  std::string source_;
  std::map<std::string, std::vector<Entry>, std::less<>> entries_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace nimbus

#endif  // NIMBUS_COMMON_CONFIG_FILE_H_
