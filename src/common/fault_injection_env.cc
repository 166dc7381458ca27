#include "common/fault_injection_env.h"

namespace nimbus {
namespace {

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectionEnv* env, std::unique_ptr<WritableFile> base)
      : env_(env), base_(std::move(base)) {}
  Status Append(std::string_view data) override {
    Status s = env_->ChargeWrite(data.size());
    if (!s.ok()) return s;
    return base_->Append(data);
  }
  Status Sync() override {
    Status s = env_->SyncStatus();
    if (!s.ok()) return s;
    return base_->Sync();
  }
  Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<WritableFile> base_;
};

class FaultyRandomRWFile final : public RandomRWFile {
 public:
  FaultyRandomRWFile(FaultInjectionEnv* env, std::unique_ptr<RandomRWFile> base)
      : env_(env), base_(std::move(base)) {}
  Result<size_t> Read(uint64_t offset, size_t n, char* scratch) const override {
    return base_->Read(offset, n, scratch);
  }
  Status Write(uint64_t offset, std::string_view data) override {
    Status s = env_->ChargeWrite(data.size());
    if (!s.ok()) return s;
    return base_->Write(offset, data);
  }
  Status Truncate(uint64_t size) override { return base_->Truncate(size); }
  Status Sync() override {
    Status s = env_->SyncStatus();
    if (!s.ok()) return s;
    return base_->Sync();
  }
  Result<uint64_t> Size() const override { return base_->Size(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<RandomRWFile> base_;
};

}  // namespace

Status FaultInjectionEnv::ChargeWrite(size_t n) {
  if (write_fails_.load()) return Status::IOError("injected write error");
  int64_t budget = write_budget_.load();
  while (budget >= 0) {
    if (budget < static_cast<int64_t>(n)) {
      write_budget_.store(0);
      return Status::NoSpace("injected disk full");
    }
    if (write_budget_.compare_exchange_weak(budget,
                                            budget - static_cast<int64_t>(n))) {
      break;
    }
  }
  return Status::OK();
}

Status FaultInjectionEnv::SyncStatus() const {
  if (sync_fails_.load()) return Status::IOError("injected fsync error");
  return Status::OK();
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(
    const std::string& path) {
  auto f = base_->NewWritableFile(path);
  if (!f.ok()) return f.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(this, std::move(*f)));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewAppendableFile(
    const std::string& path) {
  auto f = base_->NewAppendableFile(path);
  if (!f.ok()) return f.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(this, std::move(*f)));
}

Result<std::unique_ptr<RandomRWFile>> FaultInjectionEnv::OpenRandomRWFile(
    const std::string& path, bool writable) {
  auto f = base_->OpenRandomRWFile(path, writable);
  if (!f.ok()) return f.status();
  return std::unique_ptr<RandomRWFile>(
      std::make_unique<FaultyRandomRWFile>(this, std::move(*f)));
}

Status FaultInjectionEnv::RenameFile(const std::string& from,
                                     const std::string& to) {
  if (rename_fails_.load()) return Status::IOError("injected rename error");
  return base_->RenameFile(from, to);
}

Status FaultInjectionEnv::RenameNoReplace(const std::string& from,
                                          const std::string& to) {
  if (rename_fails_.load()) return Status::IOError("injected rename error");
  return base_->RenameNoReplace(from, to);
}

Status FaultInjectionEnv::WriteFileAtomic(const std::string& path,
                                          std::string_view data) {
  Status s = ChargeWrite(data.size());
  if (!s.ok()) return s;
  if (rename_fails_.load()) return Status::IOError("injected rename error");
  return base_->WriteFileAtomic(path, data);
}

}  // namespace nimbus
