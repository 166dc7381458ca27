#include "web/password_hasher.h"

#include <sodium.h>

#include <cstdlib>

namespace nimbus::web {

PasswordHasher::PasswordHasher()
    : PasswordHasher(crypto_pwhash_OPSLIMIT_INTERACTIVE,
                     crypto_pwhash_MEMLIMIT_INTERACTIVE) {}

PasswordHasher::PasswordHasher(unsigned long long ops_limit, size_t mem_limit)
    : ops_limit_(ops_limit), mem_limit_(mem_limit) {
  // Idempotent and thread-safe; picks the fastest implementations for this
  // CPU before the first hash.
  if (sodium_init() < 0) std::abort();  // no usable CSPRNG: cannot run
}

PasswordHasher PasswordHasher::ForTests() {
  return PasswordHasher(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
}

Status PasswordHasher::ValidateNew(std::string_view password) {
  if (password.size() < kMinLength) {
    return Status::InvalidArgument("password: at least 8 characters");
  }
  if (password.size() > kMaxLength) {
    return Status::InvalidArgument("password: at most 1024 bytes");
  }
  return Status::OK();
}

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit_,
                            mem_limit_, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::IOError("argon2id: out of memory");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(const std::string& hash,
                            std::string_view password) const {
  if (password.size() > kMaxLength) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(),
                                  password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(const std::string& hash) const {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), ops_limit_, mem_limit_) !=
         0;
}

}  // namespace nimbus::web
