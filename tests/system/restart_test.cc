// Restarting the tracker and storages (cleanly and with kill -9) keeps every
// file readable, and a restarted tracker still knows its storages.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "test_cluster.h"

namespace nimbus::test {
namespace {

using client::Source;

TEST(Restart, FilesSurviveTrackerAndStorageRestarts) {
  TestCluster cluster("restart");
  cluster.StartTracker();
  cluster.AddStorage("group1");
  cluster.AddStorage("group2");
  cluster.WaitActive(2);
  std::map<std::string, std::string> files;
  {
    client::Client c(cluster.ClientOpts());
    for (int i = 0; i < 20; ++i) {
      std::string data =
          "file-" + std::to_string(i) + std::string(i * 1000, 'z');
      auto id = c.Upload(Source::FromString(data), "dat");
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      files[*id] = data;
    }
  }
  // Stop everything; the tracker comes back first, alone.
  cluster.StopStorage(0, SIGTERM);
  cluster.StopStorage(1, SIGKILL);
  cluster.StopTracker(SIGTERM);
  cluster.RestartTracker();
  std::string out;
  ASSERT_EQ(cluster.RunCli("monitor --json", &out), 0);
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["groups"].size(), 2u) << "restarted tracker forgot its groups";
  EXPECT_EQ(j["groups"][0]["storages"][0]["state"], "OFFLINE");
  EXPECT_EQ(j["groups"][1]["storages"][0]["state"], "OFFLINE");

  cluster.RestartStorage(0);
  cluster.RestartStorage(1);
  cluster.WaitActive(2);
  client::Client c(cluster.ClientOpts());
  for (const auto& [id, data] : files) {
    auto got = c.DownloadToString(id);
    ASSERT_TRUE(got.ok()) << id << ": " << got.status().ToString();
    EXPECT_EQ(*got, data);
  }
}

TEST(Restart, KilledStorageIsMarkedOfflineAndRejoins) {
  TestCluster cluster("offline");
  cluster.StartTracker();
  cluster.AddStorage("group1");
  cluster.WaitActive(1);
  cluster.StopStorage(0, SIGKILL);
  client::Client c(cluster.ClientOpts());
  bool offline = false;
  for (int i = 0; i < 100 && !offline; ++i) {
    auto st = c.ListStorages("group1");
    offline = st.ok() && st->at(0).status == 5;
    if (!offline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(offline);
  EXPECT_EQ(c.Upload(Source::FromString("x"), "").status().code(),
            Status::Code::kNotFound);
  cluster.RestartStorage(0);
  cluster.WaitActive(1);
  EXPECT_TRUE(c.Upload(Source::FromString("x"), "").ok());
}

}  // namespace
}  // namespace nimbus::test
