#include "replication_probe.h"

#include <fmt/format.h>

#include <cerrno>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "net/blocking_connection.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/file_name.h"
#include "proto/header.h"
#include "proto/tracker_messages.h"

namespace nimbus::bench {
namespace {

using Clock = std::chrono::steady_clock;

Result<std::string> SourceIp(const proto::FileId& id) {
  auto fields = proto::DecodeNameBase(id.logic.name);
  if (!fields.ok()) return fields.status();
  return proto::FormatIpv4(fields->source_ip);
}

// One storage of a group, asked whether it holds a file.
class Member {
 public:
  Member(std::string ip, uint16_t port) : ip_(std::move(ip)), port_(port) {}
  const std::string& ip() const { return ip_; }

  // True when the storage holds `id`, false when not (yet).
  Result<bool> Holds(const proto::FileId& id) {
    if (!conn_) {
      auto c = net::BlockingConnection::Connect(
          ip_, port_, std::chrono::milliseconds(2000),
          std::chrono::milliseconds(5000));
      if (!c.ok()) return c.status();
      conn_ = std::move(*c);
    }
    std::string body = proto::EncodeGroupAndName(id.group, id.logic.ToString());
    std::string frame;
    proto::AppendHeader(&frame, static_cast<int64_t>(body.size()),
                        proto::kQueryFileInfo, proto::kQueryInfoSilent);
    char h[proto::kHeaderSize];
    Status s = conn_->Write2(frame, body);
    if (s.ok()) s = conn_->ReadExact(h, sizeof(h));
    if (!s.ok()) {
      conn_.reset();
      return s;
    }
    proto::Header hdr = proto::DecodeHeader(h);
    if (hdr.pkg_len < 0 || hdr.pkg_len > 4096) {
      conn_.reset();
      return Status::Corruption(fmt::format(
          "{}: QUERY_FILE_INFO reply of {} bytes", ip_, hdr.pkg_len));
    }
    std::string reply(static_cast<size_t>(hdr.pkg_len), '\0');
    s = conn_->ReadExact(reply.data(), reply.size());
    if (!s.ok()) {
      conn_.reset();
      return s;
    }
    if (hdr.status == 0) return true;
    if (hdr.status == ENOENT) return false;
    return Status::FromErrno(hdr.status, ip_ + ": QUERY_FILE_INFO");
  }

 private:
  const std::string ip_;
  const uint16_t port_;
  std::unique_ptr<net::BlockingConnection> conn_;
};

}  // namespace

std::vector<std::string> ReplicationProbe::LastPerSource(
    const std::vector<std::vector<std::string>>& written) {
  std::vector<std::string> out;
  for (const auto& ids : written) {
    std::set<std::string> seen;
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
      auto id = proto::ParseFileId(*it);
      if (!id.ok()) continue;
      auto src = SourceIp(*id);
      if (!src.ok()) continue;
      if (seen.insert(id->group + " " + *src).second) out.push_back(*it);
    }
  }
  return out;
}

Result<double> ReplicationProbe::WaitReplicated(
    client::Client& c, const std::vector<std::string>& ids,
    std::chrono::milliseconds timeout, std::chrono::milliseconds interval) {
  const auto start = Clock::now();
  // What is still to be seen: (file, member) pairs.
  struct Pending {
    proto::FileId id;
    Member* member;
  };
  std::map<std::string, std::vector<std::unique_ptr<Member>>> members;
  std::vector<Pending> pending;
  for (const std::string& text : ids) {
    NIMBUS_LET_OR_RETURN(proto::FileId id, proto::ParseFileId(text));
    NIMBUS_LET_OR_RETURN(std::string source, SourceIp(id));
    auto [git, fresh] = members.try_emplace(id.group);
    if (fresh) {
      NIMBUS_LET_OR_RETURN(auto stats, c.ListStorages(id.group));
      for (const proto::StorageStat& s : stats) {
        if (s.status != static_cast<uint8_t>(proto::StorageState::kActive)) {
          continue;
        }
        git->second.push_back(std::make_unique<Member>(
            s.ip, static_cast<uint16_t>(s.storage_port)));
      }
    }
    for (auto& m : git->second) {
      if (m->ip() != source) pending.push_back({id, m.get()});
    }
  }
  for (;;) {
    std::vector<Pending> still;
    for (Pending& p : pending) {
      NIMBUS_LET_OR_RETURN(bool held, p.member->Holds(p.id));
      if (!held) still.push_back(std::move(p));
    }
    pending = std::move(still);
    const auto elapsed = Clock::now() - start;
    if (pending.empty()) {
      return std::chrono::duration<double>(elapsed).count();
    }
    if (elapsed > timeout) {
      return Status::TimedOut(fmt::format(
          "{} of the files written are not on every storage after {} s "
          "(first: {} on {})",
          pending.size(),
          std::chrono::duration_cast<std::chrono::seconds>(timeout).count(),
          pending[0].id.ToString(), pending[0].member->ip()));
    }
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace nimbus::bench
