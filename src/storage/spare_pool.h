// SparePool: empty inodes kept from deleted files, handed to new files.
//
// Why: on ext4 without a journal (this project's development machine, and
// any ext4 made with `-O ^has_journal`) allocating an inode skips every
// free inode of its block group that was freed in the last ~35 s, looking
// each one up in the buffer cache. After many deletions a create costs up to
// ~0.5 ms instead of ~10 µs (docs/performance.md §1), and a storage server
// that deletes as much as it writes (a cloud disk, a benchmark) spends most
// of its CPU there. Kept inodes are never freed, so ext4 has nothing to skip,
// and reusing one (rename + open) is cheaper than creating one.
//
// Contract with readers. A deleted file is renamed into spare/ and truncated
// to zero bytes at once; it is handed to a new file only after `quarantine`.
// A reader that still holds the old file open sees a truncated file
// (nginx aborts the response, a Nimbus download fails its size check) and
// never another file's bytes, provided no reader holds a file open without
// writing for longer than the quarantine. nginx closes a connection that
// makes no progress for `send_timeout` (60 s by default) and Nimbus reads
// small files in one trip, so the default of 300 s leaves a wide margin;
// an `open_file_cache_valid` longer than the quarantine would break it.
//
// Only regular files with one link and at most kMaxBytes are kept: for
// larger files the inode is a small part of the work and a long transfer may
// hold them open. Above `capacity` entries files are removed as before.
//
// Layout: store_path/spare/N, N a decimal sequence number. Entries found at
// start-up are truncated and quarantined like fresh ones. Thread-safe.
#ifndef NIMBUS_STORAGE_SPARE_POOL_H_
#define NIMBUS_STORAGE_SPARE_POOL_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "common/env.h"
#include "common/status.h"

namespace nimbus::storage {

class SparePool {
 public:
  static constexpr uint64_t kMaxBytes = 1 << 20;

  // `dir` is created by Init(). capacity 0 disables the pool: Recycle()
  // removes and Take() finds nothing.
  SparePool(Env* env, std::string dir, size_t capacity, int64_t quarantine_ms);

  // Creates the directory and adopts what it holds (now_ms = the time they
  // count as deleted). Entries beyond the capacity are removed.
  Status Init(int64_t now_ms);

  // Deletes `path` (a file that nobody may find under that name afterwards):
  // keeps its inode when it qualifies, removes it otherwise. NotFound when
  // there is no such file.
  Status Recycle(const std::string& path, int64_t now_ms);

  // The path of a spare whose quarantine is over, now owned by the caller
  // (rename it away, or remove it), or nullopt.
  std::optional<std::string> Take(int64_t now_ms);

  size_t size() const;

 private:
  struct Entry {
    uint64_t seq;
    int64_t ready_ms;
  };
  std::string EntryPath(uint64_t seq) const;

  Env* const env_;
  const std::string dir_;
  const size_t capacity_;
  const int64_t quarantine_ms_;

  mutable std::mutex mu_;
  std::deque<Entry> entries_;  // guarded by mu_; ready_ms ascending
  uint64_t next_seq_ = 0;      // guarded by mu_
  size_t reserved_ = 0;        // guarded by mu_; recycles in progress
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_SPARE_POOL_H_
