// File metadata as FastDFS carries it: `key 0x02 value` pairs separated by
// 0x01. Keys are 1..64 bytes, values 0..256 bytes, the whole blob at most
// kMaxMetaBytes. Pure functions; thread-safe.
#ifndef NIMBUS_PROTO_METADATA_H_
#define NIMBUS_PROTO_METADATA_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace nimbus::proto {

using Metadata = std::vector<std::pair<std::string, std::string>>;

inline constexpr char kMetaRecordSep = '\x01';
inline constexpr char kMetaFieldSep = '\x02';

// Splits and validates a packed blob; an empty blob is an empty list. A
// record without a field separator, an empty or oversize key, an oversize
// value or a duplicate key is InvalidArgument.
Result<Metadata> UnpackMetadata(std::string_view packed);
std::string PackMetadata(const Metadata& meta);
// Keys of `update` replace those in `base`; new keys are appended.
Metadata MergeMetadata(const Metadata& base, const Metadata& update);

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_METADATA_H_
