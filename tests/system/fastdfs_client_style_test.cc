// The stall guard: FastDFS's C client keeps one connection per server open,
// leaves Nagle's algorithm on and sends a request's header and its content in
// two writes. A server that does not acknowledge the header at once makes the
// client's kernel hold the content for Linux's delayed-ACK time (40 ms or
// more) on every request after the first few: 200 uploads then take 8 s
// instead of a fraction of one (docs/performance.md section 21). These tests
// drive real servers with FastdfsStyleClient, which has those habits; each
// loop of 200 requests must finish within 2 s, about 20x what it takes here
// under ASan and 4x less than the stall would cost.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fastdfs_style_client.h"
#include "proto/metadata.h"
#include "test_cluster.h"

namespace nimbus::test {
namespace {

using bench::FastdfsStyleClient;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kRequests = 200;
constexpr auto kBound = 2s;

class FastdfsClientStyle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new TestCluster("fdfsstyle");
    cluster_->StartTracker();
    // Two members of one group, replication on, as in the field.
    const std::string port =
        "port = " + std::to_string(TestCluster::SharedPort()) + "\n";
    cluster_->AddStorage("group1", port);
    cluster_->AddStorage("group1", "bind_addr = 127.0.0.2\n" + port);
    cluster_->WaitActive(2);
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "the shared cluster did not start\n");
      delete cluster_;
      std::exit(1);
    }
  }
  static void TearDownTestSuite() { delete cluster_; }

  FastdfsStyleClient NewClient() const {
    return FastdfsStyleClient({{"127.0.0.1", cluster_->tracker_port()}}, 10s);
  }
  static std::string Payload(int i) {
    std::string s(4096, '\0');
    for (size_t k = 0; k < s.size(); ++k) {
      s[k] = static_cast<char>((k * 131 + static_cast<size_t>(i)) & 0xff);
    }
    return s;
  }

  static TestCluster* cluster_;
};
TestCluster* FastdfsClientStyle::cluster_ = nullptr;

TEST_F(FastdfsClientStyle, PooledUploadsAndDownloadsAreNotHeldBack) {
  FastdfsStyleClient c = NewClient();
  std::vector<std::string> ids;
  auto start = Clock::now();
  for (int i = 0; i < kRequests; ++i) {
    auto id = c.Upload(Payload(i), "bin", "group1");
    ASSERT_TRUE(id.ok()) << i << ": " << id.status().ToString();
    ids.push_back(*id);
  }
  auto uploads = Clock::now() - start;
  // One kept connection per server: the tracker and the storages it chose.
  EXPECT_LE(c.connects(), 3);
  EXPECT_LT(uploads, kBound)
      << "200 uploads took " << std::chrono::duration<double>(uploads).count()
      << " s";

  start = Clock::now();
  std::string data;
  for (int i = 0; i < kRequests; ++i) {
    Status s = c.Download(ids[static_cast<size_t>(i)], &data);
    ASSERT_TRUE(s.ok()) << i << ": " << s.ToString();
    ASSERT_EQ(data, Payload(i)) << i;
  }
  auto downloads = Clock::now() - start;
  EXPECT_LT(downloads, kBound)
      << "200 downloads took "
      << std::chrono::duration<double>(downloads).count() << " s";
  EXPECT_LE(c.connects(), 3);
  for (const std::string& id : ids) EXPECT_TRUE(c.Delete(id).ok()) << id;
}

// Append and set-metadata send their content in a second write too.
TEST_F(FastdfsClientStyle, PooledAppendsAndMetadataUpdatesAreNotHeldBack) {
  FastdfsStyleClient c = NewClient();
  auto id = c.Upload("", "log", "group1", /*appender=*/true);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::string piece(1024, 'a');
  auto start = Clock::now();
  for (int i = 0; i < kRequests; ++i) {
    Status s = c.Append(*id, piece);
    ASSERT_TRUE(s.ok()) << i << ": " << s.ToString();
  }
  auto appends = Clock::now() - start;
  EXPECT_LT(appends, kBound)
      << "200 appends took " << std::chrono::duration<double>(appends).count()
      << " s";
  std::string data;
  ASSERT_TRUE(c.Download(*id, &data).ok());
  EXPECT_EQ(data.size(), piece.size() * kRequests);

  start = Clock::now();
  for (int i = 0; i < kRequests; ++i) {
    std::string packed =
        proto::PackMetadata({{"width", std::to_string(i)}, {"height", "768"}});
    Status s = c.SetMetadata(*id, packed);
    ASSERT_TRUE(s.ok()) << i << ": " << s.ToString();
  }
  auto updates = Clock::now() - start;
  EXPECT_LT(updates, kBound)
      << "200 metadata updates took "
      << std::chrono::duration<double>(updates).count() << " s";
  EXPECT_LE(c.connects(), 3);
  EXPECT_TRUE(c.Delete(*id).ok());
}

}  // namespace
}  // namespace nimbus::test
