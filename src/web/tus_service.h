// Resumable uploads with the tus 1.0.0 protocol (core, creation,
// creation-with-upload, termination, checksum, expiration) under
// /api/v1/uploads, on DFS appender files.
//
// Each PATCH body is appended in segments of up to kSegment bytes; after
// every segment the offset and the SHA-256 state reached are committed to
// the database, so a cut connection, a killed client or a restarted
// nimbus-web resumes from the last recorded byte (HEAD tells the client
// where). A PATCH carrying Upload-Checksum is all-or-nothing: on a
// mismatch (460) or a cut body the file is truncated back to where the
// PATCH started. A process appending holds a lease on the upload
// (upload_lease) so two requests never append to one file at once.
//
// When the last byte arrives the upload becomes a file (deduplicated by
// SHA-256 like simple uploads); the final response carries
// "Nimbus-Node-Id". The quota for the whole length is charged at creation.
//
// Thread-safety: every method may be called from any worker thread.
#ifndef NIMBUS_WEB_TUS_SERVICE_H_
#define NIMBUS_WEB_TUS_SERVICE_H_

#include <functional>
#include <string>

#include "web/blob_store.h"
#include "web/http_message.h"
#include "web/repository.h"
#include "web/web_options.h"

namespace nimbus::web {

class TusService {
 public:
  using Clock = std::function<int64_t()>;
  static constexpr size_t kSegment = 4 << 20;

  // `instance` names this process in upload leases.
  TusService(const WebOptions& opts, Repository* repo, BlobStore* blobs,
             Clock clock, std::string instance);

  HttpResponse Options(HttpRequest& req);
  HttpResponse Create(HttpRequest& req, int64_t user_id);
  HttpResponse Head(HttpRequest& req, int64_t user_id);
  HttpResponse Patch(HttpRequest& req, int64_t user_id);
  HttpResponse Terminate(HttpRequest& req, int64_t user_id);

  // Deletes expired uploads (and the appender files of unfinished ones).
  Result<int> SweepExpired();

  // SHA-256 state <-> text, so a hash in progress survives restarts.
  static std::string EncodeHashState(const void* state);
  static bool DecodeHashState(const std::string& text, void* state);
  // RFC 7231 IMF-fixdate.
  static std::string HttpDate(int64_t t);
  // "key base64,key base64" -> map; false when malformed.
  static bool ParseMetadata(const std::string& header,
                            std::map<std::string, std::string>* out);

 private:
  // Appends the request body at `u.offset`; fills `resp` and returns the
  // new offset.
  HttpResponse AppendBody(HttpRequest& req, Upload u);
  HttpResponse Finish(const Upload& u, const std::string& hash_state);
  static HttpResponse Tus(HttpResponse r);

  const WebOptions& opts_;
  Repository* const repo_;
  BlobStore* const blobs_;
  const Clock clock_;
  const std::string instance_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_TUS_SERVICE_H_
