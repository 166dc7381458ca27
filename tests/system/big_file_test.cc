// A 1 GiB file streamed up and down, compared by CRC32 and size; neither the
// client nor the servers hold it in memory. NIMBUS_BIG_FILE_MB overrides the
// size (the ASan run uses a smaller one to stay quick).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "test_cluster.h"

namespace nimbus::test {
namespace {

TEST(BigFile, StreamedUploadAndDownloadMatch) {
  int64_t mb = 1024;
  if (const char* env = std::getenv("NIMBUS_BIG_FILE_MB")) mb = std::atoll(env);
  TestCluster cluster("big");
  cluster.StartTracker();
  cluster.AddStorage("group1", "buff_size = 1MB\n");
  cluster.WaitActive(1);

  std::string path = cluster.dir() + "/big.bin";
  uLong want = crc32(0, Z_NULL, 0);
  {
    std::ofstream out(path, std::ios::binary);
    std::mt19937_64 rng(42);
    std::vector<uint64_t> block(1 << 17);  // 1 MiB
    for (int64_t i = 0; i < mb; ++i) {
      for (auto& w : block) w = rng();
      const char* p = reinterpret_cast<const char*>(block.data());
      out.write(p, 1 << 20);
      want = crc32(want, reinterpret_cast<const Bytef*>(p), 1 << 20);
    }
  }
  client::Client c(cluster.ClientOpts());
  auto src = client::Source::FromFile(path);
  ASSERT_TRUE(src.ok());
  auto id = c.Upload(*src, "bin");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::filesystem::remove(path);

  auto info = c.Info(*id, true);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, mb << 20);
  EXPECT_EQ(info->crc32, static_cast<uint32_t>(want));

  uLong got = crc32(0, Z_NULL, 0);
  int64_t bytes = 0;
  Status s = c.Download(*id, 0, 0, [&](std::string_view chunk) {
    got = crc32(got, reinterpret_cast<const Bytef*>(chunk.data()),
                static_cast<uInt>(chunk.size()));
    bytes += static_cast<int64_t>(chunk.size());
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(bytes, mb << 20);
  EXPECT_EQ(got, want);
  EXPECT_TRUE(c.Delete(*id).ok());
}

}  // namespace
}  // namespace nimbus::test
