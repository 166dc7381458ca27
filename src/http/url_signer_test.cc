#include "http/url_signer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace nimbus::http {
namespace {

constexpr const char* kId =
    "group1/M00/00/00/fwAAAmsGK_qAY6msAAMgB2wy40Q600.bin";

TEST(UrlSigner, TokenMatchesNginxSecureLinkMd5) {
  // From the nginx documentation's recipe:
  //   echo -n "$expires$uri $secret" | openssl md5 -binary | base64 |
  //   tr +/ -_ | tr -d =
  auto s = UrlSigner::Create("0123456789abcdefXYZ");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->Token(std::string("/") + kId, 1795566586),
            "2Re2U9rCBJ6aqFqwRmkrCA");
}

TEST(UrlSigner, SignedUrlCarriesExpiryTokenAndEncodedName) {
  auto s = UrlSigner::Create("0123456789abcdefXYZ");
  ASSERT_TRUE(s.ok());
  auto url =
      s->SignedUrl("http://127.0.0.1:8080/", kId, 1795566586, "résumé 1.pdf");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(*url, std::string("http://127.0.0.1:8080/") + kId +
                      "?expires=1795566586&sign=2Re2U9rCBJ6aqFqwRmkrCA"
                      "&filename=r%C3%A9sum%C3%A9%201.pdf");
  // The secret never appears in a URL.
  EXPECT_EQ(url->find("0123456789abcdef"), std::string::npos);
}

TEST(UrlSigner, RefusesBadInput) {
  EXPECT_FALSE(UrlSigner::Create("short").ok());
  EXPECT_FALSE(UrlSigner::Create("0123456789abcdef\"; evil").ok());
  EXPECT_FALSE(UrlSigner::Create(std::string(257, 'a')).ok());
  auto s = UrlSigner::Create("0123456789abcdefXYZ");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(
      s->SignedUrl("http://h:1", "group1/M00/../../etc/passwd", 10, "").ok());
  EXPECT_FALSE(s->SignedUrl("ftp://h:1", kId, 10, "").ok());
  EXPECT_FALSE(s->SignedUrl("http://h:1/?x=1", kId, 10, "").ok());
  EXPECT_FALSE(s->SignedUrl("http://h:1", kId, 0, "").ok());
  EXPECT_FALSE(s->SignedUrl("http://h:1", kId, 10, std::string(256, 'a')).ok());
}

TEST(UrlSigner, UnsignedUrl) {
  auto url = UrlSigner::UnsignedUrl("http://h:1", kId, "a b");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, std::string("http://h:1/") + kId + "?filename=a%20b");
}

TEST(UrlSigner, GeneratedSecretsAreValidAndDistinct) {
  auto a = UrlSigner::GenerateSecret();
  auto b = UrlSigner::GenerateSecret();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 43u);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(UrlSigner::ValidateSecret(*a).ok());
}

TEST(UrlSigner, FromFileTakesTheFirstLineTrimmed) {
  std::string path = ::testing::TempDir() + "/nimbus_secret_test";
  std::ofstream(path) << "  0123456789abcdefXYZ \nignored\n";
  auto s = UrlSigner::FromFile(path);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->secret(), "0123456789abcdefXYZ");
  std::ofstream(path) << "has space inside it\n";
  EXPECT_FALSE(UrlSigner::FromFile(path).ok());
  std::remove(path.c_str());
  EXPECT_TRUE(UrlSigner::FromFile(path).status().IsNotFound());
}

}  // namespace
}  // namespace nimbus::http
