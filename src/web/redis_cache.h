// Cache on Redis (hiredis, blocking, a small pool of connections). Every
// command has a short timeout; after a failure Redis is not tried again
// for `retry_after_ms`, so a Redis that is down costs one timeout per
// second, not one per request, and the service runs from the database.
//
// The process must ignore SIGPIPE (nimbus-web does): hiredis writes with
// write(2), and a Redis that went away must be an error, not a signal.
//
// Thread-safety: any thread.
#ifndef NIMBUS_WEB_REDIS_CACHE_H_
#define NIMBUS_WEB_REDIS_CACHE_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "web/cache.h"

struct redisContext;
struct redisReply;

namespace nimbus::web {

class RedisCache : public Cache {
 public:
  // `address`: "host:port" or "unix:/path". `password` empty: no AUTH.
  RedisCache(std::string address, std::string password, int timeout_ms = 200,
             int retry_after_ms = 1000);
  ~RedisCache() override;

  Result<std::optional<std::string>> Get(const std::string& key) override;
  Status Set(const std::string& key, const std::string& value,
             int64_t ttl_s) override;
  Status Del(const std::vector<std::string>& keys) override;
  Status ZIncrBy(const std::string& key, const std::string& member,
                 double by) override;
  Status ZRem(const std::string& key, const std::string& member) override;
  Result<std::optional<std::vector<std::pair<std::string, double>>>> ZTop(
      const std::string& key, int n) override;
  Status ZReplace(
      const std::string& key,
      const std::vector<std::pair<std::string, double>>& members) override;
  const char* Kind() const override { return "redis"; }

  // Whether the last command reached Redis.
  bool up() const { return up_.load(); }

  // Parses "host:port" / "unix:/path" (for config validation).
  static Status ValidateAddress(const std::string& address);

 private:
  using Reply = std::unique_ptr<redisReply, void (*)(void*)>;
  // Runs one command; a Status for connection errors and error replies.
  Result<Reply> Command(const std::vector<std::string>& args);
  // Runs commands as one MULTI/EXEC transaction.
  Status Transaction(const std::vector<std::vector<std::string>>& commands);
  Result<redisContext*> Take();
  void Give(redisContext* c, bool healthy);
  // After a connection failure the pooled connections are presumed dead
  // too (Redis restarted): closed, so each does not fail once in turn.
  void DropIdle();

  const std::string address_;
  const std::string password_;
  const int timeout_ms_;
  const int retry_after_ms_;
  std::mutex mu_;
  std::vector<redisContext*> idle_;  // guarded by mu_
  std::atomic<bool> up_{true};
  std::atomic<int64_t> down_until_ms_{0};
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_REDIS_CACHE_H_
