// AccountApi: the account part of nimbus-web's /api/v1 (docs/api.md,
// "Accounts"): registration, sign-in (limited per name and per address,
// taking as long for an unknown name as for a wrong password), sign-out,
// password change (which ends every other session) and the caller's own
// record.
//
// WebService routes the requests here after the session check: `user_id`
// and `token_hash` arguments are the caller's identity from the session,
// never from the request.
//
// Thread-safety: as WebService, whose members it uses (all thread-safe).
#ifndef NIMBUS_WEB_ACCOUNT_API_H_
#define NIMBUS_WEB_ACCOUNT_API_H_

#include <cstdint>
#include <functional>
#include <string>

#include "web/audit_fn.h"
#include "web/cache_aside.h"
#include "web/http_message.h"
#include "web/login_limiter.h"
#include "web/password_hasher.h"
#include "web/repository.h"
#include "web/web_options.h"

namespace nimbus::web {

class AccountApi {
 public:
  // Every reference must outlive the AccountApi.
  AccountApi(const WebOptions& opts, Repository& repo, CacheAside& cache,
             const PasswordHasher& hasher, LoginLimiter& limiter,
             std::function<int64_t()> clock, AuditFn audit);

  AccountApi(const AccountApi&) = delete;
  AccountApi& operator=(const AccountApi&) = delete;

  HttpResponse Register(HttpRequest& req);
  HttpResponse Login(HttpRequest& req);
  HttpResponse Logout(const std::string& token_hash);
  HttpResponse ChangePassword(HttpRequest& req, int64_t user_id,
                              const std::string& token_hash);
  HttpResponse Me(int64_t user_id);

 private:
  const WebOptions& opts_;
  Repository& repo_;
  CacheAside& cache_;
  const PasswordHasher& hasher_;
  LoginLimiter& limiter_;
  const std::function<int64_t()> clock_;
  const AuditFn audit_;
  // A real hash verified when the user name is unknown, so a sign-in takes
  // as long for a missing user as for a wrong password.
  std::string dummy_hash_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_ACCOUNT_API_H_
