// FastDFS file names: generation and decoding (fact sheet section 4).
//
// A file ID is `GROUP/Mpp/HH/LL/NAME`. NAME starts with 27 base64 characters
// (alphabet A-Z a-z 0-9 - _, no padding) encoding 20 big-endian bytes:
//
//   0      4          8                         16        20
//   +------+----------+-------------------------+---------+
//   | src  | created  | masked size (int64)     | CRC32   |
//   | IPv4 | (uint32) | see MaskFileSize        |         |
//   +------+----------+-------------------------+---------+
//
// then a formatted extension: 7 random digits when there is no extension,
// otherwise (6 - k) random digits, '.', and the k-character extension.
// Every function here is pure; randomness is passed in by the caller.
#ifndef NIMBUS_PROTO_FILE_NAME_H_
#define NIMBUS_PROTO_FILE_NAME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace nimbus::proto {

struct FileNameFields {
  uint32_t source_ip = 0;  // a.b.c.d as (a << 24 | b << 16 | c << 8 | d)
  uint32_t create_time = 0;
  int64_t masked_size = 0;
  uint32_t crc32 = 0;

  bool IsAppender() const;
  bool IsTrunk() const;
  // The size encoded in the name: low 32 bits when bit 63 is set, the raw
  // value otherwise. Meaningless for appender files (their size changes).
  int64_t EncodedSize() const;
};

// The masked size field. Normal files under 4 GiB: `0x80000000 | random23`
// in the high word and the size in the low word; larger files: the size.
// Appender files: the random high word, size 0, and kAppenderFlag.
int64_t MaskFileSize(int64_t size, bool appender, uint32_t random);

// 27 characters.
std::string EncodeNameBase(const FileNameFields& f);
// Decodes the first 27 characters of `name`.
Result<FileNameFields> DecodeNameBase(std::string_view name);

// Checks a client-sent extension: at most 6 characters of [A-Za-z0-9_].
Status ValidateExt(std::string_view ext);
// The formatted extension described above; `random` supplies the digits.
std::string FormatNameSuffix(std::string_view ext, uint32_t random);

// A logical file name `Mpp/HH/LL/NAME`, parsed and validated.
struct LogicName {
  uint32_t store_path_index = 0;
  uint32_t dir1 = 0;
  uint32_t dir2 = 0;
  std::string name;

  std::string ToString() const;      // "M00/0A/FF/NAME"
  std::string RelativePath() const;  // "data/0A/FF/NAME"
  bool IsSlave(const FileNameFields& f) const;
};

// Accepts exactly `M` + 2 upper-case hex digits, two 2-digit upper-case hex
// directories and a NAME of [A-Za-z0-9_-] with at most one '.', whose first 27
// characters decode. Anything else (`..`, `/`, NUL, a name ending in the
// metadata suffix "-m", overlong input) is InvalidArgument.
Result<LogicName> ParseLogicName(std::string_view text);

// Group names: 1..16 characters of [A-Za-z0-9_.-].
Status ValidateGroupName(std::string_view group);

struct FileId {
  std::string group;
  LogicName logic;
  std::string ToString() const { return group + "/" + logic.ToString(); }
};
// Parses "group/Mpp/HH/LL/NAME".
Result<FileId> ParseFileId(std::string_view text);

// The slave name for `master_name` (a NAME, not a path): the master's name up
// to its '.', then `prefix`, then '.' + `ext` (or the master's extension when
// `ext` is empty). An empty prefix is refused, as is a prefix that is not
// [A-Za-z0-9_-] of at most 16 characters.
Result<std::string> MakeSlaveName(std::string_view master_name,
                                  std::string_view prefix,
                                  std::string_view ext);

// IPv4 text <-> the 32-bit value used in names.
Result<uint32_t> ParseIpv4(std::string_view ip);
std::string FormatIpv4(uint32_t ip);

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_FILE_NAME_H_
