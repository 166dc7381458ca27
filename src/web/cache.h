// The cache in front of the metadata database: Redis when configured
// (RedisCache), otherwise in-process (MemoryCache). Cache-aside only: the
// database is the truth, every write there invalidates here, and any
// cache error is a miss, so a cache that is down, flushed or corrupted
// costs speed, never correctness.
//
// Thread-safety: implementations are called from any worker thread.
#ifndef NIMBUS_WEB_CACHE_H_
#define NIMBUS_WEB_CACHE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace nimbus::web {

class Cache {
 public:
  virtual ~Cache() = default;

  // nullopt on a miss.
  virtual Result<std::optional<std::string>> Get(const std::string& key) = 0;
  virtual Status Set(const std::string& key, const std::string& value,
                     int64_t ttl_s) = 0;
  virtual Status Del(const std::vector<std::string>& keys) = 0;

  // Sorted sets (the share ranking).
  virtual Status ZIncrBy(const std::string& key, const std::string& member,
                         double by) = 0;
  virtual Status ZRem(const std::string& key, const std::string& member) = 0;
  // Highest scores first; nullopt when the set was not built by ZReplace
  // (missing, or recreated piecemeal by ZIncrBy after a flush), so a
  // partial set is never taken for the whole ranking.
  virtual Result<std::optional<std::vector<std::pair<std::string, double>>>>
  ZTop(const std::string& key, int n) = 0;
  // Replaces the whole set atomically.
  virtual Status ZReplace(
      const std::string& key,
      const std::vector<std::pair<std::string, double>>& members) = 0;

  // "redis" or "memory", for metrics and logs.
  virtual const char* Kind() const = 0;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_CACHE_H_
