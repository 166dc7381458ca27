// Big-endian integer encoding as used by every FastDFS frame field.
// Pure functions over caller-provided memory; callers check bounds first.
#ifndef NIMBUS_COMMON_CODING_H_
#define NIMBUS_COMMON_CODING_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace nimbus {

inline void EncodeBE64(char* dst, int64_t value) {
  uint64_t v = static_cast<uint64_t>(value);
  for (int i = 7; i >= 0; --i) {
    dst[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

inline int64_t DecodeBE64(const char* src) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v = (v << 8) | static_cast<unsigned char>(src[i]);
  }
  return static_cast<int64_t>(v);
}

inline void EncodeBE32(char* dst, uint32_t v) {
  for (int i = 3; i >= 0; --i) {
    dst[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

inline uint32_t DecodeBE32(const char* src) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v = (v << 8) | static_cast<unsigned char>(src[i]);
  }
  return v;
}

inline void PutBE64(std::string* dst, int64_t value) {
  char buf[8];
  EncodeBE64(buf, value);
  dst->append(buf, 8);
}

inline void PutBE32(std::string* dst, uint32_t value) {
  char buf[4];
  EncodeBE32(buf, value);
  dst->append(buf, 4);
}

// Appends `s` as a fixed-size field of `width` bytes: truncated if longer,
// zero-padded if shorter (FastDFS string fields are not NUL-terminated).
inline void PutFixedString(std::string* dst, std::string_view s, size_t width) {
  size_t n = s.size() < width ? s.size() : width;
  dst->append(s.data(), n);
  dst->append(width - n, '\0');
}

// Reads a fixed-size string field: the bytes up to the first NUL.
inline std::string_view GetFixedString(const char* src, size_t width) {
  size_t n = 0;
  while (n < width && src[n] != '\0') ++n;
  return std::string_view(src, n);
}

}  // namespace nimbus

#endif  // NIMBUS_COMMON_CODING_H_
