// FaultInjectionEnv: an Env that forwards to a base Env and fails on demand.
//
// Tests use it to prove that a full disk, an I/O error or a failed fsync turns
// into an error response and never into a partial file under a valid name.
// Fault settings may be changed from any thread while files are in use.
#ifndef NIMBUS_COMMON_FAULT_INJECTION_ENV_H_
#define NIMBUS_COMMON_FAULT_INJECTION_ENV_H_

#include <atomic>
#include <cstdint>
#include <mutex>

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

  // Charges `n` written bytes; returns the error to report, if any.
  Status ChargeWrite(size_t n);
  Status SyncStatus() const;

  Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) override;
  Result<std::unique_ptr<RandomRWFile>> OpenRandomRWFile(
      const std::string& path, bool writable) override;
  Result<FileStat> Stat(const std::string& path) override {
    return base_->Stat(path);
  }
  bool FileExists(const std::string& path) override {
    return base_->FileExists(path);
  }
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RenameNoReplace(const std::string& from,
                         const std::string& to) override;
  Status RemoveFile(const std::string& path) override {
    return base_->RemoveFile(path);
  }
  Status CreateDirIfMissing(const std::string& path) override {
    return base_->CreateDirIfMissing(path);
  }
  Result<std::vector<std::string>> GetChildren(
      const std::string& dir) override {
    return base_->GetChildren(dir);
  }
  Result<DiskSpace> GetDiskSpace(const std::string& path) override {
    return base_->GetDiskSpace(path);
  }
  Status WriteFileAtomic(const std::string& path,
                         std::string_view data) override;
  Result<std::string> ReadSmallFile(const std::string& path,
                                    size_t max_bytes) override {
    return base_->ReadSmallFile(path, max_bytes);
  }

 private:
  Env* const base_;
  std::atomic<int64_t> write_budget_{-1};
  std::atomic<bool> write_fails_{false};
  std::atomic<bool> sync_fails_{false};
  std::atomic<bool> rename_fails_{false};
};

}  // namespace nimbus

#endif  // NIMBUS_COMMON_FAULT_INJECTION_ENV_H_
