#include "common/fault_injection_env.h"

#include <algorithm>
#include <utility>

namespace nimbus {
namespace {

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectionEnv* env, std::unique_ptr<WritableFile> base,
                     std::string path)
      : env_(env), base_(std::move(base)), path_(std::move(path)) {}
  Status Append(std::string_view data) override {
    Status s = env_->ChargeWrite(data.size());
    if (!s.ok()) return s;
    return base_->Append(data);
  }
  Status Sync() override {
    Status s = env_->SyncStatus();
    if (!s.ok()) return s;
    // Only what was written before the sync began is durable after it.
    uint64_t size = env_->SizeNow(path_);
    s = base_->Sync();
    if (s.ok()) env_->MarkSynced(path_, size);
    return s;
  }
  Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<WritableFile> base_;
  // The name at open; a Sync after a rename is not recorded (the servers
  // sync before they rename).
  std::string path_;
};

class FaultyRandomRWFile final : public RandomRWFile {
 public:
  FaultyRandomRWFile(FaultInjectionEnv* env, std::unique_ptr<RandomRWFile> base,
                     std::string path)
      : env_(env), base_(std::move(base)), path_(std::move(path)) {}
  Result<size_t> Read(uint64_t offset, size_t n, char* scratch) const override {
    return base_->Read(offset, n, scratch);
  }
  Status Write(uint64_t offset, std::string_view data) override {
    Status s = env_->ChargeWrite(data.size());
    if (!s.ok()) return s;
    return base_->Write(offset, data);
  }
  Status WriteAround(uint64_t offset, std::string_view data) override {
    Status s = env_->ChargeWrite(data.size());
    if (!s.ok()) return s;
    return base_->WriteAround(offset, data);
  }
  Status Truncate(uint64_t size) override { return base_->Truncate(size); }
  Status PunchHole(uint64_t offset, uint64_t len) override {
    if (env_->write_fails()) return Status::IOError("injected write error");
    return base_->PunchHole(offset, len);
  }
  Result<bool> HasDataAt(uint64_t offset) const override {
    return base_->HasDataAt(offset);
  }
  Status Sync() override {
    Status s = env_->SyncStatus();
    if (!s.ok()) return s;
    // Only what was written before the sync began is durable after it.
    uint64_t size = env_->SizeNow(path_);
    s = base_->Sync();
    if (s.ok()) env_->MarkSynced(path_, size);
    return s;
  }
  Result<uint64_t> Size() const override { return base_->Size(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<RandomRWFile> base_;
  std::string path_;
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

FaultInjectionEnv::Entry& FaultInjectionEnv::EntryFor(const std::string& path) {
  auto it = entries_.find(path);
  if (it != entries_.end()) return it->second;
  auto node = std::make_shared<Node>();
  auto st = base_->Stat(path);
  if (st.ok()) node->durable_size = st->size;
  return entries_[path] = Entry{std::move(node), true};
}

void FaultInjectionEnv::Track(const std::string& path, Entry e) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[path] = std::move(e);
}

void FaultInjectionEnv::MoveEntry(const std::string& from,
                                  const std::string& to) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry e = EntryFor(from);
  entries_.erase(from);
  // The new name is durable only once its directory is synced; the old
  // name's removal is not modelled.
  e.durable = false;
  entries_[to] = std::move(e);
}

uint64_t FaultInjectionEnv::SizeNow(const std::string& path) const {
  auto st = base_->Stat(path);
  return st.ok() ? st->size : 0;
}

void FaultInjectionEnv::MarkSynced(const std::string& path, uint64_t size) {
  if (!powered_.load()) return;
  std::lock_guard<std::mutex> lock(mu_);
  EntryFor(path).node->durable_size = size;
}

Result<int> FaultInjectionEnv::DropUnsyncedData() {
  std::lock_guard<std::mutex> lock(mu_);
  int changed = 0;
  for (auto& [path, e] : entries_) {
    if (!e.durable) {
      if (base_->RemoveFile(path).ok()) ++changed;
      continue;
    }
    auto st = base_->Stat(path);
    if (!st.ok() || st->size <= e.node->durable_size) continue;
    auto f = base_->OpenRandomRWFile(path, true);
    if (!f.ok()) return f.status();
    Status s = (*f)->Truncate(e.node->durable_size);
    if (!s.ok()) return s;
    ++changed;
  }
  entries_.clear();
  for (const auto& [path, before] : replaced_after_cut_) {
    Status s = before ? base_->WriteFileAtomic(path, *before)
                      : base_->RemoveFile(path);
    if (!s.ok() && !s.IsNotFound()) return s;
    ++changed;
  }
  replaced_after_cut_.clear();
  powered_.store(true);
  return changed;
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::TrackNew(
    const std::string& path, Result<std::unique_ptr<WritableFile>> f) {
  if (!f.ok()) return f.status();
  Track(path, Entry{std::make_shared<Node>(), false});
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(this, std::move(*f), path));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(
    const std::string& path) {
  return TrackNew(path, base_->NewWritableFile(path));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewDirectWritableFile(
    const std::string& path) {
  return TrackNew(path, base_->NewDirectWritableFile(path));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewAppendableFile(
    const std::string& path) {
  auto f = base_->NewAppendableFile(path);
  if (!f.ok()) return f.status();
  {
    std::lock_guard<std::mutex> lock(mu_);
    EntryFor(path);
  }
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(this, std::move(*f), path));
}

Result<std::unique_ptr<RandomRWFile>> FaultInjectionEnv::OpenRandomRWFile(
    const std::string& path, bool writable) {
  auto f = base_->OpenRandomRWFile(path, writable);
  if (!f.ok()) return f.status();
  if (writable) {
    std::lock_guard<std::mutex> lock(mu_);
    EntryFor(path);
  }
  return std::unique_ptr<RandomRWFile>(
      std::make_unique<FaultyRandomRWFile>(this, std::move(*f), path));
}

Result<std::unique_ptr<RandomRWFile>>
FaultInjectionEnv::OpenOrCreateRandomRWFile(const std::string& path) {
  const bool existed = base_->FileExists(path);
  auto f = base_->OpenOrCreateRandomRWFile(path);
  if (!f.ok()) return f.status();
  if (existed) {
    std::lock_guard<std::mutex> lock(mu_);
    EntryFor(path);
  } else {
    Track(path, Entry{std::make_shared<Node>(), false});
  }
  return std::unique_ptr<RandomRWFile>(
      std::make_unique<FaultyRandomRWFile>(this, std::move(*f), path));
}

Result<std::unique_ptr<RandomRWFile>> FaultInjectionEnv::OpenDirectReadFile(
    const std::string& path) {
  auto f = base_->OpenDirectReadFile(path);
  if (!f.ok()) return f.status();
  return std::unique_ptr<RandomRWFile>(
      std::make_unique<FaultyRandomRWFile>(this, std::move(*f), path));
}

Status FaultInjectionEnv::RenameFile(const std::string& from,
                                     const std::string& to) {
  if (rename_fails_.load()) return Status::IOError("injected rename error");
  Status s = base_->RenameFile(from, to);
  if (s.ok()) MoveEntry(from, to);
  return s;
}

Status FaultInjectionEnv::RenameNoReplace(const std::string& from,
                                          const std::string& to) {
  if (rename_fails_.load()) return Status::IOError("injected rename error");
  Status s = base_->RenameNoReplace(from, to);
  if (s.ok()) MoveEntry(from, to);
  return s;
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  Status s = base_->RemoveFile(path);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.erase(path);
  }
  return s;
}

Status FaultInjectionEnv::TruncateFile(const std::string& path, uint64_t size) {
  Status s = base_->TruncateFile(path, size);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& e = EntryFor(path);
    // Cutting a file is not undone by a power cut (removals are not
    // modelled either): what was durable beyond `size` is gone.
    e.node->durable_size = std::min(e.node->durable_size, size);
  }
  return s;
}

Status FaultInjectionEnv::SyncPath(const std::string& path) {
  Status s = SyncStatus();
  if (!s.ok()) return s;
  auto st = base_->Stat(path);  // before: later writes are not covered
  s = base_->SyncPath(path);
  if (!s.ok() || !powered_.load()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(path);
  if (it != entries_.end() && st.ok()) it->second.node->durable_size = st->size;
  for (auto& [name, e] : entries_) {
    if (DirName(name) == path) e.durable = true;
  }
  return s;
}

Status FaultInjectionEnv::SyncFilesystem(const std::string& path) {
  Status s = SyncStatus();
  if (!s.ok()) return s;
  // Tests keep each server's files under one directory; treat that subtree
  // as the file system. Sizes and names as they were when the sync began:
  // later writes are not covered.
  std::vector<std::pair<std::string, uint64_t>> before;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, e] : entries_) {
      if (name.compare(0, path.size(), path) != 0) continue;
      auto st = base_->Stat(name);
      before.emplace_back(name, st.ok() ? st->size : e.node->durable_size);
    }
  }
  s = base_->SyncFilesystem(path);
  if (!s.ok() || !powered_.load()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, size] : before) {
    auto it = entries_.find(name);
    if (it == entries_.end()) continue;
    it->second.node->durable_size = size;
    it->second.durable = true;
  }
  return s;
}

Status FaultInjectionEnv::WriteFileAtomic(const std::string& path,
                                          std::string_view data) {
  Status s = ChargeWrite(data.size());
  if (!s.ok()) return s;
  if (rename_fails_.load()) return Status::IOError("injected rename error");
  if (!powered_.load()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (replaced_after_cut_.count(path) == 0) {
      std::optional<std::string> before;
      if (base_->FileExists(path)) {
        auto old = base_->ReadSmallFile(path, size_t{64} << 20);
        if (!old.ok()) return old.status();
        before = std::move(*old);
      }
      replaced_after_cut_[path] = std::move(before);
    }
  }
  s = base_->WriteFileAtomic(path, data);
  if (s.ok() && powered_.load()) {
    auto node = std::make_shared<Node>();
    node->durable_size = data.size();
    Track(path, Entry{std::move(node), true});
  }
  return s;
}

}  // namespace nimbus
