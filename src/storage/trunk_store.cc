#include "storage/trunk_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace nimbus::storage {
namespace {

constexpr uint64_t kMaxTrunkFileSize = uint64_t{1} << 32;

// "KKKKKKKK-IIIIIIII" of source `key`, or false when `name` is not one.
bool ParseTrunkName(const std::string& name, uint32_t key, uint32_t* id) {
  if (name.size() != 17 || name[8] != '-') return false;
  if (name.compare(0, 8, fmt::format("{:08X}", key)) != 0) return false;
  uint32_t v = 0;
  for (size_t i = 9; i < 17; ++i) {
    char c = name[i];
    uint32_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint32_t>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
    v = v * 16 + d;
  }
  *id = v;
  return true;
}

uint64_t ClampTrunkFileSize(uint64_t bytes) {
  return std::clamp<uint64_t>(bytes, TrunkStore::kSlotAlign, kMaxTrunkFileSize);
}

// A packed file seen as a read-only file of its own.
class SlotFile final : public RandomRWFile {
 public:
  SlotFile(std::shared_ptr<RandomRWFile> trunk, uint64_t base, uint64_t size)
      : trunk_(std::move(trunk)), base_(base), size_(size) {}
  Result<size_t> Read(uint64_t offset, size_t n, char* scratch) const override {
    return trunk_->Read(base_ + offset, Bound(offset, n), scratch);
  }
  Result<size_t> ReadIfCached(uint64_t offset, size_t n,
                              char* scratch) const override {
    return trunk_->ReadIfCached(base_ + offset, Bound(offset, n), scratch);
  }
  Status Write(uint64_t, std::string_view) override {
    return Status::NotSupported("a packed file is read-only");
  }
  Status Truncate(uint64_t) override {
    return Status::NotSupported("a packed file is read-only");
  }
  Status Sync() override { return trunk_->Sync(); }
  Result<uint64_t> Size() const override { return size_; }

 private:
  size_t Bound(uint64_t offset, size_t n) const {
    if (offset >= size_) return 0;
    return static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
  }

  std::shared_ptr<RandomRWFile> trunk_;
  const uint64_t base_;
  const uint64_t size_;
};

}  // namespace

TrunkStore::TrunkStore(Env* env, std::vector<std::string> store_paths,
                       uint64_t trunk_file_size)
    : env_(env),
      paths_(std::move(store_paths)),
      trunk_file_size_(ClampTrunkFileSize(trunk_file_size)) {}

void TrunkStore::SetTrunkFileSize(uint64_t bytes) {
  trunk_file_size_.store(ClampTrunkFileSize(bytes));
}

Status TrunkStore::Init() {
  can_pack_.assign(paths_.size(), false);
  for (size_t i = 0; i < paths_.size(); ++i) {
    const std::string dir = paths_[i] + "/trunk";
    Status s = env_->CreateDirIfMissing(dir);
    if (!s.ok()) return s;
    // Probe: two blocks written, the first punched out, must read back as
    // a hole followed by data.
    const std::string probe = dir + "/probe";
    {
      auto f = env_->OpenOrCreateRandomRWFile(probe);
      if (!f.ok()) return f.status();
      const std::string block(2 * kSlotAlign, 'p');
      s = (*f)->Write(0, block);
      if (s.ok()) s = (*f)->PunchHole(0, kSlotAlign);
      if (s.ok()) {
        auto first = (*f)->HasDataAt(0);
        auto second = (*f)->HasDataAt(kSlotAlign);
        can_pack_[i] = first.ok() && !*first && second.ok() && *second;
      }
    }
    env_->RemoveFile(probe);
    if (!can_pack_[i]) {
      spdlog::warn(
          "{}: the file system cannot free parts of a file (punch hole): "
          "small files here are never packed into trunk files",
          paths_[i]);
    }
  }
  return Status::OK();
}

uint64_t TrunkStore::AllocFor(uint64_t size) {
  uint64_t a = (size + kSlotAlign - 1) / kSlotAlign * kSlotAlign;
  return std::max<uint64_t>(a, kSlotAlign);
}

std::string TrunkStore::FilePath(uint32_t path, uint32_t key,
                                 uint32_t id) const {
  return fmt::format("{}/trunk/{:08X}-{:08X}", paths_[path], key, id);
}

std::shared_ptr<RandomRWFile> TrunkStore::Cached(const FileKey& k) {
  auto it = open_.find(k);
  if (it == open_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void TrunkStore::Remember(const FileKey& k, std::shared_ptr<RandomRWFile> f) {
  if (open_.count(k) != 0) return;
  lru_.emplace_front(k, std::move(f));
  open_[k] = lru_.begin();
  // Handles still in use elsewhere (a current trunk file, a read under way)
  // stay valid through their shared_ptr.
  while (lru_.size() > kMaxOpenFiles) {
    open_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

Result<std::shared_ptr<RandomRWFile>> TrunkStore::Open(const FileKey& k,
                                                       bool create) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto f = Cached(k)) return f;
  }
  auto [path, key, id] = k;
  if (path >= paths_.size()) {
    return Status::InvalidArgument("store path index out of range");
  }
  std::string file = FilePath(path, key, id);
  std::unique_ptr<RandomRWFile> opened;
  if (create) {
    bool existed = env_->FileExists(file);
    NIMBUS_ASSIGN_OR_RETURN(opened, env_->OpenOrCreateRandomRWFile(file));
    if (!existed) {
      // The name must survive a crash as long as the bytes written in it.
      Status s = env_->SyncPath(paths_[path] + "/trunk");
      if (!s.ok()) return s;
    }
  } else {
    auto r = env_->OpenRandomRWFile(file, true);
    if (!r.ok()) {
      if (r.status().IsNotFound()) {
        return Status::NotFound(
            fmt::format("trunk file {:08X}-{:08X} is not here", key, id));
      }
      return r.status();
    }
    opened = std::move(*r);
  }
  std::shared_ptr<RandomRWFile> f(std::move(opened));
  std::lock_guard<std::mutex> lock(mu_);
  if (auto other = Cached(k)) return other;  // opened meanwhile
  Remember(k, f);
  return f;
}

Status TrunkStore::LoadCurrent(uint32_t path, uint32_t key, Current* cur) {
  NIMBUS_LET_OR_RETURN(std::vector<std::string> names,
                       env_->GetChildren(paths_[path] + "/trunk"));
  bool found = false;
  uint32_t max_id = 0;
  for (const std::string& n : names) {
    uint32_t id;
    if (ParseTrunkName(n, key, &id) && (!found || id > max_id)) {
      max_id = id;
      found = true;
    }
  }
  if (!found) return StartNext(path, key, cur);
  FileKey k{path, key, max_id};
  std::shared_ptr<RandomRWFile> f = Cached(k);
  if (!f) {
    NIMBUS_LET_OR_RETURN(
        std::unique_ptr<RandomRWFile> opened,
        env_->OpenRandomRWFile(FilePath(path, key, max_id), true));
    f = std::move(opened);
    Remember(k, f);
  }
  NIMBUS_LET_OR_RETURN(uint64_t size, f->Size());
  cur->id = max_id;
  cur->end = (size + kSlotAlign - 1) / kSlotAlign * kSlotAlign;
  cur->file = std::move(f);
  return Status::OK();
}

Status TrunkStore::StartNext(uint32_t path, uint32_t key, Current* cur) {
  uint32_t id = cur->file ? cur->id + 1 : 1;
  // Skip ids taken by files this server did not start (a reused address).
  while (env_->FileExists(FilePath(path, key, id))) ++id;
  std::string file = FilePath(path, key, id);
  NIMBUS_LET_OR_RETURN(std::unique_ptr<RandomRWFile> opened,
                       env_->OpenOrCreateRandomRWFile(file));
  Status s = env_->SyncPath(paths_[path] + "/trunk");
  if (!s.ok()) return s;
  std::shared_ptr<RandomRWFile> f(std::move(opened));
  Remember(FileKey{path, key, id}, f);
  cur->id = id;
  cur->end = 0;
  cur->file = std::move(f);
  return Status::OK();
}

Result<proto::TrunkSlot> TrunkStore::Append(uint32_t path, uint32_t key,
                                            std::string_view data) {
  if (path >= paths_.size()) {
    return Status::InvalidArgument("store path index out of range");
  }
  const uint64_t cap = trunk_file_size_.load();
  if (data.empty() || AllocFor(data.size()) > cap) {
    return Status::InvalidArgument("file size outside the trunk slot range");
  }
  const auto alloc = static_cast<uint32_t>(AllocFor(data.size()));
  proto::TrunkSlot slot;
  std::shared_ptr<RandomRWFile> file;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, fresh] = current_.try_emplace({path, key});
    Current& cur = it->second;
    if (fresh) {
      Status s = LoadCurrent(path, key, &cur);
      if (!s.ok()) {
        current_.erase(it);
        return s;
      }
    }
    if (cur.end + alloc > cap) {
      Status s = StartNext(path, key, &cur);
      if (!s.ok()) return s;
    }
    slot = {cur.id, static_cast<uint32_t>(cur.end), alloc};
    cur.end += alloc;
    file = cur.file;
  }
  Status s = file->Write(slot.offset, data);
  if (!s.ok()) {
    // Give back the blocks that were written; the slot is never named.
    file->PunchHole(slot.offset, alloc);
    return s;
  }
  return slot;
}

Status TrunkStore::WriteAt(uint32_t path, uint32_t key,
                           const proto::TrunkSlot& slot, std::string_view data,
                           bool around_cache) {
  if (data.empty() || data.size() > slot.alloc) {
    return Status::InvalidArgument("replica does not fit its trunk slot");
  }
  NIMBUS_LET_OR_RETURN(std::shared_ptr<RandomRWFile> f,
                       Open(FileKey{path, key, slot.id}, true));
  // The padding of the last block stays inside the slot only for a slot of
  // whole blocks, which every slot this code allocates is (the name is a
  // peer's word, hence the check).
  if (around_cache && slot.offset % kSlotAlign == 0 &&
      slot.alloc % kSlotAlign == 0) {
    return f->WriteAround(slot.offset, data);
  }
  return f->Write(slot.offset, data);
}

Result<bool> TrunkStore::Holds(uint32_t path, uint32_t key,
                               const proto::TrunkSlot& slot) {
  auto f = Open(FileKey{path, key, slot.id}, false);
  if (!f.ok()) {
    if (f.status().IsNotFound()) return false;
    return f.status();
  }
  return (*f)->HasDataAt(slot.offset);
}

Result<size_t> TrunkStore::ReadIfCached(uint32_t path, uint32_t key,
                                        const proto::TrunkSlot& slot,
                                        uint64_t offset, size_t n, char* out) {
  if (offset > slot.alloc) return size_t{0};
  n = static_cast<size_t>(std::min<uint64_t>(n, slot.alloc - offset));
  std::shared_ptr<RandomRWFile> f;
  {
    std::lock_guard<std::mutex> lock(mu_);
    f = Cached(FileKey{path, key, slot.id});
  }
  if (!f) return Status::Busy("trunk file not open");
  NIMBUS_LET_OR_RETURN(bool live, f->HasDataAt(slot.offset));
  if (!live) return Status::NotFound("file deleted from its trunk slot");
  return f->ReadIfCached(slot.offset + offset, n, out);
}

Result<std::unique_ptr<RandomRWFile>> TrunkStore::OpenSlot(
    uint32_t path, uint32_t key, const proto::TrunkSlot& slot, uint64_t size,
    bool around_cache) {
  if (size > slot.alloc) {
    return Status::InvalidArgument("file larger than its trunk slot");
  }
  NIMBUS_LET_OR_RETURN(std::shared_ptr<RandomRWFile> f,
                       Open(FileKey{path, key, slot.id}, false));
  NIMBUS_LET_OR_RETURN(bool live, f->HasDataAt(slot.offset));
  if (!live) return Status::NotFound("file deleted from its trunk slot");
  if (around_cache) {
    NIMBUS_LET_OR_RETURN(
        std::unique_ptr<RandomRWFile> direct,
        env_->OpenDirectReadFile(FilePath(path, key, slot.id)));
    f = std::move(direct);
  }
  return std::unique_ptr<RandomRWFile>(
      std::make_unique<SlotFile>(std::move(f), slot.offset, size));
}

Status TrunkStore::Free(uint32_t path, uint32_t key,
                        const proto::TrunkSlot& slot) {
  auto f = Open(FileKey{path, key, slot.id}, false);
  if (!f.ok()) return f.status();
  NIMBUS_LET_OR_RETURN(bool live, (*f)->HasDataAt(slot.offset));
  if (!live) return Status::NotFound("file already deleted from its trunk");
  return (*f)->PunchHole(slot.offset, slot.alloc);
}

}  // namespace nimbus::storage
