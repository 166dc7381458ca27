#include "web/memory_cache.h"

#include <algorithm>

namespace nimbus::web {

MemoryCache::MemoryCache(size_t max_entries, std::function<int64_t()> clock)
    : max_entries_(max_entries), clock_(std::move(clock)) {}

Result<std::optional<std::string>> MemoryCache::Get(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::optional<std::string>();
  if (it->second.expires_at <= clock_()) {
    order_.erase(it->second.order);
    entries_.erase(it);
    return std::optional<std::string>();
  }
  return std::optional<std::string>(it->second.value);
}

Status MemoryCache::Set(const std::string& key, const std::string& value,
                        int64_t ttl_s) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    order_.erase(it->second.order);
    entries_.erase(it);
  }
  order_.push_back(key);
  entries_[key] = Entry{value, clock_() + ttl_s, std::prev(order_.end())};
  if (entries_.size() > max_entries_) Evict();
  return Status::OK();
}

void MemoryCache::Evict() {
  int64_t now = clock_();
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.expires_at <= now) {
      order_.erase(it->second.order);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  while (entries_.size() > max_entries_ * 3 / 4 && !order_.empty()) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
}

Status MemoryCache::Del(const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  for (const std::string& k : keys) {
    auto it = entries_.find(k);
    if (it != entries_.end()) {
      order_.erase(it->second.order);
      entries_.erase(it);
    }
    zsets_.erase(k);
    complete_.erase(k);
  }
  return Status::OK();
}

Status MemoryCache::ZIncrBy(const std::string& key, const std::string& member,
                            double by) {
  std::lock_guard lock(mu_);
  zsets_[key][member] += by;
  return Status::OK();
}

Status MemoryCache::ZRem(const std::string& key, const std::string& member) {
  std::lock_guard lock(mu_);
  auto it = zsets_.find(key);
  if (it != zsets_.end()) it->second.erase(member);
  return Status::OK();
}

Result<std::optional<std::vector<std::pair<std::string, double>>>>
MemoryCache::ZTop(const std::string& key, int n) {
  std::lock_guard lock(mu_);
  auto it = zsets_.find(key);
  if (it == zsets_.end() || !complete_.count(key)) {
    return std::optional<std::vector<std::pair<std::string, double>>>();
  }
  std::vector<std::pair<std::string, double>> all(it->second.begin(),
                                                  it->second.end());
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.second > b.second;
  });
  if (static_cast<int>(all.size()) > n) all.resize(n);
  return std::optional<std::vector<std::pair<std::string, double>>>(all);
}

Status MemoryCache::ZReplace(
    const std::string& key,
    const std::vector<std::pair<std::string, double>>& members) {
  std::lock_guard lock(mu_);
  auto& z = zsets_[key];
  z.clear();
  complete_.insert(key);
  for (const auto& [m, s] : members) z[m] = s;
  return Status::OK();
}

}  // namespace nimbus::web
