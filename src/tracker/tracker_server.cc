#include "tracker/tracker_server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <asio/experimental/as_tuple.hpp>
#include <chrono>
#include <ctime>
#include <vector>

#include "common/coding.h"
#include "net/read_ahead.h"
#include "net/timed_io.h"
#include "proto/command.h"
#include "proto/server_messages.h"
#include "proto/sync_messages.h"

namespace nimbus::tracker {
namespace {

// A connection that sends nothing for this long is closed. Long enough for
// pooled client connections and storage heartbeats (sent every few seconds).
constexpr auto kIdleTimeout = std::chrono::seconds(900);

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

TrackerServer::TrackerServer(TrackerOptions opts, Env* env)
    : opts_(std::move(opts)),
      env_(env),
      registry_(opts_),
      loops_(std::make_unique<net::IoLoopPool>(opts_.work_threads)),
      server_(
          io_, [this](asio::ip::tcp::socket s) { return Serve(std::move(s)); },
          opts_.max_connections, loops_.get()),
      election_(
          io_, HostPort{opts_.bind_addr, opts_.port}, opts_.peers, Now(),
          std::chrono::milliseconds(opts_.tracker_ping_interval_ms),
          std::chrono::seconds(std::min<int64_t>(opts_.connect_timeout_s, 2)),
          &registry_) {}

TrackerServer::~TrackerServer() {
  Stop();
  if (persister_.joinable()) persister_.join();
  // Connections suspended on the loops refer to this server's members.
  loops_.reset();
}

const std::array<TrackerServer::Handler, 256>& TrackerServer::Handlers() {
  static const std::array<Handler, 256> table = [] {
    std::array<Handler, 256> t{};
    t[proto::kActiveTest] = &TrackerServer::HandleActiveTest;
    t[proto::kQueryStoreWithoutGroupOne] = &TrackerServer::HandleQueryStore;
    t[proto::kQueryStoreWithGroupOne] = &TrackerServer::HandleQueryStore;
    t[proto::kQueryStoreWithoutGroupAll] = &TrackerServer::HandleQueryStore;
    t[proto::kQueryStoreWithGroupAll] = &TrackerServer::HandleQueryStore;
    t[proto::kQueryFetchOne] = &TrackerServer::HandleQueryFetch;
    t[proto::kQueryFetchAll] = &TrackerServer::HandleQueryFetch;
    t[proto::kQueryUpdate] = &TrackerServer::HandleQueryFetch;
    t[proto::kListAllGroups] = &TrackerServer::HandleListGroups;
    t[proto::kListOneGroup] = &TrackerServer::HandleListGroups;
    t[proto::kListStorage] = &TrackerServer::HandleListStorage;
    t[proto::kServerDeleteStorage] = &TrackerServer::HandleDeleteStorage;
    t[proto::kServerDeleteGroup] = &TrackerServer::HandleDeleteGroup;
    t[proto::kServerSetTrunkServer] = &TrackerServer::HandleSetTrunkServer;
    t[proto::kStorageJoin] = &TrackerServer::HandleJoin;
    t[proto::kStorageBeat] = &TrackerServer::HandleBeat;
    t[proto::kStorageReportDiskUsage] = &TrackerServer::HandleDiskUsage;
    t[proto::kStorageParameterReq] = &TrackerServer::HandleParameterReq;
    t[proto::kFetchStorageIds] = &TrackerServer::HandleFetchStorageIds;
    t[proto::kStorageSyncReport] = &TrackerServer::HandleSyncReport;
    t[proto::kStorageSyncNotify] = &TrackerServer::HandleSyncNotify;
    t[proto::kTrackerGetStatus] = &TrackerServer::HandleGetStatus;
    t[proto::kStorageReportIpChanged] = &TrackerServer::HandleReportIpChanged;
    t[proto::kStorageChangelogReq] = &TrackerServer::HandleChangelog;
    t[proto::kTrackerGetLeader] = &TrackerServer::HandleGetLeader;
    return t;
  }();
  return table;
}

Status TrackerServer::Start() {
  std::string data = opts_.base_path + "/data";
  for (const std::string& d :
       {opts_.base_path, data, opts_.base_path + "/logs"}) {
    Status s = env_->CreateDirIfMissing(d);
    if (!s.ok()) return s;
  }
  state_path_ = data + "/storage_servers.json";
  if (env_->FileExists(state_path_)) {
    auto text = env_->ReadSmallFile(state_path_, 64 << 20);
    if (!text.ok()) return text.status();
    Status s = registry_.Load(*text);
    if (!s.ok()) return s;
    spdlog::info("loaded cluster state from {}", state_path_);
  }
  Status s = server_.Listen(opts_.bind_addr, opts_.port);
  if (!s.ok()) return s;
  s = net::WriteRuntimeFiles(env_, data, "nimbus-tracker", server_.port());
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
    s = env_->WriteFileAtomic(data + "/nimbus-tracker.metrics_port",
                              std::to_string(http_->port()) + "\n");
    if (!s.ok()) return s;
    http_->Start();
  }
  asio::co_spawn(io_, MaintenanceLoop(), asio::detached);
  election_.Start();
  persister_ = std::thread([this] { PersistLoop(); });
  spdlog::info("nimbus-tracker listening on {}:{}",
               opts_.bind_addr.empty() ? "0.0.0.0" : opts_.bind_addr,
               server_.port());
  return Status::OK();
}

void TrackerServer::Run() {
  loops_->Start();
  io_.run();
  loops_->Stop();
  loops_->Join();
}

void TrackerServer::Stop() {
  if (stopped_.exchange(true)) return;
  asio::post(io_, [this] {
    server_.Stop();
    if (http_) http_->Stop();
  });
  io_.stop();
  {
    std::lock_guard<std::mutex> lock(persist_mu_);
    stopping_ = true;
  }
  persist_cv_.notify_all();
}

Status TrackerServer::SaveState() {
  return env_->WriteFileAtomic(state_path_, registry_.Serialize());
}

void TrackerServer::PersistLoop() {
  uint64_t saved = registry_.change_count();
  std::unique_lock<std::mutex> lock(persist_mu_);
  for (;;) {
    bool stop = persist_cv_.wait_for(lock, std::chrono::milliseconds(500),
                                     [this] { return stopping_; });
    uint64_t now = registry_.change_count();
    if (now != saved) {
      lock.unlock();
      Status s = SaveState();
      if (!s.ok()) spdlog::error("cannot save cluster state: {}", s.ToString());
      saved = now;
      lock.lock();
    }
    if (stop) return;
  }
}

asio::awaitable<void> TrackerServer::MaintenanceLoop() {
  asio::steady_timer timer(io_);
  for (;;) {
    timer.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await timer.async_wait(
        asio::experimental::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    registry_.CheckActive(Now());
  }
}

asio::awaitable<void> TrackerServer::Serve(asio::ip::tcp::socket sock) {
  Conn conn;
  std::error_code ec;
  auto remote = sock.remote_endpoint(ec);
  if (ec) co_return;
  conn.peer_ip = remote.address().to_string();
  conn.local_ip = sock.local_endpoint(ec).address().to_string();
  const auto net_timeout = std::chrono::seconds(opts_.network_timeout_s);
  char hdr[proto::kHeaderSize];
  std::string body;
  std::string reply;
  // A request's header and body usually arrive together: one recv.
  net::ReadAhead in(4096);
  for (;;) {
    ec = co_await in.ReadNextFrame(sock, asio::buffer(hdr), kIdleTimeout);
    if (ec) break;
    proto::Header h = proto::DecodeHeader(hdr);
    if (h.cmd == proto::kQuit) break;
    const auto started = std::chrono::steady_clock::now();
    auto spec = proto::FindCommand(h.cmd);
    Handler handler = Handlers()[h.cmd];
    Status st;
    bool close_after = false;
    if (!spec || handler == nullptr) {
      spdlog::warn("{}: unknown command {}, closing", conn.peer_ip, h.cmd);
      st = Status::InvalidArgument("unknown command");
      close_after = true;
    } else if (h.pkg_len < spec->min_body || h.pkg_len > spec->max_body) {
      spdlog::warn("{}: {} with invalid pkg_len {}, closing", conn.peer_ip,
                   spec->name, h.pkg_len);
      st = Status::InvalidArgument("invalid package length");
      close_after = true;
    } else {
      body.resize(static_cast<size_t>(h.pkg_len));
      if (!body.empty()) {
        ec = co_await in.ReadExact(sock, asio::buffer(body), net_timeout);
        if (ec) {
          spdlog::warn("{}: {} body not received: {}", conn.peer_ip, spec->name,
                       ec.message());
          break;
        }
      }
      reply.clear();
      st = (this->*handler)(conn, body, h.cmd, &reply);
      if (!st.ok() && !st.IsNotFound()) {
        spdlog::info("{}: {} failed: {}", conn.peer_ip, spec->name,
                     st.ToString());
      }
    }
    if (!st.ok()) reply.clear();
    char out[proto::kHeaderSize];
    proto::EncodeHeader({static_cast<int64_t>(reply.size()), proto::kResp,
                         static_cast<uint8_t>(st.ToErrno())},
                        out);
    // Counted before the reply goes out: a client that has its reply finds
    // the request in /metrics.
    requests_.Record(h.cmd, static_cast<uint8_t>(st.ToErrno()),
                     std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - started)
                         .count());
    ec = co_await net::WriteAll2(sock, asio::buffer(out), asio::buffer(reply),
                                 net_timeout);
    if (ec || close_after) break;
  }
  if (conn.joined) registry_.ConnectionLost(conn.group, conn.peer_ip);
}

Status TrackerServer::HandleActiveTest(Conn&, std::string_view, uint8_t,
                                       std::string*) {
  return Status::OK();
}

Status TrackerServer::HandleQueryStore(Conn&, std::string_view body,
                                       uint8_t cmd, std::string* reply) {
  std::string group;
  if (cmd == proto::kQueryStoreWithGroupOne ||
      cmd == proto::kQueryStoreWithGroupAll) {
    NIMBUS_ASSIGN_OR_RETURN(group, proto::DecodeGroup(body));
  }
  bool all = cmd == proto::kQueryStoreWithoutGroupAll ||
             cmd == proto::kQueryStoreWithGroupAll;
  auto target = registry_.QueryStore(group, all);
  if (!target.ok()) return target.status();
  if (all) {
    *reply = proto::EncodeStoreAll(*target);
  } else {
    *reply = proto::EncodeStoreOne({target->group, target->servers[0].ip,
                                    target->servers[0].port,
                                    target->store_path_index});
  }
  return Status::OK();
}

Status TrackerServer::HandleQueryFetch(Conn&, std::string_view body,
                                       uint8_t cmd, std::string* reply) {
  auto req = proto::DecodeGroupAndName(body);
  if (!req.ok()) return req.status();
  Registry::FetchKind kind =
      cmd == proto::kQueryFetchAll ? Registry::FetchKind::kAll
      : cmd == proto::kQueryUpdate ? Registry::FetchKind::kUpdate
                                   : Registry::FetchKind::kOne;
  auto target = registry_.QueryFetch(req->group, req->name, kind, Now());
  if (!target.ok()) return target.status();
  if (kind == Registry::FetchKind::kAll) {
    *reply = proto::EncodeFetchAll(*target);
  } else {
    *reply = proto::EncodeFetchOne(
        {target->group, target->ips.front(), target->port});
  }
  return Status::OK();
}

Status TrackerServer::HandleListGroups(Conn&, std::string_view body,
                                       uint8_t cmd, std::string* reply) {
  std::optional<std::string> group;
  if (cmd == proto::kListOneGroup) {
    NIMBUS_ASSIGN_OR_RETURN(group, proto::DecodeGroup(body));
  }
  auto stats = registry_.ListGroups(group);
  if (!stats.ok()) return stats.status();
  for (const auto& g : *stats) proto::AppendGroupStat(reply, g);
  return Status::OK();
}

Status TrackerServer::HandleListStorage(Conn&, std::string_view body, uint8_t,
                                        std::string* reply) {
  NIMBUS_LET_OR_RETURN(auto req, proto::DecodeGroupAndStorageId(body));
  auto stats = registry_.ListStorages(req.group, req.id);
  if (!stats.ok()) return stats.status();
  for (const auto& s : *stats) proto::AppendStorageStat(reply, s);
  return Status::OK();
}

Status TrackerServer::HandleDeleteStorage(Conn& conn, std::string_view body,
                                          uint8_t, std::string*) {
  NIMBUS_LET_OR_RETURN(auto req, proto::DecodeGroupAndStorageId(body));
  if (!req.id || req.id->empty()) {
    return Status::InvalidArgument("no storage id to delete");
  }
  Status s = registry_.DeleteStorage(req.group, *req.id);
  if (s.ok()) {
    spdlog::warn("{} deleted storage {} from {}", conn.peer_ip, *req.id,
                 req.group);
  }
  return s;
}

Status TrackerServer::HandleDeleteGroup(Conn& conn, std::string_view body,
                                        uint8_t, std::string*) {
  NIMBUS_LET_OR_RETURN(std::string group, proto::DecodeGroup(body));
  Status s = registry_.DeleteGroup(group);
  if (s.ok()) spdlog::warn("{} deleted group {}", conn.peer_ip, group);
  return s;
}

Status TrackerServer::HandleSetTrunkServer(Conn&, std::string_view, uint8_t,
                                           std::string*) {
  // FastDFS's client tries the next tracker on EOPNOTSUPP and reports it.
  return Status::NotSupported(
      "there is no trunk server: each storage packs its own small files");
}

Status TrackerServer::HandleJoin(Conn& conn, std::string_view body, uint8_t,
                                 std::string* reply) {
  auto req = proto::DecodeJoinRequest(body);
  if (!req.ok()) return req.status();
  auto r = registry_.Join(*req, conn.peer_ip, Now());
  if (!r.ok()) return r.status();
  conn.group = req->group;
  conn.joined = true;
  *reply = proto::EncodeJoinReply(*r);
  return Status::OK();
}

Status TrackerServer::HandleBeat(Conn& conn, std::string_view body, uint8_t,
                                 std::string*) {
  if (!conn.joined) return Status::InvalidArgument("heartbeat before join");
  if (!body.empty() && body.size() != proto::kStorageCountersSize) {
    return Status::InvalidArgument("heartbeat body has invalid length");
  }
  proto::StorageCounters counters;
  if (!body.empty()) counters = proto::DecodeStorageCounters(body.data());
  return registry_.Beat(conn.group, conn.peer_ip,
                        body.empty() ? nullptr : &counters, Now());
}

Status TrackerServer::HandleDiskUsage(Conn& conn, std::string_view body,
                                      uint8_t, std::string*) {
  if (!conn.joined) return Status::InvalidArgument("disk report before join");
  auto paths = proto::DecodeDiskUsage(body);
  if (!paths.ok()) return paths.status();
  return registry_.ReportDiskUsage(conn.group, conn.peer_ip, *paths, Now());
}

Status TrackerServer::HandleParameterReq(Conn& conn, std::string_view, uint8_t,
                                         std::string* reply) {
  proto::Parameters p = registry_.StorageParameters();
  if (conn.joined) {
    // The asking storage's own id: what it writes into new file names
    // under id_type_in_filename = id.
    std::string id = registry_.StorageIdOf(conn.group, conn.peer_ip);
    if (!id.empty()) p["storage_id"] = id;
  }
  *reply = proto::EncodeParameters(p);
  return Status::OK();
}

Status TrackerServer::HandleFetchStorageIds(Conn&, std::string_view body,
                                            uint8_t, std::string* reply) {
  if (!opts_.use_storage_id) {
    return Status::NotSupported("use_storage_id is off on this tracker");
  }
  // FastDFS's reply fits its 256 KiB task buffer; clients page with the
  // start index.
  NIMBUS_ASSIGN_OR_RETURN(
      *reply, opts_.storage_ids.EncodeReply(
                  static_cast<int32_t>(DecodeBE32(body.data())), 64 * 1024));
  return Status::OK();
}

}  // namespace nimbus::tracker

namespace nimbus::tracker {

Status TrackerServer::HandleSyncReport(Conn& conn, std::string_view body,
                                       uint8_t, std::string*) {
  if (!conn.joined) return Status::InvalidArgument("sync report before join");
  auto progress = proto::DecodeSyncReport(body);
  if (!progress.ok()) return progress.status();
  return registry_.ReportSync(conn.group, conn.peer_ip, *progress);
}

Status TrackerServer::HandleSyncNotify(Conn& conn, std::string_view body,
                                       uint8_t, std::string*) {
  if (!conn.joined) return Status::InvalidArgument("sync notice before join");
  std::string dest(GetFixedString(body.data(), proto::kIpAddressSize));
  return registry_.SyncDone(conn.group, conn.peer_ip, dest);
}

Status TrackerServer::HandleReportIpChanged(Conn& conn, std::string_view body,
                                            uint8_t, std::string*) {
  auto c = proto::DecodeIpChange(body);
  if (!c.ok()) return c.status();
  if (!opts_.storage_ip_changed_auto_adjust) {
    return Status::Permission(
        "storage_ip_changed_auto_adjust = false: " + c->old_ip + " -> " +
        c->new_ip + " must be handled by an operator");
  }
  // Only the storage itself, from its new address, may move its entry.
  if (conn.peer_ip != c->new_ip) {
    return Status::Permission("address change reported from " + conn.peer_ip +
                              ", not from " + c->new_ip);
  }
  Status s = registry_.RenameStorage(c->group, c->old_ip, c->new_ip);
  return s.IsNotFound() ? Status::OK() : s;  // nothing to move: a new member
}

Status TrackerServer::HandleChangelog(Conn&, std::string_view body, uint8_t,
                                      std::string* reply) {
  std::string group(GetFixedString(body.data(), proto::kGroupNameLen));
  *reply = registry_.Changelog(group);
  return Status::OK();
}

Status TrackerServer::HandleGetStatus(Conn&, std::string_view, uint8_t,
                                      std::string* reply) {
  *reply = proto::EncodeTrackerStatus(election_.status());
  return Status::OK();
}

Status TrackerServer::HandleGetLeader(Conn& c, std::string_view, uint8_t,
                                      std::string* reply) {
  HostPort l = election_.leader();
  // Alone, a tracker leads; it may not have known its port (port = 0)
  // when the election was set up.
  if (opts_.peers.empty()) l = HostPort{opts_.bind_addr, server_.port()};
  if (l.port == 0) return Status::NotFound("no leader elected yet");
  // A lone tracker without bind_addr leads; it is where the client reached.
  if (l.host.empty()) l.host = c.local_ip;
  *reply = proto::EncodeLeader(l.host, l.port);
  return Status::OK();
}

}  // namespace nimbus::tracker
