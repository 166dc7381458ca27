// Login rate limiting: failed logins are counted per user name and per
// client address over a sliding window; once either count reaches its
// limit, further attempts are refused (HTTP 429) until old failures age
// out, so a password cannot be guessed at speed and one address cannot
// spray many accounts. A successful login clears the name's count.
//
// In-process: with several nimbus-web processes each limits on its own
// (the limit is then per process; documented in docs/api.md).
//
// Thread-safety: any thread.
#ifndef NIMBUS_WEB_LOGIN_LIMITER_H_
#define NIMBUS_WEB_LOGIN_LIMITER_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace nimbus::web {

class LoginLimiter {
 public:
  LoginLimiter(int per_name, int per_address, int64_t window_s);

  // Seconds to wait before the next attempt, 0 when one is allowed now.
  int64_t RetryAfter(const std::string& name, const std::string& address,
                     int64_t now);
  void Failed(const std::string& name, const std::string& address, int64_t now);
  void Succeeded(const std::string& name);

 private:
  using Window = std::deque<int64_t>;  // failure times, oldest first
  int64_t Wait(Window& w, int limit, int64_t now) const;
  void Prune(int64_t now);

  const int per_name_;
  const int per_address_;
  const int64_t window_s_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> by_name_;     // guarded by mu_
  std::unordered_map<std::string, Window> by_address_;  // guarded by mu_
  int64_t last_prune_ = 0;                              // guarded by mu_
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_LOGIN_LIMITER_H_
