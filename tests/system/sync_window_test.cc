// FastDFS's sync_start_time / sync_end_time: a storage sends its changes to
// its peers only within those hours. Outside them its new files stay on it
// alone (and are found there), while it still receives its peers'; once
// the window is open the backlog goes out.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

#include "direct_request.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/storage_messages.h"
#include "test_cluster.h"

namespace nimbus::test {
namespace {

std::string Upload(const std::string& ip, uint16_t port,
                   const std::string& data) {
  const std::string body =
      proto::EncodeUploadPrefix({0, static_cast<int64_t>(data.size()), "txt"}) +
      data;
  Direct d = Ask(ip, port, proto::kUploadFile, body);
  if (d.status != 0 || d.body.size() <= proto::kGroupNameLen) return "";
  return d.body.substr(0, d.body.find('\0')) + "/" +
         d.body.substr(proto::kGroupNameLen);
}

TEST(SyncWindow, ChangesWaitOutsideTheHoursAndGoOutWhenTheyOpen) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  const int now = tm.tm_hour * 60 + tm.tm_min;
  // A one-minute window five minutes from now: closed for this test.
  const int start = (now + 5) % 1440, end = (now + 6) % 1440;
  TestCluster cluster("sync_window");
  cluster.StartTracker();
  const uint16_t port = TestCluster::SharedPort();
  cluster.AddStorage(
      "group1", fmt::format("port = {}\nsync_start_time = {:02}:{:02}\n"
                            "sync_end_time = {:02}:{:02}\n",
                            port, start / 60, start % 60, end / 60, end % 60));
  cluster.AddStorage("group1",
                     fmt::format("bind_addr = 127.0.0.2\nport = {}\n", port));
  cluster.WaitActive(2);

  const std::string held = Upload("127.0.0.1", port, "held back");
  const std::string sent = Upload("127.0.0.2", port, "sent at once");
  ASSERT_FALSE(held.empty());
  ASSERT_FALSE(sent.empty());
  // The other direction is not limited.
  EXPECT_TRUE(OnBothStorages([&](const std::string& ip) {
    return Fetch(ip, port, sent).body == "sent at once";
  }));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(Fetch("127.0.0.1", port, held).body, "held back");
  EXPECT_EQ(Fetch("127.0.0.2", port, held).status, ENOENT);

  // The metric the lag alert is silenced by.
  auto open_metric = [&](size_t i) {
    const std::string m =
        HttpExchange(cluster.storage_metrics_port(i),
                     "GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n",
                     i == 0 ? "127.0.0.1" : "127.0.0.2");
    const std::string name = "\nnimbus_storage_sync_window_open ";
    size_t at = m.find(name);
    return at == std::string::npos ? std::string("missing")
                                   : m.substr(at + name.size(), 1);
  };
  EXPECT_EQ(open_metric(0), "0");
  EXPECT_EQ(open_metric(1), "1");

  // Open all day: the backlog goes out.
  std::ofstream(cluster.dir() + "/storage0.conf", std::ios::app)
      << "sync_start_time = 00:00\nsync_end_time = 23:59\n";
  cluster.StopStorage(0);
  cluster.RestartStorage(0);
  EXPECT_TRUE(OnBothStorages([&](const std::string& ip) {
    return Fetch(ip, port, held).body == "held back";
  }));
}

}  // namespace
}  // namespace nimbus::test
