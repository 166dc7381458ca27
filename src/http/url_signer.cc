#include "http/url_signer.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>

#include "proto/file_name.h"

namespace nimbus::http {
namespace {

constexpr size_t kMaxFilenameBytes = 255;
constexpr size_t kMaxSecretFileBytes = 4096;

std::string Base64Url(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                            static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

// Joins base and path with exactly one slash; the base must be an http(s)
// URL without query or fragment.
Result<std::string> Join(std::string_view base, std::string_view file_id,
                         std::string_view filename) {
  if (!(base.starts_with("http://") || base.starts_with("https://")) ||
      base.find_first_of("?# \t\r\n") != std::string_view::npos) {
    return Status::InvalidArgument(
        fmt::format("http base URL must be http(s)://host[:port][/path] "
                    "without query: '{}'",
                    base));
  }
  auto id = proto::ParseFileId(file_id);
  if (!id.ok()) return id.status();
  if (filename.size() > kMaxFilenameBytes) {
    return Status::InvalidArgument(
        fmt::format("filename is longer than {} bytes", kMaxFilenameBytes));
  }
  while (base.ends_with('/')) base.remove_suffix(1);
  return fmt::format("{}/{}", base, id->ToString());
}

}  // namespace

Status UrlSigner::ValidateSecret(std::string_view secret) {
  if (secret.size() < 16 || secret.size() > 256) {
    return Status::InvalidArgument(fmt::format(
        "the HTTP secret must be 16 to 256 characters, not {}", secret.size()));
  }
  for (char c : secret) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(
          "the HTTP secret may only contain A-Z a-z 0-9 _ -");
    }
  }
  return Status::OK();
}

Result<UrlSigner> UrlSigner::Create(std::string secret) {
  Status s = ValidateSecret(secret);
  if (!s.ok()) return s;
  return UrlSigner(std::move(secret));
}

Result<UrlSigner> UrlSigner::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read the HTTP secret file " + path);
  std::string text(kMaxSecretFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxSecretFileBytes) {
    return Status::InvalidArgument(path + ": too large for a secret file");
  }
  size_t nl = text.find('\n');
  if (nl != std::string::npos) text.resize(nl);
  while (!text.empty() &&
         (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
    text.pop_back();
  }
  size_t lead = text.find_first_not_of(" \t");
  text.erase(0, lead == std::string::npos ? text.size() : lead);
  Status s = ValidateSecret(text);
  if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message());
  return UrlSigner(std::move(text));
}

Result<std::string> UrlSigner::GenerateSecret() {
  unsigned char buf[32];
  if (RAND_bytes(buf, sizeof(buf)) != 1) {
    return Status::IOError("OpenSSL RAND_bytes failed");
  }
  return Base64Url(buf, sizeof(buf));
}

std::string UrlSigner::Token(std::string_view uri, int64_t expires) const {
  std::string input = fmt::format("{}{} {}", expires, uri, secret_);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), md, &len, EVP_md5(), nullptr);
  return Base64Url(md, len);
}

Result<std::string> UrlSigner::SignedUrl(std::string_view base_url,
                                         std::string_view file_id,
                                         int64_t expires,
                                         std::string_view filename) const {
  if (expires <= 0) return Status::InvalidArgument("expiry must be positive");
  auto url = Join(base_url, file_id, filename);
  if (!url.ok()) return url.status();
  auto id = proto::ParseFileId(file_id);
  std::string out = fmt::format("{}?expires={}&sign={}", *url, expires,
                                Token("/" + id->ToString(), expires));
  if (!filename.empty()) out += "&filename=" + PercentEncode(filename);
  return out;
}

Result<std::string> UrlSigner::UnsignedUrl(std::string_view base_url,
                                           std::string_view file_id,
                                           std::string_view filename) {
  auto url = Join(base_url, file_id, filename);
  if (!url.ok()) return url.status();
  if (!filename.empty()) *url += "?filename=" + PercentEncode(filename);
  return url;
}

std::string UrlSigner::PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                      c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace nimbus::http
