#include "replication_probe.h"

#include <gtest/gtest.h>

#include "proto/file_name.h"

namespace nimbus::bench {
namespace {

// A well-formed file ID named by the storage at 10.0.0.`host`; `n` makes
// it unique.
std::string Id(int host, uint32_t n) {
  proto::FileNameFields f;
  f.source_ip = (10u << 24) | static_cast<uint32_t>(host);
  f.create_time = 1'800'000'000 + n;
  f.masked_size = 4096;
  f.crc32 = n;
  return "group1/M00/00/00/" + proto::EncodeNameBase(f) + ".bin";
}

TEST(ReplicationProbeTest, KeepsEachThreadsLastFilePerSource) {
  std::vector<std::vector<std::string>> written = {
      {Id(1, 1), Id(2, 2), Id(1, 3), Id(1, 4)},  // thread 0: 1 then 2
      {Id(2, 5), Id(2, 6)},                      // thread 1: 2 only
      {},                                        // thread 2: nothing
      {"not-an-id", Id(1, 7), "group1/M00/00/00/short"},
  };
  std::vector<std::string> got = ReplicationProbe::LastPerSource(written);
  std::vector<std::string> want = {Id(1, 4), Id(2, 2), Id(2, 6), Id(1, 7)};
  EXPECT_EQ(got, want);
}

TEST(ReplicationProbeTest, NothingWrittenNothingToAsk) {
  EXPECT_TRUE(ReplicationProbe::LastPerSource({}).empty());
  EXPECT_TRUE(ReplicationProbe::LastPerSource({{}, {}}).empty());
}

}  // namespace
}  // namespace nimbus::bench
