// TrunkStore: small files packed into large trunk files (FastDFS's
// `use_trunk_file`), so that storing one costs a positional write into an
// open file instead of creating an inode and renaming it, the largest cost
// of a small upload on the file systems measured (docs/performance.md §1,
// §11).
//
//   store_pathN/trunk/KKKKKKKK-IIIIIIII   trunk file I of source K (hex)
//
// The source key K is the first field of the names of the files inside (the
// IPv4 address or server id of the storage that named them). Only that
// storage allocates space in its trunk files (Append); every other member
// of the group writes the same bytes at the same offsets of its own copy
// (WriteAt), so one name means the same bytes on every replica, as it does
// for plain files. A file's slot (proto::TrunkSlot, in its name) starts at a
// multiple of kSlotAlign and is AllocFor(size) bytes long.
//
// Space is allocated by appending at the end of the current trunk file, and
// a deleted file's blocks are punched out (Env PunchHole) and never reused:
// a trunk file's size only grows, while the disk it uses is what is live. A
// slot whose first block is a hole holds no file: deleted, or not replicated
// here yet. A file is always written before its name exists anywhere (reply,
// binlog), so after a crash the slots at the end of a trunk file are at worst
// unnamed garbage, and allocation resumes at the aligned end of the file.
//
// Thread-safe; every method blocks on the disk and runs on a DiskExecutor
// thread. The file objects it keeps are used from several threads at once
// for positional I/O (Env: RandomRWFile).
#ifndef NIMBUS_STORAGE_TRUNK_STORE_H_
#define NIMBUS_STORAGE_TRUNK_STORE_H_

#include <atomic>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/env.h"
#include "common/result.h"
#include "proto/file_name.h"

namespace nimbus::storage {

class TrunkStore {
 public:
  // Slot alignment: the file system block size, so that freeing a slot
  // frees whole blocks and a hole at a slot's start is exact.
  static constexpr uint32_t kSlotAlign = 4096;
  // The largest file ever packed: slot_max_size is capped to it, and a
  // peer's packed file may be received whole in memory.
  static constexpr uint64_t kMaxFileSize = 64 << 20;
  // Trunk files held open at once (the current ones and recently read).
  static constexpr size_t kMaxOpenFiles = 256;

  // `trunk_file_size`: the size past which a new trunk file is started
  // (at least kSlotAlign, at most 4 GiB: offsets in names are 32 bits).
  TrunkStore(Env* env, std::vector<std::string> store_paths,
             uint64_t trunk_file_size);

  // Creates trunk/ in every store path and finds out which can free a
  // slot's blocks (CanPack).
  Status Init();
  // Whether new files may be packed in store path `path`: only where the
  // file system can punch holes, since a deleted file is a hole.
  bool CanPack(uint32_t path) const {
    return path < can_pack_.size() && can_pack_[path];
  }
  // Applies from the next trunk file started on (clamped as above).
  void SetTrunkFileSize(uint64_t bytes);

  // The slot size for a file of `size` bytes: `size` rounded up to
  // kSlotAlign.
  static uint64_t AllocFor(uint64_t size);
  // The trunk file that holds `slot` of source `key`.
  std::string FilePath(uint32_t path, uint32_t key, uint32_t id) const;

  // Stores `data` (not empty) in a new slot of a trunk file of source `key`
  // in store path `path`, and returns the slot. On failure the slot is left
  // unused.
  Result<proto::TrunkSlot> Append(uint32_t path, uint32_t key,
                                  std::string_view data);
  // Writes a replica's `data` at `slot` of this server's copy of the trunk
  // file (created when missing). Writing the same bytes again is harmless.
  // With `around_cache`, past the page cache (RandomRWFile::WriteAround;
  // the rest of the slot's last block is written as zeros).
  Status WriteAt(uint32_t path, uint32_t key, const proto::TrunkSlot& slot,
                 std::string_view data, bool around_cache = false);
  // Whether `slot` holds a file here (its first block is not a hole).
  Result<bool> Holds(uint32_t path, uint32_t key, const proto::TrunkSlot& slot);
  // Reads up to `n` bytes at `offset` within the file in `slot` (the caller
  // bounds `offset + n` by the file's size), only what is in the page cache:
  // never waits for the disk (may return fewer bytes, 0 when nothing is
  // cached), for loop threads. NotFound when the slot holds no file here;
  // Busy where opening the trunk file would be needed.
  Result<size_t> ReadIfCached(uint32_t path, uint32_t key,
                              const proto::TrunkSlot& slot, uint64_t offset,
                              size_t n, char* out);
  // The file of `size` bytes in `slot`, as a read-only file of its own
  // (reads past `size` return nothing). NotFound when the slot holds no file
  // here. With `around_cache`, reads go to the disk past the page cache
  // (Env::OpenDirectReadFile), on a descriptor of the file's own.
  Result<std::unique_ptr<RandomRWFile>> OpenSlot(uint32_t path, uint32_t key,
                                                 const proto::TrunkSlot& slot,
                                                 uint64_t size,
                                                 bool around_cache = false);
  // Frees the slot's blocks. NotFound when the slot holds no file here.
  Status Free(uint32_t path, uint32_t key, const proto::TrunkSlot& slot);

 private:
  using FileKey = std::tuple<uint32_t, uint32_t, uint32_t>;  // path, key, id
  // Where new slots of (path, key) go.
  struct Current {
    uint32_t id = 0;
    uint64_t end = 0;  // next free offset
    std::shared_ptr<RandomRWFile> file;
  };

  // An open handle on a trunk file; with `create`, the file is made when
  // missing (and its directory entry synced). NotFound otherwise.
  Result<std::shared_ptr<RandomRWFile>> Open(const FileKey& k, bool create);
  // The cached handle, or null. Requires mu_.
  std::shared_ptr<RandomRWFile> Cached(const FileKey& k);
  void Remember(const FileKey& k, std::shared_ptr<RandomRWFile> f);
  // Picks the trunk file for (path, key) at start: the highest id present,
  // continued at its aligned end. Requires mu_.
  Status LoadCurrent(uint32_t path, uint32_t key, Current* cur);
  // Moves (path, key) to a new, empty trunk file. Requires mu_.
  Status StartNext(uint32_t path, uint32_t key, Current* cur);

  Env* const env_;
  const std::vector<std::string> paths_;
  std::atomic<uint64_t> trunk_file_size_;
  std::vector<bool> can_pack_;  // per store path; set by Init

  std::mutex mu_;
  std::map<std::pair<uint32_t, uint32_t>, Current> current_;  // guarded
  // Open trunk files, most recently used first; guarded by mu_.
  std::list<std::pair<FileKey, std::shared_ptr<RandomRWFile>>> lru_;
  std::map<FileKey, decltype(lru_)::iterator> open_;  // guarded by mu_
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_TRUNK_STORE_H_
