#include "web/password_hasher.h"

#include <gtest/gtest.h>

#include "web/session_token.h"

namespace nimbus::web {
namespace {

TEST(PasswordHasher, Argon2idSaltedAndVerifiable) {
  PasswordHasher h = PasswordHasher::ForTests();
  auto a = h.Hash("correct horse");
  auto b = h.Hash("correct horse");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$", 0), 0u) << *a;
  EXPECT_NE(*a, *b) << "salted";
  EXPECT_TRUE(h.Verify(*a, "correct horse"));
  EXPECT_FALSE(h.Verify(*a, "correct horsE"));
  EXPECT_FALSE(h.Verify("not a hash", "correct horse"));
  EXPECT_TRUE(PasswordHasher().NeedsRehash(*a)) << "weaker than default";
  EXPECT_FALSE(h.NeedsRehash(*a));
}

TEST(PasswordHasher, LengthLimits) {
  EXPECT_FALSE(PasswordHasher::ValidateNew("short").ok());
  EXPECT_TRUE(PasswordHasher::ValidateNew("eight ch").ok());
  EXPECT_FALSE(PasswordHasher::ValidateNew(std::string(1025, 'x')).ok());
}

TEST(SessionToken, RandomWellFormedAndStoredHashed) {
  std::string t = SessionToken::Generate();
  EXPECT_EQ(t.size(), SessionToken::kLength);
  EXPECT_TRUE(SessionToken::WellFormed(t));
  EXPECT_NE(t, SessionToken::Generate());
  EXPECT_EQ(SessionToken::Hash(t).size(), 64u);
  EXPECT_NE(SessionToken::Hash(t), t);
  EXPECT_FALSE(SessionToken::WellFormed(t.substr(1)));
  EXPECT_FALSE(SessionToken::WellFormed(t.substr(1) + "'"));
  EXPECT_EQ(SessionToken::FromAuthorization("Bearer " + t), t);
  EXPECT_EQ(SessionToken::FromAuthorization("bearer  " + t + " "), t);
  EXPECT_EQ(SessionToken::FromAuthorization("Basic " + t), "");
  EXPECT_EQ(SessionToken::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace nimbus::web
