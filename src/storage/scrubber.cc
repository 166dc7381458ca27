#include "storage/scrubber.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "common/crc32.h"
#include "net/blocking_connection.h"
#include "proto/command.h"
#include "proto/header.h"
#include "proto/storage_messages.h"
#include "storage/storage_server.h"

namespace nimbus::storage {
namespace {

constexpr size_t kChunk = 1 << 20;
// Files the binlog says exist that are missing, remembered during one pass.
// More than this means something other than a few lost files (a wiped store
// path, a wrong store_path setting): report it instead of repairing blindly.
constexpr size_t kMaxMissing = 100000;
constexpr int64_t kRetrySeconds = 5;

int64_t NowSeconds() { return static_cast<int64_t>(std::time(nullptr)); }

bool Before(const BinlogPosition& a, const BinlogPosition& b) {
  return a.file < b.file || (a.file == b.file && a.offset < b.offset);
}

bool Checkable(const proto::LogicName& ln, const proto::FileNameFields& f) {
  return !f.IsAppender() && !ln.IsSlave(f);
}

}  // namespace

Scrubber::Scrubber(StorageServer* server) : server_(server), chunk_(kChunk) {}

Scrubber::~Scrubber() { Stop(); }

void Scrubber::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Scrubber::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scrubber::Suspect(const std::string& logic_name) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (suspects_.size() >= kMaxMissing) return;
    suspects_.insert(logic_name);
  }
  cv_.notify_all();
}

bool Scrubber::stopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_;
}

bool Scrubber::Wait(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms),
               [this] { return stop_ || !suspects_.empty(); });
  return !stop_;
}

void Scrubber::Loop() {
  const StorageOptions& o = server_->options();
  Env* env = server_->env();
  const std::string state = server_->sync_dir() + "/scrub_state";
  int64_t last = 0;
  auto saved = env->ReadSmallFile(state, 32);
  if (saved.ok()) {
    last = std::atoll(saved->c_str());
  } else {
    // A new server has nothing to check yet: the first pass is one
    // interval away.
    last = NowSeconds();
    env->WriteFileAtomic(state, fmt::format("{}\n", last));
  }
  int64_t last_retry = NowSeconds();
  while (!stopping()) {
    if (NowSeconds() >= last_retry + kRetrySeconds) {
      last_retry = NowSeconds();
      std::lock_guard<std::mutex> lock(mu_);
      suspects_.merge(retry_);
      retry_.clear();
    }
    RepairSuspects();
    if (o.scrub_interval_s > 0 && NowSeconds() >= last + o.scrub_interval_s) {
      Pass();
      if (stopping()) return;
      last = NowSeconds();
      Status s = env->WriteFileAtomic(state, fmt::format("{}\n", last));
      if (!s.ok()) spdlog::warn("scrub: cannot save state: {}", s.ToString());
      continue;
    }
    if (!Wait(1000)) return;
  }
}

void Scrubber::Pass() {
  const ScrubCounters& c = counters_;
  int64_t files = c.files_checked.load(), corrupt = c.corrupt_found.load(),
          missing = c.missing_found.load(), repaired = c.repaired.load();
  auto started = std::chrono::steady_clock::now();
  BinlogPosition end = server_->binlog().end();
  window_start_ = started;
  window_bytes_ = 0;
  for (uint32_t p = 0; p < server_->store().path_count() && !stopping(); ++p) {
    CheckStorePath(p);
  }
  if (!stopping()) FindMissing(end);
  if (stopping()) return;
  counters_.passes.fetch_add(1);
  spdlog::info(
      "scrub pass done in {:.1f} s: {} files checked, {} corrupt, {} "
      "missing, {} repaired",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count(),
      c.files_checked.load() - files, c.corrupt_found.load() - corrupt,
      c.missing_found.load() - missing, c.repaired.load() - repaired);
}

void Scrubber::Throttle(int64_t bytes) {
  const int64_t rate = server_->options().scrub_bytes_per_second;
  if (rate <= 0) return;
  window_bytes_ += bytes;
  auto due =
      window_start_ + std::chrono::milliseconds(window_bytes_ * 1000 / rate);
  auto now = std::chrono::steady_clock::now();
  if (due > now) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_until(lock, due, [this] { return stop_; });
  }
}

Status Scrubber::Check(const FileRef& ref) {
  const std::string& full = ref.full;
  const proto::FileNameFields& f = ref.fields;
  // Read around the page cache: a pass checks what the disk holds and
  // leaves the cache alone.
  auto file = server_->store().OpenFile(ref, /*around_cache=*/true);
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  if (static_cast<int64_t>(*size) != f.EncodedSize()) {
    return Status::Corruption(fmt::format("{} has {} bytes, its name says {}",
                                          full, *size, f.EncodedSize()));
  }
  uint32_t crc = kCrc32Init;
  uint64_t off = 0;
  while (off < *size) {
    if (stopping()) return Status::Unavailable("stopping");
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(*size - off, chunk_.size()));
    auto n = (*file)->Read(off, want, chunk_.data());
    if (!n.ok()) return n.status();
    if (*n != want) return Status::Corruption(full + " shrank while read");
    crc = Crc32(crc, chunk_.data(), *n);
    off += *n;
    counters_.bytes_checked.fetch_add(static_cast<int64_t>(*n));
    Throttle(static_cast<int64_t>(*n));
  }
  counters_.files_checked.fetch_add(1);
  if (static_cast<uint32_t>(crc) != f.crc32) {
    return Status::Corruption(
        fmt::format("{} has CRC32 {:08x}, its name says "
                    "{:08x}",
                    full, static_cast<uint32_t>(crc), f.crc32));
  }
  return Status::OK();
}

void Scrubber::CheckStorePath(uint32_t path) {
  Env* env = server_->env();
  const int subdirs = server_->options().subdir_count_per_path;
  const std::string root = server_->store().path(path) + "/data";
  for (int d1 = 0; d1 < subdirs && !stopping(); ++d1) {
    for (int d2 = 0; d2 < subdirs && !stopping(); ++d2) {
      std::string dir = fmt::format("{}/{:02X}/{:02X}", root, d1, d2);
      auto names = env->GetChildren(dir);
      if (!names.ok()) continue;  // not created yet
      for (const std::string& name : *names) {
        if (stopping()) return;
        auto ln = proto::ParseLogicName(
            fmt::format("M{:02X}/{:02X}/{:02X}/{}", path, d1, d2, name));
        if (!ln.ok()) continue;  // metadata, or not a stored file
        auto f = proto::DecodeNameBase(ln->name);
        if (!f.ok() || !Checkable(*ln, *f)) continue;
        FileRef ref{*ln, *f, dir + "/" + name, std::nullopt};
        Status s = Check(ref);
        if (s.code() == Status::Code::kCorruption) {
          // A small upload is written straight under its name
          // (FileStore::StoreWhole): one caught between its create and its
          // write reads as damaged for a moment. Damage stays.
          if (!Wait(kRecheckMs)) return;
          s = Check(ref);
        }
        if (s.code() == Status::Code::kCorruption) {
          counters_.corrupt_found.fetch_add(1);
          spdlog::error("scrub: {}", s.ToString());
          if (!Repair(*ln, "corrupt")) {
            std::lock_guard<std::mutex> lock(mu_);
            retry_.insert(ln->ToString());
          }
        } else if (!s.ok() && !s.IsNotFound() &&
                   s.code() != Status::Code::kUnavailable) {
          spdlog::warn("scrub: cannot check {}/{}: {}", dir, name,
                       s.ToString());
        }
      }
    }
  }
}

void Scrubber::FindMissing(const BinlogPosition& end) {
  Env* env = server_->env();
  FileStore& store = server_->store();
  BinlogReader reader(env, server_->sync_dir(), BinlogPosition{});
  std::set<std::string> missing;
  auto absent = [&](const std::string& name) {
    auto ln = proto::ParseLogicName(name);
    if (!ln.ok()) return false;
    auto ref = store.Locate(*ln);
    return ref.ok() && store.StatFile(*ref).status().IsNotFound();
  };
  // Packed files are not in data/, so CheckStorePath does not see them:
  // each one still here is checked as the binlog names it.
  auto check_packed = [&](const std::string& name) {
    auto ln = proto::ParseLogicName(name);
    if (!ln.ok()) return;
    auto ref = store.Locate(*ln);
    if (!ref.ok() || !ref->packed()) return;
    Status s = Check(*ref);
    if (s.code() == Status::Code::kCorruption &&
        !store.StatFile(*ref).status().IsNotFound()) {
      counters_.corrupt_found.fetch_add(1);
      spdlog::error("scrub: {}", s.ToString());
      if (!Repair(*ln, "corrupt")) {
        std::lock_guard<std::mutex> lock(mu_);
        retry_.insert(name);
      }
    }
  };
  while (Before(reader.position(), end)) {
    if (stopping()) return;
    auto r = reader.Next();
    if (!r.ok()) break;
    switch (r->op | 0x20) {  // lower case: origin does not matter here
      case 'c':
        if (absent(r->name)) {
          missing.insert(r->name);
        } else {
          check_packed(r->name);
        }
        break;
      case 'd':
        missing.erase(r->name);
        break;
      case 'r':
        missing.erase(r->old_name);
        if (absent(r->name)) missing.insert(r->name);
        break;
      default:
        break;
    }
    if (missing.size() > kMaxMissing) {
      spdlog::error(
          "scrub: more than {} files named in the binlog are missing; is a "
          "store path unmounted? Not repairing them automatically",
          kMaxMissing);
      return;
    }
  }
  for (const std::string& name : missing) {
    if (stopping()) return;
    if (!absent(name)) continue;  // arrived meanwhile
    counters_.missing_found.fetch_add(1);
    spdlog::error("scrub: {} is missing", name);
    Repair(*proto::ParseLogicName(name), "missing");
  }
}

void Scrubber::RepairSuspects() {
  std::set<std::string> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(suspects_);
  }
  for (const std::string& name : batch) {
    if (stopping()) return;
    auto ln = proto::ParseLogicName(name);
    if (!ln.ok()) continue;
    auto ref = server_->store().Locate(*ln);
    if (!ref.ok()) continue;
    Status s = Checkable(*ln, ref->fields) ? Check(*ref) : Status::OK();
    if (s.code() == Status::Code::kCorruption) {
      counters_.corrupt_found.fetch_add(1);
      spdlog::error("scrub: {}", s.ToString());
      if (!Repair(*ln, "corrupt")) {
        std::lock_guard<std::mutex> lock(mu_);
        retry_.insert(name);
      }
    }
  }
}

bool Scrubber::Repair(const proto::LogicName& ln, const char* why) {
  auto full = server_->store().Resolve(ln);
  auto fields = proto::DecodeNameBase(ln.name);
  if (!full.ok() || !fields.ok()) return false;
  // Serialised with client updates and deletes of the same file.
  if (!server_->TryMarkBusy(*full)) return false;
  // A copy checked against its name may come from any member; one that
  // cannot be checked only from a member known to be complete.
  Status s = Status::Unavailable("no peer to repair from");
  for (const std::string& ip : server_->Peers(!Checkable(ln, *fields))) {
    s = FetchFrom(ip, ln, *full);
    if (s.ok()) break;
    spdlog::warn("scrub: cannot repair {} from {}: {}", ln.ToString(), ip,
                 s.ToString());
  }
  server_->ClearBusy(*full);
  if (s.ok()) {
    counters_.repaired.fetch_add(1);
    spdlog::info("scrub: repaired {} file {}", why, ln.ToString());
  } else {
    counters_.repair_failed.fetch_add(1);
    spdlog::error("scrub: {} file {} not repaired: {}", why, ln.ToString(),
                  s.ToString());
  }
  return s.ok();
}

Status Scrubber::FetchFrom(const std::string& ip, const proto::LogicName& ln,
                           const std::string& full) {
  const StorageOptions& o = server_->options();
  Env* env = server_->env();
  FileStore& store = server_->store();
  auto fields = proto::DecodeNameBase(ln.name);
  if (!fields.ok()) return fields.status();
  const bool checkable = Checkable(ln, *fields);
  BinlogPosition from = server_->binlog().end();

  auto conn = net::BlockingConnection::Connect(
      ip, server_->port(), std::chrono::seconds(o.connect_timeout_s),
      std::chrono::seconds(o.network_timeout_s));
  if (!conn.ok()) return conn.status();
  std::string body =
      proto::EncodeDownloadRequest({0, 0, o.group_name, ln.ToString()});
  std::string frame;
  proto::AppendHeader(&frame, static_cast<int64_t>(body.size()),
                      proto::kDownloadFile);
  Status s = (*conn)->Write2(frame, body);
  if (!s.ok()) return s;
  char h[proto::kHeaderSize];
  s = (*conn)->ReadExact(h, sizeof(h));
  if (!s.ok()) return s;
  proto::Header hdr = proto::DecodeHeader(h);
  if (hdr.status != 0) {
    return Status::FromErrno(hdr.status, "peer answered");
  }
  if (hdr.pkg_len < 0 || (checkable && hdr.pkg_len != fields->EncodedSize())) {
    return Status::Corruption(
        fmt::format("peer sent {} bytes for {}", hdr.pkg_len, ln.ToString()));
  }
  s = store.CheckSpace(ln.store_path_index, hdr.pkg_len);
  if (!s.ok()) return s;
  // A delete or rename of the file while it was fetched wins: the copy
  // must not bring it back.
  auto deleted_meanwhile = [&]() -> Status {
    BinlogReader since(env, server_->sync_dir(), from);
    for (auto r = since.Next(); r.ok(); r = since.Next()) {
      char op = static_cast<char>(r->op | 0x20);
      if ((op == 'd' && r->name == ln.ToString()) ||
          (op == 'r' && r->old_name == ln.ToString())) {
        return Status::NotFound("deleted while being repaired");
      }
    }
    return Status::OK();
  };
  auto ref = store.Locate(ln);
  if (!ref.ok()) return ref.status();
  if (ref->packed()) {
    // Small by construction (the name's size was checked above).
    if (hdr.pkg_len > static_cast<int64_t>(TrunkStore::kMaxFileSize)) {
      return Status::Corruption("packed file larger than any slot");
    }
    std::string data(static_cast<size_t>(hdr.pkg_len), '\0');
    s = (*conn)->ReadExact(data.data(), data.size());
    if (!s.ok()) return s;
    if (Crc32(kCrc32Init, data.data(), data.size()) != fields->crc32) {
      return Status::Corruption("the peer's copy is damaged too");
    }
    s = deleted_meanwhile();
    if (s.ok()) s = store.PlacePackedReplica(*ref, data);
    if (s.ok() && o.durability != Durability::kNone) {
      s = env->SyncPath(store.ContentPath(*ref));
    }
    return s;
  }
  std::string temp;
  auto file = store.NewTempFile(ln.store_path_index,
                                static_cast<uint64_t>(hdr.pkg_len), &temp);
  if (!file.ok()) return file.status();
  uint32_t crc = kCrc32Init;
  int64_t left = hdr.pkg_len;
  while (s.ok() && left > 0) {
    size_t n = static_cast<size_t>(
        std::min<int64_t>(left, static_cast<int64_t>(kChunk)));
    s = (*conn)->ReadExact(chunk_.data(), n);
    if (!s.ok()) break;
    crc = Crc32(crc, chunk_.data(), n);
    s = (*file)->Append(std::string_view(chunk_.data(), n));
    left -= static_cast<int64_t>(n);
  }
  if (s.ok() && o.durability != Durability::kNone) s = (*file)->Sync();
  Status closed = (*file)->Close();
  if (s.ok()) s = closed;
  if (s.ok() && checkable && static_cast<uint32_t>(crc) != fields->crc32) {
    s = Status::Corruption("the peer's copy is damaged too");
  }
  if (s.ok()) s = deleted_meanwhile();
  if (s.ok()) s = store.PlaceReplica(temp, ln);
  if (!s.ok()) {
    env->RemoveFile(temp);
    return s;
  }
  if (o.durability != Durability::kNone) {
    s = env->SyncPath(full.substr(0, full.rfind('/')));
  }
  return s;
}

}  // namespace nimbus::storage
