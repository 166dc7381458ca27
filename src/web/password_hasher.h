// Password hashing with argon2id (libsodium's crypto_pwhash_str): a random
// salt and the cost parameters are encoded in the stored string, so the
// cost can be raised later and old hashes still verify (NeedsRehash tells
// when to re-hash at the next login).
//
// Thread-safety: immutable after construction; any thread.
#ifndef NIMBUS_WEB_PASSWORD_HASHER_H_
#define NIMBUS_WEB_PASSWORD_HASHER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace nimbus::web {

class PasswordHasher {
 public:
  // Defaults: libsodium's "interactive" limits (2 passes, 64 MiB).
  PasswordHasher();
  PasswordHasher(unsigned long long ops_limit, size_t mem_limit);
  // The cheapest limits libsodium allows: for tests only.
  static PasswordHasher ForTests();

  static constexpr size_t kMinLength = 8;
  static constexpr size_t kMaxLength = 1024;
  // Length limits only: passphrases of any characters are welcome.
  static Status ValidateNew(std::string_view password);

  Result<std::string> Hash(std::string_view password) const;
  // False for a wrong password or a malformed hash.
  bool Verify(const std::string& hash, std::string_view password) const;
  bool NeedsRehash(const std::string& hash) const;

 private:
  unsigned long long ops_limit_;
  size_t mem_limit_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_PASSWORD_HASHER_H_
