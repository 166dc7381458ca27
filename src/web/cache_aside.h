// CacheAside: nimbus-web's use of the cache (Redis or in-process) in front
// of the Repository. Listings and file details are cached under a per-user
// generation that every write replaces, so a cached answer is never older
// than the user's last write; sessions are cached by token hash; the share
// square is a sorted set checked against the database before it is
// believed. After any cache error the cache is bypassed for cache_ttl, so a
// cache that lost writes while it was unreachable cannot serve stale data.
// Thread-safe (the counters are atomic; Cache implementations are).
#ifndef NIMBUS_WEB_CACHE_ASIDE_H_
#define NIMBUS_WEB_CACHE_ASIDE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "web/cache.h"
#include "web/http_message.h"
#include "web/repository.h"

namespace nimbus::web {

class CacheAside {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds

  struct Stats {
    int64_t hits = 0;
    int64_t misses = 0;
    int64_t errors = 0;
    bool trusted = true;  // no error within the last cache_ttl
  };

  CacheAside(std::unique_ptr<Cache> cache, Repository* repo, Clock clock,
             int64_t ttl_s)
      : cache_(std::move(cache)),
        repo_(repo),
        clock_(std::move(clock)),
        ttl_s_(ttl_s) {}

  Cache& cache() { return *cache_; }
  Stats stats() const;
  // False within cache_ttl of the last cache error.
  bool Trusted() const;
  // Counts a failed cache operation (ok statuses are ignored).
  void Note(const Status& s);

  // The user's current generation ("" when the cache is not to be used).
  std::string Generation(int64_t user_id);
  // After a write by (or for) the user: their cached answers are void.
  void Changed(int64_t user_id);
  // The user of a live session, from the cache or the repository.
  Result<int64_t> SessionUser(const std::string& token_hash);
  std::optional<std::string> CachedBody(const std::string& key);
  void StoreBody(const std::string& key, const HttpResponse& r);

  // Rebuilds the share ranking from the database.
  Status ReconcileSquare();
  // The public share square, most downloaded first.
  Result<std::vector<Share>> RankedShares(int limit);

 private:
  std::unique_ptr<Cache> cache_;
  Repository* repo_;
  const Clock clock_;
  const int64_t ttl_s_;
  std::atomic<int64_t> hits_{0};
  std::atomic<int64_t> misses_{0};
  std::atomic<int64_t> errors_{0};
  std::atomic<int64_t> last_error_{-(int64_t{1} << 40)};
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_CACHE_ASIDE_H_
