// FileStore: the on-disk layout of a storage server's store paths.
//
//   store_pathN/
//     data/HH/LL/NAME      a file, visible under its ID only once complete
//     data/HH/LL/NAME-m    its metadata (packed FastDFS format)
//     tmp/                 uploads in progress; emptied at start-up
//     spare/N              empty inodes of deleted files (SparePool)
//     trunk/K-I            small files packed together (TrunkStore), when
//                          the tracker says use_trunk_file; their metadata
//                          is kept at data/HH/LL/NAME-m like any other's
//
// Every method is blocking and runs on a DiskExecutor thread; all methods
// are thread-safe. Files are written under tmp/ and then linked into data/
// with link(2), which never replaces an existing file, so a crash or a
// dropped connection leaves at worst a temp file that the next start-up
// removes, never a partial file under a valid ID.
#ifndef NIMBUS_STORAGE_FILE_STORE_H_
#define NIMBUS_STORAGE_FILE_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/reserved_space.h"
#include "common/result.h"
#include "proto/file_name.h"
#include "proto/server_messages.h"
#include "storage/spare_pool.h"
#include "storage/storage_options.h"
#include "storage/trunk_store.h"

namespace nimbus::storage {

struct NewFileSpec {
  uint32_t source_ip = 0;
  uint32_t create_time = 0;
  int64_t size = 0;
  uint32_t crc32 = 0;
  bool appender = false;
  std::string ext;
};

// A file named by a client or a peer, resolved on this server.
struct FileRef {
  proto::LogicName logic;
  proto::FileNameFields fields;
  // data/HH/LL/NAME: a plain file itself; for a packed file only the place
  // of its metadata (NAME-m).
  std::string full;
  // Where a packed file's bytes are (trunk file of fields.source_ip).
  std::optional<proto::TrunkSlot> slot;
  bool packed() const { return slot.has_value(); }
};

class FileStore {
 public:
  FileStore(const StorageOptions& opts, Env* env);

  // Creates data/, tmp/ and spare/ in every store path and empties tmp/.
  Status Init();
  size_t path_count() const { return paths_.size(); }
  const std::string& path(size_t i) const { return paths_[i]; }
  Env* env() const { return env_; }

  void SetReserved(const ReservedSpace& rs);
  ReservedSpace reserved() const;
  // How kStorePathAny is resolved: the tracker's `store_path` parameter
  // (0: round robin over the paths with space above the reserve, as FastDFS
  // storages do; 2: the path with the most free space). Round robin until
  // the tracker says otherwise.
  void SetPathBalancing(bool most_free);
  // A client's store path index, validated; kStorePathAny lets this server
  // pick (SetPathBalancing).
  Result<uint32_t> ChoosePath(uint8_t requested);
  // NoSpace if `bytes` more in `path` would eat into the reserve.
  Status CheckSpace(uint32_t path, int64_t bytes);

  // The absolute path of a logical name; InvalidArgument when its store path
  // index or directories are outside this server's layout.
  Result<std::string> Resolve(const proto::LogicName& ln) const;
  // Resolves a name to a plain or packed file; InvalidArgument as Resolve,
  // or when a trunk file's name is malformed.
  Result<FileRef> Locate(const proto::LogicName& ln) const;

  // The tracker's use_trunk_file, slot_max_size and trunk_file_size (off
  // until it says otherwise). Names of packed files are served whatever the
  // setting.
  void SetTrunkPolicy(bool use_trunk_file, int64_t slot_max_size,
                      int64_t trunk_file_size);
  // Whether a new file of `size` bytes in store path `path` is packed into
  // a trunk file.
  bool PackNew(uint32_t path, int64_t size, bool appender) const;
  // Stores `data` as a new packed file (PackNew) and returns its name.
  Result<proto::LogicName> StorePacked(uint32_t path, std::string_view data,
                                       const NewFileSpec& spec);
  // Writes a packed file's replica at its slot, around the page cache from
  // replica_direct_io_min_bytes on (as NewReplicaTempFile).
  Status PlacePackedReplica(const FileRef& ref, std::string_view data);
  // Size and modification time (a packed file's: its name's create time);
  // NotFound when the file is not here.
  Result<FileStat> StatFile(const FileRef& ref);
  // Opens a file for reading; a packed file reads as a file of its own.
  // With `around_cache`, reads go to the disk past the page cache.
  Result<std::unique_ptr<RandomRWFile>> OpenFile(const FileRef& ref,
                                                 bool around_cache = false);
  // Env::ReadIfCached for a plain or packed file (Busy when the disk would
  // be needed).
  Result<size_t> ReadIfCached(const FileRef& ref, uint64_t offset, size_t n,
                              char* dst, uint64_t* size);
  // The file whose fsync makes `ref`'s content durable.
  std::string ContentPath(const FileRef& ref) const;

  // Opens a new empty file under `path`'s tmp/ and sets `*temp` to its
  // name. `size` is the size the file will have (0 when not known): a file
  // of at least direct_io_min_bytes is written around the page cache
  // (Env::NewDirectWritableFile), a smaller one goes on a spare inode when
  // one is ready.
  Result<std::unique_ptr<WritableFile>> NewTempFile(uint32_t path,
                                                    uint64_t size,
                                                    std::string* temp);
  // NewTempFile for a replica received from a peer: written around the
  // page cache from replica_direct_io_min_bytes on as well.
  Result<std::unique_ptr<WritableFile>> NewReplicaTempFile(uint32_t path,
                                                           uint64_t size,
                                                           std::string* temp);
  // Normal (non-appender) files get their name's create time as their
  // modification time, here and on every replica, so that the ETag and
  // Last-Modified that nginx derives from it are the same on every host of
  // the group (a client revalidating against another replica gets a 304).
  // Appender files keep the time of their last change.
  //
  // Gives the completed temp file a new unique name (in data/, per
  // file_distribute_path_mode) and returns it.
  Result<proto::LogicName> CommitNew(uint32_t path, const std::string& temp,
                                     const NewFileSpec& spec);
  // A new file whose bytes are all here (a small upload), written straight
  // under a new unique name: no temp file, no rename. A crash can leave it
  // partly written under its name, unlogged; OrphanScan removes such a file
  // (its size or CRC32 disagrees with its name) rather than logging it.
  Result<proto::LogicName> StoreWhole(uint32_t path, std::string_view data,
                                      const NewFileSpec& spec, bool sync);
  // Whether a new file of `size` bytes is written around the page cache.
  bool WritesDirect(uint32_t, uint64_t size) const {
    return opts_.direct_io_min_bytes > 0 && size >= opts_.direct_io_min_bytes;
  }
  // Moves `temp` to `full`; AlreadyExists if `full` exists.
  Status CommitAt(const std::string& temp, const std::string& full);
  // Puts a replica received from a peer at its name, creating directories
  // and replacing an older copy (the source's content is authoritative).
  Status PlaceReplica(const std::string& temp, const proto::LogicName& ln);

  // Copies the `length` bytes staged in `temp` into `full` at `offset`
  // (pwrite), then removes `temp` whatever happened. Applying the same
  // staged bytes twice leaves the same file.
  Status ApplyStaged(const std::string& temp, const std::string& full,
                     uint64_t offset, uint64_t length);

  // Removes a file and its metadata (their inodes may be kept as spares; a
  // packed file's blocks are freed). NotFound if the file is absent.
  Status Delete(const FileRef& ref);
  Status Delete(const std::string& full);
  // The packed metadata of the file ("" when none). NotFound if the file is
  // absent.
  Result<std::string> ReadMetadata(const FileRef& ref);
  // 'O' replaces, 'M' merges. An empty result removes the metadata file.
  Status WriteMetadata(const FileRef& ref, char op, std::string_view packed);
  Result<uint32_t> Crc32Of(const std::string& full, uint64_t limit);
  // Renames an appender file (and its metadata) to a new normal-file name
  // that encodes its current size and CRC32.
  Result<proto::LogicName> RenameToNormal(const std::string& full,
                                          const proto::LogicName& ln,
                                          uint32_t source_ip, uint32_t now);

  std::vector<proto::PathUsage> Usage();
  // Spare inodes held by store path `path`.
  size_t SpareCount(uint32_t path) const { return spares_[path]->size(); }

 private:
  uint32_t Random();
  // A fresh, unused name under `path`'s tmp/.
  std::string NewTempPath(uint32_t path);
  // The spare pool of the store path that holds `full`, or null.
  SparePool* PoolFor(const std::string& full);
  // Sets `temp`'s modification time to the create time encoded in `name`,
  // unless `name` is an appender file's.
  Status StampCreateTime(const std::string& temp, std::string_view name);
  // statfs of store path `path`, or a result at most `max_age_ms` old
  // (negative: always asks).
  Result<DiskSpace> SpaceOf(uint32_t path, int64_t max_age_ms);
  void PickDirs(uint32_t path, uint32_t hash, uint32_t* d1, uint32_t* d2);
  Status EnsureDirs(uint32_t path, uint32_t d1, uint32_t d2);
  // Gives a new file of `spec` a unique name: `put` puts the file at the
  // name's full path, returning AlreadyExists when it is taken (another
  // name is tried, up to 16).
  Result<proto::LogicName> NameNew(
      uint32_t path, const NewFileSpec& spec,
      const std::function<Status(const proto::LogicName&, const std::string&)>&
          put);
  // Creates `full` (named `ln`), empty, on a spare inode when one is ready;
  // AlreadyExists if the name is taken.
  Result<std::unique_ptr<WritableFile>> CreateAt(uint32_t path,
                                                 const std::string& full,
                                                 const proto::LogicName& ln);

  const StorageOptions& opts_;
  Env* const env_;
  std::vector<std::string> paths_;
  std::vector<std::unique_ptr<SparePool>> spares_;  // one per store path
  std::atomic<uint64_t> temp_seq_{0};
  std::atomic<bool> most_free_{false};
  std::atomic<uint32_t> next_path_{0};
  std::atomic<bool> use_trunk_{false};
  std::atomic<int64_t> slot_max_size_{0};
  TrunkStore trunks_;
  const int pid_;  // in temp names, which must not collide across restarts

  mutable std::mutex mu_;
  std::mt19937 rng_;                      // guarded by mu_
  std::vector<uint64_t> files_per_path_;  // guarded by mu_
  ReservedSpace reserved_{true, 0.0, 0};  // guarded by mu_
  struct SpaceSample {
    int64_t at_ms = -1;
    DiskSpace space;
  };
  std::vector<SpaceSample> space_;  // per store path; guarded by mu_
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_FILE_STORE_H_
