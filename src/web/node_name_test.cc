#include "web/node_name.h"

#include <gtest/gtest.h>

namespace nimbus::web {
namespace {

TEST(NodeName, AcceptsOrdinaryAndUnicodeNames) {
  for (const char* n : {"a", "report.pdf", "x'); DROP TABLE nodes; --",
                        "照片 2024.jpg", "..hidden", "a..b", "emoji 😀"}) {
    EXPECT_TRUE(NodeName::Validate(n).ok()) << n;
  }
  EXPECT_TRUE(NodeName::Validate(std::string(255, 'x')).ok());
}

TEST(NodeName, RefusesPathLikeControlAndInvalidNames) {
  EXPECT_FALSE(NodeName::Validate("").ok());
  EXPECT_FALSE(NodeName::Validate(".").ok());
  EXPECT_FALSE(NodeName::Validate("..").ok());
  EXPECT_FALSE(NodeName::Validate("../etc/passwd").ok());
  EXPECT_FALSE(NodeName::Validate("a/b").ok());
  EXPECT_FALSE(NodeName::Validate(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(NodeName::Validate("line\nbreak").ok());
  EXPECT_FALSE(NodeName::Validate(std::string(256, 'x')).ok());
  EXPECT_FALSE(NodeName::Validate("\xff\xfe").ok());
  EXPECT_FALSE(NodeName::Validate("\xc0\xaf").ok()) << "overlong '/'";
  EXPECT_FALSE(NodeName::Validate("\xed\xa0\x80").ok()) << "surrogate";
  EXPECT_FALSE(NodeName::Validate("\xe4\xb8").ok()) << "truncated";
}

TEST(NodeName, UserNamesAreRestricted) {
  EXPECT_TRUE(NodeName::ValidateUser("alice_01").ok());
  EXPECT_FALSE(NodeName::ValidateUser("al").ok());
  EXPECT_FALSE(NodeName::ValidateUser("alice bob").ok());
  EXPECT_FALSE(NodeName::ValidateUser("a'--").ok());
  EXPECT_FALSE(NodeName::ValidateUser(std::string(33, 'a')).ok());
}

TEST(NodeName, DfsExtensionIsShortAlphanumericOrNothing) {
  EXPECT_EQ(NodeName::DfsExtension("photo.JPG"), "JPG");
  EXPECT_EQ(NodeName::DfsExtension("archive.tar.gz"), "gz");
  EXPECT_EQ(NodeName::DfsExtension("noext"), "");
  EXPECT_EQ(NodeName::DfsExtension(".bashrc"), "");
  EXPECT_EQ(NodeName::DfsExtension("a.toolongext"), "");
  EXPECT_EQ(NodeName::DfsExtension("a.b-c"), "");
}

}  // namespace
}  // namespace nimbus::web
