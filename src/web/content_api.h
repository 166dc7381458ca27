// ContentApi: the parts of nimbus-web's /api/v1 that move file content
// (docs/api.md, "Upload", "Instant upload", "Download"): a whole-body
// upload into the DFS, hashed with SHA-256 on the way and deduplicated
// against known content; instant upload (秒传) of known content, proven
// with a challenge over a random range of the bytes; signed, expiring
// download URLs.
//
// WebService routes the requests here after the session check: `user_id`
// arguments are the caller's identity from the session, never from the
// request.
//
// Thread-safety: as WebService, whose members it uses (all thread-safe).
#ifndef NIMBUS_WEB_CONTENT_API_H_
#define NIMBUS_WEB_CONTENT_API_H_

#include <cstdint>
#include <functional>
#include <optional>

#include "http/url_signer.h"
#include "web/audit_fn.h"
#include "web/blob_store.h"
#include "web/cache_aside.h"
#include "web/http_message.h"
#include "web/repository.h"
#include "web/web_options.h"

namespace nimbus::web {

class ContentApi {
 public:
  // Every reference must outlive the ContentApi. `signer` empty: download
  // URLs are unsigned.
  ContentApi(const WebOptions& opts, Repository& repo, BlobStore& blobs,
             CacheAside& cache, const std::optional<http::UrlSigner>& signer,
             std::function<int64_t()> clock, AuditFn audit);

  ContentApi(const ContentApi&) = delete;
  ContentApi& operator=(const ContentApi&) = delete;

  HttpResponse Upload(HttpRequest& req, int64_t user_id);
  HttpResponse Download(HttpRequest& req, int64_t user_id);
  HttpResponse InstantChallenge(HttpRequest& req, int64_t user_id);
  HttpResponse InstantUpload(HttpRequest& req, int64_t user_id);

 private:
  const WebOptions& opts_;
  Repository& repo_;
  BlobStore& blobs_;
  CacheAside& cache_;
  const std::optional<http::UrlSigner>& signer_;
  const std::function<int64_t()> clock_;
  const AuditFn audit_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_CONTENT_API_H_
