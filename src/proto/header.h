// The 10-byte FastDFS frame header:
//
//   +----------------+-----+--------+------------------------+
//   | pkg_len int64  | cmd | status | body (pkg_len bytes)   |
//   +----------------+-----+--------+------------------------+
//      8 bytes BE      1 B    1 B
//
// pkg_len counts the body only. Responses carry cmd 100 and an errno status.
#ifndef NIMBUS_PROTO_HEADER_H_
#define NIMBUS_PROTO_HEADER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/constants.h"

namespace nimbus::proto {

struct Header {
  int64_t pkg_len = 0;
  uint8_t cmd = 0;
  uint8_t status = 0;
};

// Writes exactly kHeaderSize bytes to `dst`.
void EncodeHeader(const Header& h, char* dst);
// Appends a header to `out`.
void AppendHeader(std::string* out, int64_t pkg_len, uint8_t cmd,
                  uint8_t status = 0);
// Decodes the first kHeaderSize bytes of `src` (caller guarantees the size).
Header DecodeHeader(const char* src);

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_HEADER_H_
