// StorageServer: the commands that create a new file (upload, appender
// upload, slave upload) and what they share with the replica handlers
// (answering once durable). Split from storage_server.cc to keep each file
// to one concern; same class.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <ctime>
#include <functional>

#include "common/coding.h"
#include "common/crc32.h"
#include "net/send_now.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/header.h"
#include "proto/storage_messages.h"
#include "storage/storage_server.h"
#include "storage/storage_server_internal.h"
#include "storage/sync_worker.h"

namespace nimbus::storage {
namespace {

// How long an upload waits for a tracker's parameters (AwaitTrackerParameters).
constexpr auto kTrackerParametersWait = std::chrono::seconds(5);

}  // namespace

asio::awaitable<void> StorageServer::AwaitTrackerParameters() {
  auto waiting = [this] {
    return tracker_params_.load(std::memory_order_acquire) ==
           TrackerParams::kAwaited;
  };
  if (!waiting()) co_return;
  const auto give_up =
      std::chrono::steady_clock::now() + kTrackerParametersWait;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (waiting()) {
    if (std::chrono::steady_clock::now() >= give_up) {
      auto expected = TrackerParams::kAwaited;
      if (tracker_params_.compare_exchange_strong(expected,
                                                  TrackerParams::kWaitedOut)) {
        spdlog::warn(
            "no tracker's parameters after {} ms: uploads go on under this "
            "server's own settings until one answers",
            std::chrono::duration_cast<std::chrono::milliseconds>(
                kTrackerParametersWait)
                .count());
      }
      co_return;
    }
    // Only in a storage's first moments: a poll is simpler than a
    // notification, and costs nothing once the parameters are known.
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(
        asio::experimental::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<Status> StorageServer::HandleUpload(Conn& c,
                                                    std::string_view prefix,
                                                    uint8_t) {
  const bool appender = c.cmd == proto::kUploadAppenderFile;
  int64_t pkg_len = c.remaining + static_cast<int64_t>(prefix.size());
  auto up = proto::DecodeUploadPrefix(prefix, pkg_len);
  if (!up.ok()) {
    c.close = true;  // lengths disagree: the stream cannot be resynchronised
    co_return up.status();
  }
  Status s = proto::ValidateExt(up->ext);
  if (!s.ok()) co_return s;
  s = CheckReplicasAvailable();
  if (!s.ok()) co_return s;
  co_await AwaitTrackerParameters();
  auto path = store_.ChoosePath(up->store_path_index);
  if (!path.ok()) co_return path.status();
  DiskExecutor& disk = *disks_[*path];
  std::unique_ptr<WritableFile> file;
  std::string temp;
  auto open = [&]() -> Status {
    Status space = store_.CheckSpace(*path, up->file_size);
    if (!space.ok()) return space;
    auto f =
        store_.NewTempFile(*path, static_cast<uint64_t>(up->file_size), &temp);
    if (!f.ok()) return f.status();
    file = std::move(*f);
    return Status::OK();
  };
  proto::LogicName name;
  NewFileSpec spec;
  spec.source_ip = SourceIp(c);
  spec.size = up->file_size;
  spec.appender = appender;
  spec.ext = up->ext;
  uint64_t replicated_at = 0;
  // Logs a file just stored under `stored` (`flush`, if given, runs first).
  // A file its peers would never hear of is not acknowledged: one that
  // cannot be logged is removed.
  auto log_new = [&](proto::LogicName stored,
                     const std::function<Status()>& flush) {
    name = std::move(stored);
    Status r = flush ? flush() : Status::OK();
    if (r.ok()) r = AppendBinlog('C', name.ToString());
    if (!r.ok()) {
      if (auto ref = store_.Locate(name); ref.ok()) store_.Delete(*ref);
    }
    replicated_at = PackPosition(binlog_->end());
    return r;
  };
  // A small file packed into a trunk file (use_trunk_file): one positional
  // write instead of a new inode and a rename.
  auto store_packed = [&](std::string_view data) -> Status {
    Status space = store_.CheckSpace(*path, up->file_size);
    if (!space.ok()) return space;
    spec.create_time = NowSeconds();
    auto stored = store_.StorePacked(*path, data, spec);
    if (!stored.ok()) return stored.status();
    if (opts_.fsync_after_written_bytes == 0) return log_new(*stored, nullptr);
    return log_new(*stored, [&]() -> Status {
      auto ref = store_.Locate(name);
      if (!ref.ok()) return ref.status();
      return env_->SyncPath(store_.ContentPath(*ref));
    });
  };
  // A small normal file whose bytes are all here is written under its name
  // at once (FileStore::StoreWhole): no temp file and rename
  // (docs/performance.md §15: 17 % more 4 KiB uploads). Nobody can ask
  // for the name before the reply; a crash that cuts the file short leaves
  // it unlogged, and the start-up's OrphanScan removes it. Appender files
  // keep the temp file: their names carry no checksum to tell a torn one.
  auto store_whole = [&](std::string_view data) -> Status {
    Status space = store_.CheckSpace(*path, up->file_size);
    if (!space.ok()) return space;
    spec.create_time = NowSeconds();
    auto stored = store_.StoreWhole(*path, data, spec,
                                    opts_.fsync_after_written_bytes > 0);
    if (!stored.ok()) return stored.status();
    return log_new(*stored, nullptr);
  };
  // Closes the received temp file and names it (received = how the
  // transfer went); on any failure the temp file is removed.
  auto commit = [&](Status received) -> Status {
    Status r = received;
    if (r.ok() && opts_.fsync_after_written_bytes > 0) r = file->Sync();
    Status closed = file->Close();
    if (r.ok()) r = closed;
    if (r.ok()) {
      spec.create_time = NowSeconds();
      auto committed = store_.CommitNew(*path, temp, spec);
      if (committed.ok()) return log_new(*committed, nullptr);
      r = committed.status();
    }
    env_->RemoveFile(temp);
    return r;
  };
  const bool pack = store_.PackNew(*path, up->file_size, appender);
  uint32_t crc = kCrc32Init;
  Status done;
  // Counts the upload and builds the reply body once it is stored.
  auto acknowledge = [&] {
    Count(proto::kTotalUploadCount, proto::kSuccessUploadCount, Status::OK());
    Count(proto::kTotalUploadBytes, proto::kSuccessUploadBytes, Status::OK(),
          up->file_size);
    counters_[proto::kLastSourceUpdate].store(NowSeconds());
    PutFixedString(&c.reply, opts_.group_name, proto::kGroupNameLen);
    c.reply += name.ToString();
  };
  bool answered = false;
  GrowChunk(c, static_cast<uint64_t>(up->file_size));
  if (up->file_size <= static_cast<int64_t>(c.chunk.size())) {
    // A small file: receive it whole, then one trip to the disk thread
    // for create, write, close, rename and binlog. Each trip costs two
    // thread wake-ups, which dominate a small upload. When nothing remains
    // to wait for once the file is stored (no durability flush, no
    // sync_replicas), the disk thread answers the client itself: the reply
    // leaves a thread wake-up sooner than through the connection's loop.
    // With group commit, the disk thread hands the change straight to the
    // committer, whose thread answers once a flush made it durable (rather
    // than disk -> connection -> committer -> connection).
    const bool answer_here =
        opts_.durability == Durability::kNone && opts_.sync_replicas == 0;
    const bool commit_here = opts_.durability == Durability::kGroupCommit &&
                             opts_.sync_replicas == 0;
    size_t n = static_cast<size_t>(up->file_size);
    done = co_await ReceiveWhole(c, n);
    if (done.ok()) {
      auto store = [&]() -> Status {
        const std::string_view data(c.chunk.data(), n);
        crc = Crc32(crc, data.data(), n);
        spec.crc32 = crc;
        if (pack) return store_packed(data);
        if (!appender && !store_.WritesDirect(*path, n)) {
          return store_whole(data);
        }
        Status o = open();
        if (!o.ok()) return o;
        return commit(file->Append(data));
      };
      done = co_await disk.RunThen([&](std::function<void(Status)> finish) {
        Status r = store();
        if (r.ok() && answer_here) {
          acknowledge();
          SendReplyNow(c);
          answered = true;
        }
        if (!r.ok() || !commit_here) return finish(r);
        // The coroutine, and with it every local, waits for finish.
        AnswerWhenDurable(c, *path, acknowledge, &answered, std::move(finish));
      });
    }
  } else {
    s = co_await disk.Run(open);
    if (!s.ok()) {
      Count(proto::kTotalUploadCount, proto::kSuccessUploadCount, s);
      co_return s;
    }
    s = co_await ReceiveInto(c, disk, file.get(), up->file_size, &crc);
    spec.crc32 = crc;
    done = co_await disk.Run([&]() -> Status { return commit(s); });
  }
  if (answered) co_return Status::OK();
  if (!done.ok()) {
    Count(proto::kTotalUploadCount, proto::kSuccessUploadCount, done);
    Count(proto::kTotalUploadBytes, proto::kSuccessUploadBytes, done,
          up->file_size);
    co_return done;
  }
  if (opts_.sync_replicas > 0) {
    Status replicated = co_await WaitReplicated(replicated_at);
    if (!replicated.ok()) {
      Count(proto::kTotalUploadCount, proto::kSuccessUploadCount, replicated);
      Count(proto::kTotalUploadBytes, proto::kSuccessUploadBytes, replicated,
            up->file_size);
      co_await RollBack(*store_.Locate(name));
      co_return replicated;
    }
  }
  if (auto ref = store_.Locate(name); ref.ok())
    ChangedFile(c, *ref, true, true);
  acknowledge();
  co_return Status::OK();
}

void StorageServer::SendReplyNow(Conn& c) {
  c.reply_len = static_cast<int64_t>(c.reply.size());
  char hdr[proto::kHeaderSize];
  proto::EncodeHeader({static_cast<int64_t>(c.reply.size()), proto::kResp, 0},
                      hdr);
  std::string rest;
  if (net::SendNowOrKeep(c.sock.native_handle(),
                         std::string_view(hdr, sizeof(hdr)), c.reply, &rest)) {
    c.reply_sent = true;
    return;
  }
  // Full socket buffer or an error (rare): the loop sends what is left, and
  // meets the error itself.
  c.reply = std::move(rest);
  c.reply_raw = true;
}

void StorageServer::AnswerWhenDurable(Conn& c, uint32_t path,
                                      std::function<void()> acknowledge,
                                      bool* answered,
                                      std::function<void(Status)> finish) {
  committer_->CommitThen(
      path, [this, &c, acknowledge = std::move(acknowledge), answered,
             finish = std::move(finish)](Status s) {
        if (s.ok()) {
          acknowledge();
          SendReplyNow(c);
          *answered = true;
        }
        finish(s);
      });
}

asio::awaitable<Status> StorageServer::HandleUploadSlave(
    Conn& c, std::string_view prefix, uint8_t) {
  int64_t pkg_len = c.remaining + static_cast<int64_t>(prefix.size());
  auto sp = proto::DecodeSlavePrefix(prefix, pkg_len);
  if (!sp.ok()) {
    c.close = true;
    co_return sp.status();
  }
  std::string master;
  Status got_name = co_await ReadName(c, sp->master_len, &master);
  if (!got_name.ok()) co_return got_name;
  auto master_target = ResolveTarget(opts_.group_name, master);
  if (!master_target.ok()) co_return master_target.status();
  if (master_target->logic.IsSlave(master_target->fields)) {
    co_return Status::InvalidArgument("the master file is itself a slave");
  }
  auto slave_name =
      proto::MakeSlaveName(master_target->logic.name, sp->prefix, sp->ext);
  if (!slave_name.ok()) co_return slave_name.status();
  proto::LogicName slave = master_target->logic;
  slave.name = *slave_name;
  auto slave_full = store_.Resolve(slave);
  if (!slave_full.ok()) co_return slave_full.status();
  Status avail = CheckReplicasAvailable();
  if (!avail.ok()) co_return avail;
  uint32_t path = slave.store_path_index;
  DiskExecutor& disk = *disks_[path];
  std::unique_ptr<WritableFile> file;
  std::string temp;
  Status s = co_await disk.Run([&]() -> Status {
    if (!store_.StatFile(*master_target).ok()) {
      return Status::NotFound("master file does not exist");
    }
    if (env_->FileExists(*slave_full)) {
      return Status::AlreadyExists("slave file already exists");
    }
    Status space = store_.CheckSpace(path, sp->file_size);
    if (!space.ok()) return space;
    auto f =
        store_.NewTempFile(path, static_cast<uint64_t>(sp->file_size), &temp);
    if (!f.ok()) return f.status();
    file = std::move(*f);
    return Status::OK();
  });
  if (!s.ok()) {
    Count(proto::kTotalUploadCount, proto::kSuccessUploadCount, s);
    co_return s;
  }
  s = co_await ReceiveInto(c, disk, file.get(), sp->file_size, nullptr);
  uint64_t replicated_at = 0;
  Status done = co_await disk.Run([&]() -> Status {
    Status r = s;
    if (r.ok() && opts_.fsync_after_written_bytes > 0) r = file->Sync();
    Status closed = file->Close();
    if (r.ok()) r = closed;
    if (r.ok()) r = store_.CommitAt(temp, *slave_full);
    if (!r.ok()) {
      env_->RemoveFile(temp);
      return r;
    }
    r = AppendBinlog('C', slave.ToString());
    if (!r.ok()) env_->RemoveFile(*slave_full);
    replicated_at = PackPosition(binlog_->end());
    return r;
  });
  Count(proto::kTotalUploadCount, proto::kSuccessUploadCount, done);
  Count(proto::kTotalUploadBytes, proto::kSuccessUploadBytes, done,
        sp->file_size);
  if (!done.ok()) co_return done;
  if (opts_.sync_replicas > 0) {
    Status replicated = co_await WaitReplicated(replicated_at);
    if (!replicated.ok()) {
      co_await RollBack(*store_.Locate(slave));
      co_return replicated;
    }
  }
  Changed(c, path, *slave_full, true, true);
  PutFixedString(&c.reply, opts_.group_name, proto::kGroupNameLen);
  c.reply += slave.ToString();
  co_return Status::OK();
}

}  // namespace nimbus::storage
