// ReservedSpace: FastDFS's `reserved_storage_space` — space a storage server
// keeps free, given either as a percentage ("20%") or a size ("10G", "512M").
// A value type; thread-safe to share once built.
#ifndef NIMBUS_COMMON_RESERVED_SPACE_H_
#define NIMBUS_COMMON_RESERVED_SPACE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace nimbus {

struct ReservedSpace {
  bool is_ratio = true;
  double ratio = 0.0;  // in [0, 1) when is_ratio
  int64_t mb = 0;      // when !is_ratio

  // Accepts "20%", "0.5%", "10G", "512M", "1024K", "1T", or a plain number of
  // bytes; whitespace and a trailing "B" are tolerated.
  static Result<ReservedSpace> Parse(std::string_view text);

  // The reserve, in MB, for a disk of `total_mb`.
  int64_t ReservedMb(int64_t total_mb) const;
  // True when `free_mb` left on a disk of `total_mb` is at or below the
  // reserve.
  bool Violated(int64_t total_mb, int64_t free_mb) const {
    return free_mb <= ReservedMb(total_mb);
  }
  std::string ToString() const;
};

// Parses a byte size such as "64K", "256MB", "1g", "4096".
Result<int64_t> ParseByteSize(std::string_view text);

}  // namespace nimbus

#endif  // NIMBUS_COMMON_RESERVED_SPACE_H_
