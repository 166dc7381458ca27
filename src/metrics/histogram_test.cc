#include "metrics/histogram.h"

#include <gtest/gtest.h>

namespace nimbus::metrics {
namespace {

TEST(Histogram, BucketsAreCumulativeAndBoundsInclusive) {
  Histogram h;
  h.Observe(0.0001);  // first bucket
  h.Observe(0.001);   // exactly a bound: counts in that bucket (le)
  h.Observe(0.003);
  h.Observe(100);  // only +Inf
  h.Observe(-1);   // clamped to 0
  auto s = h.Read();
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.cumulative[0], 2u);  // 0.0001 and the clamped -1
  EXPECT_EQ(s.cumulative[2], 3u);  // le 0.001
  EXPECT_EQ(s.cumulative[4], 4u);  // le 0.005
  EXPECT_EQ(s.cumulative.back(), 4u);
  EXPECT_NEAR(s.sum, 100.0041, 1e-6);
}

}  // namespace
}  // namespace nimbus::metrics
