#include "cli/deploy_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>

#include "common/config_file.h"
#include "common/env.h"
#include "common/host_port.h"
#include "http/nginx_config.h"
#include "http/url_signer.h"
#include "proto/constants.h"
#include "storage/storage_options.h"

namespace nimbus::cli {
namespace {

// Longest a signed URL may live: a leaked link must not work forever.
constexpr int64_t kMaxTtlSeconds = int64_t{366} * 86400;

http::Access AccessFrom(const DeployNginxArgs& a) {
  http::Access access;
  access.signed_urls = !a.unsigned_urls;
  access.secret_include = a.secret_include;
  return access;
}

Status CheckPort(const char* what, int port) {
  if (port < 1 || port > 65535) {
    return Status::InvalidArgument(
        fmt::format("{} {} is not a port", what, port));
  }
  return Status::OK();
}

}  // namespace

Status WriteOutput(const std::string& path, const std::string& text,
                   unsigned mode) {
  if (path == "-") {
    std::cout << text;
    std::cout.flush();
    return std::cout ? Status::OK() : Status::IOError("stdout write failed");
  }
  std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                  static_cast<mode_t>(mode));
  if (fd < 0) {
    return Status::FromErrno(
        errno, fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  }
  // The umask must not widen or narrow what was asked for.
  ::fchmod(fd, static_cast<mode_t>(mode));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::FromErrno(err, "write " + tmp + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::IOError("cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::FromErrno(
        err, fmt::format("cannot rename to {}: {}", path, std::strerror(err)));
  }
  return Status::OK();
}

Status DeployNginxStorage(const DeployNginxArgs& args) {
  if (args.storage_confs.empty()) {
    return Status::InvalidArgument("give at least one --storage-conf");
  }
  Status s = CheckPort("--port", args.port);
  if (!s.ok()) return s;
  // One nginx server per address; each storage server joins the one of
  // its bind_addr (or --listen-addr).
  std::map<std::string, http::StorageHost> hosts;
  for (const std::string& path : args.storage_confs) {
    auto cf = ConfigFile::Load(path);
    if (!cf.ok()) return cf.status();
    auto o = storage::StorageOptions::FromConfig(*cf);
    if (!o.ok()) return o.status();
    std::string addr =
        !args.listen_addr.empty() ? args.listen_addr : o->bind_addr;
    if (addr.empty()) {
      return Status::InvalidArgument(
          path +
          " has no bind_addr: say which address nginx listens on "
          "with --listen-addr");
    }
    std::string listen = fmt::format("{}:{}", addr, args.port);
    http::StorageHost& h = hosts[listen];
    h.listen = listen;
    std::string packed_http;
    if (o->http_port >= 0) {
      // nginx runs on the storage's host: loopback reaches an endpoint
      // bound to every address.
      std::string host =
          o->http_bind_addr.empty() ? "127.0.0.1" : o->http_bind_addr;
      int port = o->http_port;
      if (port == 0) {
        // `auto`: the port the running server wrote down.
        auto text = Env::Default()->ReadSmallFile(
            o->base_path + "/data/nimbus-storage.http_port", 32);
        if (text.ok()) port = std::atoi(text->c_str());
        if (port <= 0) {
          return Status::InvalidArgument(
              path +
              ": http_port = auto, and the storage server has not written "
              "its port yet; start it first or set a fixed http_port");
        }
      }
      packed_http = fmt::format("{}:{}", host, port);
    }
    h.groups.push_back({o->group_name, o->store_paths, packed_http});
  }
  std::vector<http::StorageHost> list;
  for (auto& [listen, h] : hosts) list.push_back(std::move(h));
  auto text = http::NginxConfig::StorageHosts(list, AccessFrom(args));
  if (!text.ok()) return text.status();
  return WriteOutput(args.output, *text, 0644);
}

Status DeployNginxFront(const DeployNginxArgs& args, client::Client* client) {
  if (args.listen.empty()) {
    return Status::InvalidArgument("--listen host:port is required");
  }
  http::Front front;
  front.listen = args.listen;
  if (!args.members.empty()) {
    for (const std::string& m : args.members) {
      size_t eq = m.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
        return Status::InvalidArgument("--member must be group=host:port: " +
                                       m);
      }
      front.groups[m.substr(0, eq)].push_back(m.substr(eq + 1));
    }
  } else {
    Status s = CheckPort("--storage-http-port", args.storage_http_port);
    if (!s.ok()) return s;
    if (client == nullptr) {
      return Status::InvalidArgument(
          "no tracker to ask for the groups: give --member or a tracker");
    }
    client::Client& c = *client;
    auto groups = c.ListGroups();
    if (!groups.ok()) return groups.status();
    for (const proto::GroupStat& g : *groups) {
      auto members = c.ListStorages(g.group_name);
      if (!members.ok()) return members.status();
      for (const proto::StorageStat& m : *members) {
        // Every member that may hold files; the front skips the ones that
        // are down or lack a file.
        if (m.status == static_cast<uint8_t>(proto::StorageState::kDeleted)) {
          continue;
        }
        front.groups[g.group_name].push_back(
            fmt::format("{}:{}", m.ip, args.storage_http_port));
      }
    }
    if (front.groups.empty()) {
      return Status::NotFound("the tracker knows no group yet");
    }
  }
  auto text = http::NginxConfig::FrontServer(front, AccessFrom(args));
  if (!text.ok()) return text.status();
  return WriteOutput(args.output, *text, 0644);
}

Status DeployNginxSecret(const DeployNginxArgs& args) {
  if (args.secret_file.empty()) {
    return Status::InvalidArgument("--secret-file is required");
  }
  if (::access(args.secret_file.c_str(), F_OK) != 0) {
    auto secret = http::UrlSigner::GenerateSecret();
    if (!secret.ok()) return secret.status();
    Status s = WriteOutput(args.secret_file, *secret + "\n", 0600);
    if (!s.ok()) return s;
  }
  auto signer = http::UrlSigner::FromFile(args.secret_file);
  if (!signer.ok()) return signer.status();
  return WriteOutput(args.output, http::NginxConfig::SecretInclude(*signer),
                     0600);
}

Status DeployNginxMain(const DeployNginxArgs& args) {
  auto text = http::NginxConfig::Main(args.prefix, args.includes);
  if (!text.ok()) return text.status();
  return WriteOutput(args.output, *text, 0644);
}

Status DeployNginxWeb(const DeployNginxArgs& args) {
  auto text = http::NginxConfig::WebServer({args.listen, args.fastcgi});
  if (!text.ok()) return text.status();
  return WriteOutput(args.output, *text, 0644);
}

Result<std::string> MakeDownloadUrl(const UrlArgs& args,
                                    const std::string& conf, int64_t now) {
  std::string base = args.base;
  std::string secret_file = args.secret_file;
  if (!conf.empty()) {
    auto cf = ConfigFile::Load(conf);
    if (!cf.ok()) return cf.status();
    if (base.empty()) base = cf->GetString("http_url_base");
    if (secret_file.empty()) secret_file = cf->GetString("http_secret_file");
  }
  if (base.empty()) {
    return Status::InvalidArgument(
        "no HTTP base URL: set http_url_base in client.conf or use --base");
  }
  if (args.unsigned_urls) {
    return http::UrlSigner::UnsignedUrl(base, args.file_id, args.filename);
  }
  if (args.ttl_s <= 0 || args.ttl_s > kMaxTtlSeconds) {
    return Status::InvalidArgument(
        fmt::format("--ttl must be 1 to {} seconds", kMaxTtlSeconds));
  }
  if (secret_file.empty()) {
    return Status::InvalidArgument(
        "no HTTP secret: set http_secret_file in client.conf or use "
        "--secret-file (or --unsigned for a cluster serving unsigned URLs)");
  }
  auto signer = http::UrlSigner::FromFile(secret_file);
  if (!signer.ok()) return signer.status();
  return signer->SignedUrl(base, args.file_id, now + args.ttl_s, args.filename);
}

}  // namespace nimbus::cli
