// nimbus-web's API (/api/v1, docs/api.md): routing, the session check, the
// folder tree and the trash, metrics; accounts through AccountApi, uploads,
// instant uploads and download URLs through ContentApi, share links through
// ShareApi, resumable uploads through TusService.
//
// Independent of FastCGI: Handle() takes an HttpRequest and returns the
// response, so the whole API is unit-tested in-process, and FcgiServer is
// only the transport. The caller's identity comes from the session named
// by the Authorization header, never from a request field.
//
// Thread-safety: Handle() and CollectOrphans() are called concurrently by
// the worker threads; the members they use are thread-safe.
#ifndef NIMBUS_WEB_WEB_SERVICE_H_
#define NIMBUS_WEB_WEB_SERVICE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "http/url_signer.h"
#include "web/account_api.h"
#include "web/audit_fn.h"
#include "web/blob_store.h"
#include "web/cache.h"
#include "web/cache_aside.h"
#include "web/content_api.h"
#include "web/http_message.h"
#include "web/login_limiter.h"
#include "web/password_hasher.h"
#include "web/repository.h"
#include "web/router.h"
#include "web/share_api.h"
#include "web/tus_service.h"
#include "web/web_metrics.h"
#include "web/web_options.h"

namespace nimbus::web {

class WebService {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds

  // `signer` empty: download URLs are unsigned.
  WebService(WebOptions opts, std::unique_ptr<Repository> repo,
             std::unique_ptr<BlobStore> blobs, std::unique_ptr<Cache> cache,
             std::optional<http::UrlSigner> signer, PasswordHasher hasher,
             Clock clock);

  HttpResponse Handle(HttpRequest& req);

  // Deletes blobs nobody references any more from the DFS, then their
  // rows. Returns how many were removed.
  Result<int> CollectOrphans();
  // Expired sessions out of the database, expired uploads out of the DFS.
  void SweepSessions();

  // Rebuilds the share ranking in the cache from the database (the
  // periodic reconciliation; also run when the ranking is found missing
  // or drifted).
  Status ReconcileCache() { return cache_.ReconcileSquare(); }

  using CacheStats = CacheAside::Stats;
  CacheStats cache_stats() const { return cache_.stats(); }
  Repository& repo() { return *repo_; }
  Cache& cache() { return cache_.cache(); }

 private:
  struct Caller {
    int64_t user_id = 0;
    std::string token_hash;
  };
  using Handler = HttpResponse (WebService::*)(HttpRequest&, const Caller&);
  struct Endpoint {
    bool needs_session;
    Handler fn;
  };

  static std::vector<Router<Endpoint>::Route> Routes();

  // Reads a JSON object body of at most max_json_bytes.
  Result<nlohmann::json> ReadJson(HttpRequest& req, HttpResponse* error);

  HttpResponse Register(HttpRequest& req, const Caller& c);
  HttpResponse Login(HttpRequest& req, const Caller& c);
  HttpResponse Logout(HttpRequest& req, const Caller& c);
  HttpResponse ChangePassword(HttpRequest& req, const Caller& c);
  HttpResponse Me(HttpRequest& req, const Caller& c);
  HttpResponse ListChildren(HttpRequest& req, const Caller& c);
  HttpResponse GetNode(HttpRequest& req, const Caller& c);
  HttpResponse CreateFolder(HttpRequest& req, const Caller& c);
  HttpResponse UpdateNode(HttpRequest& req, const Caller& c);
  HttpResponse CopyNode(HttpRequest& req, const Caller& c);
  HttpResponse TrashNode(HttpRequest& req, const Caller& c);
  HttpResponse ListTrash(HttpRequest& req, const Caller& c);
  HttpResponse RestoreNode(HttpRequest& req, const Caller& c);
  HttpResponse PurgeNode(HttpRequest& req, const Caller& c);
  HttpResponse EmptyTrash(HttpRequest& req, const Caller& c);
  HttpResponse Search(HttpRequest& req, const Caller& c);
  HttpResponse Upload(HttpRequest& req, const Caller& c);
  HttpResponse Download(HttpRequest& req, const Caller& c);
  HttpResponse InstantChallenge(HttpRequest& req, const Caller& c);
  HttpResponse CreateShare(HttpRequest& req, const Caller& c);
  HttpResponse ListShares(HttpRequest& req, const Caller& c);
  HttpResponse RevokeShare(HttpRequest& req, const Caller& c);
  HttpResponse ShareInfo(HttpRequest& req, const Caller& c);
  HttpResponse ShareOpen(HttpRequest& req, const Caller& c);
  HttpResponse ShareDownload(HttpRequest& req, const Caller& c);
  HttpResponse ShareSave(HttpRequest& req, const Caller& c);
  HttpResponse Square(HttpRequest& req, const Caller& c);
  HttpResponse InstantUpload(HttpRequest& req, const Caller& c);
  HttpResponse Metrics(HttpRequest& req, const Caller& c);
  HttpResponse TusOptions(HttpRequest& req, const Caller& c);
  HttpResponse TusCreate(HttpRequest& req, const Caller& c);
  HttpResponse TusHead(HttpRequest& req, const Caller& c);
  HttpResponse TusPatch(HttpRequest& req, const Caller& c);
  HttpResponse TusTerminate(HttpRequest& req, const Caller& c);

  void Audit(int64_t user_id, const std::string& action,
             const std::string& detail);
  // Audit() as the API classes take it.
  AuditFn AuditTo();

  const WebOptions opts_;
  std::unique_ptr<Repository> repo_;
  std::unique_ptr<BlobStore> blobs_;
  const std::optional<http::UrlSigner> signer_;
  const PasswordHasher hasher_;
  const Clock clock_;
  LoginLimiter limiter_;
  const Router<Endpoint> router_;
  CacheAside cache_;
  TusService tus_;
  AccountApi accounts_;
  ContentApi content_;
  ShareApi shares_;
  WebMetrics metrics_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_WEB_SERVICE_H_
