#include "nimbus/client.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "client/connection_pool.h"
#include "common/coding.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/file_name.h"
#include "proto/header.h"
#include "proto/server_messages.h"
#include "proto/storage_ids.h"
#include "proto/storage_messages.h"

namespace nimbus::client {
namespace {

constexpr int64_t kMaxReplyBytes = 4 << 20;
constexpr size_t kChunk = 256 * 1024;

bool IsNetworkError(const Status& s) {
  return s.code() == Status::Code::kUnavailable ||
         s.code() == Status::Code::kTimedOut ||
         s.code() == Status::Code::kIOError;
}

}  // namespace

// ---------------------------------------------------------------- options

Result<ClientOptions> ClientOptions::FromConfig(ConfigFile& cf) {
  ClientOptions o;
  for (const std::string& t : cf.GetAll("tracker_server")) {
    auto hp = ParseHostPort(t);
    if (!hp.ok()) {
      return Status::InvalidArgument(
          cf.source() + ": tracker_server: " + hp.status().message());
    }
    o.trackers.push_back(*hp);
  }
  int64_t v = 0;
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetSeconds("connect_timeout", 5, 1, 3600));
  o.connect_timeout = std::chrono::seconds(v);
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetSeconds("network_timeout", 30, 1, 3600));
  o.network_timeout = std::chrono::seconds(v);
  NIMBUS_ASSIGN_OR_RETURN(o.use_connection_pool,
                          cf.GetBool("use_connection_pool", true));
  NIMBUS_ASSIGN_OR_RETURN(
      v, cf.GetSeconds("connection_pool_max_idle_time", 60, 1, 86400));
  o.pool_max_idle = std::chrono::seconds(v);
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetSeconds("member_cache_ttl", 5, 0, 3600));
  o.member_cache_ttl = std::chrono::seconds(v);
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetSeconds("upload_target_ttl", 1, 0, 3600));
  o.upload_target_ttl = std::chrono::seconds(v);
  NIMBUS_ASSIGN_OR_RETURN(o.use_storage_id,
                          cf.GetBool("use_storage_id", false));
  // FastDFS's client reads it from there or the tracker; ids come from
  // the tracker's listing here.
  (void)cf.GetString("storage_ids_filename");
  (void)cf.GetString("base_path");  // FastDFS clients log there; we do not
  // Read by `nimbus url` (cli/deploy_command.cc), not by the library.
  (void)cf.GetString("http_url_base");
  (void)cf.GetString("http_secret_file");
  return o;
}

// ---------------------------------------------------------------- sources

Source Source::FromString(std::string_view data) {
  auto pos = std::make_shared<size_t>(0);
  Source s;
  s.size = static_cast<int64_t>(data.size());
  s.read = [data, pos](char* dst, size_t n) -> Status {
    if (*pos + n > data.size()) return Status::IOError("source exhausted");
    std::memcpy(dst, data.data() + *pos, n);
    *pos += n;
    return Status::OK();
  };
  return s;
}

Result<Source> Source::FromFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::FromErrno(
        errno, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  off_t size = ::lseek(fd, 0, SEEK_END);
  ::lseek(fd, 0, SEEK_SET);
  if (size < 0) {
    ::close(fd);
    return Status::InvalidArgument(path + " is not a regular file");
  }
  auto holder = std::shared_ptr<int>(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
  Source s;
  s.size = size;
  s.read = [holder, path](char* dst, size_t n) -> Status {
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::read(*holder, dst + got, n - got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return Status::IOError(path + " changed while being sent");
      got += static_cast<size_t>(r);
    }
    return Status::OK();
  };
  return s;
}

// ---------------------------------------------------------------- exchange

struct Client::Reply {
  std::string body;
};

// One request/response on one leased connection.
class Client::Call {
 public:
  Call(ConnectionPool* pool, const HostPort& server)
      : pool_(pool), server_(server) {}
  ~Call() {
    if (lease_.conn && ok_) pool_->Release(std::move(lease_.conn));
  }

  // Sends `fixed` and then `content` (if any), reads the response. The body
  // goes to `sink` when given (download), else into `reply` (capped).
  Status Run(uint8_t cmd, uint8_t req_status, const std::string& fixed,
             const Source* content, std::string* reply, const Sink* sink,
             int64_t* delivered) {
    auto lease = pool_->Acquire(server_);
    if (!lease.ok()) return lease.status();
    lease_ = std::move(*lease);
    connected_ = true;
    net::BlockingConnection& c = *lease_.conn;
    int64_t content_size = content ? content->size : 0;
    std::string hdr;
    proto::AppendHeader(&hdr, static_cast<int64_t>(fixed.size()) + content_size,
                        cmd, req_status);
    Status s = c.Write2(hdr, fixed);
    if (!s.ok()) return s;
    if (content != nullptr && content->size > 0) {
      std::string buf(
          static_cast<size_t>(std::min<int64_t>(content->size, kChunk)), '\0');
      for (int64_t left = content->size; left > 0;) {
        size_t n = static_cast<size_t>(std::min<int64_t>(left, kChunk));
        s = content->read(buf.data(), n);
        if (!s.ok()) {
          c.Close();  // the frame cannot be completed
          return s;
        }
        s = c.Write(std::string_view(buf.data(), n));
        if (!s.ok()) return s;
        left -= static_cast<int64_t>(n);
      }
    }
    char rh[proto::kHeaderSize];
    s = c.ReadExact(rh, sizeof(rh));
    if (!s.ok()) return s;
    proto::Header h = proto::DecodeHeader(rh);
    if (h.cmd != proto::kResp || h.pkg_len < 0) {
      c.Close();
      return Status::Corruption(
          fmt::format("bad response header from {}", server_.ToString()));
    }
    if (h.status != 0) {
      if (h.pkg_len != 0) c.Close();
      ok_ = h.pkg_len == 0;
      return Status::FromErrno(
          h.status, fmt::format("{} on {}: {}", proto::CommandName(cmd),
                                server_.ToString(), std::strerror(h.status)));
    }
    if (sink != nullptr) {
      std::string buf(static_cast<size_t>(std::min<int64_t>(h.pkg_len, kChunk)),
                      '\0');
      for (int64_t left = h.pkg_len; left > 0;) {
        size_t n = static_cast<size_t>(std::min<int64_t>(left, kChunk));
        s = c.ReadExact(buf.data(), n);
        if (!s.ok()) return s;
        s = (*sink)(std::string_view(buf.data(), n));
        if (!s.ok()) {
          c.Close();
          return s;
        }
        if (delivered != nullptr) *delivered += static_cast<int64_t>(n);
        left -= static_cast<int64_t>(n);
      }
    } else {
      if (h.pkg_len > kMaxReplyBytes) {
        c.Close();
        return Status::Corruption("response too large");
      }
      reply->resize(static_cast<size_t>(h.pkg_len));
      if (h.pkg_len > 0) {
        s = c.ReadExact(reply->data(), reply->size());
        if (!s.ok()) return s;
      }
    }
    ok_ = true;
    return Status::OK();
  }
  // True once a connection to the server existed: the request may have run.
  bool connected() const { return connected_; }

 private:
  ConnectionPool* pool_;
  HostPort server_;
  ConnectionPool::Lease lease_;
  bool ok_ = false;
  bool connected_ = false;
};

Client::Client(ClientOptions opts)
    : opts_(std::move(opts)),
      pool_(std::make_unique<ConnectionPool>(
          opts_.connect_timeout, opts_.network_timeout,
          opts_.use_connection_pool, opts_.pool_max_idle)) {}

Client::~Client() = default;

Result<Client::Reply> Client::TrackerCall(uint8_t cmd,
                                          const std::string& body) {
  if (opts_.trackers.empty()) {
    return Status::InvalidArgument("no tracker_server configured");
  }
  Status last;
  const size_t n = opts_.trackers.size();
  const size_t first = tracker_first_.load() % n;
  for (size_t i = 0; i < n; ++i) {
    size_t k = (first + i) % n;
    Reply r;
    Call call(pool_.get(), opts_.trackers[k]);
    last = call.Run(cmd, 0, body, nullptr, &r.body, nullptr, nullptr);
    if (last.ok() || !IsNetworkError(last)) tracker_first_.store(k);
    if (last.ok()) return r;
    if (!IsNetworkError(last)) return last;  // the tracker answered
  }
  return last;
}

std::vector<Client::TrackerView> Client::TrackerLeaders() {
  std::vector<TrackerView> out;
  for (const HostPort& t : opts_.trackers) {
    TrackerView v;
    v.tracker = t;
    std::string reply;
    Call call(pool_.get(), t);
    v.status = call.Run(proto::kTrackerGetLeader, 0, "", nullptr, &reply,
                        nullptr, nullptr);
    if (v.status.ok()) {
      auto l = proto::DecodeLeader(reply);
      if (!l.ok()) {
        v.status = l.status();
      } else {
        v.leader = {l->first, static_cast<uint16_t>(l->second)};
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

Status Client::ActiveTest(const HostPort& server) {
  std::string reply;
  Call call(pool_.get(), server);
  return call.Run(proto::kActiveTest, 0, "", nullptr, &reply, nullptr, nullptr);
}

Result<proto::StoreAll> Client::QueryStore(const std::string& group, bool all) {
  uint8_t cmd;
  std::string body;
  if (group.empty()) {
    cmd = all ? proto::kQueryStoreWithoutGroupAll
              : proto::kQueryStoreWithoutGroupOne;
  } else {
    Status s = proto::ValidateGroupName(group);
    if (!s.ok()) return s;
    cmd = all ? proto::kQueryStoreWithGroupAll : proto::kQueryStoreWithGroupOne;
    body = proto::EncodeGroup(group);
  }
  auto r = TrackerCall(cmd, body);
  if (!r.ok()) return r.status();
  if (all) return proto::DecodeStoreAll(r->body);
  auto one = proto::DecodeStoreOne(r->body);
  if (!one.ok()) return one.status();
  proto::StoreAll out;
  out.group = one->group;
  out.servers.push_back({one->ip, one->port});
  out.store_path_index = one->store_path_index;
  return out;
}

Result<proto::FetchAll> Client::QueryFetch(uint8_t cmd,
                                           const std::string& group,
                                           const std::string& name) {
  auto r = TrackerCall(cmd, proto::EncodeGroupAndName(group, name));
  if (!r.ok()) return r.status();
  if (cmd == proto::kQueryFetchAll) return proto::DecodeFetchAll(r->body);
  auto one = proto::DecodeFetchOne(r->body);
  if (!one.ok()) return one.status();
  return proto::FetchAll{one->group, one->port, {one->ip}};
}

Result<std::shared_ptr<const proto::StoreAll>> Client::UploadTarget(
    const std::string& group, bool* fresh) {
  *fresh = false;
  const bool caching = opts_.upload_target_ttl.count() > 0;
  const auto now = std::chrono::steady_clock::now();
  std::shared_ptr<const proto::StoreAll> stale;
  if (caching) {
    std::lock_guard<std::mutex> lock(targets_mu_);
    auto it = targets_.find(group);
    if (it != targets_.end()) {
      if (now - it->second.fetched < opts_.upload_target_ttl) {
        return it->second.target;
      }
      stale = it->second.target;
    }
  }
  auto asked = QueryStore(group, false);
  if (!asked.ok()) {
    if (stale == nullptr || !IsNetworkError(asked.status())) {
      return asked.status();
    }
    // No tracker answered: the last answer is the best knowledge there is
    // (a storage that no longer takes uploads fails the upload, which drops
    // it), and the trackers are not asked again before another TTL.
    std::lock_guard<std::mutex> lock(targets_mu_);
    auto it = targets_.find(group);
    if (it != targets_.end() && it->second.target == stale) {
      it->second.fetched = now;
    }
    return stale;
  }
  auto target = std::make_shared<const proto::StoreAll>(std::move(*asked));
  *fresh = true;
  if (caching) {
    std::lock_guard<std::mutex> lock(targets_mu_);
    targets_[group] = CachedTarget{now, target};
  }
  return target;
}

void Client::ForgetUploadTarget(
    const std::string& group,
    const std::shared_ptr<const proto::StoreAll>& target) {
  std::lock_guard<std::mutex> lock(targets_mu_);
  auto it = targets_.find(group);
  if (it != targets_.end() && it->second.target == target) targets_.erase(it);
}

Result<std::string> Client::UploadImpl(uint8_t cmd, const Source& src,
                                       std::string_view ext,
                                       const std::string& group) {
  Status s = proto::ValidateExt(ext);
  if (!s.ok()) return s;
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    bool fresh = false;
    auto target = UploadTarget(group, &fresh);
    if (!target.ok()) return target.status();
    const proto::StoreAll& t = **target;
    HostPort storage{t.servers[0].ip, static_cast<uint16_t>(t.servers[0].port)};
    // The tracker chose the store path for one upload; on a reused answer
    // the storage chooses by the tracker's store_path policy (FastDFS
    // storages do the same for this index).
    proto::UploadPrefix prefix{
        fresh ? t.store_path_index : proto::kStorePathAny, src.size,
        std::string(ext)};
    std::string reply;
    Call call(pool_.get(), storage);
    int64_t unused = 0;
    last = call.Run(cmd, 0, proto::EncodeUploadPrefix(prefix), &src, &reply,
                    nullptr, &unused);
    if (last.ok()) {
      if (reply.size() <= proto::kGroupNameLen) {
        return Status::Corruption("upload response too short");
      }
      return std::string(GetFixedString(reply.data(), proto::kGroupNameLen)) +
             "/" + reply.substr(proto::kGroupNameLen);
    }
    // Whatever went wrong (storage down, full, gone from the group), the
    // next upload asks the tracker again.
    ForgetUploadTarget(group, *target);
    // Only a storage we never reached is safe to replace with another.
    if (call.connected()) return last;
  }
  return last;
}

Result<std::string> Client::Upload(const Source& src, std::string_view ext,
                                   const std::string& group) {
  return UploadImpl(proto::kUploadFile, src, ext, group);
}

Result<std::string> Client::UploadAppender(const Source& src,
                                           std::string_view ext,
                                           const std::string& group) {
  return UploadImpl(proto::kUploadAppenderFile, src, ext, group);
}

Status Client::UpdateCall(const std::string& file_id, uint8_t cmd,
                          const std::string& fixed, const Source* content,
                          std::string* reply) {
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  auto where = QueryFetch(proto::kQueryUpdate, id->group, id->logic.ToString());
  if (!where.ok()) return where.status();
  HostPort storage{where->ips[0], static_cast<uint16_t>(where->port)};
  std::string ignored;
  Call call(pool_.get(), storage);
  return call.Run(cmd, 0, fixed, content, reply ? reply : &ignored, nullptr,
                  nullptr);
}

Result<std::string> Client::UploadSlave(const std::string& master_id,
                                        std::string_view prefix,
                                        std::string_view ext,
                                        const Source& src) {
  auto id = proto::ParseFileId(master_id);
  if (!id.ok()) return id.status();
  std::string master = id->logic.ToString();
  // Validate locally for a clear error before any byte is sent.
  auto slave = proto::MakeSlaveName(id->logic.name, prefix, ext);
  if (!slave.ok()) return slave.status();
  proto::SlavePrefix sp{static_cast<int64_t>(master.size()), src.size,
                        std::string(prefix), std::string(ext)};
  std::string reply;
  Status s = UpdateCall(master_id, proto::kUploadSlaveFile,
                        proto::EncodeSlavePrefix(sp) + master, &src, &reply);
  if (!s.ok()) return s;
  if (reply.size() <= proto::kGroupNameLen) {
    return Status::Corruption("upload response too short");
  }
  return std::string(GetFixedString(reply.data(), proto::kGroupNameLen)) + "/" +
         reply.substr(proto::kGroupNameLen);
}

Status Client::Download(const std::string& file_id, int64_t offset,
                        int64_t length, const Sink& sink) {
  if (offset < 0 || length < 0) {
    return Status::InvalidArgument("offset and length must not be negative");
  }
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  std::string name = id->logic.ToString();
  int64_t delivered = 0;
  auto attempt = [&](const HostPort& storage) {
    // After a partial transfer, resume where the last replica stopped.
    proto::DownloadRequest req{offset + delivered,
                               length == 0 ? 0 : length - delivered, id->group,
                               name};
    if (length != 0 && req.bytes == 0) return Status::OK();
    Call call(pool_.get(), storage);
    return call.Run(proto::kDownloadFile, 0, proto::EncodeDownloadRequest(req),
                    nullptr, nullptr, &sink, &delivered);
  };
  std::vector<std::string> tried;
  Status last = Status::NotFound("no storage of the group holds the file");
  if (std::optional<HostPort> source = SourceRoute(id->group, id->logic.name)) {
    last = attempt(*source);
    if (!IsNetworkError(last) && !last.IsNotFound()) return last;
    tried.push_back(source->host);
  }
  return ForEachReplica(id->group, name, attempt, std::move(tried),
                        std::move(last));
}

std::optional<HostPort> Client::SourceRoute(const std::string& group,
                                            std::string_view file_name) {
  if (opts_.member_cache_ttl.count() <= 0) return std::nullopt;
  auto fields = proto::DecodeNameBase(file_name);
  if (!fields.ok()) return std::nullopt;
  const std::string ip = proto::FormatIpv4(fields->source_ip);
  const auto now = std::chrono::steady_clock::now();
  std::shared_ptr<const std::vector<proto::StorageStat>> members, stale;
  {
    std::lock_guard<std::mutex> lock(views_mu_);
    auto it = views_.find(group);
    if (it != views_.end()) {
      if (now - it->second.fetched < opts_.member_cache_ttl) {
        members = it->second.members;
      } else {
        stale = it->second.members;
      }
    }
  }
  if (members == nullptr) {
    // Threads that find the view stale together may each refresh it once.
    auto listed = ListStorages(group);
    std::lock_guard<std::mutex> lock(views_mu_);
    if (listed.ok()) {
      members = std::make_shared<const std::vector<proto::StorageStat>>(
          std::move(*listed));
      views_[group] = GroupView{now, members};
    } else if (stale != nullptr) {
      // No tracker answered: the last list is the best knowledge there is
      // (a source listed wrongly only costs the fall-back below), and it is
      // not asked for again until another member_cache_ttl has passed.
      members = stale;
      views_[group].fetched = now;
    } else {
      return std::nullopt;
    }
  }
  for (const proto::StorageStat& m : *members) {
    // Under use_storage_id with ids in names, the field is the member's id.
    const bool named = m.ip == ip || proto::IdIsField(m.id, fields->source_ip);
    if (named &&
        m.status == static_cast<uint8_t>(proto::StorageState::kActive)) {
      return HostPort{m.ip, static_cast<uint16_t>(m.storage_port)};
    }
  }
  return std::nullopt;
}

Status Client::ForEachReplica(
    const std::string& group, const std::string& name,
    const std::function<Status(const HostPort&)>& attempt,
    std::vector<std::string> tried, Status last) {
  auto retriable = [](const Status& s) {
    return IsNetworkError(s) || s.IsNotFound();
  };
  auto was_tried = [&](const std::string& ip) {
    return std::find(tried.begin(), tried.end(), ip) != tried.end();
  };
  auto where = QueryFetch(proto::kQueryFetchAll, group, name);
  uint16_t port = 0;
  if (where.ok()) {
    port = static_cast<uint16_t>(where->port);
    for (const std::string& ip : where->ips) {
      if (was_tried(ip)) continue;
      last = attempt(HostPort{ip, port});
      if (!retriable(last)) return last;
      tried.push_back(ip);
    }
  } else if (!where.status().IsNotFound()) {
    return where.status();  // no tracker, or the ID names no such group
  } else {
    last = where.status();
  }
  auto members = ListStorages(group);
  if (!members.ok()) return last;
  for (const proto::StorageStat& m : *members) {
    if (m.status != static_cast<uint8_t>(proto::StorageState::kActive) ||
        was_tried(m.ip)) {
      continue;
    }
    last = attempt(HostPort{m.ip, static_cast<uint16_t>(m.storage_port)});
    if (!retriable(last)) return last;
    tried.push_back(m.ip);
  }
  return last;
}

Result<std::string> Client::DownloadToString(const std::string& file_id,
                                             int64_t offset, int64_t length) {
  std::string out;
  Status s = Download(file_id, offset, length, [&](std::string_view chunk) {
    out.append(chunk);
    return Status::OK();
  });
  if (!s.ok()) return s;
  return out;
}

Result<FileInfo> Client::Info(const std::string& file_id, bool ask_server) {
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  auto fields = proto::DecodeNameBase(id->logic.name);
  if (!fields.ok()) return fields.status();
  FileInfo info;
  info.source_ip = proto::FormatIpv4(fields->source_ip);
  info.create_time = fields->create_time;
  info.appender = fields->IsAppender();
  info.slave = id->logic.IsSlave(*fields);
  info.size = fields->EncodedSize();
  info.crc32 = fields->crc32;
  if (opts_.use_storage_id) {
    // As FastDFS's client with use_storage_id: the source field may be a
    // storage id, which the group's listing turns into an address.
    auto members = ListStorages(id->group);
    if (!members.ok()) return members.status();
    for (const proto::StorageStat& m : *members) {
      if (proto::IdIsField(m.id, fields->source_ip)) info.source_ip = m.ip;
    }
  }
  if (!ask_server && !info.appender && !info.slave) return info;
  std::string name = id->logic.ToString();
  auto where = QueryFetch(proto::kQueryFetchOne, id->group, name);
  if (!where.ok()) return where.status();
  HostPort storage{where->ips[0], static_cast<uint16_t>(where->port)};
  std::string reply;
  Call call(pool_.get(), storage);
  Status s = call.Run(proto::kQueryFileInfo, 0,
                      proto::EncodeGroupAndName(id->group, name), nullptr,
                      &reply, nullptr, nullptr);
  if (!s.ok()) return s;
  auto r = proto::DecodeFileInfoReply(reply);
  if (!r.ok()) return r.status();
  info.size = r->file_size;
  info.create_time = r->create_time;
  info.crc32 = static_cast<uint32_t>(r->crc32);
  info.source_ip = r->source_ip;
  info.from_server = true;
  return info;
}

Result<proto::Metadata> Client::GetMetadata(const std::string& file_id) {
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  std::string name = id->logic.ToString();
  std::string reply;
  Status s = ForEachReplica(id->group, name, [&](const HostPort& storage) {
    reply.clear();
    Call call(pool_.get(), storage);
    return call.Run(proto::kGetMetadata, 0,
                    proto::EncodeGroupAndName(id->group, name), nullptr, &reply,
                    nullptr, nullptr);
  });
  if (!s.ok()) return s;
  return proto::UnpackMetadata(reply);
}

Status Client::Delete(const std::string& file_id) {
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  return UpdateCall(file_id, proto::kDeleteFile,
                    proto::EncodeGroupAndName(id->group, id->logic.ToString()),
                    nullptr, nullptr);
}

Status Client::SetMetadata(const std::string& file_id,
                           const proto::Metadata& meta, char op) {
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  if (op != 'O' && op != 'M')
    return Status::InvalidArgument("op must be O or M");
  std::string packed = proto::PackMetadata(meta);
  auto check = proto::UnpackMetadata(packed);
  if (!check.ok()) return check.status();
  proto::SetMetaRequest req{op, id->group, id->logic.ToString(), packed};
  return UpdateCall(file_id, proto::kSetMetadata,
                    proto::EncodeSetMetaRequest(req), nullptr, nullptr);
}

Status Client::Append(const std::string& file_id, const Source& src) {
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  std::string name = id->logic.ToString();
  std::string fixed;
  PutBE64(&fixed, static_cast<int64_t>(name.size()));
  PutBE64(&fixed, src.size);
  fixed += name;
  return UpdateCall(file_id, proto::kAppendFile, fixed, &src, nullptr);
}

Status Client::Modify(const std::string& file_id, int64_t offset,
                      const Source& src) {
  if (offset < 0) return Status::InvalidArgument("negative offset");
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  std::string name = id->logic.ToString();
  std::string fixed;
  PutBE64(&fixed, static_cast<int64_t>(name.size()));
  PutBE64(&fixed, offset);
  PutBE64(&fixed, src.size);
  fixed += name;
  return UpdateCall(file_id, proto::kModifyFile, fixed, &src, nullptr);
}

Status Client::Truncate(const std::string& file_id, int64_t size) {
  if (size < 0) return Status::InvalidArgument("negative size");
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  proto::TruncateRequest req{size, id->logic.ToString()};
  return UpdateCall(file_id, proto::kTruncateFile,
                    proto::EncodeTruncateRequest(req), nullptr, nullptr);
}

Result<std::string> Client::RegenerateAppenderName(const std::string& file_id) {
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  std::string reply;
  Status s = UpdateCall(file_id, proto::kRegenerateAppenderFilename,
                        id->logic.ToString(), nullptr, &reply);
  if (!s.ok()) return s;
  if (reply.size() <= proto::kGroupNameLen) {
    return Status::Corruption("response too short");
  }
  return std::string(GetFixedString(reply.data(), proto::kGroupNameLen)) + "/" +
         reply.substr(proto::kGroupNameLen);
}

Result<std::vector<proto::GroupStat>> Client::ListGroups() {
  auto r = TrackerCall(proto::kListAllGroups, "");
  if (!r.ok()) return r.status();
  return proto::DecodeGroupStats(r->body);
}

Result<std::vector<proto::StorageStat>> Client::ListStorages(
    const std::string& group) {
  Status s = proto::ValidateGroupName(group);
  if (!s.ok()) return s;
  auto r = TrackerCall(proto::kListStorage, proto::EncodeGroup(group));
  if (!r.ok()) return r.status();
  return proto::DecodeStorageStats(r->body);
}

Status Client::DeleteStorage(const std::string& group,
                             const std::string& storage_id) {
  Status s = proto::ValidateGroupName(group);
  if (!s.ok()) return s;
  if (storage_id.empty() || storage_id.size() >= proto::kStorageIdSize) {
    return Status::InvalidArgument("storage id must be 1 to " +
                                   std::to_string(proto::kStorageIdSize - 1) +
                                   " characters: " + storage_id);
  }
  if (opts_.trackers.empty()) {
    return Status::InvalidArgument("no tracker_server configured");
  }
  const std::string body = proto::EncodeGroupAndStorageId(group, storage_id);
  size_t unknown = 0;
  for (const HostPort& t : opts_.trackers) {
    std::string reply;
    Call call(pool_.get(), t);
    s = call.Run(proto::kListStorage, 0, body, nullptr, &reply, nullptr,
                 nullptr);
    if (s.IsNotFound()) {
      ++unknown;
      continue;
    }
    if (!s.ok()) return s;
    NIMBUS_LET_OR_RETURN(auto stats, proto::DecodeStorageStats(reply));
    for (const proto::StorageStat& st : stats) {
      auto state = static_cast<proto::StorageState>(st.status);
      if (state == proto::StorageState::kOnline ||
          state == proto::StorageState::kActive) {
        return Status::Busy(storage_id + " is " +
                            proto::StorageStateName(state) + " on tracker " +
                            t.ToString() + "; stop it first");
      }
    }
  }
  if (unknown == opts_.trackers.size()) {
    return Status::NotFound("no tracker knows storage " + storage_id + " in " +
                            group);
  }
  return OnEveryTracker(proto::kServerDeleteStorage, body,
                        "storage " + storage_id + " in " + group);
}

Status Client::DeleteGroup(const std::string& group) {
  Status s = proto::ValidateGroupName(group);
  if (!s.ok()) return s;
  return OnEveryTracker(proto::kServerDeleteGroup, proto::EncodeGroup(group),
                        "group " + group);
}

Status Client::OnEveryTracker(uint8_t cmd, const std::string& body,
                              const std::string& what) {
  if (opts_.trackers.empty()) {
    return Status::InvalidArgument("no tracker_server configured");
  }
  size_t unknown = 0;
  Status failed;
  for (const HostPort& t : opts_.trackers) {
    std::string reply;
    Call call(pool_.get(), t);
    Status s = call.Run(cmd, 0, body, nullptr, &reply, nullptr, nullptr);
    if (s.IsNotFound()) {
      ++unknown;
    } else if (!s.ok() && s.code() != Status::Code::kAlready) {
      failed = Status::FromErrno(
          s.ToErrno(), "tracker " + t.ToString() + ": " + s.message());
    }
  }
  if (!failed.ok()) return failed;
  if (unknown == opts_.trackers.size()) {
    return Status::NotFound("no tracker knows " + what);
  }
  return Status::OK();
}

}  // namespace nimbus::client
