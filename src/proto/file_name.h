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
// A file packed into a trunk file (FastDFS's small-file packing) has the
// kTrunkFlag bit in its masked size, and its 27 characters are followed by
// 16 more encoding a TrunkSlot (12 big-endian bytes: trunk file id, offset,
// allocated size), then the formatted extension: 50 characters in all.
//
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
// Appender files: the random high word, size 0, and kAppenderFlag. Trunk
// files (never appenders, always under 4 GiB): a normal file's field with
// kTrunkFlag set.
int64_t MaskFileSize(int64_t size, bool appender, uint32_t random,
                     bool trunk = false);

// Where a packed file's bytes are: `alloc` bytes at `offset` of trunk file
// `id` (the file itself is the first EncodedSize() bytes of them).
struct TrunkSlot {
  uint32_t id = 0;
  uint32_t offset = 0;
  uint32_t alloc = 0;
  bool operator==(const TrunkSlot&) const = default;
};
// 16 characters of the name alphabet.
std::string EncodeTrunkSlot(const TrunkSlot& slot);
// Decodes the first 16 characters of `text`.
Result<TrunkSlot> DecodeTrunkSlot(std::string_view text);

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
  // A slave's name is longer than its master's: more than a trunk file's
  // 50 characters, or more than a normal file's 34 without the trunk flag
  // (FastDFS's IS_SLAVE_FILE).
  bool IsSlave(const FileNameFields& f) const;
  // A file packed in a trunk file: the trunk flag and a trunk file's length.
  bool IsTrunk(const FileNameFields& f) const;
  // The slot of a trunk file's name (IsTrunk); InvalidArgument otherwise or
  // when the slot is malformed (zero allocation, shorter than the file).
  Result<TrunkSlot> Slot(const FileNameFields& f) const;
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
