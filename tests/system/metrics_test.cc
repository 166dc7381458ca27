// /metrics and /healthz of live servers: the numbers follow what clients
// did, the text passes `promtool check metrics`, and bad HTTP gets a clean
// error.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "test_cluster.h"

namespace nimbus::test {
namespace {

std::string Get(uint16_t port, const std::string& path) {
  return HttpExchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
}

std::string Body(const std::string& resp) {
  size_t p = resp.find("\r\n\r\n");
  return p == std::string::npos ? "" : resp.substr(p + 4);
}

// Runs promtool's linter on `text`; returns its exit status and output.
int Promtool(const std::string& text, std::string* out) {
  char path[] = "/tmp/nimbus_metrics_XXXXXX";
  int fd = ::mkstemp(path);
  ::close(fd);
  std::ofstream(path) << text;
  std::string cmd = std::string("promtool check metrics < ") + path + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), p)) > 0;) {
    out->append(buf, n);
  }
  int rc = ::pclose(p);
  ::unlink(path);
  return rc;
}

class Metrics : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.StartTracker();
    cluster_.AddStorage("group1", "file_count_interval = 1\n");
    cluster_.WaitActive(1);
  }
  TestCluster cluster_{"metrics"};
};

TEST_F(Metrics, StorageAndTrackerReportWhatHappened) {
  client::Client c(cluster_.ClientOpts());
  std::string data(5000, 'm');
  auto id = c.Upload(client::Source::FromString(data), "bin");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(c.DownloadToString(*id).ok());
  EXPECT_FALSE(c.DownloadToString("group1/M00/00/00/"
                                  "fwAAAWsGAvmAXGoHAAAH0CaLsJA358.bin")
                   .ok());

  // A reply sent from a disk thread (a small upload) can reach the client
  // a moment before its request is counted.
  const std::string missed_download =
      "nimbus_storage_requests_total{command=\"DOWNLOAD_FILE\",status=\"2\"} "
      "1\n";
  const std::string upload_duration =
      "nimbus_storage_request_duration_seconds_count{command=\"UPLOAD_FILE\"} "
      "1\n";
  std::string s;
  for (int i = 0; i < 50; ++i) {
    s = Body(Get(cluster_.storage_metrics_port(0), "/metrics"));
    if (s.find(missed_download) != std::string::npos &&
        s.find(upload_duration) != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(s.find("nimbus_storage_requests_total{command=\"UPLOAD_FILE\","
                   "status=\"0\"} 1\n"),
            std::string::npos)
      << s.substr(0, 2000);
  EXPECT_NE(s.find(missed_download), std::string::npos);
  EXPECT_NE(s.find("nimbus_storage_upload_bytes_total 5000\n"),
            std::string::npos);
  EXPECT_NE(s.find(upload_duration), std::string::npos);
  EXPECT_NE(s.find("nimbus_storage_path_free_bytes{"), std::string::npos);
  // Files stored, counted every second here: the upload, with metadata.
  ASSERT_TRUE(c.SetMetadata(*id, {{"k", "v"}}, 'O').ok());
  const std::string one = "nimbus_storage_files{path=\"" +
                          cluster_.storage_base(0) + "\",index=\"0\"} 1\n";
  bool counted = false;
  for (int i = 0; i < 40 && !counted; ++i) {
    counted =
        Body(Get(cluster_.storage_metrics_port(0), "/metrics")).find(one) !=
        std::string::npos;
    if (!counted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(counted) << one;
  s = Body(Get(cluster_.storage_metrics_port(0), "/metrics"));

  std::string t = Body(Get(cluster_.tracker_metrics_port(), "/metrics"));
  EXPECT_NE(t.find("nimbus_tracker_storages{group=\"group1\",state=\"ACTIVE\"}"
                   " 1\n"),
            std::string::npos)
      << t.substr(0, 2000);
  EXPECT_NE(t.find("nimbus_tracker_is_leader 1\n"), std::string::npos);
  EXPECT_NE(t.find("nimbus_tracker_requests_total{command=\"QUERY_STORE_"
                   "WITHOUT_GROUP_ONE\",status=\"0\"} 1\n"),
            std::string::npos);

  for (const std::string* text : {&s, &t}) {
    std::string lint;
    int rc = Promtool(*text, &lint);
    EXPECT_EQ(rc, 0) << "promtool check metrics (is the prometheus package "
                        "installed? scripts/install-deps.sh does it):\n"
                     << lint;
  }
}

TEST_F(Metrics, HealthAndBadRequests) {
  uint16_t port = cluster_.storage_metrics_port(0);
  std::string ok = Get(port, "/healthz");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << ok;
  EXPECT_EQ(Body(ok), "ok\n");
  EXPECT_EQ(Get(port, "/nope").rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_EQ(HttpExchange(port, "POST /metrics HTTP/1.1\r\n\r\n")
                .rfind("HTTP/1.1 405", 0),
            0u);
  EXPECT_EQ(HttpExchange(port, "hello\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  std::string huge = "GET /" + std::string(10000, 'a') + " HTTP/1.1\r\n\r\n";
  EXPECT_EQ(HttpExchange(port, huge).rfind("HTTP/1.1 431", 0), 0u);
  std::string head = HttpExchange(port, "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(Body(head), "");
  EXPECT_NE(head.find("Content-Length: "), std::string::npos);
  // The server still serves its clients.
  client::Client c(cluster_.ClientOpts());
  EXPECT_TRUE(c.Upload(client::Source::FromString("after"), "txt").ok());
}

}  // namespace
}  // namespace nimbus::test
