#include "fastdfs_style_client.h"

#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "common/coding.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/file_name.h"
#include "proto/header.h"
#include "proto/storage_messages.h"
#include "proto/tracker_messages.h"

namespace nimbus::bench {

// A blocking socket with the kernel's timeouts, Nagle on: how libfastcommon's
// pooled connections behave from the client's side.
class FastdfsStyleClient::Conn {
 public:
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  static Result<std::unique_ptr<Conn>> Open(const std::string& host,
                                            uint16_t port,
                                            std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc =
        ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (rc != 0) {
      return Status::Unavailable(
          fmt::format("{}:{}: {}", host, port, ::gai_strerror(rc)));
    }
    auto c = std::unique_ptr<Conn>(new Conn);
    c->fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd_ < 0) {
      ::freeaddrinfo(res);
      return Status::FromErrno(errno, "socket");
    }
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(c->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(c->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int off = 0;  // Nagle on, whatever the system's default
    ::setsockopt(c->fd_, IPPROTO_TCP, TCP_NODELAY, &off, sizeof off);
    rc = ::connect(c->fd_, res->ai_addr, res->ai_addrlen);
    int err = errno;
    ::freeaddrinfo(res);
    if (rc != 0) {
      return Status::Unavailable(
          fmt::format("connect {}:{}: {}", host, port, std::strerror(err)));
    }
    return c;
  }
  // One send() call per buffer, repeated only for what a short send left.
  Status Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Status::FromErrno(errno, "send");
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }
  Status Recv(char* dst, size_t n) {
    while (n > 0) {
      ssize_t got = ::recv(fd_, dst, n, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got == 0) return Status::Unavailable("connection closed by peer");
      if (got < 0) {
        return errno == EAGAIN ? Status::TimedOut("reply timed out")
                               : Status::FromErrno(errno, "recv");
      }
      dst += got;
      n -= static_cast<size_t>(got);
    }
    return Status::OK();
  }

 private:
  Conn() = default;
  int fd_ = -1;
};

FastdfsStyleClient::FastdfsStyleClient(std::vector<HostPort> trackers,
                                       std::chrono::milliseconds timeout)
    : trackers_(std::move(trackers)), timeout_(timeout) {}

FastdfsStyleClient::~FastdfsStyleClient() = default;

Result<FastdfsStyleClient::Conn*> FastdfsStyleClient::Get(
    const std::string& host, uint16_t port) {
  std::string key = host + ":" + std::to_string(port);
  auto it = conns_.find(key);
  if (it != conns_.end()) return it->second.get();
  auto c = Conn::Open(host, port, timeout_);
  if (!c.ok()) return c.status();
  ++connects_;
  return (conns_[key] = std::move(*c)).get();
}

Result<FastdfsStyleClient::Reply> FastdfsStyleClient::Call(
    const std::string& host, uint16_t port, uint8_t cmd, std::string_view fixed,
    std::string_view content, int64_t max_reply, bool drop_large) {
  auto conn = Get(host, port);
  if (!conn.ok()) return conn.status();
  std::string first;
  proto::AppendHeader(&first,
                      static_cast<int64_t>(fixed.size() + content.size()), cmd);
  first.append(fixed);
  Status s = (*conn)->Send(first);
  if (s.ok() && !content.empty()) s = (*conn)->Send(content);
  char head[proto::kHeaderSize];
  if (s.ok()) s = (*conn)->Recv(head, sizeof head);
  Reply r;
  if (s.ok()) {
    proto::Header h = proto::DecodeHeader(head);
    if (h.cmd != static_cast<uint8_t>(proto::Cmd::kResp) || h.pkg_len < 0 ||
        h.pkg_len > max_reply) {
      s = Status::Corruption(
          fmt::format("{}:{}: bad reply header (cmd {}, length {})", host, port,
                      h.cmd, h.pkg_len));
    } else {
      r.status = h.status;
      r.length = h.pkg_len;
      if (drop_large && h.pkg_len > kLargeFile) {
        piece_.resize(256 * 1024);
        for (int64_t left = h.pkg_len; s.ok() && left > 0;) {
          size_t n = static_cast<size_t>(
              std::min<int64_t>(left, static_cast<int64_t>(piece_.size())));
          s = (*conn)->Recv(piece_.data(), n);
          left -= static_cast<int64_t>(n);
        }
      } else {
        r.body.resize(static_cast<size_t>(h.pkg_len));
        if (h.pkg_len > 0) s = (*conn)->Recv(r.body.data(), r.body.size());
      }
    }
  }
  if (!s.ok()) {
    conns_.erase(host + ":" + std::to_string(port));
    return s;
  }
  return r;
}

Result<FastdfsStyleClient::Reply> FastdfsStyleClient::AskTracker(
    uint8_t cmd, std::string_view body, int64_t max_reply) {
  Status last = Status::InvalidArgument("no tracker");
  for (const HostPort& t : trackers_) {
    auto r = Call(t.host, t.port, cmd, body, {}, max_reply);
    if (r.ok()) return r;
    last = r.status();
  }
  return last;
}

namespace {

Status FromReply(uint8_t status, std::string_view what) {
  return Status::FromErrno(status, what);
}

}  // namespace

Result<HostPort> FastdfsStyleClient::Locate(uint8_t cmd,
                                            const proto::FileId& fid) {
  const std::string id = fid.ToString();
  auto r = AskTracker(
      cmd, proto::EncodeGroupAndName(fid.group, fid.logic.ToString()), 64);
  if (!r.ok()) return r.status();
  if (r->status != 0) return FromReply(r->status, "tracker query for " + id);
  auto target = proto::DecodeFetchOne(r->body);
  if (!target.ok()) return target.status();
  return HostPort{target->ip, static_cast<uint16_t>(target->port)};
}

Result<std::string> FastdfsStyleClient::Upload(std::string_view data,
                                               std::string_view ext,
                                               const std::string& group,
                                               bool appender) {
  using proto::Cmd;
  auto q =
      group.empty()
          ? AskTracker(static_cast<uint8_t>(Cmd::kQueryStoreWithoutGroupOne),
                       {}, 64)
          : AskTracker(static_cast<uint8_t>(Cmd::kQueryStoreWithGroupOne),
                       proto::EncodeGroup(group), 64);
  if (!q.ok()) return q.status();
  if (q->status != 0) return FromReply(q->status, "tracker QUERY_STORE");
  auto target = proto::DecodeStoreOne(q->body);
  if (!target.ok()) return target.status();
  proto::UploadPrefix prefix;
  prefix.store_path_index = target->store_path_index;
  prefix.file_size = static_cast<int64_t>(data.size());
  prefix.ext = std::string(ext);
  auto r = Call(target->ip, static_cast<uint16_t>(target->port),
                static_cast<uint8_t>(appender ? Cmd::kUploadAppenderFile
                                              : Cmd::kUploadFile),
                proto::EncodeUploadPrefix(prefix), data,
                proto::kGroupNameLen + proto::kMaxLogicNameLen);
  if (!r.ok()) return r.status();
  if (r->status != 0) return FromReply(r->status, "upload");
  auto name = proto::DecodeGroupAndName(r->body);
  if (!name.ok()) return name.status();
  return name->group + "/" + name->name;
}

Status FastdfsStyleClient::Download(const std::string& id, std::string* data,
                                    int64_t* size) {
  auto fid = proto::ParseFileId(id);
  if (!fid.ok()) return fid.status();
  auto where = Locate(static_cast<uint8_t>(proto::Cmd::kQueryFetchOne), *fid);
  if (!where.ok()) return where.status();
  proto::DownloadRequest req;
  req.group = fid->group;
  req.name = fid->logic.ToString();
  auto r = Call(where->host, where->port,
                static_cast<uint8_t>(proto::Cmd::kDownloadFile),
                proto::EncodeDownloadRequest(req), {}, int64_t{1} << 40,
                /*drop_large=*/true);
  if (!r.ok()) return r.status();
  if (r->status != 0) return FromReply(r->status, "download " + id);
  *data = std::move(r->body);
  if (size != nullptr) *size = r->length;
  return Status::OK();
}

Status FastdfsStyleClient::Update(
    const std::string& id, uint8_t cmd,
    const std::function<std::string(const std::string& group,
                                    const std::string& name)>& fixed,
    std::string_view content, std::string_view what) {
  auto fid = proto::ParseFileId(id);
  if (!fid.ok()) return fid.status();
  auto where = Locate(static_cast<uint8_t>(proto::Cmd::kQueryUpdate), *fid);
  if (!where.ok()) return where.status();
  auto r = Call(where->host, where->port, cmd,
                fixed(fid->group, fid->logic.ToString()), content, 0);
  if (!r.ok()) return r.status();
  return r->status == 0 ? Status::OK()
                        : FromReply(r->status, std::string(what) + " " + id);
}

Status FastdfsStyleClient::Delete(const std::string& id) {
  return Update(id, static_cast<uint8_t>(proto::Cmd::kDeleteFile),
                proto::EncodeGroupAndName, {}, "delete");
}

Status FastdfsStyleClient::Append(const std::string& id,
                                  std::string_view data) {
  auto fixed = [&](const std::string&, const std::string& name) {
    std::string f;
    PutBE64(&f, static_cast<int64_t>(name.size()));
    PutBE64(&f, static_cast<int64_t>(data.size()));
    return f + name;
  };
  return Update(id, static_cast<uint8_t>(proto::Cmd::kAppendFile), fixed, data,
                "append");
}

Status FastdfsStyleClient::SetMetadata(const std::string& id,
                                       std::string_view packed, char op) {
  auto fixed = [&](const std::string& group, const std::string& name) {
    std::string f;
    PutBE64(&f, static_cast<int64_t>(name.size()));
    PutBE64(&f, static_cast<int64_t>(packed.size()));
    f.push_back(op);
    PutFixedString(&f, group, proto::kGroupNameLen);
    return f + name;
  };
  return Update(id, static_cast<uint8_t>(proto::Cmd::kSetMetadata), fixed,
                packed, "set metadata of");
}

}  // namespace nimbus::bench
