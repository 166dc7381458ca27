#include "common/aligned_buffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace nimbus {
namespace {

TEST(AlignedBuffer, StartsOnABlockBoundaryAndHoldsItsSize) {
  for (size_t size : {size_t{1}, size_t{4095}, size_t{4096}, size_t{12345},
                      size_t{1} << 20}) {
    AlignedBuffer b(size);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % AlignedBuffer::kAlign,
              0u);
    EXPECT_EQ(b.size(), size);
    std::memset(b.data(), 0x5a, b.size());  // all of it is writable
    EXPECT_EQ(b.data()[size - 1], 0x5a);
  }
  AlignedBuffer empty(0);  // still a valid, aligned pointer
  EXPECT_EQ(empty.size(), 1u);
  EXPECT_NE(empty.data(), nullptr);
}

}  // namespace
}  // namespace nimbus
