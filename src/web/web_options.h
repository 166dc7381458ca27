// nimbus-web's configuration (deploy/conf/web.conf documents every key),
// parsed once at start-up and immutable afterwards.
#ifndef NIMBUS_WEB_WEB_OPTIONS_H_
#define NIMBUS_WEB_WEB_OPTIONS_H_

#include <cstdint>
#include <string>

#include "common/config_file.h"
#include "common/log_rotation.h"
#include "common/result.h"

namespace nimbus::web {

struct WebOptions {
  // FastCGI socket: "host:port" or a Unix socket path.
  std::string listen = "127.0.0.1:9100";
  int workers = 8;
  // "sqlite:<path>" (relative to base_path) or
  // "mysql://user:password@host:port/database".
  std::string database = "sqlite:nimbus-web.db";
  int db_pool_size = 0;  // 0: as many as workers
  std::string base_path = ".";

  // The DFS: a FastDFS client.conf (tracker_server lines).
  std::string client_conf;
  std::string group;  // empty: the tracker chooses

  // Download URLs: base of the front nginx, and the secret shared with it
  // (empty: unsigned URLs, for clusters configured without secure_link).
  std::string http_url_base = "http://127.0.0.1:8080";
  std::string http_secret_file;
  int64_t url_ttl_s = 3600;

  bool allow_register = true;
  // argon2id cost (libsodium crypto_pwhash): passes and memory. The
  // defaults are libsodium's "interactive" limits; raising them later is
  // safe (old hashes still verify and are re-hashed at the next sign-in).
  int64_t argon2_ops = 2;
  int64_t argon2_memory_bytes = int64_t{64} << 20;
  int64_t session_ttl_s = 7 * 86400;
  int64_t default_quota_bytes = int64_t{10} << 30;
  int64_t max_upload_bytes = int64_t{16} << 30;
  int64_t max_json_bytes = 64 << 10;

  int login_failures_per_name = 5;
  int login_failures_per_address = 50;
  int64_t login_window_s = 300;

  int64_t orphan_collect_interval_s = 60;

  // Cache: Redis at "host:port" or "unix:/path"; empty: in this process.
  std::string redis;
  std::string redis_password;
  int64_t cache_ttl_s = 300;
  // How often the share ranking in the cache is rebuilt from the database.
  int64_t reconcile_interval_s = 60;

  // Resumable (tus) uploads: an unfinished upload is deleted this long
  // after its last piece; a process appending holds it this long at most
  // if it dies mid-request.
  int64_t upload_expiry_s = 86400;
  int64_t upload_lease_s = 30;

  std::string log_level = "info";
  // rotate_error_log, error_log_rotate_time, rotate_error_log_size,
  // log_file_keep_days (as the DFS servers).
  LogRotation log_rotation;
  // The account to switch to when started as root (empty: as started).
  std::string run_by_group;
  std::string run_by_user;
  std::string log_file;

  static Result<WebOptions> FromConfig(ConfigFile& cf);
  // The SQLite path for "sqlite:<path>", resolved against base_path.
  std::string SqlitePath() const;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_WEB_OPTIONS_H_
