// Crc32: the CRC-32 of FastDFS file names (IEEE 802.3, reflected; the same
// value as zlib's crc32()), computed with ISA-L's carry-less-multiply code.
//
// Why not zlib: every byte uploaded, replicated, scrubbed or downloaded whole
// goes through it, and zlib's table-driven crc32 runs at about 1.9 GB/s on
// the development machine against about 25 GB/s for ISA-L, which made the
// check the largest cost of a large download (docs/performance.md).
#ifndef NIMBUS_COMMON_CRC32_H_
#define NIMBUS_COMMON_CRC32_H_

#include <cstddef>
#include <cstdint>

namespace nimbus {

// The CRC of an empty input; chain calls by passing the previous result.
inline constexpr uint32_t kCrc32Init = 0;
uint32_t Crc32(uint32_t crc, const void* data, size_t n);

}  // namespace nimbus

#endif  // NIMBUS_COMMON_CRC32_H_
