#include "web/tus_service.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstring>
#include <ctime>
#include <memory>

#include "web/node_name.h"
#include "web/session_token.h"

namespace nimbus::web {
namespace {

constexpr char kVersion[] = "1.0.0";
constexpr char kOffsetType[] = "application/offset+octet-stream";

bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && *out >= 0;
}

std::string ContentType(const HttpRequest& req) {
  std::string ct = req.Header("content-type");
  size_t semi = ct.find(';');
  if (semi != std::string::npos) ct.resize(semi);
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  return ct;
}

bool Base64Decode(std::string_view in, std::string* out) {
  out->assign(in.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()),
                        out->size(), in.data(), in.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  out->resize(len);
  return true;
}

// The Upload-Checksum of one PATCH: the algorithm's digest of the body.
struct Checksum {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{nullptr,
                                                              EVP_MD_CTX_free};
  std::string expected;
};

// "sha1 <base64>" (also md5, sha256, sha512). Status on a bad header.
Status StartChecksum(const std::string& header, Checksum* c) {
  size_t sp = header.find(' ');
  if (sp == std::string::npos) {
    return Status::InvalidArgument("Upload-Checksum: <algorithm> <base64>");
  }
  std::string algo = header.substr(0, sp);
  const EVP_MD* md = algo == "sha1"     ? EVP_sha1()
                     : algo == "sha256" ? EVP_sha256()
                     : algo == "sha512" ? EVP_sha512()
                     : algo == "md5"    ? EVP_md5()
                                        : nullptr;
  if (!md) {
    return Status::InvalidArgument(
        "Upload-Checksum: supported algorithms are sha1, sha256, sha512, md5");
  }
  if (!Base64Decode(header.substr(sp + 1), &c->expected) ||
      c->expected.size() != static_cast<size_t>(EVP_MD_size(md))) {
    return Status::InvalidArgument("Upload-Checksum: bad digest");
  }
  c->ctx.reset(EVP_MD_CTX_new());
  if (!c->ctx || EVP_DigestInit_ex(c->ctx.get(), md, nullptr) != 1) {
    return Status::IOError("checksum init failed");
  }
  return Status::OK();
}

}  // namespace

TusService::TusService(const WebOptions& opts, Repository* repo,
                       BlobStore* blobs, Clock clock, std::string instance)
    : opts_(opts),
      repo_(repo),
      blobs_(blobs),
      clock_(std::move(clock)),
      instance_(std::move(instance)) {}

std::string TusService::EncodeHashState(const void* state) {
  const auto* st = static_cast<const crypto_hash_sha256_state*>(state);
  std::string out = "v1:";
  for (uint32_t w : st->state) out += fmt::format("{:08x}", w);
  out += fmt::format("{:016x}", st->count);
  char hex[129];
  sodium_bin2hex(hex, sizeof(hex), st->buf, sizeof(st->buf));
  out += hex;
  return out;
}

bool TusService::DecodeHashState(const std::string& text, void* state) {
  auto* st = static_cast<crypto_hash_sha256_state*>(state);
  if (text.size() != 3 + 64 + 16 + 128 || text.compare(0, 3, "v1:") != 0) {
    return false;
  }
  const char* p = text.data() + 3;
  for (uint32_t& w : st->state) {
    auto [e, ec] = std::from_chars(p, p + 8, w, 16);
    if (ec != std::errc() || e != p + 8) return false;
    p += 8;
  }
  auto [e, ec] = std::from_chars(p, p + 16, st->count, 16);
  if (ec != std::errc() || e != p + 16) return false;
  p += 16;
  size_t len = 0;
  return sodium_hex2bin(st->buf, sizeof(st->buf), p, 128, nullptr, &len,
                        nullptr) == 0 &&
         len == sizeof(st->buf);
}

std::string TusService::HttpDate(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool TusService::ParseMetadata(const std::string& header,
                               std::map<std::string, std::string>* out) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t comma = header.find(',', pos);
    if (comma == std::string::npos) comma = header.size();
    std::string pair = header.substr(pos, comma - pos);
    pos = comma + 1;
    size_t a = pair.find_first_not_of(' ');
    if (a == std::string::npos) continue;
    pair = pair.substr(a);
    size_t sp = pair.find(' ');
    std::string key = pair.substr(0, sp);
    std::string value;
    if (sp != std::string::npos && !Base64Decode(pair.substr(sp + 1), &value)) {
      return false;
    }
    if (key.empty() || out->count(key)) return false;
    (*out)[key] = value;
  }
  return true;
}

HttpResponse TusService::Tus(HttpResponse r) {
  r.headers.emplace_back("Tus-Resumable", kVersion);
  return r;
}

HttpResponse TusService::Options(HttpRequest&) {
  HttpResponse r = HttpResponse::NoContent();
  r.headers.emplace_back("Tus-Version", kVersion);
  r.headers.emplace_back(
      "Tus-Extension",
      "creation,creation-with-upload,termination,checksum,expiration");
  r.headers.emplace_back("Tus-Max-Size",
                         std::to_string(opts_.max_upload_bytes));
  r.headers.emplace_back("Tus-Checksum-Algorithm", "sha1,sha256,sha512,md5");
  return Tus(r);
}

HttpResponse TusService::Create(HttpRequest& req, int64_t user_id) {
  if (req.Header("tus-resumable") != kVersion) {
    HttpResponse r = HttpResponse::Error(412, "precondition_failed",
                                         "Tus-Resumable: 1.0.0 required");
    r.headers.emplace_back("Tus-Version", kVersion);
    return Tus(r);
  }
  if (!req.Header("upload-defer-length").empty()) {
    return Tus(HttpResponse::Error(400, "bad_request",
                                   "Upload-Defer-Length is not supported"));
  }
  int64_t length = 0;
  if (!ParseInt(req.Header("upload-length"), &length)) {
    return Tus(HttpResponse::Error(400, "bad_request",
                                   "Upload-Length: a non-negative integer"));
  }
  if (length > opts_.max_upload_bytes) {
    return Tus(HttpResponse::Error(
        413, "too_large",
        fmt::format("files are limited to {} bytes", opts_.max_upload_bytes)));
  }
  std::string meta_header = req.Header("upload-metadata");
  if (meta_header.size() > 16384) {
    return Tus(
        HttpResponse::Error(400, "bad_request", "Upload-Metadata too long"));
  }
  std::map<std::string, std::string> meta;
  if (!ParseMetadata(meta_header, &meta)) {
    return Tus(HttpResponse::Error(400, "bad_request",
                                   "Upload-Metadata: key base64,..."));
  }
  std::string name = meta.count("filename") ? meta["filename"] : meta["name"];
  Status s = NodeName::Validate(name);
  if (!s.ok()) return Tus(HttpResponse::FromStatus(s));
  int64_t parent = 0;
  if (meta.count("parent") && meta["parent"] != "root" &&
      !(ParseInt(meta["parent"], &parent))) {
    return Tus(HttpResponse::Error(400, "bad_request", "parent: a folder ID"));
  }

  Result<std::string> file_id =
      blobs_->CreateAppender(NodeName::DfsExtension(name));
  if (!file_id.ok()) {
    spdlog::error("tus: creating an appender file: {}",
                  file_id.status().ToString());
    return Tus(HttpResponse::FromStatus(file_id.status()));
  }
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  Upload u;
  u.id = SessionToken::RandomBase64Url(16).substr(0, 22);
  u.user_id = user_id;
  u.parent_id = parent;
  u.name = name;
  u.length = length;
  u.file_id = *file_id;
  u.hash_state = EncodeHashState(&sha);
  u.created_at = clock_();
  u.expires_at = u.created_at + opts_.upload_expiry_s;
  s = repo_->uploads().Create(u);
  if (!s.ok()) {
    (void)blobs_->Delete(*file_id);
    return Tus(HttpResponse::FromStatus(s));
  }
  std::string location = "/api/v1/uploads/" + u.id;
  HttpResponse r;
  if (ContentType(req) == kOffsetType && req.content_length > 0) {
    // creation-with-upload: the body is the first piece.
    r = AppendBody(req, u);
    if (r.status != 204) {
      // The upload exists; the client resumes with HEAD.
      r.headers.emplace_back("Location", location);
      return Tus(r);
    }
  }
  r.status = 201;
  r.body.clear();
  r.headers.emplace_back("Location", location);
  r.headers.emplace_back("Upload-Expires", HttpDate(u.expires_at));
  bool has_offset = false;
  for (auto& [k, v] : r.headers) has_offset |= k == "Upload-Offset";
  if (!has_offset) r.headers.emplace_back("Upload-Offset", "0");
  return Tus(r);
}

HttpResponse TusService::Head(HttpRequest& req, int64_t user_id) {
  Result<Upload> u = repo_->uploads().Get(user_id, req.params["id"]);
  if (!u.ok()) return Tus(HttpResponse::FromStatus(u.status()));
  if (u->expires_at <= clock_() && u->node_id == 0) {
    return Tus(HttpResponse::Error(410, "gone", "the upload expired"));
  }
  HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("Upload-Offset", std::to_string(u->offset));
  r.headers.emplace_back("Upload-Length", std::to_string(u->length));
  r.headers.emplace_back("Upload-Expires", HttpDate(u->expires_at));
  if (u->node_id) {
    r.headers.emplace_back("Nimbus-Node-Id", std::to_string(u->node_id));
  }
  return Tus(r);
}

HttpResponse TusService::Patch(HttpRequest& req, int64_t user_id) {
  if (req.Header("tus-resumable") != kVersion) {
    HttpResponse r = HttpResponse::Error(412, "precondition_failed",
                                         "Tus-Resumable: 1.0.0 required");
    r.headers.emplace_back("Tus-Version", kVersion);
    return Tus(r);
  }
  if (ContentType(req) != kOffsetType) {
    return Tus(HttpResponse::Error(
        415, "unsupported_media_type",
        "Content-Type: application/offset+octet-stream required"));
  }
  int64_t offset = 0;
  if (!ParseInt(req.Header("upload-offset"), &offset)) {
    return Tus(HttpResponse::Error(400, "bad_request",
                                   "Upload-Offset: a non-negative integer"));
  }
  Result<Upload> u = repo_->uploads().Get(user_id, req.params["id"]);
  if (!u.ok()) return Tus(HttpResponse::FromStatus(u.status()));
  if (u->expires_at <= clock_() && u->node_id == 0) {
    return Tus(HttpResponse::Error(410, "gone", "the upload expired"));
  }
  if (offset != u->offset) {
    HttpResponse r = HttpResponse::Error(
        409, "conflict",
        fmt::format("the upload is at offset {}, not {}", u->offset, offset));
    r.headers.emplace_back("Upload-Offset", std::to_string(u->offset));
    return Tus(r);
  }
  if (u->node_id != 0) {
    // Already complete: nothing more can be appended.
    if (req.content_length > 0) {
      return Tus(HttpResponse::Error(409, "conflict", "upload complete"));
    }
    HttpResponse r = HttpResponse::NoContent();
    r.headers.emplace_back("Upload-Offset", std::to_string(u->offset));
    r.headers.emplace_back("Nimbus-Node-Id", std::to_string(u->node_id));
    return Tus(r);
  }
  return Tus(AppendBody(req, *u));
}

HttpResponse TusService::AppendBody(HttpRequest& req, Upload u) {
  if (req.content_length < 0) {
    return HttpResponse::Error(411, "length_required",
                               "send Content-Length with each PATCH");
  }
  if (u.offset + req.content_length > u.length) {
    return HttpResponse::Error(413, "too_large",
                               "the body goes past Upload-Length");
  }
  Checksum checksum;
  std::string checksum_header = req.Header("upload-checksum");
  if (!checksum_header.empty()) {
    Status s = StartChecksum(checksum_header, &checksum);
    if (!s.ok()) return HttpResponse::FromStatus(s);
  }
  crypto_hash_sha256_state sha;
  if (!DecodeHashState(u.hash_state, &sha)) {
    spdlog::error("tus {}: unreadable hash state", u.id);
    return HttpResponse::Error(500, "internal", "internal error");
  }
  const crypto_hash_sha256_state start_sha = sha;
  const std::string start_state = u.hash_state;
  int64_t now = clock_();
  Status s = repo_->uploads().Lease(u.user_id, u.id, instance_, now,
                                    now + opts_.upload_lease_s);
  if (s.code() == Status::Code::kBusy) {
    return HttpResponse::Error(423, "locked",
                               "the upload is being written; retry shortly");
  }
  if (!s.ok()) return HttpResponse::FromStatus(s);
  // Whatever happens below, the lease goes.
  struct Unlease {
    Repository* repo;
    const Upload& u;
    const std::string& owner;
    ~Unlease() { (void)repo->uploads().Release(u.user_id, u.id, owner); }
  } unlease{repo_, u, instance_};

  // A previous append may have reached the DFS without being recorded
  // (nimbus-web died in between): the file is cut back to the record.
  Result<int64_t> size = blobs_->Size(u.file_id);
  if (!size.ok()) return HttpResponse::FromStatus(size.status());
  if (*size > u.offset) {
    s = blobs_->Truncate(u.file_id, u.offset);
    if (!s.ok()) return HttpResponse::FromStatus(s);
  } else if (*size < u.offset) {
    spdlog::error("tus {}: DFS file {} holds {} bytes, {} recorded", u.id,
                  u.file_id, *size, u.offset);
    return HttpResponse::Error(500, "internal",
                               "stored upload data is missing; start again");
  }

  const int64_t start = u.offset;
  int64_t left = req.content_length;
  std::string buf;
  bool cut = false;
  Status failure;
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<int64_t>(left, kSegment));
    buf.resize(want);
    size_t got = 0;
    while (got < want) {
      Result<size_t> n = req.read_body(buf.data() + got, want - got);
      if (!n.ok() || *n == 0) {
        cut = true;
        break;
      }
      got += *n;
    }
    // Without a checksum every whole byte received is kept: a partial
    // segment is appended too.
    if (got == 0 || (cut && checksum.ctx)) break;
    size_t pos = 0;
    s = blobs_->Append(u.file_id, static_cast<int64_t>(got),
                       [&](char* dst, size_t n) -> Status {
                         std::memcpy(dst, buf.data() + pos, n);
                         pos += n;
                         return Status::OK();
                       });
    if (!s.ok()) {
      failure = s;
      break;
    }
    crypto_hash_sha256_update(
        &sha, reinterpret_cast<const unsigned char*>(buf.data()), got);
    if (checksum.ctx) EVP_DigestUpdate(checksum.ctx.get(), buf.data(), got);
    std::string state = EncodeHashState(&sha);
    int64_t to = u.offset + static_cast<int64_t>(got);
    s = repo_->uploads().Advance(u.user_id, u.id, instance_, u.offset, to,
                                 state, clock_() + opts_.upload_expiry_s);
    if (!s.ok()) {
      failure = s;
      break;
    }
    u.offset = to;
    u.hash_state = state;
    u.expires_at = clock_() + opts_.upload_expiry_s;
    left -= static_cast<int64_t>(got);
    if (cut) break;
  }

  bool mismatch = false;
  if (checksum.ctx && failure.ok() && !cut) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(checksum.ctx.get(), digest, &len);
    mismatch =
        std::string(reinterpret_cast<char*>(digest), len) != checksum.expected;
  }
  if (checksum.ctx && (mismatch || cut || !failure.ok()) && u.offset != start) {
    // The PATCH is discarded whole: back to where it started.
    Status t = blobs_->Truncate(u.file_id, start);
    Status a =
        t.ok() ? repo_->uploads().Advance(u.user_id, u.id, instance_, u.offset,
                                          start, start_state, u.expires_at)
               : t;
    if (!a.ok()) {
      spdlog::error("tus {}: rolling back a rejected PATCH: {}", u.id,
                    a.ToString());
      return HttpResponse::Error(500, "internal", "internal error");
    }
    u.offset = start;
    sha = start_sha;
  }
  auto with_offset = [&](HttpResponse r) {
    r.headers.emplace_back("Upload-Offset", std::to_string(u.offset));
    r.headers.emplace_back("Upload-Expires", HttpDate(u.expires_at));
    return r;
  };
  if (mismatch) {
    return with_offset(HttpResponse::Error(
        460, "checksum_mismatch",
        "Upload-Checksum does not match the body; nothing was kept"));
  }
  if (!failure.ok()) {
    spdlog::warn("tus {}: append failed: {}", u.id, failure.ToString());
    return with_offset(HttpResponse::FromStatus(failure));
  }
  if (cut) {
    return with_offset(HttpResponse::Error(
        400, "bad_request", "the body ended early; resume from Upload-Offset"));
  }
  if (u.offset == u.length) return with_offset(Finish(u, u.hash_state));
  return with_offset(HttpResponse::NoContent());
}

HttpResponse TusService::Finish(const Upload& u, const std::string& state) {
  crypto_hash_sha256_state sha;
  if (!DecodeHashState(state, &sha)) {
    return HttpResponse::Error(500, "internal", "internal error");
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  NewFile f;
  f.user_id = u.user_id;
  f.parent_id = u.parent_id;
  f.name = u.name;
  f.sha256 = hex;
  f.size = u.length;
  f.file_id = u.file_id;
  f.now = clock_();
  Result<AddedFile> added =
      repo_->uploads().Complete(u.user_id, u.id, instance_, f);
  if (!added.ok()) {
    // The bytes stay: the client may retry the last (empty) PATCH once the
    // cause (folder gone, ...) is fixed, until the upload expires.
    return HttpResponse::FromStatus(added.status());
  }
  if (added->deduplicated) {
    Status d = blobs_->Delete(u.file_id);
    if (!d.ok()) {
      spdlog::warn("tus {}: deleting duplicate content {}: {}", u.id, u.file_id,
                   d.ToString());
    }
  }
  HttpResponse r = HttpResponse::NoContent();
  r.headers.emplace_back("Nimbus-Node-Id", std::to_string(added->node.id));
  return r;
}

HttpResponse TusService::Terminate(HttpRequest& req, int64_t user_id) {
  if (req.Header("tus-resumable") != kVersion) {
    return Tus(HttpResponse::Error(412, "precondition_failed",
                                   "Tus-Resumable: 1.0.0 required"));
  }
  const std::string& id = req.params["id"];
  int64_t now = clock_();
  Status s = repo_->uploads().Lease(user_id, id, instance_, now,
                                    now + opts_.upload_lease_s);
  if (s.code() == Status::Code::kBusy) {
    return Tus(
        HttpResponse::Error(423, "locked", "the upload is being written"));
  }
  if (!s.ok()) return Tus(HttpResponse::FromStatus(s));
  Result<Upload> u = repo_->uploads().Delete(user_id, id);
  if (!u.ok()) return Tus(HttpResponse::FromStatus(u.status()));
  if (u->node_id == 0) {
    Status d = blobs_->Delete(u->file_id);
    if (!d.ok() && !d.IsNotFound()) {
      spdlog::warn("tus {}: deleting {}: {}", id, u->file_id, d.ToString());
    }
  }
  return Tus(HttpResponse::NoContent());
}

Result<int> TusService::SweepExpired() {
  NIMBUS_LET_OR_RETURN(std::vector<Upload> expired,
                       repo_->uploads().Expired(clock_(), 100));
  int n = 0;
  for (const Upload& u : expired) {
    Result<Upload> gone = repo_->uploads().Delete(u.user_id, u.id);
    if (!gone.ok()) continue;
    if (gone->node_id == 0) {
      Status d = blobs_->Delete(gone->file_id);
      if (!d.ok() && !d.IsNotFound()) {
        spdlog::warn("tus {}: deleting expired {}: {}", u.id, gone->file_id,
                     d.ToString());
      }
    }
    ++n;
  }
  return n;
}

}  // namespace nimbus::web
