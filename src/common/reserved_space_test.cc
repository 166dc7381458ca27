#include "common/reserved_space.h"

#include <gtest/gtest.h>

namespace nimbus {
namespace {

TEST(ReservedSpace, Percentage) {
  auto rs = ReservedSpace::Parse("20%");
  ASSERT_TRUE(rs.ok());
  EXPECT_TRUE(rs->is_ratio);
  EXPECT_EQ(rs->ReservedMb(1000), 200);
  EXPECT_TRUE(rs->Violated(1000, 200));
  EXPECT_FALSE(rs->Violated(1000, 201));
}

TEST(ReservedSpace, AbsoluteSizes) {
  EXPECT_EQ(ReservedSpace::Parse("10G")->mb, 10240);
  EXPECT_EQ(ReservedSpace::Parse("512MB")->mb, 512);
  EXPECT_EQ(ReservedSpace::Parse("1")->mb, 1);  // rounds bytes up to 1 MB
  EXPECT_EQ(ReservedSpace::Parse("0")->mb, 0);
}

TEST(ReservedSpace, RejectsNonsense) {
  EXPECT_FALSE(ReservedSpace::Parse("").ok());
  EXPECT_FALSE(ReservedSpace::Parse("abc").ok());
  EXPECT_FALSE(ReservedSpace::Parse("100%").ok());
  EXPECT_FALSE(ReservedSpace::Parse("-5%").ok());
  EXPECT_FALSE(ReservedSpace::Parse("99999999999T").ok());
}

TEST(ByteSize, Units) {
  EXPECT_EQ(*ParseByteSize("4k"), 4096);
  EXPECT_EQ(*ParseByteSize("1g"), int64_t{1} << 30);
  EXPECT_EQ(*ParseByteSize("256 MB"), int64_t{256} << 20);
  EXPECT_FALSE(ParseByteSize("1.5G").ok());
}

}  // namespace
}  // namespace nimbus
