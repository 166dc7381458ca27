#include "web/web_options.h"

#include <fmt/format.h>

#include "common/reserved_space.h"
#include "web/redis_cache.h"

namespace nimbus::web {
namespace {

Result<int64_t> GetBytes(ConfigFile& cf, std::string_view key, int64_t def,
                         int64_t min, int64_t max) {
  if (!cf.Has(key)) return def;
  Result<int64_t> v = ParseByteSize(cf.GetString(key));
  if (!v.ok() || *v < min || *v > max) {
    return Status::InvalidArgument(
        fmt::format("{}: {}: a size between {} and {} bytes (K, M, G, T "
                    "suffixes allowed)",
                    cf.source(), key, min, max));
  }
  return *v;
}

}  // namespace

Result<WebOptions> WebOptions::FromConfig(ConfigFile& cf) {
  WebOptions o;
  o.listen = cf.GetString("listen", o.listen);
  NIMBUS_LET_OR_RETURN(int64_t workers, cf.GetInt("workers", 8, 1, 256));
  o.workers = static_cast<int>(workers);
  o.database = cf.GetString("database", o.database);
  if (o.database.rfind("sqlite:", 0) != 0 &&
      o.database.rfind("mysql://", 0) != 0) {
    return Status::InvalidArgument(
        fmt::format("{}: database: sqlite:<path> or "
                    "mysql://user:password@host:port/database",
                    cf.source()));
  }
  NIMBUS_LET_OR_RETURN(int64_t pool, cf.GetInt("db_pool_size", 0, 0, 256));
  o.db_pool_size = static_cast<int>(pool);
  o.base_path = cf.GetString("base_path", o.base_path);
  o.client_conf = cf.GetString("client_conf");
  if (o.client_conf.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{}: client_conf: the DFS client.conf is required", cf.source()));
  }
  o.group = cf.GetString("group");
  o.http_url_base = cf.GetString("http_url_base", o.http_url_base);
  while (!o.http_url_base.empty() && o.http_url_base.back() == '/') {
    o.http_url_base.pop_back();
  }
  o.http_secret_file = cf.GetString("http_secret_file");
  NIMBUS_ASSIGN_OR_RETURN(o.url_ttl_s,
                          cf.GetSeconds("url_ttl", 3600, 10, 7 * 86400));
  NIMBUS_ASSIGN_OR_RETURN(o.allow_register, cf.GetBool("allow_register", true));
  NIMBUS_ASSIGN_OR_RETURN(o.argon2_ops, cf.GetInt("argon2_ops", 2, 1, 100));
  NIMBUS_ASSIGN_OR_RETURN(o.argon2_memory_bytes,
                          GetBytes(cf, "argon2_memory", o.argon2_memory_bytes,
                                   8 << 10, int64_t{4} << 30));
  NIMBUS_ASSIGN_OR_RETURN(
      o.session_ttl_s,
      cf.GetSeconds("session_ttl", 7 * 86400, 60, 365 * 86400));
  NIMBUS_ASSIGN_OR_RETURN(o.default_quota_bytes,
                          GetBytes(cf, "default_quota", o.default_quota_bytes,
                                   0, int64_t{1} << 60));
  NIMBUS_ASSIGN_OR_RETURN(
      o.max_upload_bytes,
      GetBytes(cf, "max_upload_size", o.max_upload_bytes, 1, int64_t{1} << 50));
  NIMBUS_LET_OR_RETURN(int64_t per_name,
                       cf.GetInt("login_failures_per_name", 5, 1, 1000000));
  o.login_failures_per_name = static_cast<int>(per_name);
  NIMBUS_LET_OR_RETURN(int64_t per_addr,
                       cf.GetInt("login_failures_per_address", 50, 1, 1000000));
  o.login_failures_per_address = static_cast<int>(per_addr);
  NIMBUS_ASSIGN_OR_RETURN(o.login_window_s,
                          cf.GetSeconds("login_window", 300, 1, 86400));
  NIMBUS_ASSIGN_OR_RETURN(
      o.orphan_collect_interval_s,
      cf.GetSeconds("orphan_collect_interval", 60, 1, 86400));
  o.redis = cf.GetString("redis");
  if (!o.redis.empty()) {
    Status rs = RedisCache::ValidateAddress(o.redis);
    if (!rs.ok()) return rs;
  }
  o.redis_password = cf.GetString("redis_password");
  NIMBUS_ASSIGN_OR_RETURN(o.cache_ttl_s,
                          cf.GetSeconds("cache_ttl", 300, 1, 86400));
  NIMBUS_ASSIGN_OR_RETURN(o.reconcile_interval_s,
                          cf.GetSeconds("reconcile_interval", 60, 1, 86400));
  NIMBUS_ASSIGN_OR_RETURN(
      o.upload_expiry_s, cf.GetSeconds("upload_expiry", 86400, 60, 30 * 86400));
  NIMBUS_ASSIGN_OR_RETURN(o.upload_lease_s,
                          cf.GetSeconds("upload_lease", 30, 5, 3600));
  o.log_level = cf.GetString("log_level", o.log_level);
  NIMBUS_ASSIGN_OR_RETURN(o.log_rotation, LogRotation::FromConfig(cf));
  o.run_by_group = cf.GetString("run_by_group");
  o.run_by_user = cf.GetString("run_by_user");
  o.log_file = cf.GetString("log_file");
  return o;
}

std::string WebOptions::SqlitePath() const {
  std::string p = database.substr(7);
  if (!p.empty() && p[0] != '/') p = base_path + "/" + p;
  return p;
}

}  // namespace nimbus::web
