#include "web/web_service.h"

#include <fmt/format.h>
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
      accounts_(opts_, *repo_, cache_, hasher_, limiter_, clock_, AuditTo()),
      content_(opts_, *repo_, *blobs_, cache_, signer_, clock_, AuditTo()),
      shares_(opts_, *repo_, cache_, signer_, hasher_, limiter_, clock_,
              AuditTo()),
      metrics_(router_.Patterns()) {}

AuditFn WebService::AuditTo() {
  return [this](int64_t user_id, const std::string& action,
                const std::string& detail) { Audit(user_id, action, detail); };
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
  return accounts_.Register(req);
}
HttpResponse WebService::Login(HttpRequest& req, const Caller&) {
  return accounts_.Login(req);
}
HttpResponse WebService::Logout(HttpRequest&, const Caller& c) {
  return accounts_.Logout(c.token_hash);
}
HttpResponse WebService::ChangePassword(HttpRequest& req, const Caller& c) {
  return accounts_.ChangePassword(req, c.user_id, c.token_hash);
}
HttpResponse WebService::Me(HttpRequest&, const Caller& c) {
  return accounts_.Me(c.user_id);
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
  return content_.Upload(req, c.user_id);
}
HttpResponse WebService::Download(HttpRequest& req, const Caller& c) {
  return content_.Download(req, c.user_id);
}
HttpResponse WebService::InstantChallenge(HttpRequest& req, const Caller& c) {
  return content_.InstantChallenge(req, c.user_id);
}
HttpResponse WebService::InstantUpload(HttpRequest& req, const Caller& c) {
  return content_.InstantUpload(req, c.user_id);
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
