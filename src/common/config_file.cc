#include "common/config_file.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace nimbus {
namespace {

constexpr size_t kMaxConfigBytes = 1 << 20;

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

Result<ConfigFile> ConfigFile::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open config file " + path);
  std::string text;
  text.resize(kMaxConfigBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    return Status::InvalidArgument("config file " + path + " exceeds 1 MiB");
  }
  return Parse(text, path);
}

Result<ConfigFile> ConfigFile::Parse(std::string_view text,
                                     std::string_view source) {
  ConfigFile cf;
  cf.source_ = std::string(source);
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = Trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(
          cf.source_ + ":" + std::to_string(line_no) +
          ": expected `key = value`, got `" + std::string(line) + "`");
    }
    std::string_view key = Trim(line.substr(0, eq));
    std::string_view value = Trim(line.substr(eq + 1));
    if (key.empty()) {
      return Status::InvalidArgument(cf.source_ + ":" +
                                     std::to_string(line_no) + ": empty key");
    }
    cf.entries_[std::string(key)].push_back(Entry{std::string(value), line_no});
  }
  return cf;
}

const ConfigFile::Entry* ConfigFile::Last(std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.empty()) return nullptr;
  return &it->second.back();
}

Status ConfigFile::Invalid(std::string_view key, const Entry& e,
                           std::string_view why) const {
  return Status::InvalidArgument(source_ + ":" + std::to_string(e.line) +
                                 ": invalid value `" + e.value + "` for " +
                                 std::string(key) + ": " + std::string(why));
}

bool ConfigFile::Has(std::string_view key) const {
  return Last(key) != nullptr;
}

std::string ConfigFile::GetString(std::string_view key, std::string_view def) {
  known_.emplace(key);
  const Entry* e = Last(key);
  return e ? e->value : std::string(def);
}

std::vector<std::string> ConfigFile::GetAll(std::string_view key) {
  known_.emplace(key);
  std::vector<std::string> out;
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    for (const Entry& e : it->second) out.push_back(e.value);
  }
  return out;
}

Result<int64_t> ConfigFile::GetInt(std::string_view key, int64_t def,
                                   int64_t min, int64_t max) {
  known_.emplace(key);
  const Entry* e = Last(key);
  if (e == nullptr || e->value.empty()) return def;
  int64_t v = 0;
  if (!ParseInt64(e->value, &v)) return Invalid(key, *e, "not an integer");
  if (v < min || v > max) {
    return Invalid(key, *e,
                   "must be in [" + std::to_string(min) + ", " +
                       std::to_string(max) + "]");
  }
  return v;
}

Result<bool> ConfigFile::GetBool(std::string_view key, bool def) {
  known_.emplace(key);
  const Entry* e = Last(key);
  if (e == nullptr || e->value.empty()) return def;
  std::string v = Lower(e->value);
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  return Invalid(key, *e, "expected true/false");
}

Result<int64_t> ConfigFile::GetSeconds(std::string_view key, int64_t def,
                                       int64_t min, int64_t max) {
  known_.emplace(key);
  const Entry* e = Last(key);
  if (e == nullptr || e->value.empty()) return def;
  std::string_view s = e->value;
  int64_t unit = 1;
  char last =
      static_cast<char>(std::tolower(static_cast<unsigned char>(s.back())));
  if (last == 's' || last == 'm' || last == 'h' || last == 'd') {
    unit = last == 's' ? 1 : last == 'm' ? 60 : last == 'h' ? 3600 : 86400;
    s.remove_suffix(1);
  }
  int64_t v = 0;
  if (!ParseInt64(Trim(s), &v)) return Invalid(key, *e, "not a duration");
  if (v > max / unit || v * unit < min || v * unit > max) {
    return Invalid(key, *e,
                   "must be in [" + std::to_string(min) + ", " +
                       std::to_string(max) + "] seconds");
  }
  return v * unit;
}

Result<int> ConfigFile::GetTimeOfDay(std::string_view key, int def) {
  known_.emplace(key);
  const Entry* e = Last(key);
  if (e == nullptr || e->value.empty()) return def;
  std::string_view s = Trim(e->value);
  size_t colon = s.find(':');
  int64_t hour = -1, minute = -1;
  if (colon == std::string_view::npos || colon == 0 || colon > 2 ||
      s.size() - colon - 1 != 2 || !ParseInt64(s.substr(0, colon), &hour) ||
      !ParseInt64(s.substr(colon + 1), &minute) || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59) {
    return Invalid(key, *e, "not a time of day HH:MM");
  }
  return static_cast<int>(hour * 60 + minute);
}

std::vector<std::string> ConfigFile::UnknownKeys() const {
  std::vector<std::string> out;
  for (const auto& [key, entries] : entries_) {
    if (!known_.contains(key)) out.push_back(key);
  }
  return out;
}

}  // namespace nimbus
