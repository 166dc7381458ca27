// The stall guard: FastDFS's C client keeps one connection per server open,
// leaves Nagle's algorithm on and sends a request's header and its content in
// two writes. A server that does not acknowledge the header at once makes the
// client's kernel hold the content for Linux's delayed-ACK time (40 ms or
// more) on every request after the first few: 200 uploads then take 8 s
// instead of a fraction of one (docs/performance.md section 21). These tests
// drive real servers with FastdfsStyleClient, which has those habits. Each
// loop of 200 requests must finish within 2 s (the bound; about
// 0.15 s here, 8.7 s with the stall; 6 s in a sanitizer build, where a loop
// takes 0.4-0.6 s under CI's parallel load), and its median request within
// 20 ms: with the stall every request takes 40 ms or more.
#include <gtest/gtest.h>

#include <algorithm>
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
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr auto kBound = 6s;
#else
constexpr auto kBound = 2s;
#endif
constexpr auto kMedianBound = 20ms;

// Times each of kRequests calls of `op(i)` (which asserts its own result):
// the whole loop and its median request.
struct Timing {
  Clock::duration total{};
  Clock::duration median{};
};
template <typename Op>
Timing Time(Op op) {
  std::vector<Clock::duration> each;
  const auto start = Clock::now();
  for (int i = 0; i < kRequests; ++i) {
    const auto t0 = Clock::now();
    op(i);
    each.push_back(Clock::now() - t0);
  }
  Timing t;
  t.total = Clock::now() - start;
  std::nth_element(each.begin(), each.begin() + kRequests / 2, each.end());
  t.median = each[kRequests / 2];
  return t;
}

void ExpectNotHeldBack(const Timing& t, const char* what) {
  auto ms = [](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  EXPECT_LT(t.total, kBound)
      << kRequests << " " << what << " took " << ms(t.total) << " ms";
  EXPECT_LT(t.median, kMedianBound)
      << "median " << what << " request: " << ms(t.median) << " ms";
}

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
  std::vector<std::string> ids(kRequests);
  ExpectNotHeldBack(Time([&](int i) {
                      auto id = c.Upload(Payload(i), "bin", "group1");
                      ASSERT_TRUE(id.ok())
                          << i << ": " << id.status().ToString();
                      ids[static_cast<size_t>(i)] = *id;
                    }),
                    "uploads");
  // One kept connection per server: the tracker and the storages it chose.
  EXPECT_LE(c.connects(), 3);
  ASSERT_FALSE(HasFailure());

  std::string data;
  ExpectNotHeldBack(Time([&](int i) {
                      Status s = c.Download(ids[static_cast<size_t>(i)], &data);
                      ASSERT_TRUE(s.ok()) << i << ": " << s.ToString();
                      ASSERT_EQ(data, Payload(i)) << i;
                    }),
                    "downloads");
  EXPECT_LE(c.connects(), 3);
  for (const std::string& id : ids) EXPECT_TRUE(c.Delete(id).ok()) << id;
}

// Append and set-metadata send their content in a second write too.
TEST_F(FastdfsClientStyle, PooledAppendsAndMetadataUpdatesAreNotHeldBack) {
  FastdfsStyleClient c = NewClient();
  auto id = c.Upload("", "log", "group1", /*appender=*/true);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::string piece(1024, 'a');
  ExpectNotHeldBack(Time([&](int i) {
                      Status s = c.Append(*id, piece);
                      ASSERT_TRUE(s.ok()) << i << ": " << s.ToString();
                    }),
                    "appends");
  std::string data;
  ASSERT_TRUE(c.Download(*id, &data).ok());
  EXPECT_EQ(data.size(), piece.size() * kRequests);

  ExpectNotHeldBack(Time([&](int i) {
                      std::string packed = proto::PackMetadata(
                          {{"width", std::to_string(i)}, {"height", "768"}});
                      Status s = c.SetMetadata(*id, packed);
                      ASSERT_TRUE(s.ok()) << i << ": " << s.ToString();
                    }),
                    "metadata updates");
  EXPECT_LE(c.connects(), 3);
  EXPECT_TRUE(c.Delete(*id).ok());
}

}  // namespace
}  // namespace nimbus::test
