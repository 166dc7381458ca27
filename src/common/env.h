// Env: every disk access the servers make goes through this interface, so
// tests can substitute a FaultInjectionEnv (disk full, EIO, fsync failure).
//
// Env::Default() returns the process-wide POSIX implementation, which has no
// state of its own and is safe to use from any thread. A file object is used
// by one thread at a time.
#ifndef NIMBUS_COMMON_ENV_H_
#define NIMBUS_COMMON_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace nimbus {

// A file open for writing at its end.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Durably writes file data (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  // Bytes in the file now (size at open plus what was appended).
  virtual uint64_t Size() const = 0;
};

// A file open for positional reads and writes.
class RandomRWFile {
 public:
  virtual ~RandomRWFile() = default;
  // Reads up to `n` bytes at `offset` into `scratch`; returns the count read
  // (fewer only at end of file).
  virtual Result<size_t> Read(uint64_t offset, size_t n,
                              char* scratch) const = 0;
  // Like Read, but only what is already in the page cache, without waiting
  // for the disk: may return fewer than `n` bytes (0 when nothing at
  // `offset` is cached). For event-loop threads, which must not block.
  virtual Result<size_t> ReadIfCached(uint64_t /*offset*/, size_t /*n*/,
                                      char* /*scratch*/) const {
    return size_t{0};
  }
  virtual Status Write(uint64_t offset, std::string_view data) = 0;
  // Write for large data nobody will read soon: past the page cache where
  // the file system allows it (O_DIRECT), so that it costs no page-cache
  // memory (new memory is slow to fill on the machines measured,
  // docs/performance.md §16.4). `offset` must be a multiple of 4096 and the
  // caller must own the bytes up to the next multiple of 4096 after `data`:
  // the last block may be written padded with zeros, and the file then ends
  // at that multiple if it ended before. By default, and for an unaligned
  // `offset`, the same as Write.
  virtual Status WriteAround(uint64_t offset, std::string_view data) {
    return Write(offset, data);
  }
  virtual Status Truncate(uint64_t size) = 0;
  // Frees the file system blocks of [offset, offset + len) without changing
  // the file's size; the range then reads as zeros and HasDataAt says false
  // for it. Both ends should be multiples of the file system's block size
  // (4096 here): a partial block is zeroed but keeps its storage.
  // NotSupported where the file system cannot.
  virtual Status PunchHole(uint64_t /*offset*/, uint64_t /*len*/) {
    return Status::NotSupported("no hole punching in this environment");
  }
  // Whether the block at `offset` holds data (was written and not punched)
  // rather than being a hole or past the end (lseek SEEK_DATA).
  virtual Result<bool> HasDataAt(uint64_t /*offset*/) const {
    return Status::NotSupported("no hole detection in this environment");
  }
  virtual Status Sync() = 0;
  virtual Result<uint64_t> Size() const = 0;
};

struct DiskSpace {
  int64_t total_mb = 0;
  int64_t free_mb = 0;  // available to unprivileged writers
};

struct FileStat {
  uint64_t size = 0;
  int64_t mtime = 0;
  uint64_t links = 1;  // hard links to the inode
};

class Env {
 public:
  virtual ~Env() = default;
  static Env* Default();

  // Creates a new file; fails with AlreadyExists if it is there.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) = 0;
  // Like NewWritableFile, for a large file written once from start to end:
  // its bytes go to the disk without passing through the page cache
  // (O_DIRECT), which spares the page cache the file's pages and, where new
  // memory is slow to touch, the cost of filling them. The file is complete
  // and of the appended size once Sync() or Close() returned OK. Where the
  // file system refuses O_DIRECT the file is written normally. The default
  // is NewWritableFile.
  virtual Result<std::unique_ptr<WritableFile>> NewDirectWritableFile(
      const std::string& path) {
    return NewWritableFile(path);
  }
  // Opens an existing file for appending.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) = 0;
  // Opens an existing file for reading, and for writing when `writable`.
  virtual Result<std::unique_ptr<RandomRWFile>> OpenRandomRWFile(
      const std::string& path, bool writable) = 0;
  // Opens the file at `path` for reading and writing, creating it empty when
  // it does not exist.
  virtual Result<std::unique_ptr<RandomRWFile>> OpenOrCreateRandomRWFile(
      const std::string& path) = 0;
  // Like OpenRandomRWFile(path, false), for a large file read once: reads
  // bypass the page cache (O_DIRECT) so they neither fill it with pages no
  // one reads again nor, where new memory is slow to touch, pay for filling
  // them. Reads of any offset and length are allowed (unaligned parts pass
  // through an internal buffer); they are fastest when the offset, the
  // length and `scratch` are aligned to 4096. Where the file system refuses
  // O_DIRECT the file is read normally. The default is OpenRandomRWFile.
  virtual Result<std::unique_ptr<RandomRWFile>> OpenDirectReadFile(
      const std::string& path) {
    return OpenRandomRWFile(path, false);
  }

  virtual Result<FileStat> Stat(const std::string& path) = 0;
  // The modification time (seconds since the epoch) of directory `dir`:
  // when a name in it was last created, renamed or removed. NotFound when
  // `dir` is missing or not a directory.
  virtual Result<int64_t> DirModTime(const std::string& dir) = 0;
  // Reads up to `n` bytes at `offset` of a regular file only if they are all
  // in the page cache, without waiting for the disk: Busy when some are not
  // (or the platform cannot tell). Sets `*size` to the file's size. Opening
  // the file may still wait for an uncached directory entry or inode.
  // Environments that cannot honour this return NotSupported (the default),
  // and callers use their ordinary disk path.
  virtual Result<size_t> ReadIfCached(const std::string& path, uint64_t offset,
                                      size_t n, char* dst, uint64_t* size) {
    (void)path, (void)offset, (void)n, (void)dst, (void)size;
    return Status::NotSupported("no page-cache probe in this environment");
  }
  // Sets a file's modification time (seconds since the epoch); its access
  // time is left alone.
  virtual Status SetModTime(const std::string& path, int64_t seconds) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // rename(2): atomic replacement of `to`.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Moves `from` to `to` only if `to` does not exist (AlreadyExists then):
  // renameat2(RENAME_NOREPLACE), or link(2) then unlink where the file
  // system lacks it.
  virtual Status RenameNoReplace(const std::string& from,
                                 const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Cuts the regular file at `path` (not followed if it is a symbolic link)
  // to `size` bytes.
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
  virtual Status CreateDirIfMissing(const std::string& path) = 0;
  virtual Result<std::vector<std::string>> GetChildren(
      const std::string& dir) = 0;
  virtual Result<DiskSpace> GetDiskSpace(const std::string& path) = 0;
  // fsync(2) of a file or a directory by name: makes a file's content, or a
  // directory's entries (names created, linked or removed in it), durable.
  virtual Status SyncPath(const std::string& path) = 0;
  // syncfs(2): makes everything written to the file system holding `path`
  // durable with one flush (group commit).
  virtual Status SyncFilesystem(const std::string& path) = 0;
  // True when SyncFilesystem(`dir`) also makes `path` durable (both on one
  // file system); false when they are not, or when either cannot be
  // examined.
  virtual bool OnSameFilesystem(const std::string& dir,
                                const std::string& path) = 0;
  // Writes `data` to `path` atomically and durably (temp file, fsync,
  // rename, fsync of the directory).
  virtual Status WriteFileAtomic(const std::string& path,
                                 std::string_view data) = 0;
  // Reads a whole file of at most `max_bytes`.
  virtual Result<std::string> ReadSmallFile(const std::string& path,
                                            size_t max_bytes) = 0;
};

}  // namespace nimbus

#endif  // NIMBUS_COMMON_ENV_H_
