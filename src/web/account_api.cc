#include "web/account_api.h"

#include <fmt/format.h>

#include "web/api_json.h"
#include "web/node_name.h"
#include "web/session_token.h"

namespace nimbus::web {

using nlohmann::json;

namespace {

// A name and a password from a JSON body; on failure `*error` is the
// response.
bool ReadCredentials(HttpRequest& req, int64_t max_json_bytes,
                     std::string* name, std::string* password,
                     HttpResponse* error) {
  Result<json> j = ReadJsonObject(req, max_json_bytes, error);
  if (!j.ok()) return false;
  Status s = StringField(*j, "name", 64, true, name);
  if (s.ok()) s = StringField(*j, "password", 4096, true, password);
  if (!s.ok()) *error = HttpResponse::FromStatus(s);
  return s.ok();
}

HttpResponse TooManyAttempts(int64_t retry_after_s, const char* message) {
  HttpResponse r = HttpResponse::Error(429, "too_many_attempts", message);
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

}  // namespace

AccountApi::AccountApi(const WebOptions& opts, Repository& repo,
                       CacheAside& cache, const PasswordHasher& hasher,
                       LoginLimiter& limiter, std::function<int64_t()> clock,
                       AuditFn audit)
    : opts_(opts),
      repo_(repo),
      cache_(cache),
      hasher_(hasher),
      limiter_(limiter),
      clock_(std::move(clock)),
      audit_(std::move(audit)) {
  Result<std::string> h = hasher_.Hash(SessionToken::Generate());
  if (h.ok()) dummy_hash_ = *h;
}

HttpResponse AccountApi::Register(HttpRequest& req) {
  if (!opts_.allow_register) {
    return HttpResponse::Error(403, "forbidden", "registration is closed");
  }
  HttpResponse err;
  std::string name, password;
  if (!ReadCredentials(req, opts_.max_json_bytes, &name, &password, &err)) {
    return err;
  }
  Status s = NodeName::ValidateUser(name);
  if (s.ok()) s = PasswordHasher::ValidateNew(password);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Result<std::string> hash = hasher_.Hash(password);
  if (!hash.ok()) return HttpResponse::FromStatus(hash.status());
  Result<User> u =
      repo_.CreateUser(name, *hash, opts_.default_quota_bytes, clock_());
  if (!u.ok()) return HttpResponse::FromStatus(u.status());
  audit_(u->id, "register", name);
  return HttpResponse::Json(201, {{"user", UserJson(*u)}});
}

HttpResponse AccountApi::Login(HttpRequest& req) {
  HttpResponse err;
  std::string name, password;
  if (!ReadCredentials(req, opts_.max_json_bytes, &name, &password, &err)) {
    return err;
  }
  int64_t now = clock_();
  if (int64_t wait = limiter_.RetryAfter(name, req.remote_addr, now)) {
    return TooManyAttempts(wait, "too many failed sign-ins; try again later");
  }
  Result<User> u = repo_.FindUser(name);
  if (!u.ok() && !u.status().IsNotFound()) {
    return HttpResponse::FromStatus(u.status());
  }
  bool good = u.ok() ? hasher_.Verify(u->pass_hash, password)
                     : (hasher_.Verify(dummy_hash_, password), false);
  if (!good) {
    limiter_.Failed(name, req.remote_addr, now);
    audit_(u.ok() ? u->id : 0, "login_failed",
           fmt::format("name={} from={}", name, req.remote_addr));
    return HttpResponse::Error(401, "unauthorized",
                               "wrong user name or password");
  }
  limiter_.Succeeded(name);
  if (hasher_.NeedsRehash(u->pass_hash)) {
    Result<std::string> h = hasher_.Hash(password);
    if (h.ok()) (void)repo_.SetPasswordHash(u->id, *h);
  }
  std::string token = SessionToken::Generate();
  int64_t expires = now + opts_.session_ttl_s;
  Status s =
      repo_.sessions().Add(SessionToken::Hash(token), u->id, now, expires);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  audit_(u->id, "login", fmt::format("from={}", req.remote_addr));
  return HttpResponse::Json(
      200, {{"token", token}, {"expires_at", expires}, {"user", UserJson(*u)}});
}

HttpResponse AccountApi::Logout(const std::string& token_hash) {
  Status s = repo_.sessions().Delete(token_hash);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  cache_.Note(cache_.cache().Del({"s:" + token_hash}));
  return HttpResponse::NoContent();
}

HttpResponse AccountApi::ChangePassword(HttpRequest& req, int64_t user_id,
                                        const std::string& token_hash) {
  HttpResponse err;
  Result<json> j = ReadJsonObject(req, opts_.max_json_bytes, &err);
  if (!j.ok()) return err;
  std::string old_pw, new_pw;
  Status s = StringField(*j, "old_password", 4096, true, &old_pw);
  if (s.ok()) s = StringField(*j, "new_password", 4096, true, &new_pw);
  if (s.ok()) s = PasswordHasher::ValidateNew(new_pw);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Result<User> u = repo_.GetUser(user_id);
  if (!u.ok()) return HttpResponse::FromStatus(u.status());
  int64_t now = clock_();
  if (int64_t wait = limiter_.RetryAfter(u->name, req.remote_addr, now)) {
    return TooManyAttempts(wait, "too many failed attempts");
  }
  if (!hasher_.Verify(u->pass_hash, old_pw)) {
    limiter_.Failed(u->name, req.remote_addr, now);
    return HttpResponse::Error(403, "forbidden", "the old password is wrong");
  }
  Result<std::string> h = hasher_.Hash(new_pw);
  if (!h.ok()) return HttpResponse::FromStatus(h.status());
  Result<std::vector<std::string>> hashes = repo_.sessions().Hashes(user_id);
  s = hashes.status();
  if (s.ok()) s = repo_.SetPasswordHash(user_id, *h);
  // Every other session ends: a stolen token dies with the old password.
  if (s.ok()) s = repo_.sessions().DeleteOthers(user_id, token_hash);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  std::vector<std::string> keys;
  for (const std::string& hash : *hashes) {
    if (hash != token_hash) keys.push_back("s:" + hash);
  }
  cache_.Note(cache_.cache().Del(keys));
  audit_(user_id, "password_changed", "");
  return HttpResponse::NoContent();
}

HttpResponse AccountApi::Me(int64_t user_id) {
  Result<User> u = repo_.GetUser(user_id);
  if (!u.ok()) return HttpResponse::FromStatus(u.status());
  return HttpResponse::Json(200, {{"user", UserJson(*u)}});
}

}  // namespace nimbus::web
