#include "storage/file_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>

#include "common/crc32.h"
#include "proto/constants.h"
#include "proto/metadata.h"

namespace nimbus::storage {
namespace {

// Free-space figures younger than this are reused unless the file would
// come within kSpaceSlackMb of the reserve: statfs on every upload was a
// system call per file for a figure that moves slowly.
constexpr int64_t kSpaceMaxAgeMs = 250;
constexpr int64_t kSpaceSlackMb = 1024;
// FastDFS's default trunk_file_size, until the tracker says otherwise.
constexpr uint64_t kDefaultTrunkFileSize = 64 << 20;

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

FileStore::FileStore(const StorageOptions& opts, Env* env)
    : opts_(opts),
      env_(env),
      paths_(opts.store_paths),
      trunks_(env, opts.store_paths, kDefaultTrunkFileSize),
      pid_(static_cast<int>(::getpid())),
      rng_(std::random_device{}()),
      files_per_path_(opts.store_paths.size(), 0),
      space_(opts.store_paths.size()) {
  for (const std::string& p : paths_) {
    spares_.push_back(std::make_unique<SparePool>(
        env_, p + "/spare", static_cast<size_t>(opts.spare_inodes_max),
        opts.spare_quarantine_ms));
  }
}

Status FileStore::Init() {
  for (size_t i = 0; i < paths_.size(); ++i) {
    const std::string& p = paths_[i];
    for (const std::string& d : {p, p + "/data", p + "/tmp"}) {
      Status s = env_->CreateDirIfMissing(d);
      if (!s.ok()) return s;
    }
    auto children = env_->GetChildren(p + "/tmp");
    if (!children.ok()) return children.status();
    for (const std::string& c : *children) {
      Status s = env_->RemoveFile(p + "/tmp/" + c);
      if (s.ok()) {
        spdlog::info("removed leftover temp file {}/tmp/{}", p, c);
      }
    }
    Status s = spares_[i]->Init(MonotonicMs());
    if (!s.ok()) return s;
  }
  return trunks_.Init();
}

void FileStore::SetTrunkPolicy(bool use_trunk_file, int64_t slot_max_size,
                               int64_t trunk_file_size) {
  slot_max_size_.store(std::min<int64_t>(
      slot_max_size, static_cast<int64_t>(TrunkStore::kMaxFileSize)));
  if (trunk_file_size > 0) {
    trunks_.SetTrunkFileSize(static_cast<uint64_t>(trunk_file_size));
  }
  use_trunk_.store(use_trunk_file);
}

bool FileStore::PackNew(uint32_t path, int64_t size, bool appender) const {
  return use_trunk_.load() && !appender && size > 0 &&
         size <= slot_max_size_.load() && trunks_.CanPack(path);
}

void FileStore::SetReserved(const ReservedSpace& rs) {
  std::lock_guard<std::mutex> lock(mu_);
  reserved_ = rs;
}

ReservedSpace FileStore::reserved() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reserved_;
}

void FileStore::SetPathBalancing(bool most_free) {
  most_free_.store(most_free);
}

Result<uint32_t> FileStore::ChoosePath(uint8_t requested) {
  const uint32_t count = static_cast<uint32_t>(paths_.size());
  if (requested != proto::kStorePathAny) {
    if (requested >= count) {
      return Status::InvalidArgument(fmt::format(
          "store path index {} out of range (count {})", requested, count));
    }
    return requested;
  }
  if (!most_free_.load()) {
    // The next path with room for a small file; when none has, the next
    // path anyway, and the upload's own space check gives the error.
    const uint32_t first = next_path_.fetch_add(1) % count;
    for (uint32_t k = 0; k < count; ++k) {
      const uint32_t i = (first + k) % count;
      if (CheckSpace(i, 0).ok()) return i;
    }
    return first;
  }
  uint32_t best = 0;
  int64_t best_free = -1;
  for (uint32_t i = 0; i < count; ++i) {
    auto ds = SpaceOf(i, kSpaceMaxAgeMs);
    if (ds.ok() && ds->free_mb > best_free) {
      best_free = ds->free_mb;
      best = i;
    }
  }
  return best;
}

Result<DiskSpace> FileStore::SpaceOf(uint32_t path, int64_t max_age_ms) {
  const int64_t now = MonotonicMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    const SpaceSample& s = space_[path];
    if (s.at_ms >= 0 && now - s.at_ms <= max_age_ms) return s.space;
  }
  auto ds = env_->GetDiskSpace(paths_[path]);
  if (!ds.ok()) return ds.status();
  std::lock_guard<std::mutex> lock(mu_);
  space_[path] = SpaceSample{now, *ds};
  return *ds;
}

Status FileStore::CheckSpace(uint32_t path, int64_t bytes) {
  int64_t need_mb = (bytes + (1 << 20) - 1) >> 20;
  ReservedSpace rs = reserved();
  auto ds = SpaceOf(path, kSpaceMaxAgeMs);
  if (!ds.ok()) return ds.status();
  // A recent figure decides only when the file leaves a wide margin above
  // the reserve (more than can be written before the figure expires); near
  // the reserve every upload asks the file system.
  if (ds->free_mb - need_mb <= rs.ReservedMb(ds->total_mb) + kSpaceSlackMb) {
    ds = SpaceOf(path, -1);
    if (!ds.ok()) return ds.status();
  }
  if (ds->free_mb - need_mb <= rs.ReservedMb(ds->total_mb)) {
    return Status::NoSpace(fmt::format(
        "store path {} has {} MB free; {} MB needed above the reserve of {}",
        path, ds->free_mb, need_mb, rs.ToString()));
  }
  return Status::OK();
}

Result<std::string> FileStore::Resolve(const proto::LogicName& ln) const {
  if (ln.store_path_index >= paths_.size()) {
    return Status::InvalidArgument(
        fmt::format("store path M{:02X} does not exist", ln.store_path_index));
  }
  uint32_t n = static_cast<uint32_t>(opts_.subdir_count_per_path);
  if (ln.dir1 >= n || ln.dir2 >= n) {
    return Status::InvalidArgument("directory outside subdir_count_per_path");
  }
  return paths_[ln.store_path_index] + "/" + ln.RelativePath();
}

Result<FileRef> FileStore::Locate(const proto::LogicName& ln) const {
  FileRef ref;
  NIMBUS_ASSIGN_OR_RETURN(ref.full, Resolve(ln));
  NIMBUS_ASSIGN_OR_RETURN(ref.fields, proto::DecodeNameBase(ln.name));
  if (ln.IsTrunk(ref.fields)) {
    NIMBUS_ASSIGN_OR_RETURN(ref.slot, ln.Slot(ref.fields));
  } else if (ref.fields.IsTrunk() && !ln.IsSlave(ref.fields)) {
    return Status::InvalidArgument("trunk file name of the wrong length");
  }
  ref.logic = ln;
  return ref;
}

Result<proto::LogicName> FileStore::StorePacked(uint32_t path,
                                                std::string_view data,
                                                const NewFileSpec& spec) {
  NIMBUS_LET_OR_RETURN(proto::TrunkSlot slot,
                       trunks_.Append(path, spec.source_ip, data));
  proto::FileNameFields f;
  f.source_ip = spec.source_ip;
  f.create_time = spec.create_time;
  f.crc32 = spec.crc32;
  f.masked_size = proto::MaskFileSize(spec.size, false, Random(), true);
  proto::LogicName ln;
  ln.store_path_index = path;
  ln.name = proto::EncodeNameBase(f) + proto::EncodeTrunkSlot(slot) +
            proto::FormatNameSuffix(spec.ext, Random());
  // The directories matter only to the file's metadata (NAME-m), made
  // when it is first set.
  PickDirs(path, static_cast<uint32_t>(std::hash<std::string>{}(ln.name)),
           &ln.dir1, &ln.dir2);
  return ln;
}

Status FileStore::PlacePackedReplica(const FileRef& ref,
                                     std::string_view data) {
  // As NewReplicaTempFile: a large replica is written around the cache.
  const bool around = opts_.replica_direct_io_min_bytes > 0 &&
                      data.size() >= opts_.replica_direct_io_min_bytes;
  return trunks_.WriteAt(ref.logic.store_path_index, ref.fields.source_ip,
                         *ref.slot, data, around);
}

Result<FileStat> FileStore::StatFile(const FileRef& ref) {
  if (!ref.packed()) return env_->Stat(ref.full);
  NIMBUS_LET_OR_RETURN(
      bool held, trunks_.Holds(ref.logic.store_path_index, ref.fields.source_ip,
                               *ref.slot));
  if (!held) return Status::NotFound(ref.logic.ToString() + " is not here");
  FileStat st;
  st.size = static_cast<uint64_t>(ref.fields.EncodedSize());
  st.mtime = ref.fields.create_time;
  return st;
}

Result<std::unique_ptr<RandomRWFile>> FileStore::OpenFile(const FileRef& ref,
                                                          bool around_cache) {
  if (!ref.packed()) {
    return around_cache ? env_->OpenDirectReadFile(ref.full)
                        : env_->OpenRandomRWFile(ref.full, false);
  }
  return trunks_.OpenSlot(
      ref.logic.store_path_index, ref.fields.source_ip, *ref.slot,
      static_cast<uint64_t>(ref.fields.EncodedSize()), around_cache);
}

Result<size_t> FileStore::ReadIfCached(const FileRef& ref, uint64_t offset,
                                       size_t n, char* dst, uint64_t* size) {
  if (!ref.packed()) return env_->ReadIfCached(ref.full, offset, n, dst, size);
  const auto file_size = static_cast<uint64_t>(ref.fields.EncodedSize());
  *size = file_size;
  if (offset >= file_size) return size_t{0};
  n = static_cast<size_t>(std::min<uint64_t>(n, file_size - offset));
  return trunks_.ReadIfCached(ref.logic.store_path_index, ref.fields.source_ip,
                              *ref.slot, offset, n, dst);
}

std::string FileStore::ContentPath(const FileRef& ref) const {
  if (!ref.packed()) return ref.full;
  return trunks_.FilePath(ref.logic.store_path_index, ref.fields.source_ip,
                          ref.slot->id);
}

std::string FileStore::NewTempPath(uint32_t path) {
  return fmt::format("{}/tmp/{}.{}.{:08x}.tmp", paths_[path], pid_,
                     temp_seq_.fetch_add(1), Random());
}

Result<std::unique_ptr<WritableFile>> FileStore::NewReplicaTempFile(
    uint32_t path, uint64_t size, std::string* temp) {
  if (opts_.replica_direct_io_min_bytes > 0 &&
      size >= opts_.replica_direct_io_min_bytes) {
    *temp = NewTempPath(path);
    return env_->NewDirectWritableFile(*temp);
  }
  return NewTempFile(path, size, temp);
}

Result<std::unique_ptr<WritableFile>> FileStore::NewTempFile(
    uint32_t path, uint64_t size, std::string* temp) {
  *temp = NewTempPath(path);
  if (WritesDirect(path, size)) {
    return env_->NewDirectWritableFile(*temp);
  }
  if (std::optional<std::string> spare = spares_[path]->Take(MonotonicMs())) {
    if (env_->RenameFile(*spare, *temp).ok()) {
      auto f = env_->NewAppendableFile(*temp);
      if (f.ok() && (*f)->Size() == 0) return f;
      // Not empty after all, or not openable: not worth diagnosing here.
      f = Status::OK();
      env_->RemoveFile(*temp);
    } else {
      env_->RemoveFile(*spare);
    }
  }
  return env_->NewWritableFile(*temp);
}

SparePool* FileStore::PoolFor(const std::string& full) {
  for (size_t i = 0; i < paths_.size(); ++i) {
    const std::string& p = paths_[i];
    if (full.size() > p.size() && full.compare(0, p.size(), p) == 0 &&
        full[p.size()] == '/') {
      return spares_[i].get();
    }
  }
  return nullptr;
}

uint32_t FileStore::Random() {
  std::lock_guard<std::mutex> lock(mu_);
  return rng_();
}

void FileStore::PickDirs(uint32_t path, uint32_t hash, uint32_t* d1,
                         uint32_t* d2) {
  uint32_t n = static_cast<uint32_t>(opts_.subdir_count_per_path);
  if (opts_.file_distribute_path_mode == 1) {
    *d1 = (hash >> 16) % n;
    *d2 = hash % n;
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t idx = (files_per_path_[path]++ /
                  static_cast<uint64_t>(opts_.file_distribute_rotate_count)) %
                 (static_cast<uint64_t>(n) * n);
  *d1 = static_cast<uint32_t>(idx / n);
  *d2 = static_cast<uint32_t>(idx % n);
}

Status FileStore::EnsureDirs(uint32_t path, uint32_t d1, uint32_t d2) {
  std::string a = fmt::format("{}/data/{:02X}", paths_[path], d1);
  Status s = env_->CreateDirIfMissing(a);
  if (!s.ok()) return s;
  return env_->CreateDirIfMissing(fmt::format("{}/{:02X}", a, d2));
}

Result<proto::LogicName> FileStore::NameNew(
    uint32_t path, const NewFileSpec& spec,
    const std::function<Status(const proto::LogicName&, const std::string&)>&
        put) {
  proto::FileNameFields f;
  f.source_ip = spec.source_ip;
  f.create_time = spec.create_time;
  f.crc32 = spec.crc32;
  for (int attempt = 0; attempt < 16; ++attempt) {
    f.masked_size = proto::MaskFileSize(spec.size, spec.appender, Random());
    proto::LogicName ln;
    ln.store_path_index = path;
    ln.name =
        proto::EncodeNameBase(f) + proto::FormatNameSuffix(spec.ext, Random());
    PickDirs(path, static_cast<uint32_t>(std::hash<std::string>{}(ln.name)),
             &ln.dir1, &ln.dir2);
    Status s = put(ln, paths_[path] + "/" + ln.RelativePath());
    if (s.ok()) return ln;
    if (s.code() != Status::Code::kAlreadyExists) return s;
  }
  return Status::Busy("could not find an unused file name");
}

Result<proto::LogicName> FileStore::CommitNew(uint32_t path,
                                              const std::string& temp,
                                              const NewFileSpec& spec) {
  if (!spec.appender) {
    Status t = env_->SetModTime(temp, spec.create_time);
    if (!t.ok()) return t;
  }
  return NameNew(path, spec,
                 [&](const proto::LogicName& ln, const std::string& full) {
                   Status s = env_->RenameNoReplace(temp, full);
                   if (s.code() != Status::Code::kNotFound) return s;
                   Status d = EnsureDirs(path, ln.dir1, ln.dir2);
                   if (!d.ok()) return d;
                   return env_->RenameNoReplace(temp, full);
                 });
}

Result<proto::LogicName> FileStore::StoreWhole(uint32_t path,
                                               std::string_view data,
                                               const NewFileSpec& spec,
                                               bool sync) {
  return NameNew(path, spec,
                 [&](const proto::LogicName& ln, const std::string& full) {
                   auto file = CreateAt(path, full, ln);
                   if (!file.ok())
                     return file.status();  // AlreadyExists: another name
                   Status s = (*file)->Append(data);
                   if (s.ok() && sync) s = (*file)->Sync();
                   Status closed = (*file)->Close();
                   if (s.ok()) s = closed;
                   if (s.ok() && !spec.appender) {
                     s = env_->SetModTime(full, spec.create_time);
                   }
                   if (s.ok()) return s;
                   env_->RemoveFile(full);
                   // Not a name clash: the write failed, so no other name is
                   // tried.
                   return s.code() == Status::Code::kAlreadyExists
                              ? Status::IOError(s.ToString())
                              : s;
                 });
}

Result<std::unique_ptr<WritableFile>> FileStore::CreateAt(
    uint32_t path, const std::string& full, const proto::LogicName& ln) {
  if (std::optional<std::string> spare = spares_[path]->Take(MonotonicMs())) {
    Status r = env_->RenameNoReplace(*spare, full);
    if (r.code() == Status::Code::kNotFound) {
      Status d = EnsureDirs(path, ln.dir1, ln.dir2);
      if (!d.ok()) return d;
      r = env_->RenameNoReplace(*spare, full);
    }
    if (r.ok()) {
      auto f = env_->NewAppendableFile(full);
      if (f.ok() && (*f)->Size() == 0) return f;
      f = Status::OK();
      env_->RemoveFile(full);
      return env_->NewWritableFile(full);
    }
    env_->RemoveFile(*spare);
    if (r.code() == Status::Code::kAlreadyExists) return r;
  }
  auto f = env_->NewWritableFile(full);
  if (f.ok() || f.status().code() != Status::Code::kNotFound) return f;
  Status d = EnsureDirs(path, ln.dir1, ln.dir2);
  if (!d.ok()) return d;
  return env_->NewWritableFile(full);
}

Status FileStore::CommitAt(const std::string& temp, const std::string& full) {
  Status s = StampCreateTime(temp, full.substr(full.rfind('/') + 1));
  if (!s.ok()) return s;
  return env_->RenameNoReplace(temp, full);
}

Status FileStore::StampCreateTime(const std::string& temp,
                                  std::string_view name) {
  auto f = proto::DecodeNameBase(name);
  if (!f.ok() || f->IsAppender()) return Status::OK();
  return env_->SetModTime(temp, f->create_time);
}

Status FileStore::PlaceReplica(const std::string& temp,
                               const proto::LogicName& ln) {
  auto full = Resolve(ln);
  if (!full.ok()) return full.status();
  Status s = StampCreateTime(temp, ln.name);
  if (!s.ok()) return s;
  s = env_->RenameFile(temp, *full);
  if (s.code() != Status::Code::kNotFound) return s;
  // The directories are made when first needed, not per file.
  s = EnsureDirs(ln.store_path_index, ln.dir1, ln.dir2);
  if (!s.ok()) return s;
  return env_->RenameFile(temp, *full);
}

Status FileStore::ApplyStaged(const std::string& temp, const std::string& full,
                              uint64_t offset, uint64_t length) {
  Status r;
  {
    auto src = env_->OpenRandomRWFile(temp, false);
    auto dst = env_->OpenRandomRWFile(full, true);
    if (!src.ok()) {
      r = src.status();
    } else if (!dst.ok()) {
      r = dst.status();
    } else {
      std::string buf(256 * 1024, '\0');
      for (uint64_t off = 0; r.ok() && off < length;) {
        size_t want =
            static_cast<size_t>(std::min<uint64_t>(length - off, buf.size()));
        auto n = (*src)->Read(off, want, buf.data());
        if (!n.ok()) {
          r = n.status();
          break;
        }
        if (*n != want) {
          r = Status::IOError("staged file shorter than expected");
          break;
        }
        r = (*dst)->Write(offset + off, std::string_view(buf.data(), *n));
        off += *n;
      }
      if (r.ok() && opts_.fsync_after_written_bytes > 0) r = (*dst)->Sync();
    }
  }
  env_->RemoveFile(temp);
  return r;
}

Status FileStore::Delete(const std::string& full) {
  SparePool* pool = PoolFor(full);
  if (pool == nullptr) return env_->RemoveFile(full);
  int64_t now = MonotonicMs();
  Status s = pool->Recycle(full, now);
  if (!s.ok()) return s;
  if (env_->FileExists(full + "-m")) pool->Recycle(full + "-m", now);
  return Status::OK();
}

Status FileStore::Delete(const FileRef& ref) {
  if (!ref.packed()) return Delete(ref.full);
  Status s =
      trunks_.Free(ref.logic.store_path_index, ref.fields.source_ip, *ref.slot);
  if (!s.ok()) return s;
  if (env_->FileExists(ref.full + "-m")) {
    SparePool* pool = PoolFor(ref.full);
    Status m = pool != nullptr ? pool->Recycle(ref.full + "-m", MonotonicMs())
                               : env_->RemoveFile(ref.full + "-m");
    if (!m.ok()) {
      spdlog::warn("metadata of {} not removed: {}", ref.full, m.ToString());
    }
  }
  return Status::OK();
}

Result<std::string> FileStore::ReadMetadata(const FileRef& ref) {
  if (!StatFile(ref).ok()) return Status::NotFound("file does not exist");
  const std::string& full = ref.full;
  std::string meta_path = full + "-m";
  if (!env_->FileExists(meta_path)) return std::string();
  return env_->ReadSmallFile(meta_path, proto::kMaxMetaBytes);
}

Status FileStore::WriteMetadata(const FileRef& ref, char op,
                                std::string_view packed) {
  const std::string& full = ref.full;
  auto update = proto::UnpackMetadata(packed);
  if (!update.ok()) return update.status();
  proto::Metadata result = *update;
  if (op == 'M') {
    auto existing = ReadMetadata(ref);
    if (!existing.ok()) return existing.status();
    auto base = proto::UnpackMetadata(*existing);
    if (!base.ok()) {
      return Status::Corruption("stored metadata of " + full + " is invalid");
    }
    result = proto::MergeMetadata(*base, *update);
  } else if (!StatFile(ref).ok()) {
    return Status::NotFound("file does not exist");
  }
  std::string out = proto::PackMetadata(result);
  if (out.size() > proto::kMaxMetaBytes) {
    return Status::InvalidArgument("merged metadata larger than 64 KiB");
  }
  if (out.empty()) {
    env_->RemoveFile(full + "-m");
    return Status::OK();
  }
  if (ref.packed()) {
    // Nothing else made a packed file's directories.
    Status d =
        EnsureDirs(ref.logic.store_path_index, ref.logic.dir1, ref.logic.dir2);
    if (!d.ok()) return d;
  }
  return env_->WriteFileAtomic(full + "-m", out);
}

Result<uint32_t> FileStore::Crc32Of(const std::string& full, uint64_t limit) {
  auto f = env_->OpenRandomRWFile(full, false);
  if (!f.ok()) return f.status();
  std::string buf(256 * 1024, '\0');
  uint32_t crc = kCrc32Init;
  uint64_t off = 0;
  while (off < limit) {
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(buf.size(), limit - off));
    auto n = (*f)->Read(off, want, buf.data());
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    crc = Crc32(crc, buf.data(), *n);
    off += *n;
  }
  return static_cast<uint32_t>(crc);
}

Result<proto::LogicName> FileStore::RenameToNormal(const std::string& full,
                                                   const proto::LogicName& ln,
                                                   uint32_t source_ip,
                                                   uint32_t now) {
  auto st = env_->Stat(full);
  if (!st.ok()) return st.status();
  auto crc = Crc32Of(full, st->size);
  if (!crc.ok()) return crc.status();
  NewFileSpec spec;
  spec.source_ip = source_ip;
  spec.create_time = now;
  spec.size = static_cast<int64_t>(st->size);
  spec.crc32 = *crc;
  size_t dot = ln.name.find('.');
  if (dot != std::string::npos) spec.ext = ln.name.substr(dot + 1);
  // link(2) the appender's bytes to the new name, then unlink the old one: a
  // crash in between leaves both names, never neither.
  auto fresh = CommitNew(ln.store_path_index, full, spec);
  if (!fresh.ok()) return fresh.status();
  std::string new_full =
      paths_[ln.store_path_index] + "/" + fresh->RelativePath();
  if (env_->FileExists(full + "-m")) {
    Status m = env_->RenameFile(full + "-m", new_full + "-m");
    if (!m.ok())
      spdlog::warn("metadata of {} not moved: {}", full, m.ToString());
  }
  return fresh;
}

std::vector<proto::PathUsage> FileStore::Usage() {
  std::vector<proto::PathUsage> out;
  for (const std::string& p : paths_) {
    auto ds = env_->GetDiskSpace(p);
    out.push_back(ds.ok() ? proto::PathUsage{ds->total_mb, ds->free_mb}
                          : proto::PathUsage{0, 0});
  }
  return out;
}

}  // namespace nimbus::storage
