#include "common/crc32.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>

namespace nimbus {
namespace {

uint32_t Zlib(const std::string& s) {
  return static_cast<uint32_t>(crc32(0L,
                                     reinterpret_cast<const Bytef*>(s.data()),
                                     static_cast<uInt>(s.size())));
}

TEST(Crc32, KnownValues) {
  EXPECT_EQ(Crc32(kCrc32Init, "", 0), 0u);
  EXPECT_EQ(Crc32(kCrc32Init, "hello", 5), 0x3610a686u);
  EXPECT_EQ(Crc32(kCrc32Init, "123456789", 9), 0xcbf43926u);
}

// File names made by FastDFS (zlib) and by Nimbus must carry the same CRC,
// whatever the length, alignment and chunking of the input.
TEST(Crc32, MatchesZlibForEveryLengthAlignmentAndSplit) {
  std::mt19937 rng(7);
  std::string buf(300000, '\0');
  for (char& ch : buf) ch = static_cast<char>(rng());
  for (size_t len :
       {1,   2,   3,   7,   8,    15,   16,   17,   31,    63,     64,    65,
        127, 128, 255, 256, 1000, 4095, 4096, 4097, 65536, 262144, 299990}) {
    for (size_t align = 0; align < 8; ++align) {
      std::string s = buf.substr(align, len);
      uint32_t want = Zlib(s);
      ASSERT_EQ(Crc32(kCrc32Init, buf.data() + align, len), want)
          << len << " at +" << align;
      size_t cut = len / 3;
      uint32_t chained = Crc32(kCrc32Init, s.data(), cut);
      chained = Crc32(chained, s.data() + cut, len - cut);
      ASSERT_EQ(chained, want) << len << " split at " << cut;
    }
  }
}

}  // namespace
}  // namespace nimbus
