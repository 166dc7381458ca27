// Restarting the tracker and storages (cleanly and with kill -9) keeps every
// file readable, and a restarted tracker still knows its storages.
#include <fmt/format.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/crc32.h"
#include "proto/file_name.h"
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

// A small upload is written straight under its name, so a kill -9 can
// leave one cut short and unlogged (never acknowledged: the reply follows
// the binlog record). The next start removes it; an unlogged file whose
// bytes match its name is logged and so reaches the group's other storage.
TEST(Restart, AFileAKillCutShortIsRemovedAndAWholeOneIsAdopted) {
  TestCluster cluster("torn");
  cluster.StartTracker();
  const std::string port = "port = " + std::to_string(cluster.SharedPort());
  cluster.AddStorage("group1", port + "\n");
  cluster.AddStorage("group1", "bind_addr = 127.0.0.2\n" + port + "\n");
  cluster.WaitActive(2);
  client::Client c(cluster.ClientOpts());
  auto seed = c.Upload(Source::FromString("seed"), "txt");
  ASSERT_TRUE(seed.ok()) << seed.status().ToString();
  // The scan looks only near the binlog's last record: storage 0 must have
  // one, whichever storage took the upload.
  const std::string seed_on_0 =
      cluster.storage_base(0) + "/data/" + seed->substr(seed->find('/') + 5);
  for (int t = 0; t < 100 && !std::filesystem::exists(seed_on_0); ++t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(std::filesystem::exists(seed_on_0));
  cluster.StopStorage(0, SIGKILL);

  const std::string content = "the whole of a file left unlogged";
  auto plant = [&](const std::string& bytes, uint32_t random) {
    proto::FileNameFields f;
    f.source_ip = *proto::ParseIpv4("127.0.0.1");
    f.create_time = static_cast<uint32_t>(std::time(nullptr));
    f.crc32 = Crc32(kCrc32Init, content.data(), content.size());
    f.masked_size = proto::MaskFileSize(static_cast<int64_t>(content.size()),
                                        false, random);
    std::string name =
        proto::EncodeNameBase(f) + proto::FormatNameSuffix("txt", random);
    std::filesystem::create_directories(cluster.storage_base(0) +
                                        "/data/00/00");
    std::ofstream(cluster.storage_base(0) + "/data/00/00/" + name,
                  std::ios::binary)
        << bytes;
    return "00/00/" + name;
  };
  const std::string torn = plant(content.substr(0, 10), 1);
  const std::string whole = plant(content, 2);
  cluster.RestartStorage(0);
  cluster.WaitActive(2);

  EXPECT_FALSE(
      std::filesystem::exists(cluster.storage_base(0) + "/data/" + torn));
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string on_peer = cluster.storage_base(1) + "/data/" + whole;
  for (int t = 0; t < 300 && read(on_peer) != content; ++t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(read(on_peer), content);
  auto got = c.DownloadToString("group1/M00/" + whole);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, content);
  EXPECT_FALSE(
      std::filesystem::exists(cluster.storage_base(1) + "/data/" + torn));
}

// The "Uid:" or "Gid:" line of /proc/<pid>/status: real, effective, saved,
// filesystem ids.
std::string IdsOf(const std::string& pid_file, const std::string& which) {
  std::string pid = ReadAll(pid_file);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) {
    pid.pop_back();
  }
  std::ifstream in("/proc/" + pid + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(which + ":", 0) == 0) return line;
  }
  return "";
}

// FastDFS's run_by_group / run_by_user: servers started as root switch to
// that account before they create anything, and work as it.
TEST(RunBy, ServersStartedAsRootRunAsTheConfiguredAccount) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to switch accounts";
  const passwd* nobody = getpwnam("nobody");
  const group* nogroup = getgrnam("nogroup");
  ASSERT_TRUE(nobody != nullptr && nogroup != nullptr);
  const uid_t uid = nobody->pw_uid;
  const gid_t gid = nogroup->gr_gid;
  TestCluster cluster("runby");
  ASSERT_EQ(::chown(cluster.dir().c_str(), uid, gid), 0);
  const std::string as = "run_by_group = nogroup\nrun_by_user = nobody\n";
  cluster.StartTracker(as);
  cluster.AddStorage("group1", as);
  cluster.WaitActive(1);
  const std::string ids = fmt::format("\t{}\t{}\t{}\t{}", uid, uid, uid, uid);
  EXPECT_EQ(IdsOf(cluster.dir() + "/tracker/data/nimbus-tracker.pid", "Uid"),
            "Uid:" + ids);
  EXPECT_EQ(IdsOf(cluster.storage_base(0) + "/data/nimbus-storage.pid", "Gid"),
            fmt::format("Gid:\t{}\t{}\t{}\t{}", gid, gid, gid, gid));
  client::Client c(cluster.ClientOpts());
  auto id = c.Upload(Source::FromString("owned by nobody"), "txt");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*c.DownloadToString(*id), "owned by nobody");
  // What they wrote belongs to that account.
  size_t checked = 0;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(cluster.dir())) {
    // The configs and the stderr files are the test's own.
    if (e.path().extension() == ".conf" || e.path().extension() == ".stderr") {
      continue;
    }
    struct stat st {};
    ASSERT_EQ(::lstat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, uid) << e.path();
    ++checked;
  }
  EXPECT_GT(checked, 10u);
  // An account that does not exist is a start-up error, not a root server.
  const std::string conf = cluster.dir() + "/bad.conf";
  std::ofstream(conf) << "base_path = " << cluster.dir()
                      << "/bad\nport = 0\nrun_by_user = no-such-user-nimbus\n";
  std::string cmd = std::string(NIMBUS_TRACKER_BIN) + " " + conf + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  for (char buf[256]; std::fgets(buf, sizeof(buf), p) != nullptr;) out += buf;
  EXPECT_EQ(WEXITSTATUS(::pclose(p)), 1) << out;
  EXPECT_NE(out.find("no-such-user-nimbus"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(cluster.dir() + "/bad"));
}

}  // namespace
}  // namespace nimbus::test
