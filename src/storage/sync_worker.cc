#include "storage/sync_worker.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <asio/experimental/as_tuple.hpp>
#include <ctime>
#include <deque>

#include "net/timed_io.h"
#include "proto/command.h"
#include "proto/file_name.h"
#include "proto/header.h"
#include "proto/sync_messages.h"
#include "storage/storage_server.h"

namespace nimbus::storage {
namespace {

asio::awaitable<void> Sleep(asio::io_context& io, std::chrono::milliseconds d) {
  asio::steady_timer t(io, d);
  co_await t.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// Retries of an unreachable or refusing peer back off up to this: short
// enough that a peer coming back is caught up within seconds.
constexpr std::chrono::milliseconds kMaxBackoff(2000);
// Binlog records read per trip to the disk thread.
constexpr size_t kReadAhead = 64;
// The mark file is rewritten at most this often.
constexpr std::chrono::seconds kMarkInterval(1);
// Records sent ahead of their replies. The peer serves one connection's
// requests in order, so a window spares a round trip per record without
// changing what is applied; on a failure the whole window is sent again.
constexpr size_t kWindow = 32;

// A change the peer can never apply: skipped (and logged), not retried.
bool NeverApplies(const Status& s) {
  return s.code() == Status::Code::kInvalidArgument ||
         s.code() == Status::Code::kNotFound;
}

}  // namespace

SyncWorker::SyncWorker(StorageServer* server, asio::io_context& io,
                       std::string peer_ip, uint16_t port)
    : server_(server),
      io_(io),
      peer_ip_(std::move(peer_ip)),
      port_(port),
      mark_path_(server->sync_dir() + "/" + peer_ip_ + ".mark"),
      strand_(asio::make_strand(io)),
      idle_(strand_),
      chunk_(server->options().buff_size) {}

// The loop runs on strand_, so idle_ is only touched there.
void SyncWorker::Start() { asio::co_spawn(strand_, Loop(), asio::detached); }

void SyncWorker::Wake() {
  if (wake_pending_.exchange(true)) return;  // a wake is already on its way
  asio::post(strand_, [this] { idle_.cancel(); });
}

void SyncWorker::SetPeerState(uint8_t state, bool i_am_source) {
  peer_state_.store(state);
  i_am_source_.store(i_am_source);
}

int64_t SyncWorker::lag_bytes() const {
  BinlogPosition end = server_->binlog().end();
  if (end.file != acked_file_.load()) return -1;  // spans files: unknown
  return static_cast<int64_t>(end.offset - acked_offset_.load());
}

void SyncWorker::NoteAcked(const BinlogPosition& pos) {
  acked_file_.store(pos.file);
  acked_offset_.store(pos.offset);
}

Status SyncWorker::SaveMark(const BinlogPosition& pos) {
  NoteAcked(pos);
  return server_->env()->WriteFileAtomic(mark_path_, pos.ToString());
}

asio::awaitable<Status> SyncWorker::SendSimple(asio::ip::tcp::socket& sock,
                                               uint8_t cmd,
                                               const std::string& fixed) {
  const auto timeout =
      std::chrono::seconds(server_->options().network_timeout_s);
  char hdr[proto::kHeaderSize];
  proto::EncodeHeader({static_cast<int64_t>(fixed.size()), cmd, 0}, hdr);
  std::error_code ec = co_await net::WriteAll2(sock, asio::buffer(hdr),
                                               asio::buffer(fixed), timeout);
  if (ec) co_return Status::Unavailable(ec.message());
  co_return Status::OK();
}

asio::awaitable<Status> SyncWorker::AwaitReply(asio::ip::tcp::socket& sock) {
  const auto timeout =
      std::chrono::seconds(server_->options().network_timeout_s);
  char hdr[proto::kHeaderSize];
  std::error_code ec =
      co_await net::ReadExact(sock, asio::buffer(hdr), timeout);
  if (ec) co_return Status::Unavailable(ec.message());
  proto::Header h = proto::DecodeHeader(hdr);
  if (h.cmd != proto::kResp || h.pkg_len != 0) {
    co_return Status::Corruption("bad sync reply");
  }
  co_return Status::FromErrno(h.status, "peer refused the change");
}

asio::awaitable<Status> SyncWorker::SendContent(
    asio::ip::tcp::socket& sock, uint8_t cmd, const std::string& fixed,
    std::unique_ptr<RandomRWFile> file, uint64_t offset, uint64_t length,
    size_t first, uint32_t path) {
  const auto timeout =
      std::chrono::seconds(server_->options().network_timeout_s);
  DiskExecutor& disk = server_->disk(path);
  Status s;
  char hdr[proto::kHeaderSize];
  proto::EncodeHeader({static_cast<int64_t>(fixed.size() + length), cmd, 0},
                      hdr);
  std::error_code ec = co_await net::WriteAll2(sock, asio::buffer(hdr),
                                               asio::buffer(fixed), timeout);
  if (!ec && first > 0) {
    ec = co_await net::WriteAll(sock, asio::buffer(chunk_.data(), first),
                                timeout);
  }
  for (uint64_t sent = first; !ec && sent < length;) {
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(length - sent, chunk_.size()));
    s = co_await disk.Run([&]() -> Status {
      auto n = file->Read(offset + sent, want, chunk_.data());
      if (!n.ok()) return n.status();
      if (*n != want) return Status::Busy("file changed while being synced");
      return Status::OK();
    });
    if (!s.ok()) {
      // The frame promised `length` bytes: drop the connection, retry later.
      sock.close();
      co_return Status::Unavailable(s.message());
    }
    ec = co_await net::WriteAll(sock, asio::buffer(chunk_.data(), want),
                                timeout);
    sent += want;
  }
  if (file != nullptr) {
    co_await disk.Run([&] {
      file.reset();
      return Status::OK();
    });
  }
  if (ec) co_return Status::Unavailable(ec.message());
  co_return Status::OK();
}

asio::awaitable<Status> SyncWorker::Send(asio::ip::tcp::socket& sock,
                                         const BinlogRecord& r, Sent* out) {
  *out = Sent{};
  bool skipped = false;  // nothing to send: a later record explains why
  const std::string& group = server_->options().group_name;
  // During a full copy replicated-in records are sent like local ones.
  const char op = static_cast<char>(r.op & ~0x20);
  auto ln = proto::ParseLogicName(r.name);
  if (!ln.ok()) co_return ln.status();
  auto ref = server_->store().Locate(*ln);
  if (!ref.ok()) co_return ref.status();
  FileStore& store = server_->store();
  Env* env = server_->env();
  switch (op) {
    case 'C':
    case 'A':
    case 'M': {
      // One trip to the disk thread opens the file, sizes what to send and
      // reads its first chunk; a small file is closed in the same trip.
      std::unique_ptr<RandomRWFile> file;
      uint64_t off = 0, len = 0;
      size_t first = 0;
      Status st;
      bool read = false;
      if (op == 'C') {
        // A file written moments ago is still in the page cache: read it
        // here rather than on the disk thread (two wake-ups fewer).
        uint64_t size = 0;
        auto got =
            store.ReadIfCached(*ref, 0, chunk_.size(), chunk_.data(), &size);
        if (got.ok() && *got == size) {
          len = size;
          first = *got;
          read = true;
        } else if (got.status().IsNotFound()) {
          skipped = true;
          co_return Status::OK();
        }
      }
      if (!read) {
        st = co_await server_->disk(ln->store_path_index).Run([&]() -> Status {
          auto f = store.OpenFile(*ref);
          if (!f.ok()) return f.status();
          auto size = (*f)->Size();
          if (!size.ok()) return size.status();
          if (op == 'C') {
            len = *size;
            // Written past the page cache (FileStore::NewTempFile), so read
            // the same way: the pages would be filled only to be sent once.
            const uint64_t direct = server_->options().direct_io_min_bytes;
            if (direct > 0 && len >= direct && !ref->packed()) {
              f = env->OpenDirectReadFile(ref->full);
              if (!f.ok()) return f.status();
              size = (*f)->Size();
              if (!size.ok()) return size.status();
              len = *size;
            }
          } else {
            off = static_cast<uint64_t>(r.a);
            if (off > *size) {  // truncated since: a later T record follows
              skipped = true;
              return Status::OK();
            }
            len = std::min<uint64_t>(static_cast<uint64_t>(r.b), *size - off);
          }
          first = static_cast<size_t>(std::min<uint64_t>(len, chunk_.size()));
          auto n = (*f)->Read(off, first, chunk_.data());
          if (!n.ok()) return n.status();
          if (*n != first)
            return Status::Busy("file changed while being synced");
          if (first < len) file = std::move(*f);
          return Status::OK();
        });
      }
      if (st.IsNotFound()) {
        skipped = true;
        co_return Status::OK();
      }
      if (!st.ok() || skipped) co_return st;
      std::string fixed;
      uint8_t cmd;
      if (op == 'C') {
        proto::SyncCreatePrefix p{r.timestamp,
                                  static_cast<int64_t>(r.name.size()),
                                  static_cast<int64_t>(len), group};
        fixed = proto::EncodeSyncCreatePrefix(p) + r.name;
        cmd = proto::kSyncCreateFile;
      } else {
        proto::SyncWritePrefix p{
            r.timestamp, static_cast<int64_t>(r.name.size()),
            static_cast<int64_t>(off), static_cast<int64_t>(len), group};
        fixed = proto::EncodeSyncWritePrefix(p) + r.name;
        cmd = op == 'A' ? proto::kSyncAppendFile : proto::kSyncModifyFile;
      }
      out->replies = true;
      out->bytes = static_cast<int64_t>(len);
      out->alone = first < len;
      co_return co_await SendContent(sock, cmd, fixed, std::move(file), off,
                                     len, first, ln->store_path_index);
    }
    // Messages are built into named locals before co_await: GCC 12 destroys
    // brace-initialised temporaries inside a co_await expression twice.
    case 'D': {
      proto::SyncSimple m{r.timestamp, 0, group, r.name, ""};
      std::string body = proto::EncodeSyncDelete(m);
      out->replies = true;
      co_return co_await SendSimple(sock, proto::kSyncDeleteFile, body);
    }
    case 'T': {
      proto::SyncSimple m{r.timestamp, r.a, group, r.name, ""};
      std::string body = proto::EncodeSyncTruncate(m);
      out->replies = true;
      co_return co_await SendSimple(sock, proto::kSyncTruncateFile, body);
    }
    case 'R': {
      proto::SyncSimple m{r.timestamp, 0, group, r.name, r.old_name};
      std::string body = proto::EncodeSyncRename(m);
      out->replies = true;
      co_return co_await SendSimple(sock, proto::kSyncRenameFile, body);
    }
    case 'U': {
      std::string meta;
      Status st =
          co_await server_->disk(ln->store_path_index).Run([&]() -> Status {
            auto m = store.ReadMetadata(*ref);
            if (!m.ok()) return m.status();
            meta = std::move(*m);
            return Status::OK();
          });
      if (st.IsNotFound()) {
        skipped = true;
        co_return Status::OK();
      }
      if (!st.ok()) co_return st;
      proto::SyncSimple m{r.timestamp, 0, group, r.name, meta};
      std::string body = proto::EncodeSyncMetadata(m);
      out->replies = true;
      co_return co_await SendSimple(sock, proto::kSyncUpdateFile, body);
    }
    default:
      skipped = true;
      co_return Status::OK();
  }
}

asio::awaitable<void> SyncWorker::Loop() {
  Env* env = server_->env();
  BinlogPosition pos;
  if (env->FileExists(mark_path_)) {
    auto text = env->ReadSmallFile(mark_path_, 128);
    auto parsed = text.ok() ? BinlogPosition::Parse(*text)
                            : Result<BinlogPosition>(text.status());
    if (parsed.ok()) {
      pos = *parsed;
    } else {
      spdlog::error("sync to {}: unreadable mark {} ({}); starting over",
                    peer_ip_, mark_path_, parsed.status().ToString());
    }
  }
  acked_file_.store(pos.file);
  acked_offset_.store(pos.offset);
  auto reader = std::make_unique<BinlogReader>(env, server_->sync_dir(), pos);
  bool full_mode = false;
  bool full_started = false;
  BinlogPosition full_end;
  BinlogPosition saved = pos;
  // The first catch-up saves at once: a new worker's mark then exists as
  // soon as it has anything to record.
  auto last_save = std::chrono::steady_clock::now() - kMarkInterval;
  asio::ip::tcp::socket sock(io_);
  // Records read ahead (one disk trip reads up to kReadAhead), each with
  // the binlog position where it starts. The first `inflight` have been
  // sent and await their replies, which come in order.
  struct Queued {
    BinlogRecord record;
    BinlogPosition at;
    Sent sent;
  };
  std::deque<Queued> queue;
  size_t inflight = 0;
  // Every record before this position is on the peer or needs nothing sent.
  auto done = [&] {
    return queue.empty() ? reader->position() : queue.front().at;
  };
  // Replies still owed on it would be read as another record's: records in
  // flight are sent again on a new connection (the peer applies a change
  // sent twice harmlessly, and they go again in binlog order).
  auto drop_connection = [&] {
    sock.close();
    inflight = 0;
  };
  auto backoff = std::chrono::milliseconds(100);
  bool waiting_for_window = false;
  const auto wait =
      std::chrono::milliseconds(server_->options().sync_wait_msec);
  while (!stop_.load()) {
    uint8_t peer_state = peer_state_.load();
    bool joining = peer_state == 1 || peer_state == 2;  // WAIT_SYNC, SYNCING
    if (joining && i_am_source_.load() && !full_started) {
      // Copy everything this server holds: restart from the binlog's start.
      full_started = true;
      full_mode = true;
      full_copy_done_.store(false);
      queue.clear();
      drop_connection();
      reader = std::make_unique<BinlogReader>(env, server_->sync_dir(),
                                              BinlogPosition{});
      full_end = server_->binlog().end();
      spdlog::info("sync to {}: full copy of binlog up to {}:{} begins",
                   peer_ip_, full_end.file, full_end.offset);
    }
    if (joining && !full_mode && !i_am_source_.load()) {
      drop_connection();
      co_await Sleep(io_, std::chrono::milliseconds(200));
      continue;  // its sync source brings it up to date first
    }
    if (full_mode) {
      BinlogPosition at = done();
      if (at.file > full_end.file ||
          (at.file == full_end.file && at.offset >= full_end.offset)) {
        full_mode = false;
        full_copy_done_.store(true);
        spdlog::info("sync to {}: full copy done", peer_ip_);
      }
    }
    // sync_start_time / sync_end_time: outside them nothing new is sent;
    // what is in flight is still answered.
    const StorageOptions& o = server_->options();
    const bool window_open = o.SyncOpenNow();
    if (!window_open && inflight == 0) {
      if (!waiting_for_window) {
        spdlog::info(
            "sync to {}: outside sync_start_time {:02}:{:02} .. "
            "sync_end_time {:02}:{:02}; changes wait",
            peer_ip_, o.sync_start_minute / 60, o.sync_start_minute % 60,
            o.sync_end_minute / 60, o.sync_end_minute % 60);
        waiting_for_window = true;
      }
      drop_connection();
      co_await Sleep(io_, std::chrono::seconds(1));
      continue;
    }
    if (window_open && waiting_for_window) {
      spdlog::info("sync to {}: sync window open; sending", peer_ip_);
      waiting_for_window = false;
    }
    // A file sent in several chunks travels alone: nothing follows it
    // before its reply (a failure would send it all again).
    const bool may_send = window_open && inflight < kWindow &&
                          (inflight == 0 || !queue[inflight - 1].sent.alone);
    if (may_send && queue.size() == inflight) {
      // Reads more records; a failure is reported once the records read so
      // far are sent.
      auto fill = [&](bool cached_only) {
        Status next;
        while (queue.size() - inflight < kReadAhead) {
          BinlogPosition at = reader->position();
          auto r = cached_only ? reader->NextIfCached() : reader->Next();
          if (!r.ok()) {
            if (queue.size() == inflight) next = r.status();
            break;
          }
          if (r->replicated() && !full_mode) continue;
          queue.push_back({std::move(*r), at, Sent{}});
        }
        return next;
      };
      // The tail just appended is in the page cache: reading it here saves
      // the two thread wake-ups of a disk trip per record at low rates.
      Status next = fill(true);
      if (next.code() == Status::Code::kBusy) {
        co_await server_->disk(0).Run([&] {
          next = fill(false);
          return Status::OK();
        });
      }
      if (queue.size() == inflight && inflight == 0) {
        if (next.ok()) continue;  // only replicated-in records
        if (next.IsNotFound()) {
          // Caught up: everything written before this second is on the peer.
          synced_until_.store(Now() - 1);
          // Saving the mark replaces a file (a new inode each time), so a
          // worker that catches up after every upload would pay a file
          // creation per upload; once a second is the same bound as while
          // pushing, and the idle poll brings the last save within it.
          BinlogPosition at = reader->position();
          NoteAcked(at);
          auto now = std::chrono::steady_clock::now();
          if ((at.file != saved.file || at.offset != saved.offset) &&
              now - last_save >= kMarkInterval) {
            co_await server_->disk(0).Run([&] { return SaveMark(at); });
            saved = at;
            last_save = now;
          }
          pushed_.store(PackPosition(reader->position()));
          // Idle until woken by a new record (or the poll interval).
          if (!wake_pending_.exchange(false)) {
            idle_.expires_after(wait);
            co_await idle_.async_wait(
                asio::experimental::as_tuple(asio::use_awaitable));
            wake_pending_.store(false);
          }
        } else {
          spdlog::error("sync to {}: {}", peer_ip_, next.ToString());
          co_await Sleep(io_, std::chrono::seconds(1));
        }
        continue;
      }
      // With records in flight and nothing new, their replies come next (a
      // read error shows again once they are answered).
    }
    if (may_send && queue.size() > inflight) {
      if (!sock.is_open()) {
        std::error_code ec = co_await net::Connect(
            sock, peer_ip_, port_,
            std::chrono::seconds(server_->options().connect_timeout_s),
            server_->options().bind_addr);
        if (ec) {
          sock.close();
          co_await Sleep(io_, backoff);
          backoff = std::min(backoff * 2, kMaxBackoff);
          continue;
        }
        backoff = std::chrono::milliseconds(100);
      }
      Queued& q = queue[inflight];
      Status s = co_await Send(sock, q.record, &q.sent);
      if (!s.ok() && !NeverApplies(s)) {
        spdlog::warn("sync to {}: {} {}: {}; will retry", peer_ip_, q.record.op,
                     q.record.name, s.ToString());
        drop_connection();
        co_await Sleep(io_, backoff);
        backoff = std::min(backoff * 2, kMaxBackoff);
        continue;  // send the records from the first unanswered one again
      }
      if (!s.ok()) {
        spdlog::error("sync to {}: {} {} can never apply: {}; skipped",
                      peer_ip_, q.record.op, q.record.name, s.ToString());
        q.sent = Sent{};  // nothing to wait for
      }
      ++inflight;
      if (o.sync_interval_ms > 0) {
        co_await Sleep(io_, std::chrono::milliseconds(o.sync_interval_ms));
      }
      continue;  // send more before waiting for replies
    }
    if (inflight == 0) continue;
    Queued& front = queue.front();
    if (front.sent.replies) {
      Status s = co_await AwaitReply(sock);
      if (front.sent.bytes > 0)
        server_->AddSyncOutBytes(front.sent.bytes, s.ok());
      // Only a change the peer can never apply is skipped (and logged); any
      // other failure (unreachable, not yet known as a peer, disk full) is
      // retried, so no change is lost.
      if (!s.ok() && !NeverApplies(s)) {
        if (s.code() != Status::Code::kPermission) {
          spdlog::warn("sync to {}: {} {}: {}; will retry", peer_ip_,
                       front.record.op, front.record.name, s.ToString());
        }
        drop_connection();
        co_await Sleep(io_, backoff);
        backoff = std::min(backoff * 2, kMaxBackoff);
        continue;
      }
      if (!s.ok()) {
        spdlog::error("sync to {}: {} {} can never apply: {}; skipped",
                      peer_ip_, front.record.op, front.record.name,
                      s.ToString());
      }
    }
    backoff = std::chrono::milliseconds(100);
    synced_until_.store(front.record.timestamp - 1);
    queue.pop_front();
    --inflight;
    pushed_.store(PackPosition(done()));
    NoteAcked(done());
    auto now = std::chrono::steady_clock::now();
    if (now - last_save >= kMarkInterval) {
      BinlogPosition at = done();
      co_await server_->disk(0).Run([&] { return SaveMark(at); });
      saved = at;
      last_save = now;
    }
  }
}

}  // namespace nimbus::storage
