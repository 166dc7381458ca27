#include "storage/tracker_reporter.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <asio/experimental/as_tuple.hpp>
#include <ctime>

#include "common/coding.h"
#include "common/reserved_space.h"
#include "net/timed_io.h"
#include "proto/command.h"
#include "proto/header.h"
#include "proto/server_messages.h"
#include "proto/storage_ids.h"
#include "proto/sync_messages.h"
#include "proto/tracker_messages.h"
#include "storage/storage_server.h"

namespace nimbus::storage {
namespace {

constexpr int64_t kMaxReplyBytes = 1 << 20;

asio::awaitable<void> Sleep(asio::io_context& io, std::chrono::milliseconds d) {
  asio::steady_timer t(io, d);
  co_await t.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
}

}  // namespace

TrackerReporter::TrackerReporter(StorageServer* server, asio::io_context& io,
                                 HostPort tracker)
    : server_(server), io_(io), tracker_(std::move(tracker)) {}

void TrackerReporter::Start() { asio::co_spawn(io_, Loop(), asio::detached); }

asio::awaitable<void> TrackerReporter::Loop() {
  auto backoff = std::chrono::milliseconds(200);
  bool logged_down = false;
  for (;;) {
    asio::ip::tcp::socket sock(io_);
    std::error_code ec = co_await net::Connect(
        sock, tracker_.host, tracker_.port,
        std::chrono::seconds(server_->options().connect_timeout_s),
        server_->options().bind_addr);
    Status s;
    if (ec) {
      s = Status::Unavailable(ec.message());
    } else {
      logged_down = false;
      backoff = std::chrono::milliseconds(200);
      s = co_await Session(sock);
    }
    if (!logged_down) {
      spdlog::warn("tracker {}: {}; retrying", tracker_.ToString(),
                   s.ToString());
      logged_down = true;
    }
    co_await Sleep(io_, backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

asio::awaitable<Status> TrackerReporter::Call(asio::ip::tcp::socket& sock,
                                              uint8_t cmd,
                                              const std::string& body,
                                              std::string* reply) {
  const auto timeout =
      std::chrono::seconds(server_->options().network_timeout_s);
  char hdr[proto::kHeaderSize];
  proto::EncodeHeader({static_cast<int64_t>(body.size()), cmd, 0}, hdr);
  std::error_code ec = co_await net::WriteAll2(sock, asio::buffer(hdr),
                                               asio::buffer(body), timeout);
  if (!ec) ec = co_await net::ReadExact(sock, asio::buffer(hdr), timeout);
  if (ec) co_return Status::Unavailable(ec.message());
  proto::Header h = proto::DecodeHeader(hdr);
  if (h.cmd != proto::kResp || h.pkg_len < 0 || h.pkg_len > kMaxReplyBytes) {
    co_return Status::Corruption("bad response header from tracker");
  }
  std::string buf(static_cast<size_t>(h.pkg_len), '\0');
  if (!buf.empty()) {
    ec = co_await net::ReadExact(sock, asio::buffer(buf), timeout);
    if (ec) co_return Status::Unavailable(ec.message());
  }
  if (h.status != 0) {
    co_return Status::FromErrno(
        h.status, std::string(proto::CommandName(cmd)) + " refused by tracker");
  }
  if (reply != nullptr) *reply = std::move(buf);
  co_return Status::OK();
}

asio::awaitable<Status> TrackerReporter::Session(asio::ip::tcp::socket& sock) {
  const StorageOptions& o = server_->options();
  std::error_code ec;
  std::string local_ip = sock.local_endpoint(ec).address().to_string();
  proto::JoinRequest join;
  join.group = o.group_name;
  join.port = server_->port();
  join.store_path_count = static_cast<int64_t>(o.store_paths.size());
  join.subdir_count_per_path = o.subdir_count_per_path;
  join.upload_priority = o.upload_priority;
  join.join_time = server_->start_time();
  join.up_time = server_->start_time();
  join.version = "6.16";
  join.tracker_ip = tracker_.host;
  join.tracker_count = static_cast<int64_t>(o.trackers.size());
  join.status = server_->LoadOwnState();
  std::string reply;
  // The address this tracker knew us by, if it changed since
  // (storage_ip_changed_auto_adjust): ask it to move our entry first.
  const std::string self_ip = o.bind_addr.empty() ? local_ip : o.bind_addr;
  const std::string seen_path = fmt::format(
      "{}/ip_seen_by_{}_{}", server_->sync_dir(), tracker_.host, tracker_.port);
  auto seen = server_->env()->ReadSmallFile(seen_path, 64);
  std::string old_ip = seen.ok() ? seen->substr(0, seen->find('\n')) : "";
  if (!old_ip.empty() && old_ip != self_ip) {
    // Built outside the co_await expression: GCC 12 destroys brace-built
    // temporaries there twice.
    proto::IpChange change{o.group_name, old_ip, self_ip};
    const std::string body = proto::EncodeIpChange(change);
    Status moved =
        co_await Call(sock, proto::kStorageReportIpChanged, body, nullptr);
    if (moved.ok()) {
      spdlog::info("tracker {}: address changed from {} to {}",
                   tracker_.ToString(), old_ip, self_ip);
    } else if (moved.code() == Status::Code::kUnavailable) {
      co_return moved;
    } else {
      spdlog::warn("tracker {} did not move {} to {}: {}; joining as {}",
                   tracker_.ToString(), old_ip, self_ip, moved.ToString(),
                   self_ip);
    }
  }
  Status s = co_await Call(sock, proto::kStorageJoin,
                           proto::EncodeJoinRequest(join), &reply);
  if (!s.ok()) co_return s;
  if (old_ip != self_ip) {
    Status saved = server_->env()->WriteFileAtomic(seen_path, self_ip + "\n");
    if (!saved.ok())
      spdlog::warn("cannot save {}: {}", seen_path, saved.ToString());
  }
  if (o.bind_addr.empty()) server_->SetAdvertisedIp(local_ip);
  auto joined = proto::DecodeJoinReply(reply);
  if (joined.ok() &&
      joined->status == static_cast<uint8_t>(proto::StorageState::kActive)) {
    server_->SaveOwnState(joined->status);
  }
  spdlog::info("joined tracker {} as {}:{}", tracker_.ToString(), local_ip,
               server_->port());

  s = co_await Call(sock, proto::kStorageParameterReq, "", &reply);
  if (!s.ok()) co_return s;
  proto::Parameters params = proto::DecodeParameters(reply);
  if (auto it = params.find("reserved_storage_space"); it != params.end()) {
    auto rs = ReservedSpace::Parse(it->second);
    if (rs.ok()) {
      server_->store().SetReserved(*rs);
    } else {
      spdlog::warn("tracker sent bad reserved_storage_space `{}`", it->second);
    }
  }
  // A key the tracker did not send reads as empty.
  auto get = [&](const char* key) -> std::string {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  };
  if (auto it = params.find("store_path"); it != params.end()) {
    // 2 = load balance; anything else is round robin, as in FastDFS.
    server_->store().SetPathBalancing(it->second == "2");
  }
  {
    // FastDFS's trunk settings; a tracker that does not send them (or
    // sends nonsense) leaves packing off.
    const bool use_trunk =
        get("use_trunk_file") == "true" || get("use_trunk_file") == "1";
    auto slot_max = ParseByteSize(get("slot_max_size"));
    auto trunk_size = ParseByteSize(get("trunk_file_size"));
    const bool valid = slot_max.ok() && trunk_size.ok() && *slot_max > 0;
    if (use_trunk && !valid) {
      spdlog::warn(
          "tracker asks for trunk files without valid slot_max_size "
          "`{}` / trunk_file_size `{}`; not packing files",
          get("slot_max_size"), get("trunk_file_size"));
    }
    server_->store().SetTrunkPolicy(use_trunk && valid, valid ? *slot_max : 0,
                                    valid ? *trunk_size : 0);
    if (use_trunk && valid && server_->options().http_port < 0) {
      spdlog::warn(
          "trunk files are on but http_port is off: nginx cannot serve packed "
          "files over HTTP (set http_port and regenerate the nginx config)");
    }
  }
  {
    // use_storage_id with id_type_in_filename = id: new names carry this
    // server's numeric id (the tracker admitted it by storage_ids.conf).
    std::string id;
    const bool ids =
        get("use_storage_id") == "true" || get("use_storage_id") == "1";
    if (ids && get("id_type_in_filename") == "id") {
      uint32_t number = 0;
      id = get("storage_id");
      if (!proto::IsNumericId(id, &number)) {
        spdlog::warn(
            "tracker {} asks for storage ids in file names but sent no "
            "numeric id for this server (`{}`); names carry the address",
            tracker_.ToString(), id);
        id.clear();
      }
    }
    server_->SetNameSourceId(id);
  }
  server_->MarkTrackerParametersKnown();

  int64_t last_report = 0;
  for (;;) {
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    if (now - last_report >= o.stat_report_interval_s || last_report == 0) {
      std::vector<proto::PathUsage> usage;
      co_await server_->disk(0).Run([&] {
        usage = server_->store().Usage();
        return Status::OK();
      });
      s = co_await Call(sock, proto::kStorageReportDiskUsage,
                        proto::EncodeDiskUsage(usage), nullptr);
      if (!s.ok()) co_return s;
      last_report = now;
    }
    std::string counters;
    proto::AppendStorageCounters(&counters, server_->Counters());
    s = co_await Call(sock, proto::kStorageBeat, counters, nullptr);
    if (!s.ok()) co_return s;
    // Learn the group's members (a SyncWorker starts for each new peer) and
    // tell the tracker how far each peer has caught up with us.
    s = co_await Call(sock, proto::kListStorage,
                      proto::EncodeGroup(o.group_name), &reply);
    if (!s.ok()) co_return s;
    auto members = proto::DecodeStorageStats(reply);
    const std::string self = o.bind_addr.empty() ? local_ip : o.bind_addr;
    // Peers whose address changed: their sync progress moves with them.
    std::string changelog;
    s = co_await Call(sock, proto::kStorageChangelogReq,
                      proto::EncodeGroup(o.group_name), &changelog);
    if (!s.ok()) co_return s;
    auto renames = proto::DecodeChangelog(changelog);
    if (renames.ok()) server_->ApplyPeerRenames(*renames, self);
    if (members.ok()) {
      server_->UpdatePeers(*members, self);
      for (const auto& m : *members) {
        if (m.ip == self &&
            m.status == static_cast<uint8_t>(proto::StorageState::kActive)) {
          server_->SaveOwnState(m.status);  // e.g. its initial sync finished
        }
      }
    }
    for (const std::string& dest : server_->FinishedFullCopies()) {
      std::string body;
      PutFixedString(&body, dest, proto::kIpAddressSize);
      s = co_await Call(sock, proto::kStorageSyncNotify, body, nullptr);
      if (!s.ok() && s.code() != Status::Code::kPermission) co_return s;
    }
    auto progress = server_->SyncProgress();
    if (!progress.empty()) {
      s = co_await Call(sock, proto::kStorageSyncReport,
                        proto::EncodeSyncReport(progress), nullptr);
      if (!s.ok()) co_return s;
    }
    co_await Sleep(io_, std::chrono::seconds(o.heart_beat_interval_s));
  }
}

}  // namespace nimbus::storage
