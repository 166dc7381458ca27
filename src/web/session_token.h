// Session tokens: 32 random bytes (libsodium's CSPRNG) in base64url, 43
// characters, sent as "Authorization: Bearer <token>". The server keeps
// only their SHA-256, so a copy of the database cannot be replayed.
#ifndef NIMBUS_WEB_SESSION_TOKEN_H_
#define NIMBUS_WEB_SESSION_TOKEN_H_

#include <string>
#include <string_view>

namespace nimbus::web {

class SessionToken {
 public:
  static constexpr size_t kLength = 43;

  static std::string Generate();
  // The stored form: lower-case hex SHA-256.
  static std::string Hash(std::string_view token);
  // Shape check before any lookup: exactly kLength base64url characters.
  static bool WellFormed(std::string_view token);
  // The token of an "Authorization: Bearer <token>" header value, or empty.
  static std::string_view FromAuthorization(std::string_view header);

  static std::string Sha256Hex(std::string_view data);
  static std::string RandomBase64Url(size_t bytes);
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_SESSION_TOKEN_H_
