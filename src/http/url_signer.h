// Signed, expiring download URLs checked by stock nginx (secure_link).
//
// The token is what nginx's secure_link_md5 computes from the expression
//   "$secure_link_expires$uri $nimbus_secret"
// i.e. base64url(MD5(expires || "/" || file_id || " " || secret)), without
// padding. The generated nginx configs (NginxConfig) use that expression;
// the two must change together.
#ifndef NIMBUS_HTTP_URL_SIGNER_H_
#define NIMBUS_HTTP_URL_SIGNER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace nimbus::http {

class UrlSigner {
 public:
  // The secret is pasted into nginx config between double quotes, so it
  // is limited to 16..256 characters of [A-Za-z0-9_-].
  static Status ValidateSecret(std::string_view secret);
  static Result<UrlSigner> Create(std::string secret);
  // Reads the secret from the first line of `path` (surrounding whitespace
  // ignored). The file should be readable only by its owner.
  static Result<UrlSigner> FromFile(const std::string& path);
  // 32 random bytes from OpenSSL's CSPRNG, base64url: 43 characters.
  static Result<std::string> GenerateSecret();

  // The token for `uri` ("/group1/M00/...") valid until `expires` (Unix
  // seconds).
  std::string Token(std::string_view uri, int64_t expires) const;

  // base_url + "/" + file_id + "?expires=E&sign=T", plus "&filename=F"
  // (percent-encoded) when `filename` is not empty. The file ID must parse;
  // the filename is at most 255 bytes and becomes the download's
  // Content-Disposition name.
  Result<std::string> SignedUrl(std::string_view base_url,
                                std::string_view file_id, int64_t expires,
                                std::string_view filename) const;
  // The same URL without a signature, for clusters that serve unsigned.
  static Result<std::string> UnsignedUrl(std::string_view base_url,
                                         std::string_view file_id,
                                         std::string_view filename);

  // RFC 3986 percent-encoding: everything but unreserved characters.
  static std::string PercentEncode(std::string_view s);

  const std::string& secret() const { return secret_; }

 private:
  explicit UrlSigner(std::string secret) : secret_(std::move(secret)) {}
  std::string secret_;
};

}  // namespace nimbus::http

#endif  // NIMBUS_HTTP_URL_SIGNER_H_
