// The nimbus CLI as scripts use it: outputs and exit codes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "direct_request.h"
#include "proto/command.h"
#include "proto/tracker_messages.h"
#include "test_cluster.h"

namespace nimbus::test {
namespace {

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.StartTracker();
    cluster_.AddStorage("group1");
    cluster_.AddStorage("group2");
    cluster_.WaitActive(2);
  }
  std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }
  std::string WriteFile(const std::string& name, const std::string& data) {
    std::string p = cluster_.dir() + "/" + name;
    std::ofstream(p, std::ios::binary) << data;
    return p;
  }
  TestCluster cluster_{"cli"};
};

TEST_F(Cli, UploadDownloadInfoMetaDelete) {
  std::string data(300000, '\0');
  std::mt19937 rng(7);
  for (char& ch : data) ch = static_cast<char>(rng());
  std::string src = WriteFile("photo.jpg", data);
  std::string out;
  ASSERT_EQ(cluster_.RunCli("upload " + src, &out), 0);
  std::string id = Trim(out);
  EXPECT_NE(id.find(".jpg"), std::string::npos) << id;
  std::string dst = cluster_.dir() + "/copy.jpg";
  ASSERT_EQ(cluster_.RunCli("download " + id + " " + dst, &out), 0);
  std::ifstream in(dst, std::ios::binary);
  std::string back((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(back, data);

  ASSERT_EQ(cluster_.RunCli("info --json " + id, &out), 0);
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["source_ip"], "127.0.0.1");
  EXPECT_EQ(j["file_size"], 300000);
  EXPECT_EQ(j["crc32"].get<uint32_t>(),
            crc32(0, reinterpret_cast<const Bytef*>(data.data()), data.size()));
  EXPECT_LE(std::abs(j["create_timestamp"].get<int64_t>() - std::time(nullptr)),
            5);

  ASSERT_EQ(cluster_.RunCli("meta set " + id + " width=640 height=480", &out),
            0);
  ASSERT_EQ(cluster_.RunCli("meta set --merge " + id + " height=481", &out), 0);
  ASSERT_EQ(cluster_.RunCli("meta get " + id, &out), 0);
  EXPECT_EQ(out, "width=640\nheight=481\n");
  ASSERT_EQ(
      cluster_.RunCli("download " + id + " - --offset 10 --length 5", &out), 0);
  EXPECT_EQ(out, data.substr(10, 5));
  ASSERT_EQ(cluster_.RunCli("delete " + id, &out), 0);
  EXPECT_EQ(cluster_.RunCli("delete " + id + " 2>/dev/null", &out), 3);
  EXPECT_EQ(cluster_.RunCli("download " + id + " - 2>/dev/null", &out), 3);
}

TEST_F(Cli, AppenderAndSlaveCommands) {
  std::string out;
  std::string a = WriteFile("a.log", "hello");
  ASSERT_EQ(cluster_.RunCli("upload-appender " + a, &out), 0);
  std::string id = Trim(out);
  ASSERT_EQ(
      cluster_.RunCli("append " + id + " " + WriteFile("b", " world"), &out),
      0);
  ASSERT_EQ(cluster_.RunCli("modify " + id + " 0 " + WriteFile("c", "J"), &out),
            0);
  ASSERT_EQ(cluster_.RunCli("truncate " + id + " 9", &out), 0);
  ASSERT_EQ(cluster_.RunCli("download " + id + " -", &out), 0);
  EXPECT_EQ(out, "Jello wor");
  ASSERT_EQ(cluster_.RunCli("regenerate " + id, &out), 0);
  std::string normal = Trim(out);
  ASSERT_EQ(cluster_.RunCli("info " + normal, &out), 0);
  EXPECT_NE(out.find("file size: 9"), std::string::npos) << out;
  ASSERT_EQ(cluster_.RunCli("upload-slave " + normal + " " +
                                WriteFile("t", "thumb") + " --prefix _t",
                            &out),
            0);
  EXPECT_NE(out.find("_t.log"), std::string::npos) << out;
}

// `nimbus download ID /dev/null` and downloads into pipes write in place:
// the temp-file-and-rename that protects regular files must never replace a
// device node or a FIFO. Through a symbolic link the linked file is
// replaced and the link stays; a directory is refused and left alone.
TEST_F(Cli, DownloadIntoFifosLinksAndDirectories) {
  namespace fs = std::filesystem;
  std::string data(200000, '\0');
  std::mt19937 rng(11);
  for (char& ch : data) ch = static_cast<char>(rng());
  std::string out;
  ASSERT_EQ(cluster_.RunCli("upload " + WriteFile("f.bin", data), &out), 0);
  std::string id = Trim(out);

  // A FIFO, read by this process: opened read-write so that opening it never
  // blocks, and every read waits at most 10 s (a FIFO replaced by a file
  // gets no bytes).
  const std::string fifo = cluster_.dir() + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  int fd = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::string got;
  std::thread reader([&] {
    char buf[65536];
    while (got.size() < data.size()) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10000) != 1) break;
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
  });
  int rc = cluster_.RunCli("download " + id + " " + fifo, &out);
  reader.join();
  ::close(fd);
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(got == data) << got.size() << " bytes came through the FIFO";
  EXPECT_TRUE(fs::is_fifo(fifo)) << "the FIFO was replaced";

  // A symbolic link to a file: the file gets the bytes, the link stays.
  const std::string real = WriteFile("real.bin", "old");
  const std::string link = cluster_.dir() + "/link.bin";
  fs::create_symlink(real, link);
  ASSERT_EQ(cluster_.RunCli("download " + id + " " + link, &out), 0);
  EXPECT_TRUE(fs::is_symlink(link));
  std::ifstream in(real, std::ios::binary);
  std::string back((std::istreambuf_iterator<char>(in)), {});
  EXPECT_TRUE(back == data);

  // A directory: usage error, nothing written in or beside it.
  const std::string dir = cluster_.dir() + "/adir";
  fs::create_directory(dir);
  EXPECT_EQ(
      cluster_.RunCli("download " + id + " " + dir + " 2>/dev/null", &out), 2);
  EXPECT_TRUE(fs::is_empty(dir));
  for (const auto& e : fs::directory_iterator(cluster_.dir())) {
    EXPECT_EQ(e.path().string().find("nimbus-part"), std::string::npos)
        << e.path();
  }
}

TEST_F(Cli, MonitorJsonListsGroupsAndStates) {
  std::string out;
  ASSERT_EQ(cluster_.RunCli("monitor --json", &out), 0);
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["groups"].size(), 2u);
  EXPECT_EQ(j["groups"][0]["group"], "group1");
  EXPECT_EQ(j["groups"][0]["storages"][0]["state"], "ACTIVE");
  EXPECT_GT(j["groups"][1]["storages"][0]["free_mb"].get<int64_t>(), 0);
  ASSERT_EQ(cluster_.RunCli("monitor", &out), 0);
  EXPECT_NE(out.find("ACTIVE"), std::string::npos);
}

TEST_F(Cli, ExitCodesForScripts) {
  std::string out;
  EXPECT_EQ(cluster_.RunCli("download not/a/valid/id - 2>/dev/null", &out), 2);
  EXPECT_EQ(cluster_.RunCli("upload /nonexistent/file 2>/dev/null", &out), 3);
  EXPECT_EQ(cluster_.RunCli("frobnicate 2>/dev/null", &out), 2);
  EXPECT_EQ(cluster_.RunCli(
                "upload " + WriteFile("x", "x") + " --group nosuch 2>/dev/null",
                &out),
            3);
  EXPECT_EQ(std::system((std::string(NIMBUS_CLI_BIN) +
                         " --tracker 127.0.0.1:1 --connect-timeout 1 monitor "
                         "2>/dev/null")
                            .c_str()) >>
                8,
            5);
}

// `fdfs_monitor delete` and `delete_group`: refused while the storage is
// up, done once it is stopped; the group goes once its member is deleted.
TEST_F(Cli, MonitorDeleteRemovesAStoppedStorageThenItsGroup) {
  std::string out;
  EXPECT_EQ(
      cluster_.RunCli("monitor delete group2 127.0.0.1 2>/dev/null", &out), 6);
  EXPECT_EQ(cluster_.RunCli("monitor delete-group group2 2>/dev/null", &out),
            6);
  EXPECT_EQ(
      cluster_.RunCli("monitor delete group9 127.0.0.1 2>/dev/null", &out), 3);
  cluster_.StopStorage(1);
  std::string state;
  for (int i = 0; i < 100 && state != "OFFLINE"; ++i) {
    ASSERT_EQ(cluster_.RunCli("monitor --json", &out), 0);
    state = nlohmann::json::parse(out)["groups"][1]["storages"][0]["state"];
    if (state != "OFFLINE") {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_EQ(state, "OFFLINE");
  ASSERT_EQ(cluster_.RunCli("monitor delete group2 127.0.0.1", &out), 0) << out;
  ASSERT_EQ(cluster_.RunCli("monitor --json", &out), 0);
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["groups"][1]["storages"][0]["state"], "DELETED");
  ASSERT_EQ(cluster_.RunCli("monitor delete-group group2", &out), 0) << out;
  ASSERT_EQ(cluster_.RunCli("monitor --json", &out), 0);
  j = nlohmann::json::parse(out);
  ASSERT_EQ(j["groups"].size(), 1u);
  EXPECT_EQ(j["groups"][0]["group"], "group1");
  EXPECT_EQ(cluster_.RunCli("monitor delete-group group2 2>/dev/null", &out),
            3);
  // FastDFS's trunk server does not exist here: a clear refusal.
  EXPECT_EQ(Ask("127.0.0.1", cluster_.tracker_port(),
                proto::kServerSetTrunkServer, proto::EncodeGroup("group1"))
                .status,
            EOPNOTSUPP);
}

}  // namespace
}  // namespace nimbus::test
