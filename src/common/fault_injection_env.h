// FaultInjectionEnv: an Env that forwards to a base Env and fails on demand.
//
// Tests use it to prove that a full disk, an I/O error or a failed fsync turns
// into an error response and never into a partial file under a valid name.
// Fault settings may be changed from any thread while files are in use.
//
// It also models a power cut. It remembers, for every file created, linked
// or renamed through it, how many bytes were made durable (Sync, SyncPath,
// SyncFilesystem) and whether its directory entry was (SyncPath of the
// directory, SyncFilesystem, WriteFileAtomic). SimulatePowerCut() freezes
// that record: later syncs no longer count. DropUnsyncedData() then does to
// the base file system what the cut would have done: names whose entry was
// never made durable disappear and files are cut back to their durable
// length; a WriteFileAtomic made after the cut is undone (the old content
// back, or no file). Files that existed before the env first saw them count
// as durable. Not modelled: the undoing of in-place overwrites of already
// durable bytes and of removals.
#ifndef NIMBUS_COMMON_FAULT_INJECTION_ENV_H_
#define NIMBUS_COMMON_FAULT_INJECTION_ENV_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/env.h"

namespace nimbus {

class FaultInjectionEnv final : public Env {
 public:
  explicit FaultInjectionEnv(Env* base) : base_(base) {}

  // After `bytes` more bytes are written (by any file), writes fail with
  // NoSpace. A negative value turns the fault off.
  void SetWriteBudget(int64_t bytes) { write_budget_.store(bytes); }
  // Every write fails with EIO while set.
  void SetWriteFails(bool fail) { write_fails_.store(fail); }
  // Every Sync fails with EIO while set.
  void SetSyncFails(bool fail) { sync_fails_.store(fail); }
  // Every rename fails with EIO while set.
  void SetRenameFails(bool fail) { rename_fails_.store(fail); }
  // GetDiskSpace reports `mb` free of 100,000 MB; negative: the base's
  // figures.
  void SetFreeMb(int64_t mb) { free_mb_.store(mb); }
  // The same for GetDiskSpace(`path`) alone, over SetFreeMb.
  void SetFreeMbOf(const std::string& path, int64_t mb) {
    std::lock_guard<std::mutex> lock(mu_);
    free_mb_of_[path] = mb;
  }
  // How many times GetDiskSpace was asked.
  int64_t disk_space_queries() const { return disk_space_queries_.load(); }

  // See the class comment. DropUnsyncedData() must run while no file is
  // open; it re-enables the record and returns the number of names removed
  // and files shortened.
  void SimulatePowerCut() { powered_.store(false); }
  Result<int> DropUnsyncedData();

  bool write_fails() const { return write_fails_.load(); }
  // Charges `n` written bytes; returns the error to report, if any.
  Status ChargeWrite(size_t n);
  Status SyncStatus() const;
  // A sync makes durable what was written before it began: callers take
  // SizeNow() first and pass it to MarkSynced() once the sync succeeded.
  uint64_t SizeNow(const std::string& path) const;
  void MarkSynced(const std::string& path, uint64_t size);

  Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewDirectWritableFile(
      const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) override;
  Result<std::unique_ptr<RandomRWFile>> OpenRandomRWFile(
      const std::string& path, bool writable) override;
  Result<std::unique_ptr<RandomRWFile>> OpenOrCreateRandomRWFile(
      const std::string& path) override;
  Result<std::unique_ptr<RandomRWFile>> OpenDirectReadFile(
      const std::string& path) override;
  Result<FileStat> Stat(const std::string& path) override {
    return base_->Stat(path);
  }
  Result<int64_t> DirModTime(const std::string& dir) override {
    return base_->DirModTime(dir);
  }
  bool FileExists(const std::string& path) override {
    return base_->FileExists(path);
  }
  Status SetModTime(const std::string& path, int64_t seconds) override {
    return base_->SetModTime(path, seconds);
  }
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RenameNoReplace(const std::string& from,
                         const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status TruncateFile(const std::string& path, uint64_t size) override;
  Status CreateDirIfMissing(const std::string& path) override {
    return base_->CreateDirIfMissing(path);
  }
  Result<std::vector<std::string>> GetChildren(
      const std::string& dir) override {
    return base_->GetChildren(dir);
  }
  Result<DiskSpace> GetDiskSpace(const std::string& path) override {
    disk_space_queries_.fetch_add(1);
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_mb_of_.find(path);
      if (it != free_mb_of_.end()) return DiskSpace{100000, it->second};
    }
    if (int64_t mb = free_mb_.load(); mb >= 0) return DiskSpace{100000, mb};
    return base_->GetDiskSpace(path);
  }
  Status SyncPath(const std::string& path) override;
  Status SyncFilesystem(const std::string& path) override;
  // The subtree under `dir` stands for its file system (SyncFilesystem).
  bool OnSameFilesystem(const std::string& dir,
                        const std::string& path) override {
    return path.compare(0, dir.size(), dir) == 0 &&
           base_->OnSameFilesystem(dir, path);
  }
  Status WriteFileAtomic(const std::string& path,
                         std::string_view data) override;
  Result<std::string> ReadSmallFile(const std::string& path,
                                    size_t max_bytes) override {
    return base_->ReadSmallFile(path, max_bytes);
  }

 private:
  // Wraps a newly created file so that its writes and syncs are charged
  // and tracked.
  Result<std::unique_ptr<WritableFile>> TrackNew(
      const std::string& path, Result<std::unique_ptr<WritableFile>> f);
  // One per inode, shared by the names linked to it.
  struct Node {
    uint64_t durable_size = 0;
  };
  struct Entry {
    std::shared_ptr<Node> node;
    bool durable = false;  // the name survives a power cut
  };
  // The entry for an existing name the env has not seen: durable.
  Entry& EntryFor(const std::string& path);  // REQUIRES: mu_ held
  void Track(const std::string& path, Entry e);
  void MoveEntry(const std::string& from, const std::string& to);

  Env* const base_;
  std::atomic<bool> powered_{true};
  std::mutex mu_;
  std::map<std::string, Entry> entries_;       // guarded by mu_
  std::map<std::string, int64_t> free_mb_of_;  // guarded by mu_
  // Files WriteFileAtomic replaced after the power cut, with what they held
  // before (nullopt: they did not exist); put back by DropUnsyncedData.
  std::map<std::string, std::optional<std::string>>
      replaced_after_cut_;  // guarded by mu_
  std::atomic<int64_t> write_budget_{-1};
  std::atomic<int64_t> free_mb_{-1};
  std::atomic<int64_t> disk_space_queries_{0};
  std::atomic<bool> write_fails_{false};
  std::atomic<bool> sync_fails_{false};
  std::atomic<bool> rename_fails_{false};
};

}  // namespace nimbus

#endif  // NIMBUS_COMMON_FAULT_INJECTION_ENV_H_
