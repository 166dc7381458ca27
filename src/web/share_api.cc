#include "web/share_api.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <memory>

#include "web/api_json.h"
#include "web/session_token.h"

namespace nimbus::web {

using nlohmann::json;

ShareApi::ShareApi(const WebOptions& opts, Repository& repo, CacheAside& cache,
                   const std::optional<http::UrlSigner>& signer,
                   const PasswordHasher& hasher, LoginLimiter& limiter,
                   std::function<int64_t()> clock, AuditFn audit)
    : opts_(opts),
      repo_(repo),
      cache_(cache),
      signer_(signer),
      hasher_(hasher),
      limiter_(limiter),
      clock_(std::move(clock)),
      audit_(std::move(audit)) {}

HttpResponse ShareApi::Create(HttpRequest& req, int64_t user_id) {
  HttpResponse err;
  Result<json> j = ReadJsonObject(req, opts_.max_json_bytes, &err);
  if (!j.ok()) return err;
  Result<int64_t> node = IdField(*j, "node", false);
  if (!node.ok()) return HttpResponse::FromStatus(node.status());
  Share sh;
  sh.user_id = user_id;
  sh.node_id = *node;
  sh.created_at = clock_();
  std::string password;
  Status s = StringField(*j, "password", 64, false, &password);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  if (!password.empty()) {
    if (password.size() < 4) {
      return HttpResponse::Error(400, "bad_request",
                                 "password: 4 to 64 characters");
    }
    Result<std::string> h = hasher_.Hash(password);
    if (!h.ok()) return HttpResponse::FromStatus(h.status());
    sh.pass_hash = *h;
  }
  auto int_field = [&](const char* key, int64_t max, int64_t* out) -> bool {
    auto it = j->find(key);
    if (it == j->end() || it->is_null()) return true;
    if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
        it->get<int64_t>() > max) {
      return false;
    }
    *out = it->get<int64_t>();
    return true;
  };
  int64_t ttl = 0;
  if (!int_field("expires_in", int64_t{10} * 365 * 86400, &ttl)) {
    return HttpResponse::Error(400, "bad_request",
                               "expires_in: seconds, at most 10 years");
  }
  if (ttl) sh.expires_at = sh.created_at + ttl;
  if (!int_field("max_downloads", int64_t{1} << 40, &sh.max_downloads)) {
    return HttpResponse::Error(400, "bad_request",
                               "max_downloads: a positive integer");
  }
  auto pub = j->find("public");
  if (pub != j->end() && !pub->is_null()) {
    if (!pub->is_boolean()) {
      return HttpResponse::Error(400, "bad_request", "public: true or false");
    }
    sh.is_public = pub->get<bool>();
  }
  if (sh.is_public && !sh.pass_hash.empty()) {
    return HttpResponse::Error(400, "bad_request",
                               "a public share cannot have a password");
  }
  sh.code = SessionToken::RandomBase64Url(9);  // 12 characters
  s = repo_.shares().Create(sh);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Result<Share> created = repo_.shares().Get(sh.code);
  if (!created.ok()) return HttpResponse::FromStatus(created.status());
  if (sh.is_public) cache_.Note(cache_.cache().ZIncrBy("square", sh.code, 0));
  audit_(user_id, "share",
         fmt::format("code={} node={} public={} password={}", sh.code,
                     sh.node_id, sh.is_public, !sh.pass_hash.empty()));
  return HttpResponse::Json(201, {{"share", ShareJson(*created, true)}});
}

HttpResponse ShareApi::List(int64_t user_id) {
  Result<std::vector<Share>> rows = repo_.shares().List(user_id);
  if (!rows.ok()) return HttpResponse::FromStatus(rows.status());
  json items = json::array();
  for (const Share& s : *rows) {
    // The owner may see which of their files each share names.
    json j = ShareJson(s, true);
    j["node"] = s.node.id;
    items.push_back(std::move(j));
  }
  return HttpResponse::Json(200, {{"items", items}});
}

HttpResponse ShareApi::Revoke(HttpRequest& req, int64_t user_id) {
  Status s = repo_.shares().Revoke(user_id, req.params["code"], clock_());
  if (!s.ok()) return HttpResponse::FromStatus(s);
  cache_.Note(cache_.cache().ZRem("square", req.params["code"]));
  audit_(user_id, "unshare", "code=" + req.params["code"]);
  return HttpResponse::NoContent();
}

Result<Share> ShareApi::Load(HttpRequest& req, bool check_password,
                             HttpResponse* error) {
  const std::string& code = req.params["code"];
  Status not_found = Status::NotFound("no such share");
  bool well_formed =
      code.size() == 12 && code.find_first_not_of(
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                               "vwxyz0123456789-_") == std::string::npos;
  if (!well_formed) {
    *error = HttpResponse::FromStatus(not_found);
    return not_found;
  }
  Result<Share> sh = repo_.shares().Get(code);
  if (!sh.ok()) {
    *error = HttpResponse::FromStatus(sh.status());
    return sh.status();
  }
  int64_t now = clock_();
  if ((sh->expires_at && sh->expires_at <= now) ||
      (sh->max_downloads && sh->downloads >= sh->max_downloads)) {
    *error = HttpResponse::Error(410, "gone",
                                 "the share expired or reached its limit");
    return Status::NotFound("gone");
  }
  if (!check_password || sh->pass_hash.empty()) return sh;
  std::string key = "share:" + code;
  if (int64_t wait = limiter_.RetryAfter(key, req.remote_addr, now)) {
    *error = HttpResponse::Error(429, "too_many_attempts",
                                 "too many wrong passwords; try again later");
    error->headers.emplace_back("Retry-After", std::to_string(wait));
    return Status::Busy("limited");
  }
  HttpResponse err;
  Result<json> j = req.content_length > 0
                       ? ReadJsonObject(req, opts_.max_json_bytes, &err)
                       : Result<json>(json::object());
  if (!j.ok()) {
    *error = err;
    return j.status();
  }
  std::string password;
  Status s = StringField(*j, "password", 64, false, &password);
  if (!s.ok() || password.empty() || !hasher_.Verify(sh->pass_hash, password)) {
    limiter_.Failed(key, req.remote_addr, now);
    *error = HttpResponse::Error(403, "forbidden",
                                 "this share needs the right password");
    return Status::Permission("password");
  }
  return sh;
}

HttpResponse ShareApi::Info(HttpRequest& req) {
  HttpResponse err;
  Result<Share> sh = Load(req, false, &err);
  if (!sh.ok()) return err;
  // Behind a password only the share itself is described, not the file.
  return HttpResponse::Json(200,
                            {{"share", ShareJson(*sh, sh->pass_hash.empty())}});
}

HttpResponse ShareApi::Open(HttpRequest& req) {
  HttpResponse err;
  Result<Share> sh = Load(req, true, &err);
  if (!sh.ok()) return err;
  return HttpResponse::Json(200, {{"share", ShareJson(*sh, true)}});
}

HttpResponse ShareApi::Download(HttpRequest& req) {
  HttpResponse err;
  Result<Share> sh = Load(req, true, &err);
  if (!sh.ok()) return err;
  Status s = repo_.shares().CountDownload(sh->code, clock_());
  if (s.IsNotFound()) {
    return HttpResponse::Error(410, "gone",
                               "the share expired or reached its limit");
  }
  if (!s.ok()) return HttpResponse::FromStatus(s);
  (void)repo_.CountDownload(sh->user_id, sh->node_id);
  cache_.Changed(sh->user_id);
  if (sh->is_public) cache_.Note(cache_.cache().ZIncrBy("square", sh->code, 1));
  int64_t expires = clock_() + opts_.url_ttl_s;
  Result<std::string> url =
      signer_ ? signer_->SignedUrl(opts_.http_url_base, sh->node.file_id,
                                   expires, sh->node.name)
              : http::UrlSigner::UnsignedUrl(opts_.http_url_base,
                                             sh->node.file_id, sh->node.name);
  if (!url.ok()) return HttpResponse::FromStatus(url.status());
  return HttpResponse::Json(200, {{"url", *url}, {"expires_at", expires}});
}

HttpResponse ShareApi::Save(HttpRequest& req, int64_t user_id) {
  // The body carries both the password and the destination.
  std::string body;
  char buf[8192];
  for (;;) {
    Result<size_t> n = req.read_body(buf, sizeof(buf));
    if (!n.ok() || *n == 0) break;
    body.append(buf, *n);
    if (static_cast<int64_t>(body.size()) > opts_.max_json_bytes) {
      return HttpResponse::Error(413, "too_large", "request body too large");
    }
  }
  auto replay = std::make_shared<std::string>(body);
  auto pos = std::make_shared<size_t>(0);
  req.read_body = [replay, pos](char* dst, size_t n) -> Result<size_t> {
    size_t k = std::min(n, replay->size() - *pos);
    std::memcpy(dst, replay->data() + *pos, k);
    *pos += k;
    return k;
  };
  req.content_length = static_cast<int64_t>(body.size());
  HttpResponse err;
  Result<Share> sh = Load(req, true, &err);
  if (!sh.ok()) return err;
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) j = json::object();
  Result<int64_t> parent =
      j.contains("parent") ? IdField(j, "parent", true) : Result<int64_t>(0);
  if (!parent.ok()) return HttpResponse::FromStatus(parent.status());
  NewFile f;
  f.user_id = user_id;
  f.parent_id = *parent;
  f.name = sh->node.name;
  f.sha256 = sh->node.sha256;
  f.size = sh->node.size;
  f.now = clock_();
  // No bytes move: the new file names the same stored content.
  Result<AddedFile> added = repo_.AddFile(f);
  if (!added.ok()) return HttpResponse::FromStatus(added.status());
  cache_.Changed(user_id);
  audit_(user_id, "save_share", "code=" + sh->code);
  return HttpResponse::Json(201, {{"node", NodeJson(added->node)}});
}

HttpResponse ShareApi::Square(HttpRequest& req) {
  int limit = 50;
  if (req.query.count("limit")) {
    const std::string& l = req.query["limit"];
    auto [p, ec] = std::from_chars(l.data(), l.data() + l.size(), limit);
    if (ec != std::errc() || p != l.data() + l.size() || limit < 1 ||
        limit > 200) {
      return HttpResponse::Error(400, "bad_request", "limit: 1 to 200");
    }
  }
  Result<std::vector<Share>> rows = cache_.RankedShares(limit);
  if (!rows.ok()) return HttpResponse::FromStatus(rows.status());
  json items = json::array();
  for (const Share& s : *rows) items.push_back(ShareJson(s, true));
  return HttpResponse::Json(200, {{"items", items}});
}

}  // namespace nimbus::web
