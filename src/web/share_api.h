// ShareApi: the share-link part of nimbus-web's /api/v1 (docs/api.md,
// "Shares"): a user creates, lists and revokes links to their files;
// anyone with a link sees it, opens it (with its password, limited like
// sign-ins), downloads through a signed URL within its expiry and download
// limit; a signed-in user saves its file into their own tree (转存) without
// moving bytes; public links are ranked on the share square.
//
// WebService routes the requests here after the session check: `user_id`
// arguments are the caller's identity from the session, never from the
// request.
//
// Thread-safety: as WebService, whose members it uses (all thread-safe).
#ifndef NIMBUS_WEB_SHARE_API_H_
#define NIMBUS_WEB_SHARE_API_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "http/url_signer.h"
#include "web/audit_fn.h"
#include "web/cache_aside.h"
#include "web/http_message.h"
#include "web/login_limiter.h"
#include "web/password_hasher.h"
#include "web/repository.h"
#include "web/web_options.h"

namespace nimbus::web {

class ShareApi {
 public:
  // Every reference must outlive the ShareApi. `signer` empty: download URLs
  // are unsigned.
  ShareApi(const WebOptions& opts, Repository& repo, CacheAside& cache,
           const std::optional<http::UrlSigner>& signer,
           const PasswordHasher& hasher, LoginLimiter& limiter,
           std::function<int64_t()> clock, AuditFn audit);

  ShareApi(const ShareApi&) = delete;
  ShareApi& operator=(const ShareApi&) = delete;

  HttpResponse Create(HttpRequest& req, int64_t user_id);
  HttpResponse List(int64_t user_id);
  HttpResponse Revoke(HttpRequest& req, int64_t user_id);
  HttpResponse Info(HttpRequest& req);
  HttpResponse Open(HttpRequest& req);
  HttpResponse Download(HttpRequest& req);
  HttpResponse Save(HttpRequest& req, int64_t user_id);
  HttpResponse Square(HttpRequest& req);

 private:
  // Loads the share named in the path and checks it is usable now and,
  // when it has one, the password in the JSON body. On failure `*error`
  // is the response.
  Result<Share> Load(HttpRequest& req, bool check_password,
                     HttpResponse* error);

  const WebOptions& opts_;
  Repository& repo_;
  CacheAside& cache_;
  const std::optional<http::UrlSigner>& signer_;
  const PasswordHasher& hasher_;
  LoginLimiter& limiter_;
  const std::function<int64_t()> clock_;
  const AuditFn audit_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_SHARE_API_H_
