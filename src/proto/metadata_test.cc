#include "proto/metadata.h"

#include <gtest/gtest.h>

namespace nimbus::proto {
namespace {

TEST(Metadata, PackUnpackRoundTrip) {
  Metadata m = {{"width", "1024"}, {"author", ""}};
  std::string packed = PackMetadata(m);
  EXPECT_EQ(packed, std::string("width\x02"
                                "1024\x01"
                                "author\x02",
                                18));
  EXPECT_EQ(*UnpackMetadata(packed), m);
  EXPECT_TRUE(UnpackMetadata("")->empty());
}

TEST(Metadata, RejectsMalformedAndOversize) {
  EXPECT_FALSE(UnpackMetadata("novalue").ok());
  EXPECT_FALSE(UnpackMetadata(std::string("\x02v", 2)).ok());
  EXPECT_FALSE(UnpackMetadata(std::string(65, 'k') + "\x02v").ok());
  EXPECT_FALSE(UnpackMetadata("k\x02" + std::string(257, 'v')).ok());
  EXPECT_FALSE(UnpackMetadata("a\x02"
                              "1\x01"
                              "a\x02"
                              "2")
                   .ok());
  EXPECT_FALSE(UnpackMetadata(std::string(70000, 'x')).ok());
}

TEST(Metadata, MergeReplacesAndAppends) {
  Metadata base = {{"a", "1"}, {"b", "2"}};
  Metadata upd = {{"b", "3"}, {"c", "4"}};
  Metadata want = {{"a", "1"}, {"b", "3"}, {"c", "4"}};
  EXPECT_EQ(MergeMetadata(base, upd), want);
}

}  // namespace
}  // namespace nimbus::proto
