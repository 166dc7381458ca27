// StorageServer: the receiving side of replication (SYNC_* commands from
// peers of the same group) and the bookkeeping of this server's SyncWorkers.
// Split from storage_server.cc to keep each file to one concern; same class.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <asio/experimental/as_tuple.hpp>
#include <ctime>

#include "common/crc32.h"
#include "net/timed_io.h"
#include "proto/constants.h"
#include "proto/storage_ids.h"
#include "proto/sync_messages.h"
#include "storage/orphan_scan.h"
#include "storage/storage_server.h"
#include "storage/storage_server_internal.h"
#include "storage/sync_worker.h"

namespace nimbus::storage {

Status StorageServer::AdoptOrphans() {
  auto clean = OrphanScan::TakeCleanStop(env_, sync_dir_, binlog_->end());
  if (!clean.ok()) return clean.status();
  if (*clean) {
    spdlog::info(
        "stopped cleanly at binlog {} offset {}: no unlogged files "
        "to look for",
        binlog_->end().file, binlog_->end().offset);
    return Status::OK();
  }
  auto tail = OrphanScan::ReadTail(env_, sync_dir_, binlog_->end());
  if (!tail.ok()) {
    spdlog::warn("cannot read the binlog's end: {}", tail.status().ToString());
    return Status::OK();
  }
  auto orphans =
      OrphanScan::Find(env_, store_, opts_.subdir_count_per_path, *tail);
  if (!orphans.ok()) {
    spdlog::warn("cannot look for files a crash left unlogged: {}",
                 orphans.status().ToString());
    return Status::OK();
  }
  for (const std::string& name : orphans->torn) {
    auto ln = proto::ParseLogicName(name);
    auto full =
        ln.ok() ? store_.Resolve(*ln) : Result<std::string>(ln.status());
    Status s = full.ok() ? store_.Delete(*full) : full.status();
    if (s.ok()) {
      spdlog::warn(
          "{} was cut short by a crash before it was logged or "
          "acknowledged: removed",
          name);
    } else {
      spdlog::error("cannot remove {}, cut short by a crash: {}", name,
                    s.ToString());
    }
  }
  for (const std::string& name : orphans->whole) {
    Status s = AppendBinlog('C', name);
    if (s.ok()) {
      spdlog::warn(
          "{} was placed before a crash without its binlog record; "
          "logged now so that the group's other storages get it",
          name);
    } else {
      spdlog::error("cannot log {}: {}", name, s.ToString());
    }
  }
  return Status::OK();
}

void StorageServer::MarkCleanStop() {
  if (!binlog_) return;  // never started
  Status s = binlog_->Sync();
  if (s.ok()) s = OrphanScan::MarkCleanStop(env_, sync_dir_, binlog_->end());
  if (!s.ok()) {
    spdlog::warn(
        "cannot record the clean stop ({}): the next start looks "
        "for unlogged files",
        s.ToString());
  }
}

Status StorageServer::AppendBinlog(char op, const std::string& name, int64_t a,
                                   int64_t b, const std::string& old_name) {
  BinlogRecord r;
  r.timestamp = static_cast<int64_t>(std::time(nullptr));
  r.op = op;
  r.name = name;
  r.a = a;
  r.b = b;
  r.old_name = old_name;
  Status s = binlog_->Append(r);
  if (!s.ok()) {
    spdlog::error("binlog append failed: {}", s.ToString());
    return s;
  }
  if (!r.replicated()) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [ip, w] : workers_) w->Wake();
  }
  return s;
}

int StorageServer::ActivePeerCount() const {
  return static_cast<int>(Peers(true).size());
}

Status StorageServer::CheckReplicasAvailable() const {
  if (opts_.sync_replicas == 0 ||
      opts_.sync_replicas_policy != SyncReplicasPolicy::kFail) {
    return Status::OK();
  }
  int n = ActivePeerCount();
  if (n >= opts_.sync_replicas) return Status::OK();
  return Status::Unavailable(
      fmt::format("sync_replicas = {} but only {} peer(s) are ACTIVE",
                  opts_.sync_replicas, n));
}

asio::awaitable<Status> StorageServer::WaitReplicated(uint64_t pos) {
  const int k = opts_.sync_replicas;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(opts_.sync_replicas_timeout_ms);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  int have = 0, active = 0;
  for (;;) {
    have = 0;
    active = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [ip, w] : workers_) {
        if (w->peer_state() !=
            static_cast<uint8_t>(proto::StorageState::kActive)) {
          continue;
        }
        ++active;
        if (w->pushed() >= pos) ++have;
      }
    }
    if (have >= k) co_return Status::OK();
    // Under degrade, the replicas that can exist are enough.
    if (opts_.sync_replicas_policy == SyncReplicasPolicy::kDegrade &&
        have >= active) {
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    timer.expires_after(std::chrono::microseconds(500));
    co_await timer.async_wait(
        asio::experimental::as_tuple(asio::use_awaitable));
  }
  if (opts_.sync_replicas_policy == SyncReplicasPolicy::kDegrade) {
    sync_degraded_.fetch_add(1);
    spdlog::warn("sync_replicas = {}: acknowledged with {} replica(s)", k,
                 have);
    co_return Status::OK();
  }
  co_return Status::TimedOut(
      fmt::format("sync_replicas = {}: only {} peer(s) confirmed within {} ms",
                  k, have, opts_.sync_replicas_timeout_ms));
}

asio::awaitable<void> StorageServer::RollBack(const FileRef& ref) {
  const std::string logic_name = ref.logic.ToString();
  Status s = co_await disks_[ref.logic.store_path_index]->Run([&]() -> Status {
    Status r = store_.Delete(ref);
    return r.ok() ? AppendBinlog('D', logic_name) : r;
  });
  if (!s.ok()) {
    spdlog::error("cannot roll back {}: {}", logic_name, s.ToString());
  }
}

void StorageServer::UpdatePeers(const std::vector<proto::StorageStat>& members,
                                const std::string& self_ip) {
  std::lock_guard<std::mutex> lock(mu_);
  // A joining peer's source is listed by its storage id under
  // use_storage_id, by its address otherwise.
  std::string self_id = self_ip;
  for (const proto::StorageStat& m : members) {
    uint32_t number = 0;
    if (m.id != m.ip && proto::IsNumericId(m.id, &number)) {
      id_addresses_[number] = m.ip;
    }
    if (m.ip == self_ip && !m.id.empty()) self_id = m.id;
  }
  auto my_copy = [&](const proto::StorageStat& m) {
    return m.src_id == self_ip || m.src_id == self_id;
  };
  for (const proto::StorageStat& m : members) {
    if (m.ip == self_ip) continue;
    auto it = workers_.find(m.ip);
    if (m.status == static_cast<uint8_t>(proto::StorageState::kDeleted)) {
      if (deleted_peers_.insert(m.ip).second) {
        spdlog::warn("group peer {} was deleted; replication to it stops",
                     m.ip);
      }
      if (it != workers_.end()) {
        it->second->Stop();
        retired_.push_back(std::move(it->second));
        workers_.erase(it);
      }
      // On every listing: a stopping worker may still save its mark once,
      // and a server that was down when the peer was deleted kept it. A
      // stale mark would let a storage that later joins under this address
      // miss the records before it that its full copy did not bring.
      ForgetMark(m.ip);
      continue;
    }
    if (deleted_peers_.contains(m.ip)) {
      // Another tracker that was not told of the deletion still lists it
      // as it last saw it; only its return (it joins again) counts.
      if (m.status == static_cast<uint8_t>(proto::StorageState::kOffline)) {
        continue;
      }
      deleted_peers_.erase(m.ip);
    }
    if (it == workers_.end()) {
      spdlog::info("group peer {} found; starting sync worker", m.ip);
      auto w = std::make_unique<SyncWorker>(this, io_, m.ip, server_.port());
      w->SetPeerState(m.status, my_copy(m));
      w->Start();
      workers_[m.ip] = std::move(w);
    } else {
      it->second->SetPeerState(m.status, my_copy(m));
    }
  }
}

void StorageServer::ForgetMark(const std::string& peer_ip) {
  const std::string mark = sync_dir_ + "/" + peer_ip + ".mark";
  if (!env_->FileExists(mark)) return;
  Status s = env_->RemoveFile(mark);
  if (!s.ok()) spdlog::warn("cannot remove {}: {}", mark, s.ToString());
}

void StorageServer::ApplyPeerRenames(
    const std::vector<std::pair<std::string, std::string>>& renames,
    const std::string& self_ip) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [old_ip, new_ip] : renames) {
    if (old_ip != new_ip) renamed_[old_ip] = new_ip;
    auto it = workers_.find(old_ip);
    if (it == workers_.end() || old_ip == self_ip || new_ip == self_ip ||
        workers_.count(new_ip) != 0) {
      continue;
    }
    it->second->Stop();
    retired_.push_back(std::move(it->second));
    workers_.erase(it);
    const std::string from = sync_dir_ + "/" + old_ip + ".mark";
    const std::string to = sync_dir_ + "/" + new_ip + ".mark";
    if (env_->FileExists(from) && !env_->FileExists(to)) {
      Status s = env_->RenameFile(from, to);
      if (!s.ok()) spdlog::warn("cannot move {}: {}", from, s.ToString());
    }
    spdlog::info("group peer {} is now {}; its sync progress moves with it",
                 old_ip, new_ip);
  }
}

std::vector<std::string> StorageServer::FinishedFullCopies() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [ip, w] : workers_) {
    if (w->full_copy_done()) out.push_back(ip);
  }
  return out;
}

uint8_t StorageServer::LoadOwnState() const {
  auto text = env_->ReadSmallFile(sync_dir_ + "/storage_state", 16);
  if (!text.ok()) return 0;
  return static_cast<uint8_t>(std::atoi(text->c_str()));
}

void StorageServer::SaveOwnState(uint8_t state) {
  if (LoadOwnState() == state) return;
  Status s = env_->WriteFileAtomic(sync_dir_ + "/storage_state",
                                   std::to_string(state) + "\n");
  if (!s.ok()) spdlog::warn("cannot save storage state: {}", s.ToString());
}

std::vector<std::string> StorageServer::Peers(bool active_only) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [ip, w] : workers_) {
    if (!active_only ||
        w->peer_state() == static_cast<uint8_t>(proto::StorageState::kActive))
      out.push_back(ip);
  }
  return out;
}

std::optional<std::string> StorageServer::UpdateSource(
    uint32_t source_ip) const {
  std::string ip = SourceAddress(source_ip);
  std::lock_guard<std::mutex> lock(mu_);
  // Bounded: a chain of address changes cannot loop forever.
  for (int hops = 0; hops < 16 && !workers_.contains(ip); ++hops) {
    auto r = renamed_.find(ip);
    if (r == renamed_.end()) break;
    ip = r->second;
  }
  auto it = workers_.find(ip);
  if (it == workers_.end() ||
      it->second->peer_state() !=
          static_cast<uint8_t>(proto::StorageState::kActive)) {
    return std::nullopt;
  }
  return ip;
}

bool StorageServer::IsPeer(const std::string& ip) const {
  std::lock_guard<std::mutex> lock(mu_);
  return workers_.contains(ip);
}

std::vector<proto::SyncProgress> StorageServer::SyncProgress() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<proto::SyncProgress> out;
  for (const auto& [ip, w] : workers_) {
    out.push_back({ip, w->synced_until()});
  }
  return out;
}

void StorageServer::AddSyncOutBytes(int64_t n, bool ok) {
  AddCounter(proto::kTotalSyncOutBytes, n);
  if (ok) AddCounter(proto::kSuccessSyncOutBytes, n);
}

asio::awaitable<Status> StorageServer::HandleSyncCreate(Conn& c,
                                                        std::string_view prefix,
                                                        uint8_t) {
  int64_t pkg_len = c.remaining + static_cast<int64_t>(prefix.size());
  auto p = proto::DecodeSyncCreatePrefix(prefix, pkg_len);
  if (!p.ok()) {
    c.close = true;
    co_return p.status();
  }
  std::string name;
  Status got_name = co_await ReadName(c, p->name_len, &name);
  if (!got_name.ok()) co_return got_name;
  if (!IsPeer(c.peer_ip)) {
    co_return Status::Permission(c.peer_ip + " is not a peer of this group");
  }
  auto t = ResolveTarget(p->group, name);
  if (!t.ok()) co_return t.status();
  uint32_t path = t->logic.store_path_index;
  DiskExecutor& disk = *disks_[path];
  if (t->fields.IsAppender()) {
    // A create sent again (the sender restarted from its last saved mark,
    // or a full copy was resumed) must not replace a copy that has changed
    // since: appends applied here while the source was offline would be
    // lost. The records after the create, sent again too, bring an existing
    // copy up to date, so the content is read and dropped.
    bool exists = false;
    co_await disk.Run([&] {
      exists = env_->FileExists(t->full);
      return Status::OK();
    });
    if (exists) {
      GrowChunk(c, static_cast<uint64_t>(p->file_size));
      co_return co_await DiscardContent(c);
    }
  }
  std::unique_ptr<WritableFile> file;
  std::string temp;
  auto open = [&]() -> Status {
    auto f = store_.NewReplicaTempFile(
        path, static_cast<uint64_t>(p->file_size), &temp);
    if (!f.ok()) return f.status();
    file = std::move(*f);
    return Status::OK();
  };
  uint32_t crc = kCrc32Init;
  // A normal file's name carries its size and CRC32: a replica that does not
  // match was damaged on the way and is refused.
  bool checkable = !t->fields.IsAppender() && !t->logic.IsSlave(t->fields);
  // Closes the received temp file and puts it in place (received = how the
  // transfer went); on any failure the temp file is removed.
  auto place = [&](Status received) -> Status {
    Status r = received;
    Status closed = file->Close();
    if (r.ok()) r = closed;
    if (r.ok() && checkable &&
        (t->fields.EncodedSize() != p->file_size || t->fields.crc32 != crc)) {
      r = Status::Corruption(fmt::format(
          "replica of {} does not match its name (crc {:08x}, size {})", name,
          crc, p->file_size));
    }
    if (r.ok()) r = store_.PlaceReplica(temp, t->logic);
    if (!r.ok()) {
      env_->RemoveFile(temp);
      return r;
    }
    return AppendBinlog('c', t->logic.ToString());
  };
  Status done;
  // Under group commit a small replica is answered from the committer's
  // thread, as a small upload is (HandleUpload), unless the peer's next
  // request is already here: then the loop holds the reply and one flush
  // answers several (Conn::held). Decided once the content is in.
  bool commit_here = false;
  auto answer_from_committer = [&] {
    return opts_.durability == Durability::kGroupCommit && c.held.empty() &&
           !MoreWaiting(c);
  };
  bool answered = false;
  auto count_in = [this, size = p->file_size](bool ok) {
    AddCounter(proto::kTotalSyncInBytes, size);
    if (ok) AddCounter(proto::kSuccessSyncInBytes, size);
    counters_[proto::kLastSyncUpdate].store(
        static_cast<int64_t>(std::time(nullptr)));
  };
  // Runs `apply` on the disk thread; answers there once durable if it can.
  auto apply_small = [&](auto apply) {
    return disk.RunThen([&, apply](std::function<void(Status)> finish) {
      Status r = apply();
      if (!r.ok() || !commit_here) return finish(r);
      AnswerWhenDurable(
          c, t->logic.store_path_index, [&] { count_in(true); }, &answered,
          std::move(finish));
    });
  };
  GrowChunk(c, static_cast<uint64_t>(p->file_size));
  if (t->packed()) {
    // A packed file goes to the same slot of this server's copy of its
    // trunk file; it is small (slot_max_size), so it is received whole.
    if (p->file_size != t->fields.EncodedSize() ||
        p->file_size > static_cast<int64_t>(TrunkStore::kMaxFileSize)) {
      c.close = true;
      co_return Status::InvalidArgument(
          fmt::format("replica of {} has {} bytes, its name says {}", name,
                      p->file_size, t->fields.EncodedSize()));
    }
    size_t n = static_cast<size_t>(p->file_size);
    if (n > c.chunk.size()) c.chunk.resize(n);
    Status received = co_await ReceiveWhole(c, n);
    if (!received.ok()) co_return received;
    commit_here = answer_from_committer();
    done = co_await apply_small([&]() -> Status {
      const std::string_view data(c.chunk.data(), n);
      if (Crc32(kCrc32Init, data.data(), n) != t->fields.crc32) {
        return Status::Corruption(
            fmt::format("replica of {} does not match its name's CRC32", name));
      }
      Status r = store_.PlacePackedReplica(*t, data);
      if (!r.ok()) return r;
      return AppendBinlog('c', t->logic.ToString());
    });
    if (answered) co_return Status::OK();
    if (done.ok()) ChangedFile(c, *t, true, false);
  } else if (p->file_size <= static_cast<int64_t>(c.chunk.size())) {
    // A small file, as in HandleUpload: received whole, then one trip to the
    // disk thread instead of three.
    size_t n = static_cast<size_t>(p->file_size);
    Status received = co_await ReceiveWhole(c, n);
    if (!received.ok()) co_return received;
    commit_here = answer_from_committer();
    done = co_await apply_small([&]() -> Status {
      Status o = open();
      if (!o.ok()) return o;
      crc = Crc32(crc, c.chunk.data(), n);
      return place(file->Append(std::string_view(c.chunk.data(), n)));
    });
    if (answered) co_return Status::OK();
  } else {
    Status s = co_await disk.Run(open);
    if (!s.ok()) co_return s;
    s = co_await ReceiveInto(c, disk, file.get(), p->file_size, &crc);
    done = co_await disk.Run([&]() -> Status { return place(s); });
  }
  if (done.ok() && !t->packed()) {
    Changed(c, t->logic.store_path_index, t->full, true, true);
  }
  count_in(done.ok());
  co_return done;
}

asio::awaitable<Status> StorageServer::HandleSyncWrite(Conn& c,
                                                       std::string_view prefix,
                                                       uint8_t) {
  int64_t pkg_len = c.remaining + static_cast<int64_t>(prefix.size());
  auto p = proto::DecodeSyncWritePrefix(prefix, pkg_len);
  if (!p.ok()) {
    c.close = true;
    co_return p.status();
  }
  std::string name;
  Status got_name = co_await ReadName(c, p->name_len, &name);
  if (!got_name.ok()) co_return got_name;
  if (!IsPeer(c.peer_ip)) {
    co_return Status::Permission(c.peer_ip + " is not a peer of this group");
  }
  auto t = ResolveTarget(p->group, name);
  if (!t.ok()) co_return t.status();
  if (!t->fields.IsAppender()) {
    co_return Status::InvalidArgument("not an appender file");
  }
  BusyGuard guard(this, t->full);
  if (!guard.held()) co_return Status::Busy("file is being updated");
  uint32_t path = t->logic.store_path_index;
  DiskExecutor& disk = *disks_[path];
  // Staged in tmp/ and applied with pwrite at the offset: applying the same
  // change twice leaves the same bytes.
  std::unique_ptr<WritableFile> staged;
  std::string temp;
  Status s = co_await disk.Run([&]() -> Status {
    if (!env_->FileExists(t->full)) return Status::NotFound("no such file");
    auto f = store_.NewTempFile(path, static_cast<uint64_t>(p->length), &temp);
    if (!f.ok()) return f.status();
    staged = std::move(*f);
    return Status::OK();
  });
  if (!s.ok()) co_return s;
  s = co_await ReceiveInto(c, disk, staged.get(), p->length, nullptr);
  const char op = c.cmd == proto::kSyncAppendFile ? 'a' : 'm';
  s = co_await disk.Run([&]() -> Status {
    Status r = s;
    Status closed = staged->Close();
    if (r.ok()) r = closed;
    if (r.ok()) {
      r = store_.ApplyStaged(temp, t->full, static_cast<uint64_t>(p->offset),
                             static_cast<uint64_t>(p->length));
    } else {
      env_->RemoveFile(temp);
    }
    if (r.ok()) r = AppendBinlog(op, t->logic.ToString(), p->offset, p->length);
    return r;
  });
  if (s.ok()) Changed(c, path, t->full, true, false);
  AddCounter(proto::kTotalSyncInBytes, p->length);
  if (s.ok()) AddCounter(proto::kSuccessSyncInBytes, p->length);
  co_return s;
}

asio::awaitable<Status> StorageServer::HandleSyncDelete(Conn& c,
                                                        std::string_view body,
                                                        uint8_t) {
  if (!IsPeer(c.peer_ip)) {
    co_return Status::Permission(c.peer_ip + " is not a peer of this group");
  }
  auto m = proto::DecodeSyncDelete(body);
  if (!m.ok()) co_return m.status();
  auto t = ResolveTarget(m->group, m->name);
  if (!t.ok()) co_return t.status();
  BusyGuard guard(this, t->full);
  if (!guard.held()) co_return Status::Busy("file is being updated");
  ChangedFile(c, *t, false, true);
  co_return co_await disks_[t->logic.store_path_index]->Run([&]() -> Status {
    Status r = store_.Delete(*t);
    // Already gone is harmless, and still logged: a repair of the file in
    // flight (Scrubber) must see that it was deleted.
    if (!r.ok() && !r.IsNotFound()) return r;
    return AppendBinlog('d', t->logic.ToString());
  });
}

asio::awaitable<Status> StorageServer::HandleSyncMetadata(Conn& c,
                                                          std::string_view body,
                                                          uint8_t) {
  if (!IsPeer(c.peer_ip)) {
    co_return Status::Permission(c.peer_ip + " is not a peer of this group");
  }
  auto m = proto::DecodeSyncMetadata(body);
  if (!m.ok()) co_return m.status();
  auto t = ResolveTarget(m->group, m->name);
  if (!t.ok()) co_return t.status();
  Changed(c, t->logic.store_path_index, t->full, false, true);
  co_return co_await disks_[t->logic.store_path_index]->Run([&]() -> Status {
    Status r = store_.WriteMetadata(*t, 'O', m->extra);
    if (r.IsNotFound()) return Status::OK();  // deleted since: harmless
    if (!r.ok()) return r;
    return AppendBinlog('u', t->logic.ToString());
  });
}

asio::awaitable<Status> StorageServer::HandleSyncTruncate(Conn& c,
                                                          std::string_view body,
                                                          uint8_t) {
  if (!IsPeer(c.peer_ip)) {
    co_return Status::Permission(c.peer_ip + " is not a peer of this group");
  }
  auto m = proto::DecodeSyncTruncate(body);
  if (!m.ok()) co_return m.status();
  auto t = ResolveTarget(m->group, m->name);
  if (!t.ok()) co_return t.status();
  if (!t->fields.IsAppender()) {
    co_return Status::InvalidArgument("not an appender file");
  }
  Changed(c, t->logic.store_path_index, t->full, true, false);
  co_return co_await disks_[t->logic.store_path_index]->Run([&]() -> Status {
    auto f = env_->OpenRandomRWFile(t->full, true);
    if (f.status().IsNotFound()) return Status::OK();
    if (!f.ok()) return f.status();
    Status r = (*f)->Truncate(static_cast<uint64_t>(m->value));
    if (!r.ok()) return r;
    return AppendBinlog('t', t->logic.ToString(), m->value);
  });
}

asio::awaitable<Status> StorageServer::HandleSyncRename(Conn& c,
                                                        std::string_view body,
                                                        uint8_t) {
  if (!IsPeer(c.peer_ip)) {
    co_return Status::Permission(c.peer_ip + " is not a peer of this group");
  }
  auto m = proto::DecodeSyncRename(body);
  if (!m.ok()) co_return m.status();
  auto to = ResolveTarget(m->group, m->name);
  if (!to.ok()) co_return to.status();
  auto from = ResolveTarget(m->group, m->extra);
  if (!from.ok()) co_return from.status();
  Changed(c, to->logic.store_path_index, to->full, false, true);
  Changed(c, to->logic.store_path_index, from->full, false, true);
  co_return co_await disks_[to->logic.store_path_index]->Run([&]() -> Status {
    if (!env_->FileExists(from->full)) {
      return Status::OK();  // applied before, or the file is gone
    }
    Status r = store_.PlaceReplica(from->full, to->logic);
    if (!r.ok()) return r;
    if (env_->FileExists(from->full + "-m")) {
      env_->RenameFile(from->full + "-m", to->full + "-m");
    }
    return AppendBinlog('r', to->logic.ToString(), 0, 0,
                        from->logic.ToString());
  });
}

}  // namespace nimbus::storage
