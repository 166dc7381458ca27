#include "latency_recorder.h"

#include <gtest/gtest.h>

namespace nimbus::bench {
namespace {

TEST(LatencyRecorder, NearestRankPercentilesAcrossThreads) {
  std::vector<LatencyRecorder> all(2);
  for (int i = 1; i <= 500; ++i) all[0].Add(i * 1000);
  for (int i = 501; i <= 1000; ++i) all[1].Add(i * 1000);
  LatencySummary s = LatencyRecorder::Summarize(all);
  EXPECT_EQ(s.count, 1000);
  EXPECT_DOUBLE_EQ(s.p50_us, 500);
  EXPECT_DOUBLE_EQ(s.p90_us, 900);
  EXPECT_DOUBLE_EQ(s.p99_us, 990);
  EXPECT_DOUBLE_EQ(s.p999_us, 999);
  EXPECT_DOUBLE_EQ(s.max_us, 1000);
  EXPECT_DOUBLE_EQ(s.mean_us, 500.5);
}

TEST(LatencyRecorder, EmptyAndSingle) {
  std::vector<LatencyRecorder> none(3);
  EXPECT_EQ(LatencyRecorder::Summarize(none).count, 0);
  none[1].Add(7000);
  LatencySummary s = LatencyRecorder::Summarize(none);
  EXPECT_DOUBLE_EQ(s.p50_us, 7);
  EXPECT_DOUBLE_EQ(s.p999_us, 7);
}

}  // namespace
}  // namespace nimbus::bench
