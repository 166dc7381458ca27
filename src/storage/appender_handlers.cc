// StorageServer: the appender-file commands (append, modify, truncate,
// regenerate name), applied here or handed to the file's source. Split from
// storage_server.cc to keep each file to one concern; same class.
#include <fmt/format.h>
#include <sys/socket.h>

#include <cerrno>
#include <ctime>

#include "common/coding.h"
#include "net/timed_io.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/header.h"
#include "proto/storage_messages.h"
#include "storage/storage_server.h"
#include "storage/storage_server_internal.h"

namespace nimbus::storage {

asio::awaitable<Status> StorageServer::HandleAppend(Conn& c,
                                                    std::string_view prefix,
                                                    uint8_t status) {
  int64_t pkg_len = c.remaining + static_cast<int64_t>(prefix.size());
  auto ap = proto::DecodeAppendPrefix(prefix, pkg_len);
  if (!ap.ok()) {
    c.close = true;
    co_return ap.status();
  }
  std::string name;
  Status got_name = co_await ReadName(c, ap->name_len, &name);
  if (!got_name.ok()) co_return got_name;
  auto t = ResolveTarget(opts_.group_name, name);
  if (!t.ok()) co_return t.status();
  if (!t->fields.IsAppender()) {
    co_return Status::InvalidArgument("not an appender file");
  }
  if (auto source = UpdateSource(t->fields.source_ip)) {
    const std::string head = std::string(prefix) + name;
    co_return co_await ForwardUpdate(c, *source, status, head);
  }
  BusyGuard guard(this, t->full);
  if (!guard.held()) co_return Status::Busy("file is being updated");
  DiskExecutor& disk = *disks_[t->logic.store_path_index];
  std::unique_ptr<WritableFile> file;
  uint64_t original = 0;
  Status s = co_await disk.Run([&]() -> Status {
    Status space = store_.CheckSpace(t->logic.store_path_index, ap->size);
    if (!space.ok()) return space;
    auto f = env_->NewAppendableFile(t->full);
    if (!f.ok()) return f.status();
    file = std::move(*f);
    original = file->Size();
    return Status::OK();
  });
  if (s.ok()) {
    s = co_await ReceiveInto(c, disk, file.get(), ap->size, nullptr);
    s = co_await disk.Run([&]() -> Status {
      Status r = s;
      if (r.ok() && opts_.fsync_after_written_bytes > 0) r = file->Sync();
      Status closed = file->Close();
      if (r.ok()) r = closed;
      if (!r.ok()) {
        // Undo the partial append so the file is as it was.
        auto rw = env_->OpenRandomRWFile(t->full, true);
        if (rw.ok()) (*rw)->Truncate(original);
        return r;
      }
      return AppendBinlog('A', t->logic.ToString(),
                          static_cast<int64_t>(original), ap->size);
    });
  }
  if (s.ok()) Changed(c, t->logic.store_path_index, t->full, true, false);
  Count(proto::kTotalAppendCount, proto::kSuccessAppendCount, s);
  Count(proto::kTotalAppendBytes, proto::kSuccessAppendBytes, s, ap->size);
  co_return s;
}

asio::awaitable<Status> StorageServer::HandleModify(Conn& c,
                                                    std::string_view prefix,
                                                    uint8_t status) {
  int64_t pkg_len = c.remaining + static_cast<int64_t>(prefix.size());
  auto mp = proto::DecodeModifyPrefix(prefix, pkg_len);
  if (!mp.ok()) {
    c.close = true;
    co_return mp.status();
  }
  std::string name;
  Status got_name = co_await ReadName(c, mp->name_len, &name);
  if (!got_name.ok()) co_return got_name;
  auto t = ResolveTarget(opts_.group_name, name);
  if (!t.ok()) co_return t.status();
  if (!t->fields.IsAppender()) {
    co_return Status::InvalidArgument("not an appender file");
  }
  if (auto source = UpdateSource(t->fields.source_ip)) {
    const std::string head = std::string(prefix) + name;
    co_return co_await ForwardUpdate(c, *source, status, head);
  }
  BusyGuard guard(this, t->full);
  if (!guard.held()) co_return Status::Busy("file is being updated");
  uint32_t path = t->logic.store_path_index;
  DiskExecutor& disk = *disks_[path];
  // The new bytes are staged in tmp/ first and applied only once all have
  // arrived, so a dropped connection never leaves a half-modified file.
  std::unique_ptr<WritableFile> staged;
  std::string temp;
  Status s = co_await disk.Run([&]() -> Status {
    auto st = env_->Stat(t->full);
    if (!st.ok()) return Status::NotFound("file does not exist");
    if (static_cast<uint64_t>(mp->offset) > st->size) {
      return Status::InvalidArgument("modify offset past the end of the file");
    }
    Status space = store_.CheckSpace(path, mp->size);
    if (!space.ok()) return space;
    auto f = store_.NewTempFile(path, static_cast<uint64_t>(mp->size), &temp);
    if (!f.ok()) return f.status();
    staged = std::move(*f);
    return Status::OK();
  });
  if (s.ok()) {
    s = co_await ReceiveInto(c, disk, staged.get(), mp->size, nullptr);
    s = co_await disk.Run([&]() -> Status {
      Status r = s;
      Status closed = staged->Close();
      if (r.ok()) r = closed;
      if (r.ok()) {
        r = store_.ApplyStaged(temp, t->full, static_cast<uint64_t>(mp->offset),
                               static_cast<uint64_t>(mp->size));
      } else {
        env_->RemoveFile(temp);
      }
      if (r.ok())
        r = AppendBinlog('M', t->logic.ToString(), mp->offset, mp->size);
      return r;
    });
  }
  if (s.ok()) Changed(c, path, t->full, true, false);
  Count(proto::kTotalModifyCount, proto::kSuccessModifyCount, s);
  Count(proto::kTotalModifyBytes, proto::kSuccessModifyBytes, s, mp->size);
  co_return s;
}

asio::awaitable<Status> StorageServer::HandleTruncate(Conn& c,
                                                      std::string_view body,
                                                      uint8_t status) {
  auto req = proto::DecodeTruncateRequest(body);
  if (!req.ok()) co_return req.status();
  auto t = ResolveTarget(opts_.group_name, req->name);
  if (!t.ok()) co_return t.status();
  if (!t->fields.IsAppender()) {
    co_return Status::InvalidArgument("not an appender file");
  }
  if (auto source = UpdateSource(t->fields.source_ip)) {
    co_return co_await ForwardUpdate(c, *source, status, body);
  }
  BusyGuard guard(this, t->full);
  if (!guard.held()) co_return Status::Busy("file is being updated");
  Status s = co_await disks_[t->logic.store_path_index]->Run([&]() -> Status {
    auto f = env_->OpenRandomRWFile(t->full, true);
    if (!f.ok()) return f.status();
    auto size = (*f)->Size();
    if (!size.ok()) return size.status();
    if (static_cast<uint64_t>(req->remain_size) > *size) {
      return Status::InvalidArgument("truncate size larger than the file");
    }
    Status r = (*f)->Truncate(static_cast<uint64_t>(req->remain_size));
    if (r.ok() && opts_.fsync_after_written_bytes > 0) r = (*f)->Sync();
    if (r.ok()) r = AppendBinlog('T', t->logic.ToString(), req->remain_size);
    return r;
  });
  if (s.ok()) Changed(c, t->logic.store_path_index, t->full, true, false);
  Count(proto::kTotalTruncateCount, proto::kSuccessTruncateCount, s);
  co_return s;
}

asio::awaitable<Status> StorageServer::HandleRegenerate(Conn& c,
                                                        std::string_view body,
                                                        uint8_t status) {
  auto t = ResolveTarget(opts_.group_name, body);
  if (!t.ok()) co_return t.status();
  if (!t->fields.IsAppender()) {
    co_return Status::InvalidArgument("not an appender file");
  }
  if (auto source = UpdateSource(t->fields.source_ip)) {
    co_return co_await ForwardUpdate(c, *source, status, body);
  }
  BusyGuard guard(this, t->full);
  if (!guard.held()) co_return Status::Busy("file is being updated");
  uint32_t ip = SourceIp(c);
  proto::LogicName fresh;
  Status s = co_await disks_[t->logic.store_path_index]->Run([&]() -> Status {
    auto r = store_.RenameToNormal(t->full, t->logic, ip, NowSeconds());
    if (!r.ok()) return r.status();
    fresh = std::move(*r);
    return AppendBinlog('R', fresh.ToString(), 0, 0, t->logic.ToString());
  });
  if (!s.ok()) co_return s;
  Changed(c, fresh.store_path_index, *store_.Resolve(fresh), false, true);
  Changed(c, fresh.store_path_index, t->full, false, true);
  PutFixedString(&c.reply, opts_.group_name, proto::kGroupNameLen);
  c.reply += fresh.ToString();
  co_return Status::OK();
}

asio::awaitable<Status> StorageServer::ForwardUpdate(Conn& c,
                                                     const std::string& source,
                                                     uint8_t status,
                                                     std::string_view head) {
  // A response to an update is a header and at most a group name and file
  // name (regenerate); anything longer is not the source speaking FastDFS.
  constexpr int64_t kMaxResponseBody = 256;
  std::optional<asio::ip::tcp::socket> kept = TakeForwardConnection(c, source);
  asio::ip::tcp::socket up =
      kept ? std::move(*kept) : asio::ip::tcp::socket(c.sock.get_executor());
  std::error_code ec;
  if (!kept) {
    ec = co_await net::Connect(up, source, server_.port(),
                               std::chrono::seconds(opts_.connect_timeout_s),
                               opts_.bind_addr);
  }
  if (ec) {
    co_return Status::Unavailable(
        fmt::format("the file's source storage {} cannot be reached: {}",
                    source, ec.message()));
  }
  char hdr[proto::kHeaderSize];
  proto::EncodeHeader(
      {static_cast<int64_t>(head.size()) + c.remaining, c.cmd, status}, hdr);
  ec = co_await net::WriteAll2(up, asio::buffer(hdr), asio::buffer(head),
                               c.net_timeout);
  GrowChunk(c, static_cast<uint64_t>(c.remaining));
  while (!ec && c.remaining > 0) {
    size_t n = static_cast<size_t>(
        std::min<int64_t>(c.remaining, static_cast<int64_t>(c.chunk.size())));
    Status got = co_await ReceiveWhole(c, n);
    if (!got.ok()) co_return got;  // the source sees a short request: undone
    ec = co_await net::WriteAll(up, asio::buffer(c.chunk.data(), n),
                                c.net_timeout);
  }
  if (!ec) ec = co_await net::ReadExact(up, asio::buffer(hdr), c.net_timeout);
  proto::Header resp;
  if (!ec) {
    resp = proto::DecodeHeader(hdr);
    if (resp.cmd != proto::kResp || resp.pkg_len < 0 ||
        resp.pkg_len > kMaxResponseBody) {
      co_return Status::Unavailable(fmt::format(
          "the file's source storage {} answered with a malformed response",
          source));
    }
  }
  std::string body(static_cast<size_t>(ec ? 0 : resp.pkg_len), '\0');
  if (!ec && !body.empty()) {
    ec = co_await net::ReadExact(up, asio::buffer(body), c.net_timeout);
  }
  if (ec) {
    // Whether the source applied the update is unknown, as after any lost
    // reply; the client's content not yet sent is drained.
    co_return Status::Unavailable(fmt::format(
        "the file's source storage {} failed: {}", source, ec.message()));
  }
  updates_forwarded_.fetch_add(1, std::memory_order_relaxed);
  KeepForwardConnection(c, source, std::move(up));
  c.reply.assign(hdr, sizeof hdr);
  c.reply += body;
  c.reply_raw = true;
  if (resp.status == 0) co_return Status::OK();
  co_return Status::FromErrno(resp.status,
                              fmt::format("refused by the file's source "
                                          "storage {}",
                                          source));
}

namespace {

const void* LoopOf(asio::ip::tcp::socket& sock) {
  return &asio::query(sock.get_executor(), asio::execution::context);
}

}  // namespace

std::optional<asio::ip::tcp::socket> StorageServer::TakeForwardConnection(
    Conn& c, const std::string& ip) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = forward_idle_.find({LoopOf(c.sock), ip});
  while (it != forward_idle_.end() && !it->second.empty()) {
    asio::ip::tcp::socket sock = std::move(it->second.back());
    it->second.pop_back();
    // The peer closes a connection idle for long (or on restart): that
    // shows as end of stream (0) here. Nothing is owed on an idle one, so
    // any byte waiting is as wrong.
    char byte;
    ssize_t n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return sock;
  }
  return std::nullopt;
}

void StorageServer::KeepForwardConnection(Conn& c, const std::string& ip,
                                          asio::ip::tcp::socket sock) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& idle = forward_idle_[{LoopOf(c.sock), ip}];
  if (idle.size() < kMaxIdleForwards) idle.push_back(std::move(sock));
}

}  // namespace nimbus::storage
