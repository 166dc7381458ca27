// StorageIds: FastDFS's storage_ids.conf (use_storage_id), the table that
// names each storage server by a server id instead of its address.
//
// The text is one server per line, `id group address[,address...][:port]`
// (FastDFS's format; '#' starts a comment line, blank lines are skipped).
// The same lines, without comments, are what FETCH_STORAGE_IDS (69) returns
// after its two counts. With `id_type_in_filename = id` the id is written
// into every new file name in place of the source's IPv4 address, so ids
// must then be decimal numbers that fit in 32 bits (FastDFS writes
// atoi(id)); a number that is also read as an address, as old names are,
// must not name a different server (checked by AddressOf's callers through
// IsNumericId). Addresses are IPv4 literals. Every length is capped before
// anything is kept: at most kMaxStorageIds servers, ids of 1..15
// characters, group names as in the protocol (1..16), 4 addresses each.
#ifndef NIMBUS_PROTO_STORAGE_IDS_H_
#define NIMBUS_PROTO_STORAGE_IDS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace nimbus::proto {

inline constexpr size_t kMaxStorageIds = 4096;
inline constexpr size_t kMaxStorageIdLen = 15;  // FDFS_STORAGE_ID_MAX_SIZE - 1
inline constexpr size_t kMaxStorageIdAddresses = 4;

struct StorageIdEntry {
  std::string id;
  std::string group;
  std::vector<std::string> ips;  // the first is the one peers connect to
  uint16_t port = 0;             // 0: any port
};

class StorageIds {
 public:
  StorageIds() = default;

  // Parses the table. `numeric` requires every id to be a decimal number
  // in 1..4294967295 (id_type_in_filename = id). Duplicate ids, and one
  // address and port given to two ids, are errors; `source` names the text
  // in them.
  static Result<StorageIds> Parse(std::string_view text, bool numeric,
                                  std::string_view source);

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const std::vector<StorageIdEntry>& entries() const { return entries_; }

  const StorageIdEntry* ById(std::string_view id) const;
  // The server of `group` at `ip` (and `port`, unless the entry has none).
  const StorageIdEntry* ByAddress(std::string_view group, std::string_view ip,
                                  uint16_t port) const;
  // The server whose numeric id is `number` (a file name's source field
  // under id_type_in_filename = id).
  const StorageIdEntry* ByNumber(uint32_t number) const;

  // The id the server of `group` at `ip` (and `port`) is listed under, or
  // `ip` itself when the table has none.
  std::string IdOrAddress(std::string_view group, const std::string& ip,
                          uint16_t port) const;
  // The address of the server of `group` named `id`: the first of its
  // addresses that `in_use` accepts, else its first; `id` itself when it
  // names no server of the group (it is an address then).
  std::string AddressOf(
      std::string_view group, const std::string& id,
      const std::function<bool(const std::string&)>& in_use) const;

  // FETCH_STORAGE_IDS's reply for `start`: total count and count returned
  // (4 bytes each, big-endian) and the entries from `start` on, one line
  // each, as many as fit in `max_bytes`. InvalidArgument when `start` is
  // not an entry's index (FastDFS's reply, EINVAL).
  Result<std::string> EncodeReply(int64_t start, size_t max_bytes) const;
  // One reply: its total count, and the entries it carries appended to
  // `*into` (InvalidArgument on a malformed or oversized reply).
  static Result<uint32_t> DecodeReply(std::string_view body, bool numeric,
                                      std::vector<StorageIdEntry>* into);
  // A table made from entries gathered over several replies (the same
  // checks as Parse).
  static Result<StorageIds> FromEntries(std::vector<StorageIdEntry> entries,
                                        bool numeric);

 private:
  std::vector<StorageIdEntry> entries_;
  // Indexes into entries_: lookups run on every tracker query.
  std::map<std::string, size_t, std::less<>> by_id_;
  std::map<uint32_t, size_t> by_number_;
};

// Whether `id` is a decimal number in 1..4294967295; `*number` gets it.
bool IsNumericId(std::string_view id, uint32_t* number);
// Whether a file name's source field `field` is the numeric id `id`.
inline bool IdIsField(std::string_view id, uint32_t field) {
  uint32_t number = 0;
  return IsNumericId(id, &number) && number == field;
}

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_STORAGE_IDS_H_
