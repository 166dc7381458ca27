#include "tracker/leader_election.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <ctime>

#include "net/timed_io.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/header.h"
#include "proto/tracker_messages.h"
#include "tracker/registry.h"

namespace nimbus::tracker {
namespace {

// A LIST_STORAGE reply for one group stays far below this.
constexpr int64_t kMaxReply = 4 << 20;

}  // namespace

LeaderElection::LeaderElection(asio::io_context& io, HostPort self,
                               std::vector<HostPort> peers, int64_t up_since,
                               std::chrono::milliseconds interval,
                               std::chrono::milliseconds timeout,
                               Registry* registry)
    : io_(io),
      self_(std::move(self)),
      peers_(std::move(peers)),
      up_since_(up_since),
      interval_(interval),
      timeout_(timeout),
      registry_(registry) {
  // Alone, a tracker leads at once; with peers, only after asking them.
  if (peers_.empty()) SetLeader(self_);
}

void LeaderElection::Start() {
  if (peers_.empty()) return;
  asio::co_spawn(io_, Loop(), asio::detached);
}

proto::TrackerStatus LeaderElection::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  proto::TrackerStatus s;
  s.is_leader = leader_.host == self_.host && leader_.port == self_.port;
  s.up_since = up_since_;
  s.leader_ip = leader_.host;
  s.leader_port = leader_.port;
  s.leader_since = leader_since_;
  return s;
}

HostPort LeaderElection::leader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leader_;
}

bool LeaderElection::is_leader() const { return status().is_leader; }

void LeaderElection::SetLeader(const HostPort& l) {
  std::lock_guard<std::mutex> lock(mu_);
  if (l.host == leader_.host && l.port == leader_.port) return;
  leader_ = l;
  leader_since_ = static_cast<int64_t>(std::time(nullptr));
  bool me = l.host == self_.host && l.port == self_.port;
  spdlog::info("tracker leader is now {}{}", l.ToString(),
               me ? " (this tracker)" : "");
}

asio::awaitable<Result<std::string>> LeaderElection::Ask(
    const HostPort& peer, uint8_t cmd, const std::string& body) {
  asio::ip::tcp::socket sock(io_);
  std::error_code ec =
      co_await net::Connect(sock, peer.host, peer.port, timeout_, self_.host);
  if (ec) co_return Status::Unavailable(ec.message());
  char hdr[proto::kHeaderSize];
  proto::EncodeHeader({static_cast<int64_t>(body.size()), cmd, 0}, hdr);
  ec = co_await net::WriteAll2(sock, asio::buffer(hdr), asio::buffer(body),
                               timeout_);
  if (!ec) ec = co_await net::ReadExact(sock, asio::buffer(hdr), timeout_);
  if (ec) co_return Status::Unavailable(ec.message());
  proto::Header h = proto::DecodeHeader(hdr);
  if (h.cmd != proto::kResp || h.pkg_len < 0 || h.pkg_len > kMaxReply) {
    co_return Status::Corruption("bad reply from tracker " + peer.ToString());
  }
  std::string reply(static_cast<size_t>(h.pkg_len), '\0');
  if (!reply.empty()) {
    ec = co_await net::ReadExact(sock, asio::buffer(reply), timeout_);
    if (ec) co_return Status::Unavailable(ec.message());
  }
  if (h.status != 0) co_return Status::FromErrno(h.status, "tracker refused");
  co_return reply;
}

asio::awaitable<void> LeaderElection::Loop() {
  asio::steady_timer timer(io_);
  for (;;) {
    struct Candidate {
      int64_t up_since;
      std::string key;
      HostPort hp;
    };
    std::vector<Candidate> alive = {{up_since_, self_.ToString(), self_}};
    for (const HostPort& p : peers_) {
      auto reply = co_await Ask(p, proto::kTrackerGetStatus, "");
      if (!reply.ok()) continue;
      auto st = proto::DecodeTrackerStatus(*reply);
      if (!st.ok()) continue;
      alive.push_back({st->up_since, p.ToString(), p});
    }
    const Candidate& best = *std::min_element(
        alive.begin(), alive.end(), [](const Candidate& a, const Candidate& b) {
          return a.up_since != b.up_since ? a.up_since < b.up_since
                                          : a.key < b.key;
        });
    SetLeader(best.hp);
    if (best.key != self_.ToString()) co_await AdoptSyncSources(best.hp);
    for (const Candidate& c : alive) {
      if (c.key != self_.ToString()) co_await AdoptDeletions(c.hp);
    }
    timer.expires_after(interval_);
    auto [ec] = co_await timer.async_wait(
        asio::experimental::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

asio::awaitable<void> LeaderElection::AdoptSyncSources(const HostPort& leader) {
  for (const std::string& group : registry_->GroupsWithJoiningMembers()) {
    auto reply =
        co_await Ask(leader, proto::kListStorage, proto::EncodeGroup(group));
    if (!reply.ok()) co_return;
    auto members = proto::DecodeStorageStats(*reply);
    if (!members.ok()) continue;
    for (const proto::StorageStat& m : *members) {
      if (!m.src_id.empty()) registry_->AdoptSyncSource(group, m.ip, m.src_id);
    }
  }
}

asio::awaitable<void> LeaderElection::AdoptDeletions(const HostPort& peer) {
  for (const std::string& group : registry_->GroupsWithOfflineMembers()) {
    auto reply =
        co_await Ask(peer, proto::kListStorage, proto::EncodeGroup(group));
    if (!reply.ok()) {
      if (reply.status().IsNotFound()) continue;  // it has no such group
      co_return;
    }
    auto members = proto::DecodeStorageStats(*reply);
    if (members.ok()) registry_->AdoptDeletions(group, *members);
  }
}

}  // namespace nimbus::tracker
