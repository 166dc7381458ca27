#include "web/web_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "web/dfs_blob_store.h"
#include "web/memory_cache.h"
#include "web/mysql_connection.h"
#include "web/redis_cache.h"
#include "web/sqlite_connection.h"

namespace nimbus::web {

WebServer::WebServer(WebOptions opts, Env* env)
    : opts_(std::move(opts)), env_(env) {}

WebServer::~WebServer() { Stop(); }

Status WebServer::Start() {
  Result<ConfigFile> ccf = ConfigFile::Load(opts_.client_conf);
  if (!ccf.ok()) return ccf.status();
  Result<client::ClientOptions> copts = client::ClientOptions::FromConfig(*ccf);
  if (!copts.ok()) return copts.status();
  auto blobs = std::make_unique<DfsBlobStore>(
      std::make_unique<client::Client>(*copts), opts_.group);

  std::optional<http::UrlSigner> signer;
  if (!opts_.http_secret_file.empty()) {
    Result<http::UrlSigner> s =
        http::UrlSigner::FromFile(opts_.http_secret_file);
    if (!s.ok()) return s.status();
    signer = std::move(s).value();
  } else {
    spdlog::warn("http_secret_file is not set: download URLs are unsigned");
  }

  size_t pool_size = opts_.db_pool_size ? opts_.db_pool_size : opts_.workers;
  SqlPool::Factory factory;
  if (opts_.database.rfind("sqlite:", 0) == 0) {
    std::string path = opts_.SqlitePath();
    factory = [path] { return SqliteConnection::Open(path); };
  } else {
    Result<MysqlUrl> url = MysqlUrl::Parse(opts_.database);
    if (!url.ok()) return url.status();
    MysqlUrl u = *url;
    factory = [u] { return MysqlConnection::Open(u); };
  }
  Result<std::unique_ptr<Repository>> repo =
      Repository::Open(std::make_unique<SqlPool>(factory, pool_size));
  if (!repo.ok()) return repo.status();
  if (opts_.database.rfind("sqlite:", 0) == 0) {
    // SQLite: this process is the database's only user, so leases held by
    // a previous run are dead and uploads resume at once.
    Status c = (*repo)->uploads().ClearLeases();
    if (!c.ok()) return c;
  }

  auto clock = [] { return static_cast<int64_t>(::time(nullptr)); };
  std::unique_ptr<Cache> cache;
  if (!opts_.redis.empty()) {
    cache = std::make_unique<RedisCache>(opts_.redis, opts_.redis_password);
  } else {
    cache = std::make_unique<MemoryCache>(200000, clock);
  }
  service_ = std::make_unique<WebService>(
      opts_, std::move(repo).value(), std::move(blobs), std::move(cache),
      std::move(signer),
      PasswordHasher(static_cast<unsigned long long>(opts_.argon2_ops),
                     static_cast<size_t>(opts_.argon2_memory_bytes)),
      clock);
  Status rc = service_->ReconcileCache();
  if (!rc.ok())
    spdlog::warn("cache: {} (serving from the database)", rc.ToString());
  fcgi_ =
      std::make_unique<FcgiServer>(service_.get(), opts_.listen, opts_.workers);
  Status s = fcgi_->Start();
  if (!s.ok()) return s;
  chores_ = std::thread([this] { Chores(); });
  spdlog::info(
      "nimbus-web: FastCGI on {}, {} workers, database {}", opts_.listen,
      opts_.workers,
      opts_.database.rfind("sqlite:", 0) == 0 ? opts_.database : "mysql");
  return Status::OK();
}

void WebServer::Run() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stop_; });
}

void WebServer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_ && !chores_.joinable() && !fcgi_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (fcgi_) fcgi_->Stop();
  if (chores_.joinable()) chores_.join();
}

void WebServer::Chores() {
  using Clock = std::chrono::steady_clock;
  auto next_collect = Clock::now();
  auto next_reconcile = Clock::now();
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_until(lock, std::min(next_collect, next_reconcile),
                   [&] { return stop_; });
    if (stop_) break;
    lock.unlock();
    auto now = Clock::now();
    if (now >= next_collect) {
      Result<int> n = service_->CollectOrphans();
      if (!n.ok()) {
        spdlog::warn("orphan collection: {}", n.status().ToString());
      } else if (*n > 0) {
        spdlog::info("orphan collection: {} blobs removed", *n);
      }
      service_->SweepSessions();
      next_collect =
          now + std::chrono::seconds(opts_.orphan_collect_interval_s);
    }
    if (now >= next_reconcile) {
      Status s = service_->ReconcileCache();
      if (!s.ok()) spdlog::debug("cache reconciliation: {}", s.ToString());
      next_reconcile = now + std::chrono::seconds(opts_.reconcile_interval_s);
    }
    lock.lock();
  }
}

}  // namespace nimbus::web
