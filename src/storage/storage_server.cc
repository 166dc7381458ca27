#include "storage/storage_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <asio/experimental/awaitable_operators.hpp>
#include <ctime>
#include <thread>

#include "common/coding.h"
#include "common/crc32.h"
#include "net/timed_io.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/header.h"
#include "proto/metadata.h"
#include "proto/storage_ids.h"
#include "proto/storage_messages.h"
#include "proto/sync_messages.h"
#include "storage/access_log.h"
#include "storage/storage_server_internal.h"
#include "storage/sync_worker.h"
#include "storage/tracker_reporter.h"

namespace nimbus::storage {
namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(900);
// A request rejected before its content was read is drained (so the client
// can read the error) when the rest is at most this large; else the
// connection is closed after the error response.
constexpr int64_t kMaxDrainBytes = 64 << 20;
// The most replies a connection holds back for one flush (Conn::held); the
// peer's sync worker keeps at most 32 requests in flight.
constexpr size_t kMaxHeldReplies = 64;

// A peer's sync request that changes a file: what Conn::held may hold.
bool IsSyncChange(uint8_t cmd) {
  switch (cmd) {
    case proto::kSyncCreateFile:
    case proto::kSyncDeleteFile:
    case proto::kSyncUpdateFile:
    case proto::kSyncAppendFile:
    case proto::kSyncModifyFile:
    case proto::kSyncTruncateFile:
    case proto::kSyncRenameFile:
      return true;
    default:
      return false;
  }
}

}  // namespace

StorageServer::StorageServer(StorageOptions opts, Env* env)
    : opts_(std::move(opts)),
      env_(env),
      store_(opts_, env_),
      loops_(std::make_unique<net::IoLoopPool>(opts_.work_threads)),
      server_(
          io_, [this](asio::ip::tcp::socket s) { return Serve(std::move(s)); },
          opts_.max_connections, loops_.get()),
      start_time_(static_cast<int64_t>(std::time(nullptr))) {
  for (size_t i = 0; i < opts_.store_paths.size(); ++i) {
    disks_.push_back(std::make_unique<DiskExecutor>(opts_.disk_reader_threads +
                                                    opts_.disk_writer_threads));
  }
}

StorageServer::~StorageServer() {
  Stop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [ip, w] : workers_) w->Stop();
  }
  if (scrubber_) scrubber_->Stop();
  if (file_counter_) file_counter_->Stop();
  for (auto& d : disks_) d->Stop();
  if (committer_) committer_->Stop();
  // Nothing places files any more.
  MarkCleanStop();
  // Work the disk threads never ran holds guards on the loops, and
  // connections suspended on the loops refer to this server's members:
  // both are destroyed here, while everything they refer to still exists.
  disks_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    forward_idle_.clear();  // sockets of the loops about to go
  }
  loops_.reset();
}

const std::array<StorageServer::Handler, 256>& StorageServer::Handlers() {
  static const std::array<Handler, 256> table = [] {
    std::array<Handler, 256> t{};
    t[proto::kActiveTest] = &StorageServer::HandleActiveTest;
    t[proto::kUploadFile] = &StorageServer::HandleUpload;
    t[proto::kUploadAppenderFile] = &StorageServer::HandleUpload;
    t[proto::kUploadSlaveFile] = &StorageServer::HandleUploadSlave;
    t[proto::kDownloadFile] = &StorageServer::HandleDownload;
    t[proto::kDeleteFile] = &StorageServer::HandleDelete;
    t[proto::kSetMetadata] = &StorageServer::HandleSetMeta;
    t[proto::kGetMetadata] = &StorageServer::HandleGetMeta;
    t[proto::kQueryFileInfo] = &StorageServer::HandleQueryInfo;
    t[proto::kAppendFile] = &StorageServer::HandleAppend;
    t[proto::kModifyFile] = &StorageServer::HandleModify;
    t[proto::kTruncateFile] = &StorageServer::HandleTruncate;
    t[proto::kRegenerateAppenderFilename] = &StorageServer::HandleRegenerate;
    t[proto::kSyncCreateFile] = &StorageServer::HandleSyncCreate;
    t[proto::kSyncAppendFile] = &StorageServer::HandleSyncWrite;
    t[proto::kSyncModifyFile] = &StorageServer::HandleSyncWrite;
    t[proto::kSyncDeleteFile] = &StorageServer::HandleSyncDelete;
    t[proto::kSyncUpdateFile] = &StorageServer::HandleSyncMetadata;
    t[proto::kSyncTruncateFile] = &StorageServer::HandleSyncTruncate;
    t[proto::kSyncRenameFile] = &StorageServer::HandleSyncRename;
    return t;
  }();
  return table;
}

Status StorageServer::Start() {
  for (const std::string& d : {opts_.base_path, opts_.base_path + "/data",
                               opts_.base_path + "/logs"}) {
    Status s = env_->CreateDirIfMissing(d);
    if (!s.ok()) return s;
  }
  Status s = store_.Init();
  if (!s.ok()) return s;
  if (opts_.use_access_log) {
    NIMBUS_ASSIGN_OR_RETURN(
        access_log_,
        AccessLog::Open(opts_.base_path + "/logs/storage_access.log",
                        opts_.access_log_rotation, env_));
  }
  sync_dir_ = opts_.base_path + "/data/sync";
  binlog_ =
      std::make_unique<BinlogWriter>(env_, sync_dir_, opts_.binlog_max_bytes);
  s = binlog_->Open();
  if (!s.ok()) return s;
  s = AdoptOrphans();
  if (!s.ok()) return s;
  if (opts_.durability == Durability::kGroupCommit) {
    committer_ = std::make_unique<GroupCommitter>(env_, opts_.store_paths,
                                                  binlog_.get(), sync_dir_);
  }
  if (!opts_.bind_addr.empty()) SetAdvertisedIp(opts_.bind_addr);
  s = server_.Listen(opts_.bind_addr, opts_.port);
  if (!s.ok()) return s;
  s = net::WriteRuntimeFiles(env_, opts_.base_path + "/data", "nimbus-storage",
                             server_.port());
  if (!s.ok()) return s;
  server_.SetAllowList(opts_.allow_hosts);
  if (!opts_.allow_hosts.allows_all()) {
    spdlog::info("allow_hosts: {}", opts_.allow_hosts.Describe());
  }
  server_.Start();
  if (opts_.metrics.enabled()) {
    http_ = std::make_unique<net::HttpEndpoint>(
        io_, [this](const net::HttpRequestLine& r) {
          return net::OperationalResponse(
              r, [this] { return RenderMetrics(); },
              [this] { return Health(); });
        });
    s = http_->Listen(opts_.metrics.bind_addr,
                      static_cast<uint16_t>(opts_.metrics.port));
    if (!s.ok()) return s;
    s = env_->WriteFileAtomic(
        opts_.base_path + "/data/nimbus-storage.metrics_port",
        std::to_string(http_->port()) + "\n");
    if (!s.ok()) return s;
    http_->Start();
  }
  if (opts_.http_port >= 0) {
    // nginx's requests share the network threads with the protocol's.
    files_http_ = std::make_unique<net::HttpEndpoint>(
        io_,
        net::HttpEndpoint::AsyncHandler(
            [this](const net::HttpRequestLine& r) { return ServeHttpFile(r); }),
        opts_.max_connections, loops_.get(), /*keep_alive=*/true);
    s = files_http_->Listen(opts_.http_bind_addr,
                            static_cast<uint16_t>(opts_.http_port));
    if (!s.ok()) return s;
    s = env_->WriteFileAtomic(
        opts_.base_path + "/data/nimbus-storage.http_port",
        std::to_string(files_http_->port()) + "\n");
    if (!s.ok()) return s;
    files_http_->Start();
  }
  scrubber_ = std::make_unique<Scrubber>(this);
  scrubber_->Start();
  if (opts_.file_count_interval_s > 0) {
    file_counter_ = std::make_unique<FileCounter>(
        env_, opts_.store_paths,
        std::chrono::seconds(opts_.file_count_interval_s));
    file_counter_->Start();
  }
  for (const HostPort& t : opts_.trackers) {
    reporters_.push_back(std::make_unique<TrackerReporter>(this, io_, t));
    reporters_.back()->Start();
  }
  spdlog::info("nimbus-storage of {} listening on {}:{} with {} store path(s)",
               opts_.group_name,
               opts_.bind_addr.empty() ? "0.0.0.0" : opts_.bind_addr,
               server_.port(), store_.path_count());
  return Status::OK();
}

void StorageServer::Run() {
  loops_->Start();
  io_.run();
  loops_->Stop();
  loops_->Join();
}

void StorageServer::Stop() {
  if (stopped_.exchange(true)) return;
  asio::post(io_, [this] {
    server_.Stop();
    if (http_) http_->Stop();
    if (files_http_) files_http_->Stop();
  });
  io_.stop();
}

void StorageServer::SetAdvertisedIp(const std::string& ip) {
  std::lock_guard<std::mutex> lock(mu_);
  if (advertised_ip_ != ip) {
    spdlog::info("source address for new file names: {}", ip);
    advertised_ip_ = ip;
  }
}

void StorageServer::SetNameSourceId(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (own_id_ != id) {
    if (id.empty()) {
      spdlog::info("new file names carry this server's address");
    } else {
      spdlog::info("new file names carry this server's storage id {}", id);
    }
    own_id_ = id;
  }
}

std::string StorageServer::SourceAddress(uint32_t source_field) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = id_addresses_.find(source_field);
  return it != id_addresses_.end() ? it->second
                                   : proto::FormatIpv4(source_field);
}

uint32_t StorageServer::SourceIp(const Conn& c) {
  std::string ip;
  {
    std::lock_guard<std::mutex> lock(mu_);
    uint32_t number = 0;
    if (proto::IsNumericId(own_id_, &number)) return number;
    ip = advertised_ip_;
  }
  if (ip.empty()) ip = c.local_ip;
  auto v = proto::ParseIpv4(ip);
  return v.ok() ? *v : 0;
}

bool StorageServer::TryMarkBusy(const std::string& full) {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_.insert(full).second;
}

void StorageServer::ClearBusy(const std::string& full) {
  std::lock_guard<std::mutex> lock(mu_);
  busy_.erase(full);
}

void StorageServer::AddCounter(proto::Counter c, int64_t n) {
  counters_[c].fetch_add(n, std::memory_order_relaxed);
}

void StorageServer::Count(proto::Counter total, proto::Counter success,
                          const Status& s, int64_t n) {
  AddCounter(total, n);
  if (s.ok()) AddCounter(success, n);
}

proto::StorageCounters StorageServer::Counters() const {
  proto::StorageCounters c;
  for (size_t i = 0; i < c.v.size(); ++i) {
    c.v[i] = counters_[i].load(std::memory_order_relaxed);
  }
  c.conn_alloc = conn_alloc_.load();
  c.conn_current = server_.live_connections();
  c.conn_max = conn_max_.load();
  return c;
}

Result<StorageServer::Target> StorageServer::ResolveTarget(
    std::string_view group, std::string_view name) {
  if (group != opts_.group_name) {
    return Status::InvalidArgument(
        fmt::format("file of group `{}` sent to a server of `{}`", group,
                    opts_.group_name));
  }
  NIMBUS_LET_OR_RETURN(proto::LogicName ln, proto::ParseLogicName(name));
  return store_.Locate(ln);
}

asio::awaitable<void> StorageServer::Serve(asio::ip::tcp::socket sock) {
  Conn c(std::move(sock));
  std::error_code ec;
  auto remote = c.sock.remote_endpoint(ec);
  if (ec) co_return;
  c.peer_ip = remote.address().to_string();
  c.local_ip = c.sock.local_endpoint(ec).address().to_string();
  c.net_timeout = std::chrono::seconds(opts_.network_timeout_s);
  c.chunk.resize(std::min(opts_.buff_size, kInitialChunk));
  conn_alloc_.fetch_add(1);
  int32_t live = server_.live_connections();
  int32_t prev = conn_max_.load();
  while (live > prev && !conn_max_.compare_exchange_weak(prev, live)) {
  }
  char hdr[proto::kHeaderSize];
  std::string body;
  for (;;) {
    ec = co_await c.in.ReadNextFrame(c.sock, asio::buffer(hdr), kIdleTimeout);
    if (ec) break;
    proto::Header h = proto::DecodeHeader(hdr);
    if (!c.held.empty() && !IsSyncChange(h.cmd)) {
      // Replies go out in request order: the held ones before this one's.
      co_await ReleaseHeld(c, nullptr);
      if (c.close) break;
    }
    if (h.cmd == proto::kQuit) break;
    const auto started = std::chrono::steady_clock::now();
    auto spec = proto::FindCommand(h.cmd);
    Handler handler = Handlers()[h.cmd];
    Status st;
    auto record = [&] {
      const auto spent = std::chrono::steady_clock::now() - started;
      requests_.Record(h.cmd, static_cast<uint8_t>(st.ToErrno()),
                       std::chrono::duration<double>(spent).count());
      if (access_log_ != nullptr) LogAccess(c, body, st, spent, h.pkg_len);
    };
    c.reply.clear();
    c.reply_sent = false;
    c.reply_raw = false;
    c.remaining = 0;
    c.reply_len = -1;
    c.read_name.clear();
    c.cmd = h.cmd;
    c.change.reset();
    if (!spec || handler == nullptr) {
      spdlog::warn("{}: unknown command {}, closing", c.peer_ip, h.cmd);
      st = Status::InvalidArgument("unknown command");
      c.close = true;
    } else if (h.pkg_len < spec->min_body ||
               (!spec->streaming && h.pkg_len > spec->max_body)) {
      spdlog::warn("{}: {} with invalid pkg_len {}, closing", c.peer_ip,
                   spec->name, h.pkg_len);
      st = Status::InvalidArgument("invalid package length");
      c.close = true;
    } else {
      int64_t fixed = spec->streaming ? spec->max_body : h.pkg_len;
      body.resize(static_cast<size_t>(fixed));
      c.remaining = h.pkg_len - fixed;
      if (fixed > 0) {
        ec = co_await c.in.ReadExact(c.sock, asio::buffer(body), c.net_timeout);
        if (ec) break;
      }
      st = co_await (this->*handler)(c, body, h.status);
      if (MayHold(c, h.cmd, st)) {
        char out[proto::kHeaderSize];
        proto::EncodeHeader(
            {static_cast<int64_t>(c.reply.size()), proto::kResp, 0}, out);
        c.held.append(out, sizeof out);
        c.held.append(c.reply);
        ++c.held_count;
        if (std::find(c.held_paths.begin(), c.held_paths.end(),
                      c.change->path) == c.held_paths.end()) {
          c.held_paths.push_back(c.change->path);
        }
        record();
        continue;
      }
      if (!c.held.empty()) {
        // This change is made durable with the held ones, by the same flush.
        Status durable =
            co_await ReleaseHeld(c, c.change ? &*c.change : nullptr);
        if (c.change && st.ok()) st = durable;
        if (c.close) {
          record();
          break;
        }
      } else if (c.change && opts_.durability != Durability::kNone) {
        // Applied but not yet durable: an error here means the change may
        // or may not survive a crash, which is what a failed reply means.
        Status durable = co_await Persist(*c.change);
        if (st.ok()) st = durable;
      }
      if (!st.ok() && !(st.IsNotFound() && h.cmd == proto::kQueryFileInfo &&
                        (h.status & proto::kQueryInfoSilent))) {
        spdlog::info("{}: {} failed: {}", c.peer_ip, spec->name, st.ToString());
      }
    }
    if (c.close) {
      if (c.reply_sent) {
        record();
        break;
      }
    } else if (c.remaining > 0) {
      if (c.remaining > kMaxDrainBytes) {
        c.close = true;
      } else {
        // What the client still sends is read and dropped.
        if (!(co_await DiscardContent(c)).ok()) co_return;
      }
    }
    // Counted before the reply goes out: a client that has its reply finds
    // the request in /metrics.
    record();
    if (!c.reply_sent && c.reply_raw) {
      ec = co_await net::WriteAll(c.sock, asio::buffer(c.reply), c.net_timeout);
    } else if (!c.reply_sent) {
      if (!st.ok()) c.reply.clear();
      char out[proto::kHeaderSize];
      proto::EncodeHeader({static_cast<int64_t>(c.reply.size()), proto::kResp,
                           static_cast<uint8_t>(st.ToErrno())},
                          out);
      ec = co_await net::WriteAll2(c.sock, asio::buffer(out),
                                   asio::buffer(c.reply), c.net_timeout);
    }
    if (!c.reply_sent && ec) break;
    if (c.close) break;
  }
}

bool StorageServer::MoreWaiting(Conn& c) {
  if (c.in.buffered() > 0) return true;
  std::error_code ec;
  return c.sock.available(ec) > 0 && !ec;
}

bool StorageServer::MayHold(Conn& c, uint8_t cmd, const Status& st) const {
  return opts_.durability == Durability::kGroupCommit && IsSyncChange(cmd) &&
         st.ok() && c.change && !c.close && c.remaining == 0 && !c.reply_sent &&
         !c.reply_raw && c.held_count < kMaxHeldReplies && MoreWaiting(c);
}

asio::awaitable<Status> StorageServer::ReleaseHeld(Conn& c,
                                                   const Change* also) {
  std::vector<uint32_t> paths = c.held_paths;
  if (also != nullptr &&
      std::find(paths.begin(), paths.end(), also->path) == paths.end()) {
    paths.push_back(also->path);
  }
  Status durable;
  for (uint32_t path : paths) {
    Status s = co_await committer_->Commit(path);
    if (durable.ok()) durable = s;
  }
  if (!durable.ok()) {
    // Each held reply becomes the flush's error, without its body.
    std::string failed;
    const auto err = static_cast<uint8_t>(durable.ToErrno());
    for (size_t pos = 0; pos + proto::kHeaderSize <= c.held.size();) {
      proto::Header h = proto::DecodeHeader(c.held.data() + pos);
      char out[proto::kHeaderSize];
      proto::EncodeHeader({0, proto::kResp, err}, out);
      failed.append(out, sizeof out);
      pos += proto::kHeaderSize + static_cast<size_t>(h.pkg_len);
    }
    c.held = std::move(failed);
  }
  std::error_code ec =
      co_await net::WriteAll(c.sock, asio::buffer(c.held), c.net_timeout);
  c.held.clear();
  c.held_count = 0;
  c.held_paths.clear();
  if (ec) {
    c.close = true;
    co_return Status::Unavailable("connection lost: " + ec.message());
  }
  co_return durable;
}

void StorageServer::Changed(Conn& c, uint32_t path, const std::string& full,
                            bool content, bool entry) {
  if (!c.change) c.change.emplace().path = path;
  if (content) c.change->files.push_back(full);
  if (entry) {
    size_t slash = full.rfind('/');
    c.change->dirs.push_back(
        slash == std::string::npos ? "." : full.substr(0, slash));
  }
}

void StorageServer::ChangedFile(Conn& c, const FileRef& ref, bool content,
                                bool entry) const {
  if (ref.packed()) {
    // Written or punched: either way the trunk file's content, whose own
    // entry was made durable when it was created.
    Changed(c, ref.logic.store_path_index, store_.ContentPath(ref), true,
            false);
  } else {
    Changed(c, ref.logic.store_path_index, ref.full, content, entry);
  }
}

asio::awaitable<Status> StorageServer::Persist(const Change& change) {
  if (opts_.durability == Durability::kGroupCommit) {
    co_return co_await committer_->Commit(change.path);
  }
  co_return co_await disks_[change.path]->Run([&]() -> Status {
    // NotFound: removed since by a later change, which persists itself.
    for (const std::string& f : change.files) {
      Status s = env_->SyncPath(f);
      if (!s.ok() && !s.IsNotFound()) return s;
    }
    for (const std::string& d : change.dirs) {
      Status s = env_->SyncPath(d);
      if (!s.ok() && !s.IsNotFound()) return s;
    }
    return binlog_->Sync();
  });
}

asio::awaitable<Status> StorageServer::ReadName(Conn& c, int64_t len,
                                                std::string* name) {
  name->assign(static_cast<size_t>(len), '\0');
  std::error_code ec =
      co_await c.in.ReadExact(c.sock, asio::buffer(*name), c.net_timeout);
  if (ec) {
    c.close = true;
    co_return Status::Unavailable("connection lost: " + ec.message());
  }
  c.remaining -= len;
  if (access_log_ != nullptr) c.read_name = *name;
  co_return Status::OK();
}

void StorageServer::LogAccess(const Conn& c, std::string_view body,
                              const Status& st,
                              std::chrono::steady_clock::duration spent,
                              int64_t pkg_len) {
  const char* action = AccessLog::Action(c.cmd);
  if (action == nullptr) return;
  const int64_t reply_body =
      !st.ok() ? 0
               : (c.reply_len >= 0 ? c.reply_len
                                   : static_cast<int64_t>(c.reply.size()));
  access_log_->Write(
      c.peer_ip, action,
      // A reply the socket could not take at once is raw bytes now.
      AccessLog::FileOf(c.cmd, body,
                        st.ok() && !c.reply_raw ? std::string_view(c.reply)
                                                : std::string_view(),
                        opts_.group_name, c.read_name),
      st.ToErrno(),
      std::chrono::duration_cast<std::chrono::milliseconds>(spent).count(),
      proto::kHeaderSize + pkg_len, proto::kHeaderSize + reply_body);
}

asio::awaitable<Status> StorageServer::ReceiveWhole(Conn& c, size_t n) {
  std::error_code ec = co_await c.in.ReadExact(
      c.sock, asio::buffer(c.chunk.data(), n), c.net_timeout);
  if (ec) {
    c.close = true;
    co_return Status::Unavailable("connection lost mid-transfer: " +
                                  ec.message());
  }
  c.remaining -= static_cast<int64_t>(n);
  co_return Status::OK();
}

asio::awaitable<Status> StorageServer::DiscardContent(Conn& c) {
  while (c.remaining > 0) {
    Status got = co_await ReceiveWhole(
        c, static_cast<size_t>(std::min<int64_t>(
               c.remaining, static_cast<int64_t>(c.chunk.size()))));
    if (!got.ok()) co_return got;
  }
  co_return Status::OK();
}

void StorageServer::GrowChunk(Conn& c, uint64_t bytes) const {
  if (bytes > c.chunk.size() && c.chunk.size() < opts_.buff_size) {
    c.chunk.resize(opts_.buff_size);
  }
}

asio::awaitable<Status> StorageServer::ReceiveInto(Conn& c, DiskExecutor& disk,
                                                   WritableFile* file,
                                                   int64_t bytes,
                                                   uint32_t* crc) {
  using namespace asio::experimental::awaitable_operators;
  GrowChunk(c, static_cast<uint64_t>(bytes));
  auto next_size = [&] {
    return static_cast<size_t>(
        std::min<int64_t>(bytes, static_cast<int64_t>(c.chunk.size())));
  };
  size_t n = next_size();
  if (n == 0) co_return Status::OK();
  Status received = co_await ReceiveWhole(c, n);
  if (!received.ok()) co_return received;
  bytes -= static_cast<int64_t>(n);
  if (bytes > 0 && c.back.size() != c.chunk.size()) {
    c.back.resize(c.chunk.size());
  }
  int64_t since_sync = 0;
  for (;;) {
    // c.back holds the `n` bytes to write; c.chunk is free to receive. (A
    // single-chunk transfer swaps too, and back: the buffers keep their
    // sizes.)
    std::swap(c.chunk, c.back);
    since_sync += static_cast<int64_t>(n);
    bool sync = opts_.fsync_after_written_bytes > 0 &&
                since_sync >= opts_.fsync_after_written_bytes;
    if (sync) since_sync = 0;
    const char* data = c.back.data();
    auto write = disk.Run([file, crc, data, n, sync]() -> Status {
      if (crc != nullptr) *crc = Crc32(*crc, data, n);
      Status w = file->Append(std::string_view(data, n));
      if (w.ok() && sync) w = file->Sync();
      return w;
    });
    const size_t next = next_size();
    if (next == 0) {
      Status written = co_await std::move(write);
      std::swap(c.chunk, c.back);
      co_return written;
    }
    auto [written, got] = co_await (std::move(write) && ReceiveWhole(c, next));
    if (!written.ok()) co_return written;
    if (!got.ok()) co_return got;
    bytes -= static_cast<int64_t>(next);
    n = next;
  }
}

asio::awaitable<Status> StorageServer::HandleActiveTest(Conn&, std::string_view,
                                                        uint8_t) {
  co_return Status::OK();
}

asio::awaitable<Status> StorageServer::HandleDelete(Conn& c,
                                                    std::string_view body,
                                                    uint8_t) {
  auto req = proto::DecodeGroupAndName(body);
  if (!req.ok()) co_return req.status();
  auto t = ResolveTarget(req->group, req->name);
  if (!t.ok()) co_return t.status();
  BusyGuard guard(this, t->full);
  if (!guard.held()) co_return Status::Busy("file is being updated");
  Status s = co_await disks_[t->logic.store_path_index]->Run([&] {
    Status r = store_.Delete(*t);
    return r.ok() ? AppendBinlog('D', t->logic.ToString()) : r;
  });
  if (s.ok()) ChangedFile(c, *t, false, true);
  Count(proto::kTotalDeleteCount, proto::kSuccessDeleteCount, s);
  co_return s;
}

}  // namespace nimbus::storage
