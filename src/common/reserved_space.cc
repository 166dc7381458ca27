#include "common/reserved_space.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace nimbus {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<int64_t> ParseByteSize(std::string_view text) {
  std::string_view s = Trim(text);
  if (!s.empty() && (s.back() == 'B' || s.back() == 'b')) s.remove_suffix(1);
  int64_t unit = 1;
  if (!s.empty()) {
    switch (std::toupper(static_cast<unsigned char>(s.back()))) {
      case 'K':
        unit = int64_t{1} << 10;
        break;
      case 'M':
        unit = int64_t{1} << 20;
        break;
      case 'G':
        unit = int64_t{1} << 30;
        break;
      case 'T':
        unit = int64_t{1} << 40;
        break;
      default:
        break;
    }
    if (unit != 1) s.remove_suffix(1);
  }
  s = Trim(s);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < 0) {
    return Status::InvalidArgument(fmt::format("`{}` is not a size", text));
  }
  if (v > INT64_MAX / unit) {
    return Status::InvalidArgument(fmt::format("size `{}` is too large", text));
  }
  return v * unit;
}

Result<ReservedSpace> ReservedSpace::Parse(std::string_view text) {
  std::string_view s = Trim(text);
  ReservedSpace rs;
  if (!s.empty() && s.back() == '%') {
    std::string num(Trim(s.substr(0, s.size() - 1)));
    char* end = nullptr;
    double pct = std::strtod(num.c_str(), &end);
    if (num.empty() || end != num.c_str() + num.size() || !std::isfinite(pct) ||
        pct < 0 || pct >= 100) {
      return Status::InvalidArgument(
          fmt::format("`{}` is not a percentage in [0, 100)", text));
    }
    rs.is_ratio = true;
    rs.ratio = pct / 100.0;
    return rs;
  }
  Result<int64_t> bytes = ParseByteSize(s);
  if (!bytes.ok()) return bytes.status();
  rs.is_ratio = false;
  rs.mb = (*bytes + (1 << 20) - 1) >> 20;
  return rs;
}

int64_t ReservedSpace::ReservedMb(int64_t total_mb) const {
  if (!is_ratio) return mb;
  return static_cast<int64_t>(std::ceil(static_cast<double>(total_mb) * ratio));
}

std::string ReservedSpace::ToString() const {
  if (is_ratio) return fmt::format("{}%", ratio * 100.0);
  return fmt::format("{}M", mb);
}

}  // namespace nimbus
