#include "web/login_limiter.h"

namespace nimbus::web {

LoginLimiter::LoginLimiter(int per_name, int per_address, int64_t window_s)
    : per_name_(per_name), per_address_(per_address), window_s_(window_s) {}

int64_t LoginLimiter::Wait(Window& w, int limit, int64_t now) const {
  while (!w.empty() && w.front() <= now - window_s_) w.pop_front();
  if (static_cast<int>(w.size()) < limit) return 0;
  // The attempt is allowed again when the oldest counted failure ages out.
  return w[w.size() - limit] + window_s_ - now;
}

int64_t LoginLimiter::RetryAfter(const std::string& name,
                                 const std::string& address, int64_t now) {
  std::lock_guard lock(mu_);
  Prune(now);
  int64_t wait = 0;
  if (auto it = by_name_.find(name); it != by_name_.end()) {
    wait = std::max(wait, Wait(it->second, per_name_, now));
  }
  if (auto it = by_address_.find(address); it != by_address_.end()) {
    wait = std::max(wait, Wait(it->second, per_address_, now));
  }
  return wait;
}

void LoginLimiter::Failed(const std::string& name, const std::string& address,
                          int64_t now) {
  std::lock_guard lock(mu_);
  by_name_[name].push_back(now);
  by_address_[address].push_back(now);
}

void LoginLimiter::Succeeded(const std::string& name) {
  std::lock_guard lock(mu_);
  by_name_.erase(name);
}

void LoginLimiter::Prune(int64_t now) {
  if (now - last_prune_ < window_s_) return;
  last_prune_ = now;
  for (auto* m : {&by_name_, &by_address_}) {
    for (auto it = m->begin(); it != m->end();) {
      Window& w = it->second;
      while (!w.empty() && w.front() <= now - window_s_) w.pop_front();
      it = w.empty() ? m->erase(it) : std::next(it);
    }
  }
}

}  // namespace nimbus::web
