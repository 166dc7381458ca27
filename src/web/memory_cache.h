// Cache in this process: for one box without Redis. Bounded: when more
// than `max_entries` keys are held, expired ones are dropped first, then
// the oldest-inserted.
#ifndef NIMBUS_WEB_MEMORY_CACHE_H_
#define NIMBUS_WEB_MEMORY_CACHE_H_

#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "web/cache.h"

namespace nimbus::web {

class MemoryCache : public Cache {
 public:
  MemoryCache(size_t max_entries, std::function<int64_t()> clock);

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
  const char* Kind() const override { return "memory"; }

 private:
  struct Entry {
    std::string value;
    int64_t expires_at;
    std::list<std::string>::iterator order;
  };
  void Evict();

  const size_t max_entries_;
  const std::function<int64_t()> clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::list<std::string> order_;                    // guarded by mu_
  std::map<std::string, std::map<std::string, double>>
      zsets_;                       // guarded by mu_
  std::set<std::string> complete_;  // zsets built by ZReplace; guarded by mu_
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_MEMORY_CACHE_H_
