#include "web/tus_service.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace nimbus::web {
namespace {

TEST(TusService, HashStateSurvivesTextRoundTrip) {
  ASSERT_GE(sodium_init(), 0);
  crypto_hash_sha256_state a, b;
  crypto_hash_sha256_init(&a);
  std::string part1(100, 'x'), part2 = "tail";
  crypto_hash_sha256_update(
      &a, reinterpret_cast<const unsigned char*>(part1.data()), part1.size());
  std::string text = TusService::EncodeHashState(&a);
  ASSERT_TRUE(TusService::DecodeHashState(text, &b));
  crypto_hash_sha256_update(
      &b, reinterpret_cast<const unsigned char*>(part2.data()), part2.size());
  unsigned char got[32], want[32];
  crypto_hash_sha256_final(&b, got);
  std::string all = part1 + part2;
  crypto_hash_sha256(want, reinterpret_cast<const unsigned char*>(all.data()),
                     all.size());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(got), 32),
            std::string(reinterpret_cast<char*>(want), 32));
  EXPECT_FALSE(TusService::DecodeHashState("v1:zz", &b));
  EXPECT_FALSE(TusService::DecodeHashState(std::string(text.size(), 'g'), &b));
}

TEST(TusService, MetadataHeader) {
  std::map<std::string, std::string> m;
  ASSERT_TRUE(TusService::ParseMetadata(
      "filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential", &m));
  EXPECT_EQ(m["filename"], "world_domination_plan.pdf");
  EXPECT_EQ(m.count("is_confidential"), 1u);
  m.clear();
  EXPECT_FALSE(TusService::ParseMetadata("filename ***", &m));
  m.clear();
  EXPECT_FALSE(TusService::ParseMetadata("a YQ==,a YQ==", &m));
}

TEST(TusService, HttpDateIsImfFixdate) {
  EXPECT_EQ(TusService::HttpDate(1403712000), "Wed, 25 Jun 2014 16:00:00 GMT");
}

}  // namespace
}  // namespace nimbus::web
