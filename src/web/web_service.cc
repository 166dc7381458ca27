#include "web/web_service.h"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "web/api_json.h"
#include "web/node_name.h"
#include "web/session_token.h"

namespace nimbus::web {
namespace {

using nlohmann::json;

}  // namespace

WebService::WebService(WebOptions opts, std::unique_ptr<Repository> repo,
                       std::unique_ptr<BlobStore> blobs,
                       std::unique_ptr<Cache> cache,
                       std::optional<http::UrlSigner> signer,
                       PasswordHasher hasher, Clock clock)
    : opts_(std::move(opts)),
      repo_(std::move(repo)),
      blobs_(std::move(blobs)),
      signer_(std::move(signer)),
      hasher_(hasher),
      clock_(std::move(clock)),
      limiter_(opts_.login_failures_per_name, opts_.login_failures_per_address,
               opts_.login_window_s),
      router_(Routes()),
      cache_(std::move(cache), repo_.get(), clock_, opts_.cache_ttl_s),
      tus_(opts_, repo_.get(), blobs_.get(), clock_,
           SessionToken::RandomBase64Url(12)),
      shares_(opts_, *repo_, cache_, signer_, hasher_, limiter_, clock_,
              [this](int64_t user_id, const std::string& action,
                     const std::string& detail) {
                Audit(user_id, action, detail);
              }),
      metrics_(router_.Patterns()) {
  Result<std::string> h = hasher_.Hash(SessionToken::Generate());
  if (h.ok()) dummy_hash_ = *h;
}

std::vector<Router<WebService::Endpoint>::Route> WebService::Routes() {
  // The API: docs/api.md describes each route.
  return {
      {"POST", "/api/v1/auth/register", {false, &WebService::Register}},
      {"POST", "/api/v1/auth/login", {false, &WebService::Login}},
      {"POST", "/api/v1/auth/logout", {true, &WebService::Logout}},
      {"POST", "/api/v1/auth/password", {true, &WebService::ChangePassword}},
      {"GET", "/api/v1/me", {true, &WebService::Me}},
      {"GET",
       "/api/v1/folders/:id/children",
       {true, &WebService::ListChildren}},
      {"POST", "/api/v1/folders", {true, &WebService::CreateFolder}},
      {"GET", "/api/v1/nodes/:id", {true, &WebService::GetNode}},
      {"PATCH", "/api/v1/nodes/:id", {true, &WebService::UpdateNode}},
      {"DELETE", "/api/v1/nodes/:id", {true, &WebService::TrashNode}},
      {"POST", "/api/v1/nodes/:id/copy", {true, &WebService::CopyNode}},
      {"GET", "/api/v1/nodes/:id/download", {true, &WebService::Download}},
      {"GET", "/api/v1/trash", {true, &WebService::ListTrash}},
      {"DELETE", "/api/v1/trash", {true, &WebService::EmptyTrash}},
      {"POST", "/api/v1/trash/:id/restore", {true, &WebService::RestoreNode}},
      {"DELETE", "/api/v1/trash/:id", {true, &WebService::PurgeNode}},
      {"GET", "/api/v1/search", {true, &WebService::Search}},
      {"POST", "/api/v1/files", {true, &WebService::Upload}},
      {"POST",
       "/api/v1/files/instant/challenge",
       {true, &WebService::InstantChallenge}},
      {"POST", "/api/v1/files/instant", {true, &WebService::InstantUpload}},
      {"POST", "/api/v1/shares", {true, &WebService::CreateShare}},
      {"GET", "/api/v1/shares", {true, &WebService::ListShares}},
      {"DELETE", "/api/v1/shares/:code", {true, &WebService::RevokeShare}},
      {"GET", "/api/v1/s/:code", {false, &WebService::ShareInfo}},
      {"POST", "/api/v1/s/:code/open", {false, &WebService::ShareOpen}},
      {"POST", "/api/v1/s/:code/download", {false, &WebService::ShareDownload}},
      {"POST", "/api/v1/s/:code/save", {true, &WebService::ShareSave}},
      {"GET", "/api/v1/square", {false, &WebService::Square}},
      // Prometheus; the generated nginx config lets only loopback reach it.
      {"GET", "/metrics", {false, &WebService::Metrics}},
      {"OPTIONS", "/api/v1/uploads", {false, &WebService::TusOptions}},
      {"POST", "/api/v1/uploads", {true, &WebService::TusCreate}},
      {"HEAD", "/api/v1/uploads/:id", {true, &WebService::TusHead}},
      {"PATCH", "/api/v1/uploads/:id", {true, &WebService::TusPatch}},
      {"DELETE", "/api/v1/uploads/:id", {true, &WebService::TusTerminate}},
  };
}

HttpResponse WebService::Handle(HttpRequest& req) {
  const auto start = std::chrono::steady_clock::now();
  const Endpoint* ep = nullptr;
  HttpResponse resp;
  int route = -1;
  switch (router_.Find(&req, &ep, &route)) {
    case Router<Endpoint>::Match::kNoPath:
      resp = HttpResponse::Error(404, "not_found", "no such API route");
      break;
    case Router<Endpoint>::Match::kNoMethod:
      resp = HttpResponse::Error(405, "method_not_allowed",
                                 "method not allowed on this route");
      resp.headers.emplace_back("Allow", router_.Allowed(req.path));
      break;
    case Router<Endpoint>::Match::kFound: {
      Caller caller;
      if (ep->needs_session) {
        std::string auth = req.Header("authorization");
        std::string_view token = SessionToken::FromAuthorization(auth);
        Result<int64_t> user = Status::NotFound("");
        if (SessionToken::WellFormed(token)) {
          caller.token_hash = SessionToken::Hash(token);
          user = cache_.SessionUser(caller.token_hash);
        }
        if (!user.ok()) {
          if (!user.status().IsNotFound()) {
            spdlog::error("session lookup: {}", user.status().ToString());
            resp = HttpResponse::FromStatus(user.status());
            break;
          }
          resp = HttpResponse::Error(401, "unauthorized",
                                     "sign in: missing, invalid or expired "
                                     "session token");
          resp.headers.emplace_back("WWW-Authenticate", "Bearer");
          break;
        }
        caller.user_id = *user;
      }
      resp = (this->*(ep->fn))(req, caller);
      if (resp.status >= 500) {
        spdlog::warn("{} {} -> {}", req.method, req.path, resp.status);
      }
    }
  }
  resp.headers.emplace_back("Cache-Control", "no-store");
  resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
  metrics_.Record(
      route, req.method, resp.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
  return resp;
}

Result<json> WebService::ReadJson(HttpRequest& req, HttpResponse* error) {
  return ReadJsonObject(req, opts_.max_json_bytes, error);
}

void WebService::Audit(int64_t user_id, const std::string& action,
                       const std::string& detail) {
  Status s = repo_->Audit(clock_(), user_id, action, detail);
  if (!s.ok()) spdlog::error("audit log: {}", s.ToString());
  spdlog::info("audit user={} {} {}", user_id, action, detail);
}

// --- accounts ---------------------------------------------------------------

HttpResponse WebService::Register(HttpRequest& req, const Caller&) {
  if (!opts_.allow_register) {
    return HttpResponse::Error(403, "forbidden", "registration is closed");
  }
  HttpResponse err;
  Result<json> j = ReadJson(req, &err);
  if (!j.ok()) return err;
  std::string name, password;
  Status s = StringField(*j, "name", 64, true, &name);
  if (s.ok()) s = StringField(*j, "password", 4096, true, &password);
  if (s.ok()) s = NodeName::ValidateUser(name);
  if (s.ok()) s = PasswordHasher::ValidateNew(password);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Result<std::string> hash = hasher_.Hash(password);
  if (!hash.ok()) return HttpResponse::FromStatus(hash.status());
  Result<User> u =
      repo_->CreateUser(name, *hash, opts_.default_quota_bytes, clock_());
  if (!u.ok()) return HttpResponse::FromStatus(u.status());
  Audit(u->id, "register", name);
  return HttpResponse::Json(201, {{"user", UserJson(*u)}});
}

HttpResponse WebService::Login(HttpRequest& req, const Caller&) {
  HttpResponse err;
  Result<json> j = ReadJson(req, &err);
  if (!j.ok()) return err;
  std::string name, password;
  Status s = StringField(*j, "name", 64, true, &name);
  if (s.ok()) s = StringField(*j, "password", 4096, true, &password);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  int64_t now = clock_();
  if (int64_t wait = limiter_.RetryAfter(name, req.remote_addr, now)) {
    HttpResponse r = HttpResponse::Error(
        429, "too_many_attempts", "too many failed sign-ins; try again later");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  Result<User> u = repo_->FindUser(name);
  if (!u.ok() && !u.status().IsNotFound()) {
    return HttpResponse::FromStatus(u.status());
  }
  bool good = u.ok() ? hasher_.Verify(u->pass_hash, password)
                     : (hasher_.Verify(dummy_hash_, password), false);
  if (!good) {
    limiter_.Failed(name, req.remote_addr, now);
    Audit(u.ok() ? u->id : 0, "login_failed",
          fmt::format("name={} from={}", name, req.remote_addr));
    return HttpResponse::Error(401, "unauthorized",
                               "wrong user name or password");
  }
  limiter_.Succeeded(name);
  if (hasher_.NeedsRehash(u->pass_hash)) {
    Result<std::string> h = hasher_.Hash(password);
    if (h.ok()) (void)repo_->SetPasswordHash(u->id, *h);
  }
  std::string token = SessionToken::Generate();
  int64_t expires = now + opts_.session_ttl_s;
  s = repo_->sessions().Add(SessionToken::Hash(token), u->id, now, expires);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Audit(u->id, "login", fmt::format("from={}", req.remote_addr));
  return HttpResponse::Json(
      200, {{"token", token}, {"expires_at", expires}, {"user", UserJson(*u)}});
}

HttpResponse WebService::Logout(HttpRequest&, const Caller& c) {
  Status s = repo_->sessions().Delete(c.token_hash);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  cache_.Note(cache_.cache().Del({"s:" + c.token_hash}));
  return HttpResponse::NoContent();
}

HttpResponse WebService::ChangePassword(HttpRequest& req, const Caller& c) {
  HttpResponse err;
  Result<json> j = ReadJson(req, &err);
  if (!j.ok()) return err;
  std::string old_pw, new_pw;
  Status s = StringField(*j, "old_password", 4096, true, &old_pw);
  if (s.ok()) s = StringField(*j, "new_password", 4096, true, &new_pw);
  if (s.ok()) s = PasswordHasher::ValidateNew(new_pw);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Result<User> u = repo_->GetUser(c.user_id);
  if (!u.ok()) return HttpResponse::FromStatus(u.status());
  int64_t now = clock_();
  if (int64_t wait = limiter_.RetryAfter(u->name, req.remote_addr, now)) {
    HttpResponse r = HttpResponse::Error(429, "too_many_attempts",
                                         "too many failed attempts");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  if (!hasher_.Verify(u->pass_hash, old_pw)) {
    limiter_.Failed(u->name, req.remote_addr, now);
    return HttpResponse::Error(403, "forbidden", "the old password is wrong");
  }
  Result<std::string> h = hasher_.Hash(new_pw);
  if (!h.ok()) return HttpResponse::FromStatus(h.status());
  Result<std::vector<std::string>> hashes = repo_->sessions().Hashes(c.user_id);
  s = hashes.status();
  if (s.ok()) s = repo_->SetPasswordHash(c.user_id, *h);
  // Every other session ends: a stolen token dies with the old password.
  if (s.ok()) s = repo_->sessions().DeleteOthers(c.user_id, c.token_hash);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  std::vector<std::string> keys;
  for (const std::string& hash : *hashes) {
    if (hash != c.token_hash) keys.push_back("s:" + hash);
  }
  cache_.Note(cache_.cache().Del(keys));
  Audit(c.user_id, "password_changed", "");
  return HttpResponse::NoContent();
}

HttpResponse WebService::Me(HttpRequest&, const Caller& c) {
  Result<User> u = repo_->GetUser(c.user_id);
  if (!u.ok()) return HttpResponse::FromStatus(u.status());
  return HttpResponse::Json(200, {{"user", UserJson(*u)}});
}

// --- the tree ---------------------------------------------------------------

HttpResponse WebService::ListChildren(HttpRequest& req, const Caller& c) {
  Result<int64_t> parent = ParseId(req.params["id"], true);
  if (!parent.ok()) return HttpResponse::FromStatus(parent.status());
  ListQuery q;
  std::string sort = req.query.count("sort") ? req.query["sort"] : "name";
  if (sort == "name") {
    q.sort = SortKey::kName;
  } else if (sort == "size") {
    q.sort = SortKey::kSize;
  } else if (sort == "time") {
    q.sort = SortKey::kTime;
  } else if (sort == "downloads") {
    q.sort = SortKey::kDownloads;
  } else {
    return HttpResponse::Error(400, "bad_request",
                               "sort: name, size, time or downloads");
  }
  std::string order = req.query.count("order") ? req.query["order"] : "asc";
  if (order != "asc" && order != "desc") {
    return HttpResponse::Error(400, "bad_request", "order: asc or desc");
  }
  q.descending = order == "desc";
  if (req.query.count("limit")) {
    const std::string& l = req.query["limit"];
    int v = 0;
    auto [p, ec] = std::from_chars(l.data(), l.data() + l.size(), v);
    if (ec != std::errc() || p != l.data() + l.size() || v < 1 || v > 1000) {
      return HttpResponse::Error(400, "bad_request", "limit: 1 to 1000");
    }
    q.limit = v;
  }
  if (req.query.count("cursor") && !req.query["cursor"].empty()) {
    Result<ListCursor> cur = DecodeCursor(req.query["cursor"], q.sort);
    if (!cur.ok()) return HttpResponse::FromStatus(cur.status());
    q.after = std::move(cur).value();
  }
  std::string gen = cache_.Generation(c.user_id);
  std::string key;
  if (!gen.empty()) {
    key = fmt::format("ls:{}:{}:{}:{}:{}:{}:{}", c.user_id, gen, *parent, sort,
                      order, q.limit, req.query["cursor"]);
    if (std::optional<std::string> body = cache_.CachedBody(key)) {
      HttpResponse r = HttpResponse::Json(200, json::object());
      r.body = std::move(*body);
      return r;
    }
  }
  Result<std::vector<Node>> rows = repo_->ListChildren(c.user_id, *parent, q);
  if (!rows.ok()) return HttpResponse::FromStatus(rows.status());
  json items = json::array();
  for (const Node& n : *rows) items.push_back(NodeJson(n));
  json out = {{"items", items}, {"next_cursor", nullptr}};
  if (static_cast<int>(rows->size()) == q.limit) {
    out["next_cursor"] = EncodeCursor(rows->back(), q.sort);
  }
  HttpResponse r = HttpResponse::Json(200, out);
  if (!key.empty()) cache_.StoreBody(key, r);
  return r;
}

HttpResponse WebService::GetNode(HttpRequest& req, const Caller& c) {
  Result<int64_t> id = ParseId(req.params["id"], false);
  if (!id.ok()) return HttpResponse::FromStatus(id.status());
  std::string gen = cache_.Generation(c.user_id);
  std::string key;
  if (!gen.empty()) {
    key = fmt::format("n:{}:{}:{}", c.user_id, gen, *id);
    if (std::optional<std::string> body = cache_.CachedBody(key)) {
      HttpResponse r = HttpResponse::Json(200, json::object());
      r.body = std::move(*body);
      return r;
    }
  }
  Result<Node> n = repo_->GetNode(c.user_id, *id);
  if (!n.ok()) return HttpResponse::FromStatus(n.status());
  HttpResponse r = HttpResponse::Json(200, {{"node", NodeJson(*n)}});
  if (!key.empty()) cache_.StoreBody(key, r);
  return r;
}

HttpResponse WebService::CreateFolder(HttpRequest& req, const Caller& c) {
  HttpResponse err;
  Result<json> j = ReadJson(req, &err);
  if (!j.ok()) return err;
  std::string name;
  Status s = StringField(*j, "name", 4096, true, &name);
  if (s.ok()) s = NodeName::Validate(name);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Result<int64_t> parent =
      j->contains("parent") ? IdField(*j, "parent", true) : Result<int64_t>(0);
  if (!parent.ok()) return HttpResponse::FromStatus(parent.status());
  Result<Node> n = repo_->CreateFolder(c.user_id, *parent, name, clock_());
  if (!n.ok()) return HttpResponse::FromStatus(n.status());
  cache_.Changed(c.user_id);
  return HttpResponse::Json(201, {{"node", NodeJson(*n)}});
}

HttpResponse WebService::UpdateNode(HttpRequest& req, const Caller& c) {
  Result<int64_t> id = ParseId(req.params["id"], false);
  if (!id.ok()) return HttpResponse::FromStatus(id.status());
  HttpResponse err;
  Result<json> j = ReadJson(req, &err);
  if (!j.ok()) return err;
  if (!j->contains("name") && !j->contains("parent")) {
    return HttpResponse::Error(400, "bad_request", "give name and/or parent");
  }
  int64_t now = clock_();
  // Whatever happens below, part of it may have been written.
  struct Invalidate {
    WebService* self;
    int64_t user;
    ~Invalidate() { self->cache_.Changed(user); }
  } invalidate{this, c.user_id};
  if (j->contains("parent")) {
    Result<int64_t> parent = IdField(*j, "parent", true);
    if (!parent.ok()) return HttpResponse::FromStatus(parent.status());
    Status s = repo_->Move(c.user_id, *id, *parent, now);
    if (!s.ok()) return HttpResponse::FromStatus(s);
  }
  if (j->contains("name")) {
    std::string name;
    Status s = StringField(*j, "name", 4096, true, &name);
    if (s.ok()) s = NodeName::Validate(name);
    if (s.ok()) s = repo_->Rename(c.user_id, *id, name, now);
    if (!s.ok()) return HttpResponse::FromStatus(s);
  }
  Result<Node> n = repo_->GetNode(c.user_id, *id);
  if (!n.ok()) return HttpResponse::FromStatus(n.status());
  return HttpResponse::Json(200, {{"node", NodeJson(*n)}});
}

HttpResponse WebService::CopyNode(HttpRequest& req, const Caller& c) {
  Result<int64_t> id = ParseId(req.params["id"], false);
  if (!id.ok()) return HttpResponse::FromStatus(id.status());
  HttpResponse err;
  Result<json> j = ReadJson(req, &err);
  if (!j.ok()) return err;
  Result<int64_t> parent = IdField(*j, "parent", true);
  if (!parent.ok()) return HttpResponse::FromStatus(parent.status());
  Result<Node> n = repo_->Copy(c.user_id, *id, *parent, clock_());
  if (!n.ok()) return HttpResponse::FromStatus(n.status());
  cache_.Changed(c.user_id);
  return HttpResponse::Json(201, {{"node", NodeJson(*n)}});
}

HttpResponse WebService::TrashNode(HttpRequest& req, const Caller& c) {
  Result<int64_t> id = ParseId(req.params["id"], false);
  if (!id.ok()) return HttpResponse::FromStatus(id.status());
  Status s = repo_->Trash(c.user_id, *id, clock_());
  if (!s.ok()) return HttpResponse::FromStatus(s);
  cache_.Changed(c.user_id);
  Audit(c.user_id, "trash", fmt::format("node={}", *id));
  return HttpResponse::NoContent();
}

HttpResponse WebService::ListTrash(HttpRequest&, const Caller& c) {
  Result<std::vector<Node>> rows = repo_->ListTrash(c.user_id);
  if (!rows.ok()) return HttpResponse::FromStatus(rows.status());
  json items = json::array();
  for (const Node& n : *rows) items.push_back(NodeJson(n));
  return HttpResponse::Json(200, {{"items", items}});
}

HttpResponse WebService::RestoreNode(HttpRequest& req, const Caller& c) {
  Result<int64_t> id = ParseId(req.params["id"], false);
  if (!id.ok()) return HttpResponse::FromStatus(id.status());
  Status s = repo_->Restore(c.user_id, *id, clock_());
  if (!s.ok()) return HttpResponse::FromStatus(s);
  cache_.Changed(c.user_id);
  Result<Node> n = repo_->GetNode(c.user_id, *id);
  if (!n.ok()) return HttpResponse::FromStatus(n.status());
  return HttpResponse::Json(200, {{"node", NodeJson(*n)}});
}

HttpResponse WebService::PurgeNode(HttpRequest& req, const Caller& c) {
  Result<int64_t> id = ParseId(req.params["id"], false);
  if (!id.ok()) return HttpResponse::FromStatus(id.status());
  Result<int64_t> bytes = repo_->Purge(c.user_id, *id);
  if (!bytes.ok()) return HttpResponse::FromStatus(bytes.status());
  cache_.Changed(c.user_id);
  Audit(c.user_id, "purge", fmt::format("node={} bytes={}", *id, *bytes));
  (void)CollectOrphans();
  return HttpResponse::NoContent();
}

HttpResponse WebService::EmptyTrash(HttpRequest&, const Caller& c) {
  Result<int64_t> bytes = repo_->EmptyTrash(c.user_id);
  cache_.Changed(c.user_id);
  if (!bytes.ok()) return HttpResponse::FromStatus(bytes.status());
  Audit(c.user_id, "empty_trash", fmt::format("bytes={}", *bytes));
  (void)CollectOrphans();
  return HttpResponse::NoContent();
}

HttpResponse WebService::Search(HttpRequest& req, const Caller& c) {
  std::string q = req.query.count("q") ? req.query["q"] : "";
  if (q.empty() || q.size() > NodeName::kMaxBytes) {
    return HttpResponse::Error(400, "bad_request", "q: 1 to 255 bytes");
  }
  Result<std::vector<Node>> rows = repo_->Search(c.user_id, q, 200);
  if (!rows.ok()) return HttpResponse::FromStatus(rows.status());
  json items = json::array();
  for (const Node& n : *rows) items.push_back(NodeJson(n));
  return HttpResponse::Json(200, {{"items", items}});
}

// --- content ----------------------------------------------------------------

HttpResponse WebService::Upload(HttpRequest& req, const Caller& c) {
  std::string name = req.query.count("name") ? req.query["name"] : "";
  Status s = NodeName::Validate(name);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Result<int64_t> parent =
      ParseId(req.query.count("parent") ? req.query["parent"] : "root", true);
  if (!parent.ok()) return HttpResponse::FromStatus(parent.status());
  if (req.content_length < 0) {
    return HttpResponse::Error(411, "length_required",
                               "send Content-Length (or use tus uploads)");
  }
  if (req.content_length > opts_.max_upload_bytes) {
    return HttpResponse::Error(
        413, "too_large",
        fmt::format("files are limited to {} bytes", opts_.max_upload_bytes));
  }
  // Fail before moving any byte when the quota or the folder says no; the
  // quota is charged atomically when the file is recorded.
  Result<User> u = repo_->GetUser(c.user_id);
  if (!u.ok()) return HttpResponse::FromStatus(u.status());
  if (u->used_bytes + req.content_length > u->quota_bytes) {
    return HttpResponse::FromStatus(Status::NoSpace("quota exceeded"));
  }
  if (*parent != 0) {
    Result<Node> p = repo_->GetLiveNode(c.user_id, *parent);
    if (!p.ok()) return HttpResponse::FromStatus(p.status());
    if (!p->is_dir) {
      return HttpResponse::FromStatus(Status::InvalidArgument("not a folder"));
    }
  }

  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  int64_t left = req.content_length;
  auto read = [&](char* dst, size_t n) -> Status {
    size_t got = 0;
    while (got < n) {
      Result<size_t> r = req.read_body(dst + got, n - got);
      if (!r.ok()) return r.status();
      if (*r == 0) {
        return Status::InvalidArgument("the request body ended early");
      }
      got += *r;
    }
    crypto_hash_sha256_update(&sha, reinterpret_cast<unsigned char*>(dst), n);
    left -= static_cast<int64_t>(n);
    return Status::OK();
  };
  Result<std::string> file_id =
      blobs_->Put(req.content_length, read, NodeName::DfsExtension(name));
  if (!file_id.ok()) {
    if (left > 0) {
      return HttpResponse::Error(400, "bad_request",
                                 "the upload was cut off; nothing was stored");
    }
    spdlog::error("upload to the DFS: {}", file_id.status().ToString());
    return HttpResponse::FromStatus(file_id.status());
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);

  NewFile f;
  f.user_id = c.user_id;
  f.parent_id = *parent;
  f.name = name;
  f.sha256 = LowerHex(digest, sizeof(digest));
  f.size = req.content_length;
  f.file_id = *file_id;
  f.now = clock_();
  Result<AddedFile> added = repo_->AddFile(f);
  if (!added.ok() || added->deduplicated) {
    // Not referenced: the content was known already, or the file could not
    // be recorded (name taken, quota used up meanwhile).
    Status d = blobs_->Delete(*file_id);
    if (!d.ok()) {
      spdlog::warn("deleting unreferenced upload {}: {}", *file_id,
                   d.ToString());
    }
  }
  if (!added.ok()) return HttpResponse::FromStatus(added.status());
  cache_.Changed(c.user_id);
  return HttpResponse::Json(201, {{"node", NodeJson(added->node)},
                                  {"deduplicated", added->deduplicated}});
}

HttpResponse WebService::Download(HttpRequest& req, const Caller& c) {
  Result<int64_t> id = ParseId(req.params["id"], false);
  if (!id.ok()) return HttpResponse::FromStatus(id.status());
  Result<Node> n = repo_->GetLiveNode(c.user_id, *id);
  if (!n.ok()) return HttpResponse::FromStatus(n.status());
  if (n->is_dir) {
    return HttpResponse::Error(400, "bad_request",
                               "folders are downloaded file by file");
  }
  int64_t expires = clock_() + opts_.url_ttl_s;
  Result<std::string> url =
      signer_ ? signer_->SignedUrl(opts_.http_url_base, n->file_id, expires,
                                   n->name)
              : http::UrlSigner::UnsignedUrl(opts_.http_url_base, n->file_id,
                                             n->name);
  if (!url.ok()) return HttpResponse::FromStatus(url.status());
  Status s = repo_->CountDownload(c.user_id, *id);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  cache_.Changed(c.user_id);
  if (req.query.count("redirect") && req.query["redirect"] != "0") {
    HttpResponse r;
    r.status = 302;
    r.headers.emplace_back("Location", *url);
    return r;
  }
  return HttpResponse::Json(200, {{"url", *url}, {"expires_at", expires}});
}

// --- instant upload (秒传) ---------------------------------------------------

// A hash alone proves nothing (it may have leaked, or been read off another
// user's share page): the client must also hash a random range of the
// content, chosen by the server and salted with a random nonce, which only
// someone holding the bytes can do.
HttpResponse WebService::InstantChallenge(HttpRequest& req, const Caller& c) {
  HttpResponse err;
  Result<json> j = ReadJson(req, &err);
  if (!j.ok()) return err;
  std::string sha, name;
  Status s = StringField(*j, "sha256", 64, true, &sha);
  if (s.ok()) s = StringField(*j, "name", 4096, true, &name);
  if (s.ok()) s = NodeName::Validate(name);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  if (sha.size() != 64 ||
      sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return HttpResponse::Error(400, "bad_request",
                               "sha256: 64 lower-case hex digits");
  }
  auto size_it = j->find("size");
  if (size_it == j->end() || !size_it->is_number_integer() ||
      size_it->get<int64_t>() < 0 ||
      size_it->get<int64_t>() > opts_.max_upload_bytes) {
    return HttpResponse::Error(400, "bad_request", "size: bytes, required");
  }
  int64_t size = size_it->get<int64_t>();
  Result<int64_t> parent =
      j->contains("parent") ? IdField(*j, "parent", true) : Result<int64_t>(0);
  if (!parent.ok()) return HttpResponse::FromStatus(parent.status());
  Result<Blob> blob = repo_->FindBlob(sha);
  if (!blob.ok() && !blob.status().IsNotFound()) {
    return HttpResponse::FromStatus(blob.status());
  }
  if (!blob.ok() || blob->size != size || blob->refcount <= 0) {
    return HttpResponse::Error(404, "unknown_content",
                               "this content is not stored; upload it");
  }
  Result<User> u = repo_->GetUser(c.user_id);
  if (!u.ok()) return HttpResponse::FromStatus(u.status());
  if (u->used_bytes + size > u->quota_bytes) {
    return HttpResponse::FromStatus(Status::NoSpace("quota exceeded"));
  }
  constexpr int64_t kRange = 64 << 10;
  int64_t length = std::min(size, kRange);
  int64_t offset = 0;
  if (size > length) {
    offset = static_cast<int64_t>(randombytes_uniform(static_cast<uint32_t>(
        std::min<int64_t>(size - length + 1, int64_t{UINT32_MAX}))));
    if (size - length + 1 > int64_t{UINT32_MAX}) {
      // Files past 4 GiB: spread the range over the whole file.
      offset = static_cast<int64_t>(
          (static_cast<unsigned __int128>(offset) * (size - length)) /
          UINT32_MAX);
    }
  }
  Result<std::string> bytes = blobs_->Read(blob->file_id, offset, length);
  if (!bytes.ok() || static_cast<int64_t>(bytes->size()) != length) {
    spdlog::error("instant upload: reading {}: {}", blob->file_id,
                  bytes.ok() ? "short read" : bytes.status().ToString());
    return HttpResponse::Error(503, "unavailable",
                               "cannot check the content now; upload it");
  }
  Challenge ch;
  ch.id = SessionToken::RandomBase64Url(16).substr(0, 22);
  ch.user_id = c.user_id;
  ch.sha256 = sha;
  ch.size = size;
  ch.parent_id = *parent;
  ch.name = name;
  std::string nonce = SessionToken::RandomBase64Url(16);
  ch.expected = SessionToken::Sha256Hex(nonce + *bytes);
  ch.expires_at = clock_() + 300;
  s = repo_->AddChallenge(ch);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  return HttpResponse::Json(201, {{"challenge", ch.id},
                                  {"offset", offset},
                                  {"length", length},
                                  {"nonce", nonce},
                                  {"expires_at", ch.expires_at}});
}

HttpResponse WebService::InstantUpload(HttpRequest& req, const Caller& c) {
  HttpResponse err;
  Result<json> j = ReadJson(req, &err);
  if (!j.ok()) return err;
  std::string id, answer;
  Status s = StringField(*j, "challenge", 64, true, &id);
  if (s.ok()) s = StringField(*j, "answer", 64, true, &answer);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Result<Challenge> ch = repo_->TakeChallenge(c.user_id, id, clock_());
  if (!ch.ok()) {
    if (!ch.status().IsNotFound()) return HttpResponse::FromStatus(ch.status());
    return HttpResponse::Error(403, "forbidden",
                               "unknown, used or expired challenge");
  }
  if (answer.size() != ch->expected.size() ||
      sodium_memcmp(answer.data(), ch->expected.data(), answer.size()) != 0) {
    Audit(c.user_id, "instant_upload_refused", "sha256=" + ch->sha256);
    return HttpResponse::Error(
        403, "forbidden",
        "wrong answer: SHA-256(nonce || bytes[offset, offset+length)) in hex");
  }
  NewFile f;
  f.user_id = c.user_id;
  f.parent_id = ch->parent_id;
  f.name = ch->name;
  f.sha256 = ch->sha256;
  f.size = ch->size;
  f.now = clock_();
  Result<AddedFile> added = repo_->AddFile(f);
  if (!added.ok()) {
    if (added.status().IsNotFound()) {
      return HttpResponse::Error(404, "unknown_content",
                                 "the content is gone; upload it");
    }
    return HttpResponse::FromStatus(added.status());
  }
  cache_.Changed(c.user_id);
  return HttpResponse::Json(
      201, {{"node", NodeJson(added->node)}, {"instant", true}});
}

// --- shares
// -------------------------------------------------------------------

HttpResponse WebService::CreateShare(HttpRequest& req, const Caller& c) {
  return shares_.Create(req, c.user_id);
}
HttpResponse WebService::ListShares(HttpRequest&, const Caller& c) {
  return shares_.List(c.user_id);
}
HttpResponse WebService::RevokeShare(HttpRequest& req, const Caller& c) {
  return shares_.Revoke(req, c.user_id);
}
HttpResponse WebService::ShareInfo(HttpRequest& req, const Caller&) {
  return shares_.Info(req);
}
HttpResponse WebService::ShareOpen(HttpRequest& req, const Caller&) {
  return shares_.Open(req);
}
HttpResponse WebService::ShareDownload(HttpRequest& req, const Caller&) {
  return shares_.Download(req);
}
HttpResponse WebService::ShareSave(HttpRequest& req, const Caller& c) {
  return shares_.Save(req, c.user_id);
}
HttpResponse WebService::Square(HttpRequest& req, const Caller&) {
  return shares_.Square(req);
}

// --- metrics
// --------------------------------------------------------------------

HttpResponse WebService::Metrics(HttpRequest&, const Caller&) {
  metrics::Exposition e;
  metrics_.Render(&e);
  CacheAside::Stats cs = cache_.stats();
  std::string kind = cache_.cache().Kind();
  e.Family("nimbus_web_cache_requests_total", "counter",
           "Cache lookups by result (hit, miss); the hit ratio is "
           "hit / (hit + miss).");
  e.Sample("nimbus_web_cache_requests_total",
           {{"cache", kind}, {"result", "hit"}}, static_cast<double>(cs.hits));
  e.Sample("nimbus_web_cache_requests_total",
           {{"cache", kind}, {"result", "miss"}},
           static_cast<double>(cs.misses));
  e.Family("nimbus_web_cache_errors_total", "counter",
           "Cache operations that failed (the database answered instead).");
  e.Sample("nimbus_web_cache_errors_total", {{"cache", kind}},
           static_cast<double>(cs.errors));
  e.Family("nimbus_web_cache_up", "gauge",
           "1 when the cache is used for reads, 0 while it is down or within "
           "cache_ttl of its last error (the service runs from the "
           "database).");
  e.Sample("nimbus_web_cache_up", {{"cache", kind}}, cs.trusted ? 1 : 0);
  e.Family("nimbus_web_db_connections", "gauge",
           "Database connections by state (in_use, max).");
  e.Sample("nimbus_web_db_connections", {{"state", "in_use"}},
           static_cast<double>(repo_->pool().in_use()));
  e.Sample("nimbus_web_db_connections", {{"state", "max"}},
           static_cast<double>(repo_->pool().max_size()));
  HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
  r.body = e.text();
  return r;
}

// --- resumable uploads (TusService) ------------------------------------------

HttpResponse WebService::TusOptions(HttpRequest& req, const Caller&) {
  return tus_.Options(req);
}
HttpResponse WebService::TusCreate(HttpRequest& req, const Caller& c) {
  HttpResponse r = tus_.Create(req, c.user_id);
  cache_.Changed(c.user_id);  // the quota moved; a file may be complete
  return r;
}
HttpResponse WebService::TusHead(HttpRequest& req, const Caller& c) {
  return tus_.Head(req, c.user_id);
}
HttpResponse WebService::TusPatch(HttpRequest& req, const Caller& c) {
  HttpResponse r = tus_.Patch(req, c.user_id);
  for (const auto& [k, v] : r.headers) {
    if (k == "Nimbus-Node-Id") cache_.Changed(c.user_id);
  }
  return r;
}
HttpResponse WebService::TusTerminate(HttpRequest& req, const Caller& c) {
  return tus_.Terminate(req, c.user_id);
}

// --- background
// ---------------------------------------------------------------

Result<int> WebService::CollectOrphans() {
  NIMBUS_LET_OR_RETURN(std::vector<Blob> orphans, repo_->OrphanBlobs(100));
  int removed = 0;
  for (const Blob& b : orphans) {
    // The row goes first: once it is gone no upload can start referencing
    // the DFS file, which is then safe to delete. A crash in between leaks
    // one DFS file, never loses a referenced one.
    NIMBUS_LET_OR_RETURN(bool gone, repo_->DeleteBlobIfOrphan(b.id));
    if (!gone) continue;
    Status s = blobs_->Delete(b.file_id);
    if (!s.ok() && !s.IsNotFound()) {
      spdlog::warn("orphan blob {}: DFS delete failed: {}", b.file_id,
                   s.ToString());
    }
    ++removed;
  }
  return removed;
}

void WebService::SweepSessions() {
  Result<int64_t> n = repo_->sessions().DeleteExpired(clock_());
  if (!n.ok()) spdlog::warn("session sweep: {}", n.status().ToString());
  Status ch = repo_->DeleteExpiredChallenges(clock_());
  if (!ch.ok()) spdlog::warn("challenge sweep: {}", ch.ToString());
  Result<int> u = tus_.SweepExpired();
  if (!u.ok()) {
    spdlog::warn("upload sweep: {}", u.status().ToString());
  } else if (*u > 0) {
    spdlog::info("upload sweep: {} expired uploads removed", *u);
  }
}

}  // namespace nimbus::web
