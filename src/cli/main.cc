// nimbus: command-line client for a Nimbus (or FastDFS) cluster.
// Results go to stdout, errors to stderr as "nimbus: <what>", and the exit
// code (cli/exit_code.h) tells scripts what kind of failure happened.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/deploy_command.h"
#include "cli/exit_code.h"
#include "cli/monitor.h"
#include "common/config_file.h"
#include "nimbus/client.h"
#include "proto/file_name.h"

namespace nimbus::cli {
namespace {

int Fail(const Status& s) {
  if (s.ok()) return 0;
  std::cerr << "nimbus: " << s.ToString() << "\n";
  return ExitCodeFor(s);
}

// The extension of a local file name: after the last dot, when it is a
// valid FastDFS extension; otherwise none.
std::string ExtOf(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  std::string ext = base.substr(dot + 1);
  return proto::ValidateExt(ext).ok() ? ext : "";
}

Result<client::Source> OpenSource(const std::string& path) {
  if (path == "-") {
    std::string data((std::istreambuf_iterator<char>(std::cin)),
                     std::istreambuf_iterator<char>());
    auto holder = std::make_shared<std::string>(std::move(data));
    client::Source s = client::Source::FromString(*holder);
    auto read = s.read;
    s.read = [holder, read](char* d, size_t n) { return read(d, n); };
    return s;
  }
  return client::Source::FromFile(path);
}

// Streams a download into the open `f`, named `name` in errors.
Status DownloadInto(client::Client& c, const std::string& id, int64_t offset,
                    int64_t length, std::FILE* f, const std::string& name) {
  Status s = c.Download(id, offset, length, [&](std::string_view chunk) {
    if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size()) {
      return Status::IOError("write to " + name + " failed");
    }
    return Status::OK();
  });
  if (std::fclose(f) != 0 && s.ok()) s = Status::IOError("close " + name);
  return s;
}

// Writes the download to `out` ("-" = stdout). A regular file is written
// via a temp file and rename, so an interrupted download never leaves a
// truncated file under its name; through a symbolic link, the file it names
// is replaced, not the link. Anything else that exists (/dev/null, a FIFO, a
// terminal) is written in place: renaming over it would replace the device
// node itself.
Status DownloadTo(client::Client& c, const std::string& id,
                  const std::string& out, int64_t offset, int64_t length) {
  if (out == "-") {
    return c.Download(id, offset, length, [](std::string_view chunk) {
      std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      return std::cout ? Status::OK() : Status::IOError("stdout write failed");
    });
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target = out;
  const fs::file_status st = fs::status(target, ec);  // follows links
  if (fs::exists(st)) {
    if (fs::is_directory(st)) {
      return Status::InvalidArgument(out + " is a directory");
    }
    if (!fs::is_regular_file(st)) {
      std::FILE* f = std::fopen(out.c_str(), "wb");
      if (f == nullptr) return Status::IOError("cannot open " + out);
      return DownloadInto(c, id, offset, length, f, out);
    }
    if (fs::is_symlink(fs::symlink_status(target, ec))) {
      fs::path real = fs::canonical(target, ec);
      if (ec) return Status::IOError("cannot resolve " + out);
      target = real;
    }
  }
  const std::string dest = target.string();
  const std::string tmp = fmt::format("{}.nimbus-part.{}", dest, ::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Status::IOError("cannot create " + tmp);
  Status s = DownloadInto(c, id, offset, length, f, tmp);
  if (s.ok() && std::rename(tmp.c_str(), dest.c_str()) != 0) {
    s = Status::IOError("cannot rename to " + dest);
  }
  if (!s.ok()) std::remove(tmp.c_str());
  return s;
}

std::string IsoTime(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int Main(int argc, char** argv) {
  CLI::App app{"nimbus: client for Nimbus / FastDFS clusters"};
  app.require_subcommand(1);
  std::string conf;
  std::vector<std::string> trackers;
  int connect_timeout = 0;
  int network_timeout = 0;
  app.add_option("-c,--config", conf, "client.conf (FastDFS format)");
  app.add_option("-t,--tracker", trackers, "tracker host:port (repeatable)");
  app.add_option("--connect-timeout", connect_timeout, "seconds");
  app.add_option("--network-timeout", network_timeout, "seconds");

  std::string file, id, out = "", group, ext, prefix;
  bool appender = false, json = false, merge = false, server = false,
       watch = false;
  int64_t offset = 0, length = 0, size = 0;
  std::vector<std::string> pairs;
  int interval = 2;

  auto* up = app.add_subcommand("upload", "upload a file; prints its file ID");
  up->add_option("file", file, "local file, or - for stdin")->required();
  up->add_option("--ext", ext, "extension (default: from the file name)");
  up->add_option("-g,--group", group,
                 "target group (default: tracker's choice)");
  up->add_flag("--appender", appender, "create an appender file");
  auto* upa = app.add_subcommand("upload-appender", "upload an appender file");
  upa->add_option("file", file)->required();
  upa->add_option("--ext", ext);
  upa->add_option("-g,--group", group);
  auto* ups =
      app.add_subcommand("upload-slave", "upload a slave of a master file");
  ups->add_option("master", id, "master file ID")->required();
  ups->add_option("file", file)->required();
  ups->add_option("--prefix", prefix, "slave name prefix, e.g. _150x150")
      ->required();
  ups->add_option("--ext", ext);
  auto* dl = app.add_subcommand("download", "download a file");
  dl->add_option("file_id", id)->required();
  dl->add_option("out", out,
                 "local path, - for stdout (default: the file's name)");
  dl->add_option("--offset", offset, "first byte");
  dl->add_option("--length", length, "bytes (0 = to the end)");
  auto* del = app.add_subcommand("delete", "delete a file");
  del->add_option("file_id", id)->required();
  auto* info =
      app.add_subcommand("info", "show a file's source, size, time, CRC32");
  info->add_option("file_id", id)->required();
  info->add_flag("--server", server, "ask the storage even for normal files");
  info->add_flag("--json", json);
  auto* meta = app.add_subcommand("meta", "get or set metadata");
  meta->require_subcommand(1);
  auto* mget = meta->add_subcommand("get", "print metadata as key=value lines");
  mget->add_option("file_id", id)->required();
  mget->add_flag("--json", json);
  auto* mset =
      meta->add_subcommand("set", "set metadata (overwrites unless --merge)");
  mset->add_option("file_id", id)->required();
  mset->add_option("pairs", pairs, "key=value ...");
  mset->add_flag("--merge", merge, "merge with existing metadata");
  auto* app_ = app.add_subcommand("append", "append to an appender file");
  app_->add_option("file_id", id)->required();
  app_->add_option("file", file)->required();
  auto* mod =
      app.add_subcommand("modify", "overwrite bytes of an appender file");
  mod->add_option("file_id", id)->required();
  mod->add_option("offset", offset)->required();
  mod->add_option("file", file)->required();
  auto* tr = app.add_subcommand("truncate", "truncate an appender file");
  tr->add_option("file_id", id)->required();
  tr->add_option("size", size)->required();
  auto* regen = app.add_subcommand("regenerate",
                                   "turn an appender file into a normal file");
  regen->add_option("file_id", id)->required();
  auto* mon = app.add_subcommand("monitor", "show groups and storage servers");
  mon->add_flag("--json", json);
  mon->add_flag("--watch", watch, "refresh until interrupted");
  mon->add_option("--interval", interval, "seconds between refreshes");
  std::string del_group;
  std::string del_storage;
  auto* mon_del = mon->add_subcommand(
      "delete",
      "remove a stopped (OFFLINE) storage server from its group on every "
      "tracker, as `fdfs_monitor delete`");
  mon_del->add_option("group", del_group)->required();
  mon_del->add_option("storage", del_storage, "the storage server's IP address")
      ->required();
  auto* mon_del_group = mon->add_subcommand(
      "delete-group",
      "remove a group whose storage servers were all deleted, on every "
      "tracker (`fdfs_monitor delete_group`)");
  mon_del_group->add_option("group", del_group)->required();

  UrlArgs url_args;
  auto* url = app.add_subcommand(
      "url", "print an HTTP download URL, signed and expiring (nginx)");
  url->add_option("file_id", url_args.file_id)->required();
  url->add_option("--ttl", url_args.ttl_s, "seconds the URL stays valid")
      ->capture_default_str();
  url->add_option("--filename", url_args.filename,
                  "name the browser saves the download as");
  url->add_option("--base", url_args.base,
                  "front URL, e.g. http://host:8080 (client.conf: "
                  "http_url_base)");
  url->add_option("--secret-file", url_args.secret_file,
                  "file holding the secret (client.conf: http_secret_file)");
  url->add_flag("--unsigned", url_args.unsigned_urls,
                "for a cluster that serves without signatures");

  DeployNginxArgs dn;
  auto* deploy = app.add_subcommand("deploy", "generate deployment files");
  deploy->require_subcommand(1);
  auto* nginx = deploy->add_subcommand("nginx",
                                       "nginx configs for HTTP "
                                       "downloads");
  nginx->require_subcommand(1);
  auto common_nginx = [&dn](CLI::App* sub, bool access) {
    sub->add_option("-o,--output", dn.output, "file to write (- = stdout)")
        ->capture_default_str();
    if (access) {
      sub->add_flag("--unsigned", dn.unsigned_urls,
                    "serve without signed URLs");
      sub->add_option("--secret-include", dn.secret_include,
                      "nginx file setting $nimbus_secret (see `secret`)")
          ->capture_default_str();
    }
  };
  auto* ns = nginx->add_subcommand(
      "storage", "server blocks serving the store paths of a storage host");
  ns->add_option("--storage-conf", dn.storage_confs,
                 "storage.conf of a storage server on this host (repeatable)")
      ->required();
  ns->add_option("--port", dn.port, "port nginx listens on")
      ->capture_default_str();
  ns->add_option("--listen-addr", dn.listen_addr,
                 "address nginx listens on (default: each bind_addr)");
  common_nginx(ns, true);
  auto* nf = nginx->add_subcommand(
      "front", "a front routing each group to its storage hosts");
  nf->add_option("--listen", dn.listen, "host:port the front listens on")
      ->required();
  nf->add_option("--member", dn.members,
                 "group=host:port of a storage host's nginx (repeatable; "
                 "default: ask the tracker)");
  nf->add_option("--storage-http-port", dn.storage_http_port,
                 "port of the storage hosts' nginx when asking the tracker")
      ->capture_default_str();
  common_nginx(nf, true);
  auto* nsec = nginx->add_subcommand(
      "secret",
      "the include setting the URL secret (creates the secret "
      "file when missing)");
  nsec->add_option("--secret-file", dn.secret_file, "the secret, one line")
      ->required();
  common_nginx(nsec, false);
  auto* nmain = nginx->add_subcommand(
      "main", "an nginx.conf running unprivileged from its own prefix");
  nmain->add_option("--prefix", dn.prefix, "absolute directory")->required();
  nmain->add_option("--include", dn.includes, "config to include in http {}");
  common_nginx(nmain, false);

  auto* nweb = nginx->add_subcommand(
      "web", "a server passing the cloud-disk API (/api/) to nimbus-web");
  nweb->add_option("--listen", dn.listen, "host:port nginx listens on")
      ->required();
  nweb->add_option("--fastcgi", dn.fastcgi,
                   "nimbus-web's FastCGI socket: host:port or unix:/path")
      ->capture_default_str();
  common_nginx(nweb, false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  if (*url) {
    auto u =
        MakeDownloadUrl(url_args, conf, static_cast<int64_t>(::time(nullptr)));
    if (!u.ok()) return Fail(u.status());
    std::cout << *u << "\n";
    return 0;
  }
  if (*ns) return Fail(DeployNginxStorage(dn));
  if (*nsec) return Fail(DeployNginxSecret(dn));
  if (*nmain) return Fail(DeployNginxMain(dn));
  if (*nweb) return Fail(DeployNginxWeb(dn));
  if (*nf && !dn.members.empty()) return Fail(DeployNginxFront(dn, nullptr));

  client::ClientOptions opts;
  if (!conf.empty()) {
    auto cf = ConfigFile::Load(conf);
    if (!cf.ok()) return Fail(cf.status());
    auto o = client::ClientOptions::FromConfig(*cf);
    if (!o.ok()) return Fail(o.status());
    opts = *o;
  }
  for (const std::string& t : trackers) {
    auto hp = ParseHostPort(t);
    if (!hp.ok()) return Fail(hp.status());
    opts.trackers.push_back(*hp);
  }
  if (opts.trackers.empty()) {
    if (const char* env = std::getenv("NIMBUS_TRACKER")) {
      auto hp = ParseHostPort(env);
      if (!hp.ok()) return Fail(hp.status());
      opts.trackers.push_back(*hp);
    }
  }
  if (opts.trackers.empty()) {
    return Fail(
        Status::InvalidArgument("no tracker: use -c client.conf, --tracker "
                                "host:port or NIMBUS_TRACKER"));
  }
  if (connect_timeout > 0)
    opts.connect_timeout = std::chrono::seconds(connect_timeout);
  if (network_timeout > 0)
    opts.network_timeout = std::chrono::seconds(network_timeout);
  client::Client c(opts);
  if (*nf) return Fail(DeployNginxFront(dn, &c));

  if (*up || *upa) {
    auto src = OpenSource(file);
    if (!src.ok()) return Fail(src.status());
    std::string e = ext.empty() && file != "-" ? ExtOf(file) : ext;
    auto r = (appender || *upa) ? c.UploadAppender(*src, e, group)
                                : c.Upload(*src, e, group);
    if (!r.ok()) return Fail(r.status());
    std::cout << *r << "\n";
    return 0;
  }
  if (*ups) {
    auto src = OpenSource(file);
    if (!src.ok()) return Fail(src.status());
    auto r = c.UploadSlave(id, prefix, ext, *src);
    if (!r.ok()) return Fail(r.status());
    std::cout << *r << "\n";
    return 0;
  }
  if (*dl) {
    if (out.empty()) {
      auto parsed = proto::ParseFileId(id);
      if (!parsed.ok()) return Fail(parsed.status());
      out = parsed->logic.name;
    }
    return Fail(DownloadTo(c, id, out, offset, length));
  }
  if (*del) return Fail(c.Delete(id));
  if (*info) {
    auto r = c.Info(id, server);
    if (!r.ok()) return Fail(r.status());
    if (json) {
      std::cout << nlohmann::json{{"source_ip", r->source_ip},
                                  {"file_size", r->size},
                                  {"create_timestamp", r->create_time},
                                  {"create_time", IsoTime(r->create_time)},
                                  {"crc32", r->crc32},
                                  {"appender", r->appender},
                                  {"slave", r->slave},
                                  {"from_server", r->from_server}}
                       .dump(2)
                << "\n";
    } else {
      std::cout << fmt::format(
          "GET FROM SERVER: {}\n\nfile type: {}\nsource ip address: {}\n"
          "file create timestamp: {}\nfile size: {}\nfile crc32: {} "
          "(0x{:08X})\n",
          r->from_server ? "true" : "false",
          r->appender ? "appender"
          : r->slave  ? "slave"
                      : "normal",
          r->source_ip, IsoTime(r->create_time), r->size, r->crc32, r->crc32);
    }
    return 0;
  }
  if (*mget) {
    auto r = c.GetMetadata(id);
    if (!r.ok()) return Fail(r.status());
    if (json) {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& [k, v] : *r) j[k] = v;
      std::cout << j.dump(2) << "\n";
    } else {
      for (const auto& [k, v] : *r) std::cout << k << "=" << v << "\n";
    }
    return 0;
  }
  if (*mset) {
    proto::Metadata m;
    for (const std::string& p : pairs) {
      size_t eq = p.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Fail(
            Status::InvalidArgument("metadata must be key=value: " + p));
      }
      m.emplace_back(p.substr(0, eq), p.substr(eq + 1));
    }
    return Fail(c.SetMetadata(id, m, merge ? 'M' : 'O'));
  }
  if (*app_ || *mod) {
    auto src = OpenSource(file);
    if (!src.ok()) return Fail(src.status());
    return Fail(*app_ ? c.Append(id, *src) : c.Modify(id, offset, *src));
  }
  if (*tr) return Fail(c.Truncate(id, size));
  if (*regen) {
    auto r = c.RegenerateAppenderName(id);
    if (!r.ok()) return Fail(r.status());
    std::cout << *r << "\n";
    return 0;
  }
  if (*mon_del) {
    Status s = c.DeleteStorage(del_group, del_storage);
    if (!s.ok()) return Fail(s);
    std::cout << "deleted " << del_storage << " from " << del_group
              << "; if it starts again it joins as a new member and is "
                 "copied in full\n";
    return 0;
  }
  if (*mon_del_group) {
    Status s = c.DeleteGroup(del_group);
    if (!s.ok()) return Fail(s);
    std::cout << "deleted group " << del_group << "\n";
    return 0;
  }
  if (*mon) {
    for (;;) {
      if (watch && !json) std::cout << "\033[H\033[2J";
      Status s = PrintMonitor(c, json, std::cout);
      if (!s.ok()) return Fail(s);
      if (!watch) return 0;
      std::cout.flush();
      std::this_thread::sleep_for(std::chrono::seconds(std::max(1, interval)));
    }
  }
  return 2;
}

}  // namespace
}  // namespace nimbus::cli

int main(int argc, char** argv) { return nimbus::cli::Main(argc, argv); }
