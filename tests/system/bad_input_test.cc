// Hostile and broken requests against live servers: each gets an error or a
// closed connection, leaves no partial or temp file, and the server keeps
// serving (a normal upload afterwards still works).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "common/coding.h"
#include "net/blocking_connection.h"
#include "proto/command.h"
#include "proto/header.h"
#include "proto/storage_messages.h"
#include "proto/tracker_messages.h"
#include "test_cluster.h"

namespace nimbus::test {
namespace {

namespace fs = std::filesystem;
using client::Source;

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.StartTracker();
    cluster_.AddStorage("group1");
    cluster_.WaitActive(1);
  }
  void TearDown() override {
    // The servers still work for everyone else.
    client::Client c(cluster_.ClientOpts());
    auto id = c.Upload(Source::FromString("still fine"), "txt");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_EQ(*c.DownloadToString(*id), "still fine");
  }

  std::unique_ptr<net::BlockingConnection> Connect(uint16_t port) {
    auto c = net::BlockingConnection::Connect("127.0.0.1", port,
                                              std::chrono::milliseconds(2000),
                                              std::chrono::milliseconds(5000));
    EXPECT_TRUE(c.ok());
    return std::move(*c);
  }
  // Sends raw bytes; returns the response status, or -1 if the server
  // closed the connection without one.
  int Send(uint16_t port, const std::string& frame) {
    auto c = Connect(port);
    if (!c->Write(frame).ok()) return -1;
    char h[proto::kHeaderSize];
    if (!c->ReadExact(h, sizeof(h)).ok()) return -1;
    proto::Header hdr = proto::DecodeHeader(h);
    EXPECT_EQ(hdr.cmd, proto::kResp);
    return hdr.status;
  }
  std::string Frame(int64_t len, uint8_t cmd, const std::string& body) {
    std::string f;
    proto::AppendHeader(&f, len, cmd);
    return f + body;
  }
  // Regular files under `dir`, not counting the server's own files
  // (nimbus-storage.port/.pid and the binlog in sync/ sit in base_path/data,
  // as FastDFS's do).
  size_t CountFiles(const std::string& dir) {
    size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() &&
          e.path().filename().string().rfind("nimbus-storage.", 0) != 0 &&
          e.path().parent_path().filename() != "sync") {
        ++n;
      }
    }
    return n;
  }

  TestCluster cluster_{"bad"};
};

TEST_F(BadInput, MalformedHeadersAndLengths) {
  uint16_t sp = cluster_.storage_port(0);
  uint16_t tp = cluster_.tracker_port();
  EXPECT_EQ(Send(sp, Frame(-1, proto::kDownloadFile, "")), EINVAL);
  EXPECT_EQ(Send(tp, Frame(-5, proto::kQueryStoreWithoutGroupOne, "")), EINVAL);
  EXPECT_EQ(Send(tp, Frame(int64_t{1} << 40, proto::kListOneGroup, "")),
            EINVAL);
  EXPECT_EQ(Send(sp, Frame(int64_t{1} << 40, proto::kDeleteFile, "")), EINVAL);
  EXPECT_EQ(Send(sp, Frame(3, proto::kUploadFile, "abc")), EINVAL);  // < prefix
  EXPECT_EQ(Send(sp, Frame(0, 250, "")), EINVAL);                    // unknown
  EXPECT_EQ(Send(tp, Frame(0, 7, "")), EINVAL);
  EXPECT_EQ(Send(sp, Frame(0, proto::kQueryFetchOne, "")),
            EINVAL);  // tracker cmd
}

TEST_F(BadInput, UploadSizeDisagreeingWithPackageLength) {
  std::string prefix = proto::EncodeUploadPrefix({0, 100, "txt"});
  EXPECT_EQ(Send(cluster_.storage_port(0),
                 Frame(15 + 10, proto::kUploadFile, prefix + "0123456789")),
            EINVAL);
}

TEST_F(BadInput, TruncatedBodyThenClose) {
  auto c = Connect(cluster_.tracker_port());
  ASSERT_TRUE(c->Write(Frame(16, proto::kQueryStoreWithGroupOne, "grou")).ok());
  c->Close();
  auto s = Connect(cluster_.storage_port(0));
  ASSERT_TRUE(s->Write(Frame(40, proto::kDeleteFile, "group1")).ok());
  s->Close();
}

TEST_F(BadInput, DroppedMidUploadLeavesNoFile) {
  std::string base = cluster_.storage_base(0);
  {
    auto c = Connect(cluster_.storage_port(0));
    std::string prefix = proto::EncodeUploadPrefix({0, 1 << 20, "bin"});
    ASSERT_TRUE(
        c->Write(Frame(15 + (1 << 20), proto::kUploadFile, prefix)).ok());
    ASSERT_TRUE(c->Write(std::string(100000, 'x')).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(CountFiles(base + "/tmp"), 1u);  // the upload in progress
    c->Close();
  }
  for (int i = 0; i < 100 && CountFiles(base + "/tmp") != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(CountFiles(base + "/tmp"), 0u);
  EXPECT_EQ(CountFiles(base + "/data"), 0u);
}

TEST_F(BadInput, KilledMidUploadLeavesNoFileAfterRestart) {
  std::string base = cluster_.storage_base(0);
  auto c = Connect(cluster_.storage_port(0));
  std::string prefix = proto::EncodeUploadPrefix({0, 1 << 20, "bin"});
  ASSERT_TRUE(c->Write(Frame(15 + (1 << 20), proto::kUploadFile, prefix)).ok());
  ASSERT_TRUE(c->Write(std::string(100000, 'x')).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  cluster_.StopStorage(0, SIGKILL);
  EXPECT_EQ(CountFiles(base + "/tmp"), 1u);
  cluster_.RestartStorage(0);
  EXPECT_EQ(CountFiles(base + "/tmp"), 0u);
  EXPECT_EQ(CountFiles(base + "/data"), 0u);
  cluster_.WaitActive(1);
}

TEST_F(BadInput, HostileFileIds) {
  uint16_t sp = cluster_.storage_port(0);
  const char* names[] = {
      "M00/00/00/../../../../etc/passwd",
      "M00/../../../etc/passwd/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JS!7997013",
      "M05/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013",  // no store path 5
      "M00/FF/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013",  // subdir 16 only
      "M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013-m",
  };
  for (const char* n : names) {
    EXPECT_EQ(
        Send(sp, Frame(16 + static_cast<int64_t>(strlen(n)), proto::kDeleteFile,
                       proto::EncodeGroupAndName("group1", n))),
        EINVAL)
        << n;
    std::string dl = proto::EncodeDownloadRequest({0, 0, "group1", n});
    EXPECT_EQ(Send(sp, Frame(static_cast<int64_t>(dl.size()),
                             proto::kDownloadFile, dl)),
              EINVAL)
        << n;
  }
  // A well-formed name of another group.
  std::string other = proto::EncodeGroupAndName(
      "group9", "M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013");
  EXPECT_EQ(Send(sp, Frame(static_cast<int64_t>(other.size()),
                           proto::kGetMetadata, other)),
            EINVAL);
  // The tracker rejects bad names too.
  std::string q = proto::EncodeGroupAndName("group1", "M00/00/00/../../x");
  EXPECT_EQ(Send(cluster_.tracker_port(), Frame(static_cast<int64_t>(q.size()),
                                                proto::kQueryFetchOne, q)),
            EINVAL);
}

TEST_F(BadInput, OversizeAndMalformedMetadata) {
  client::Client c(cluster_.ClientOpts());
  auto id = c.Upload(Source::FromString("m"), "");
  ASSERT_TRUE(id.ok());
  std::string name = id->substr(7);
  proto::SetMetaRequest req{'O', "group1", name,
                            "k\x02" + std::string(300, 'v')};
  std::string body = proto::EncodeSetMetaRequest(req);
  EXPECT_EQ(
      Send(cluster_.storage_port(0),
           Frame(static_cast<int64_t>(body.size()), proto::kSetMetadata, body)),
      EINVAL);
  // Declared meta size beyond the cap: rejected before the body is read.
  std::string huge;
  PutBE64(&huge, static_cast<int64_t>(name.size()));
  PutBE64(&huge, int64_t{1} << 30);
  EXPECT_EQ(Send(cluster_.storage_port(0),
                 Frame((int64_t{1} << 30) + 100, proto::kSetMetadata, huge)),
            EINVAL);
  EXPECT_TRUE(c.GetMetadata(*id)->empty());
}

TEST_F(BadInput, ReservedSpaceRefusesUpload) {
  // Sent straight to the storage, so the storage's own check answers.
  cluster_.StopTracker();
  cluster_.RestartTracker();
  auto c = Connect(cluster_.storage_port(0));
  std::string prefix = proto::EncodeUploadPrefix({0, int64_t{1} << 50, "bin"});
  ASSERT_TRUE(
      c->Write(Frame(15 + (int64_t{1} << 50), proto::kUploadFile, prefix))
          .ok());
  char h[proto::kHeaderSize];
  ASSERT_TRUE(c->ReadExact(h, sizeof(h)).ok());
  EXPECT_EQ(proto::DecodeHeader(h).status, ENOSPC);
  cluster_.WaitActive(1);
}

// An ACTIVE_TEST sent from loopback address `from` to 127.0.0.1:`port`:
// its status, or -1 when the server closed the connection instead.
int ActiveTestFrom(const std::string& from, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -2;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, from.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  int status = -2;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) == 0 &&
      ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) ==
          0) {
    std::string frame;
    proto::AppendHeader(&frame, 0, proto::kActiveTest);
    char h[proto::kHeaderSize];
    size_t got = 0;
    if (::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(frame.size())) {
      while (got < sizeof(h)) {
        ssize_t n = ::recv(fd, h + got, sizeof(h) - got, 0);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
    }
    status = got == sizeof(h) ? proto::DecodeHeader(h).status : -1;
  }
  ::close(fd);
  return status;
}

// FastDFS's allow_hosts: a peer not in the list is disconnected before its
// request is read; the listed ones (the cluster's own servers among them)
// are served as before.
TEST(AllowHosts, PeersOutsideTheListAreDisconnectedAtOnce) {
  TestCluster cluster("allow");
  cluster.StartTracker(
      "allow_hosts = 127.0.0.1\nallow_hosts = 127.0.0.[3-4]\n");
  cluster.AddStorage("group1", "allow_hosts = 127.0.0.0/30\n");
  cluster.WaitActive(1);
  const uint16_t tracker = cluster.tracker_port();
  const uint16_t storage = cluster.storage_port(0);
  EXPECT_EQ(ActiveTestFrom("127.0.0.1", tracker), 0);
  EXPECT_EQ(ActiveTestFrom("127.0.0.4", tracker), 0);
  EXPECT_EQ(ActiveTestFrom("127.0.0.2", tracker), -1);
  EXPECT_EQ(ActiveTestFrom("127.0.0.5", tracker), -1);
  EXPECT_EQ(ActiveTestFrom("127.0.0.3", storage), 0);
  EXPECT_EQ(ActiveTestFrom("127.0.0.4", storage), -1);
  std::string metrics =
      HttpExchange(cluster.tracker_metrics_port(),
                   "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(metrics.find("nimbus_tracker_connections_refused_total 2"),
            std::string::npos)
      << metrics;
  client::Client c(cluster.ClientOpts());
  auto id = c.Upload(Source::FromString("allowed"), "txt");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*c.DownloadToString(*id), "allowed");
}

}  // namespace
}  // namespace nimbus::test
