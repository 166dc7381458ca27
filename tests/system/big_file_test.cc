// A 1 GiB file streamed up and down, compared by CRC32 and size; neither the
// client nor the servers hold it in memory. NIMBUS_BIG_FILE_MB overrides the
// size (the ASan run uses a smaller one to stay quick).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

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

// Large files written around the page cache replicate byte for byte, at a
// size that is no multiple of the block (the padded tail is truncated away):
// with direct_io_min_size on both members the upload and its replica are
// written with O_DIRECT and the sync worker reads the file with O_DIRECT to
// push it (its unaligned tail through the bounce buffer); with the defaults
// only the replica is (replica_direct_io_min_size, 1MB) and the sync worker
// reads the cached upload.
class DirectWrites : public ::testing::TestWithParam<const char*> {};

TEST_P(DirectWrites, ReplicateByteForByte) {
  TestCluster cluster("direct");
  cluster.StartTracker();
  uint16_t port = TestCluster::SharedPort();
  const std::string extra = GetParam();
  cluster.AddStorage("group1", extra + fmt::format("port = {}\n", port));
  cluster.AddStorage("group1", extra + fmt::format("bind_addr = 127.0.0.2\n"
                                                   "port = {}\n",
                                                   port));
  cluster.WaitActive(2);
  std::string data((20 << 20) + 4097, '\0');
  std::mt19937_64 rng(7);
  for (char& ch : data) ch = static_cast<char>(rng());
  client::Client c(cluster.ClientOpts());
  auto id = c.Upload(client::Source::FromString(data), "bin");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  // group1/M00/HH/LL/NAME lives at <base>/data/HH/LL/NAME on each member.
  const std::string rel = id->substr(id->find('/') + 5);
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  for (size_t i = 0; i < 2; ++i) {
    const std::string path = cluster.storage_base(i) + "/data/" + rel;
    for (int t = 0; t < 300 && read(path).size() != data.size(); ++t) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(read(path) == data) << "storage " << i << ": " << path;
  }
  std::string got;
  ASSERT_TRUE(c.Download(*id, 0, 0, [&](std::string_view chunk) {
                 got.append(chunk);
                 return Status::OK();
               }).ok());
  EXPECT_TRUE(got == data);
}

INSTANTIATE_TEST_SUITE_P(BigFile, DirectWrites,
                         ::testing::Values("direct_io_min_size = 1MB\n", ""),
                         [](const auto& info) {
                           return std::string(info.index == 0
                                                  ? "UploadsAndReplicas"
                                                  : "ReplicasByDefault");
                         });

}  // namespace
}  // namespace nimbus::test
