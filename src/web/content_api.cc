#include "web/content_api.h"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "web/api_json.h"
#include "web/node_name.h"
#include "web/session_token.h"

namespace nimbus::web {

using nlohmann::json;

ContentApi::ContentApi(const WebOptions& opts, Repository& repo,
                       BlobStore& blobs, CacheAside& cache,
                       const std::optional<http::UrlSigner>& signer,
                       std::function<int64_t()> clock, AuditFn audit)
    : opts_(opts),
      repo_(repo),
      blobs_(blobs),
      cache_(cache),
      signer_(signer),
      clock_(std::move(clock)),
      audit_(std::move(audit)) {}

// --- content ----------------------------------------------------------------

HttpResponse ContentApi::Upload(HttpRequest& req, int64_t user_id) {
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
  Result<User> u = repo_.GetUser(user_id);
  if (!u.ok()) return HttpResponse::FromStatus(u.status());
  if (u->used_bytes + req.content_length > u->quota_bytes) {
    return HttpResponse::FromStatus(Status::NoSpace("quota exceeded"));
  }
  if (*parent != 0) {
    Result<Node> p = repo_.GetLiveNode(user_id, *parent);
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
      blobs_.Put(req.content_length, read, NodeName::DfsExtension(name));
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
  f.user_id = user_id;
  f.parent_id = *parent;
  f.name = name;
  f.sha256 = LowerHex(digest, sizeof(digest));
  f.size = req.content_length;
  f.file_id = *file_id;
  f.now = clock_();
  Result<AddedFile> added = repo_.AddFile(f);
  if (!added.ok() || added->deduplicated) {
    // Not referenced: the content was known already, or the file could not
    // be recorded (name taken, quota used up meanwhile).
    Status d = blobs_.Delete(*file_id);
    if (!d.ok()) {
      spdlog::warn("deleting unreferenced upload {}: {}", *file_id,
                   d.ToString());
    }
  }
  if (!added.ok()) return HttpResponse::FromStatus(added.status());
  cache_.Changed(user_id);
  return HttpResponse::Json(201, {{"node", NodeJson(added->node)},
                                  {"deduplicated", added->deduplicated}});
}

HttpResponse ContentApi::Download(HttpRequest& req, int64_t user_id) {
  Result<int64_t> id = ParseId(req.params["id"], false);
  if (!id.ok()) return HttpResponse::FromStatus(id.status());
  Result<Node> n = repo_.GetLiveNode(user_id, *id);
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
  Status s = repo_.CountDownload(user_id, *id);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  cache_.Changed(user_id);
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
HttpResponse ContentApi::InstantChallenge(HttpRequest& req, int64_t user_id) {
  HttpResponse err;
  Result<json> j = ReadJsonObject(req, opts_.max_json_bytes, &err);
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
  Result<Blob> blob = repo_.FindBlob(sha);
  if (!blob.ok() && !blob.status().IsNotFound()) {
    return HttpResponse::FromStatus(blob.status());
  }
  if (!blob.ok() || blob->size != size || blob->refcount <= 0) {
    return HttpResponse::Error(404, "unknown_content",
                               "this content is not stored; upload it");
  }
  Result<User> u = repo_.GetUser(user_id);
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
  Result<std::string> bytes = blobs_.Read(blob->file_id, offset, length);
  if (!bytes.ok() || static_cast<int64_t>(bytes->size()) != length) {
    spdlog::error("instant upload: reading {}: {}", blob->file_id,
                  bytes.ok() ? "short read" : bytes.status().ToString());
    return HttpResponse::Error(503, "unavailable",
                               "cannot check the content now; upload it");
  }
  Challenge ch;
  ch.id = SessionToken::RandomBase64Url(16).substr(0, 22);
  ch.user_id = user_id;
  ch.sha256 = sha;
  ch.size = size;
  ch.parent_id = *parent;
  ch.name = name;
  std::string nonce = SessionToken::RandomBase64Url(16);
  ch.expected = SessionToken::Sha256Hex(nonce + *bytes);
  ch.expires_at = clock_() + 300;
  s = repo_.AddChallenge(ch);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  return HttpResponse::Json(201, {{"challenge", ch.id},
                                  {"offset", offset},
                                  {"length", length},
                                  {"nonce", nonce},
                                  {"expires_at", ch.expires_at}});
}

HttpResponse ContentApi::InstantUpload(HttpRequest& req, int64_t user_id) {
  HttpResponse err;
  Result<json> j = ReadJsonObject(req, opts_.max_json_bytes, &err);
  if (!j.ok()) return err;
  std::string id, answer;
  Status s = StringField(*j, "challenge", 64, true, &id);
  if (s.ok()) s = StringField(*j, "answer", 64, true, &answer);
  if (!s.ok()) return HttpResponse::FromStatus(s);
  Result<Challenge> ch = repo_.TakeChallenge(user_id, id, clock_());
  if (!ch.ok()) {
    if (!ch.status().IsNotFound()) return HttpResponse::FromStatus(ch.status());
    return HttpResponse::Error(403, "forbidden",
                               "unknown, used or expired challenge");
  }
  if (answer.size() != ch->expected.size() ||
      sodium_memcmp(answer.data(), ch->expected.data(), answer.size()) != 0) {
    audit_(user_id, "instant_upload_refused", "sha256=" + ch->sha256);
    return HttpResponse::Error(
        403, "forbidden",
        "wrong answer: SHA-256(nonce || bytes[offset, offset+length)) in hex");
  }
  NewFile f;
  f.user_id = user_id;
  f.parent_id = ch->parent_id;
  f.name = ch->name;
  f.sha256 = ch->sha256;
  f.size = ch->size;
  f.now = clock_();
  Result<AddedFile> added = repo_.AddFile(f);
  if (!added.ok()) {
    if (added.status().IsNotFound()) {
      return HttpResponse::Error(404, "unknown_content",
                                 "the content is gone; upload it");
    }
    return HttpResponse::FromStatus(added.status());
  }
  cache_.Changed(user_id);
  return HttpResponse::Json(
      201, {{"node", NodeJson(added->node)}, {"instant", true}});
}

}  // namespace nimbus::web
