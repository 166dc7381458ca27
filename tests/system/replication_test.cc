// Two storage servers of one group (127.0.0.1 and 127.0.0.2, same port, as
// FastDFS requires) replicate every change to each other.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "direct_request.h"
#include "net/blocking_connection.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/file_name.h"
#include "proto/header.h"
#include "proto/metadata.h"
#include "proto/storage_messages.h"
#include "proto/sync_messages.h"
#include "proto/tracker_messages.h"
#include "replication_probe.h"
#include "test_cluster.h"

namespace nimbus::test {
namespace {

using client::Source;

class Replication : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.StartTracker();
    port_ = cluster_.SharedPort();
    cluster_.AddStorage("group1", "port = " + std::to_string(port_) + "\n");
    cluster_.AddStorage("group1", "bind_addr = 127.0.0.2\nport = " +
                                      std::to_string(port_) + "\n");
    cluster_.WaitActive(2);
  }
  // Polls until `pred` holds on both servers or 15 s pass.
  template <typename Pred>
  bool Eventually(Pred pred) {
    return OnBothStorages(pred);
  }
  bool HasContent(const std::string& id, const std::string& data) {
    return Eventually([&](const std::string& ip) {
      Direct d = Fetch(ip, port_, id);
      return d.status == 0 && d.body == data;
    });
  }

  // The cluster's client options with one of the cache lifetimes set.
  client::ClientOptions OptsWith(
      std::chrono::milliseconds client::ClientOptions::*field,
      std::chrono::milliseconds value) {
    client::ClientOptions o = cluster_.ClientOpts();
    o.*field = value;
    return o;
  }

  TestCluster cluster_{"repl"};
  uint16_t port_ = 0;
};

TEST_F(Replication, EveryKindOfChangeReachesThePeer) {
  client::Client c(cluster_.ClientOpts());
  std::map<std::string, std::string> files;
  for (int i = 0; i < 6; ++i) {
    std::string data = "replicated " + std::to_string(i);
    auto id = c.Upload(Source::FromString(data), "txt");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    files[*id] = data;
  }
  for (const auto& [id, data] : files) EXPECT_TRUE(HasContent(id, data)) << id;

  const std::string& some = files.begin()->first;
  ASSERT_TRUE(c.SetMetadata(some, {{"w", "1"}, {"h", "2"}}, 'O').ok());
  ASSERT_TRUE(c.SetMetadata(some, {{"h", "3"}}, 'M').ok());
  const std::string want_meta = proto::PackMetadata({{"w", "1"}, {"h", "3"}});
  EXPECT_TRUE(Eventually([&](const std::string& ip) {
    return Meta(ip, port_, some).body == want_meta;
  })) << "127.0.0.2 has `"
      << Meta("127.0.0.2", port_, some).body << "` status "
      << Meta("127.0.0.2", port_, some).status << "; 127.0.0.1 has `"
      << Meta("127.0.0.1", port_, some).body << "` status "
      << Meta("127.0.0.1", port_, some).status;

  auto app = c.UploadAppender(Source::FromString("0123456789"), "log");
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(c.Append(*app, Source::FromString("abc")).ok());
  ASSERT_TRUE(c.Modify(*app, 2, Source::FromString("XY")).ok());
  ASSERT_TRUE(c.Truncate(*app, 11).ok());
  EXPECT_TRUE(HasContent(*app, "01XY456789a"));
  auto normal = c.RegenerateAppenderName(*app);
  ASSERT_TRUE(normal.ok());
  EXPECT_TRUE(HasContent(*normal, "01XY456789a"));
  EXPECT_TRUE(Eventually([&](const std::string& ip) {
    return Fetch(ip, port_, *app).status == ENOENT;
  }));

  auto slave = c.UploadSlave(some, "_small", "", Source::FromString("thumb"));
  ASSERT_TRUE(slave.ok()) << slave.status().ToString();
  EXPECT_TRUE(HasContent(*slave, "thumb"));

  ASSERT_TRUE(c.Delete(some).ok());
  EXPECT_TRUE(Eventually([&](const std::string& ip) {
    return Fetch(ip, port_, some).status == ENOENT;
  }));
}

// Raw appender requests, as a client that picks the storage itself sends
// them.
std::string AppendBody(const std::string& name, const std::string& data) {
  std::string b;
  PutBE64(&b, static_cast<int64_t>(name.size()));
  PutBE64(&b, static_cast<int64_t>(data.size()));
  return b + name + data;
}
std::string ModifyBody(const std::string& name, int64_t offset,
                       const std::string& data) {
  std::string b;
  PutBE64(&b, static_cast<int64_t>(name.size()));
  PutBE64(&b, offset);
  PutBE64(&b, static_cast<int64_t>(data.size()));
  return b + name + data;
}
// The test group's other member (its two are 127.0.0.1 and 127.0.0.2).
std::string OtherMember(const std::string& ip) {
  return ip == "127.0.0.1" ? "127.0.0.2" : "127.0.0.1";
}

// The IP in `id`'s name: the storage that created the file.
std::string SourceOf(const std::string& id) {
  auto logic = proto::ParseLogicName(NameOf(id));
  if (!logic.ok()) return "";
  auto fields = proto::DecodeNameBase(logic->name);
  return fields.ok() ? proto::FormatIpv4(fields->source_ip) : "";
}

// Some FastDFS clients (the npm fdfs family) send append, modify and
// truncate to whichever storage a new upload would go to, not to the file's
// source. The member that is not the source hands them to the source, so
// appends sent to the two members in turn, each as soon as the last was
// answered, land in order, are all on the source when answered, and leave
// both copies the same.
TEST_F(Replication, UpdatesSentToTheOtherMemberAreAppliedByTheSource) {
  client::Client c(cluster_.ClientOpts());
  auto app = c.UploadAppender(Source::FromString("start:"), "log");
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  const std::string name = NameOf(*app);
  const std::string source = SourceOf(*app);
  ASSERT_TRUE(source == "127.0.0.1" || source == "127.0.0.2") << *app;
  const std::string other = OtherMember(source);
  std::string want = "start:";
  for (int i = 0; i < 20; ++i) {
    const std::string piece = fmt::format("[{}]", i);
    const std::string& to = i % 2 == 0 ? other : source;
    Direct d = Ask(to, port_, proto::kAppendFile, AppendBody(name, piece));
    ASSERT_EQ(d.status, 0) << "append " << i << " via " << to;
    want += piece;
  }
  Direct m =
      Ask(other, port_, proto::kModifyFile, ModifyBody(name, 0, "START"));
  ASSERT_EQ(m.status, 0);
  want.replace(0, 5, "START");
  Direct t = Ask(other, port_, proto::kTruncateFile,
                 proto::EncodeTruncateRequest(
                     {static_cast<int64_t>(want.size() - 4), name}));
  ASSERT_EQ(t.status, 0);
  want.resize(want.size() - 4);
  Direct now = Fetch(source, port_, *app);
  EXPECT_EQ(now.status, 0);
  EXPECT_EQ(now.body, want) << "the source lacks an acknowledged update";
  EXPECT_TRUE(HasContent(*app, want));

  // The source's refusal reaches the client as it is, and changes nothing.
  Direct past =
      Ask(other, port_, proto::kModifyFile,
          ModifyBody(name, static_cast<int64_t>(want.size()) + 10, "x"));
  EXPECT_EQ(past.status, EINVAL);
  EXPECT_TRUE(HasContent(*app, want));

  // Regenerate through the other member: the new name is the source's.
  Direct r = Ask(other, port_, proto::kRegenerateAppenderFilename, name);
  ASSERT_EQ(r.status, 0);
  ASSERT_GT(r.body.size(), proto::kGroupNameLen);
  const std::string renamed = "group1/" + r.body.substr(proto::kGroupNameLen);
  EXPECT_EQ(SourceOf(renamed), source) << renamed;
  EXPECT_TRUE(HasContent(renamed, want));

  // The other member keeps its connections to the source for the next
  // update; after the source restarts, a closed one is not reused.
  auto next = c.UploadAppender(Source::FromString("again:"), "log");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  ASSERT_EQ(SourceOf(*next), source);
  ASSERT_EQ(
      Ask(other, port_, proto::kAppendFile, AppendBody(NameOf(*next), "1"))
          .status,
      0);
  const size_t source_index = source == "127.0.0.1" ? 0 : 1;
  cluster_.StopStorage(source_index, SIGTERM);
  cluster_.RestartStorage(source_index);
  cluster_.WaitActive(2);
  Direct after =
      Ask(other, port_, proto::kAppendFile, AppendBody(NameOf(*next), "2"));
  EXPECT_EQ(after.status, 0);
  EXPECT_TRUE(HasContent(*next, "again:12"));
}

// A forwarded append larger than a transfer chunk is streamed through
// whole; one whose client goes away halfway changes nothing on either
// member, and the next goes through.
TEST_F(Replication, ForwardedAppendsStreamWholeOrNotAtAll) {
  client::Client c(cluster_.ClientOpts());
  auto app = c.UploadAppender(Source::FromString("head:"), "log");
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  const std::string name = NameOf(*app);
  const std::string source = SourceOf(*app);
  const std::string other = OtherMember(source);
  std::string big(3 * 1024 * 1024 + 123, '\0');
  for (size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  }
  ASSERT_EQ(Ask(other, port_, proto::kAppendFile, AppendBody(name, big)).status,
            0);
  std::string want = "head:" + big;
  EXPECT_TRUE(Fetch(source, port_, *app).body == want);

  {
    auto conn = net::BlockingConnection::Connect(
        other, port_, std::chrono::milliseconds(2000),
        std::chrono::milliseconds(5000));
    ASSERT_TRUE(conn.ok());
    const std::string body = AppendBody(name, std::string(1 << 20, 'Z'));
    std::string frame;
    proto::AppendHeader(&frame, static_cast<int64_t>(body.size()),
                        proto::kAppendFile);
    ASSERT_TRUE((*conn)->Write2(frame, body.substr(0, 100 * 1024)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    (*conn)->Close();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(
      Ask(other, port_, proto::kAppendFile, AppendBody(name, ":tail")).status,
      0);
  want += ":tail";
  EXPECT_TRUE(HasContent(*app, want));
}

// Metadata merges sent to the two members in turn: applied by the source,
// so both end with every key (applied at each, the copies would each end
// with the other's last whole metadata).
TEST_F(Replication, MetadataMergesSentToEitherMemberAllSurvive) {
  client::Client c(cluster_.ClientOpts());
  auto id = c.Upload(Source::FromString("with metadata"), "txt");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::string source = SourceOf(*id);
  const std::string other = OtherMember(source);
  std::vector<std::pair<std::string, std::string>> all;
  for (int i = 0; i < 8; ++i) {
    const std::pair<std::string, std::string> kv{fmt::format("k{}", i),
                                                 std::to_string(i)};
    const std::string& to = i % 2 == 0 ? other : source;
    Direct d = Ask(to, port_, proto::kSetMetadata,
                   proto::EncodeSetMetaRequest({'M', "group1", NameOf(*id),
                                                proto::PackMetadata({kv})}));
    ASSERT_EQ(d.status, 0) << "merge " << i << " via " << to;
    all.push_back(kv);
  }
  const std::string want = proto::PackMetadata(all);
  EXPECT_EQ(Meta(source, port_, *id).body, want);
  EXPECT_TRUE(Eventually([&](const std::string& ip) {
    return Meta(ip, port_, *id).body == want;
  })) << "127.0.0.1 has `"
      << Meta("127.0.0.1", port_, *id).body << "`; 127.0.0.2 has `"
      << Meta("127.0.0.2", port_, *id).body << "`";
}

// While the source is down but still listed ACTIVE, an update sent to the
// other member is refused (ECONNREFUSED) rather than applied where it could
// race with the source; once the tracker has the source offline, the other
// member applies it, and the source gets it when it is back.
TEST_F(Replication, UpdatesGoOnAtTheOtherMemberOnceTheSourceIsOffline) {
  client::Client c(cluster_.ClientOpts());
  auto app = c.UploadAppender(Source::FromString("0123"), "log");
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  ASSERT_TRUE(HasContent(*app, "0123"));
  const std::string name = NameOf(*app);
  const std::string source = SourceOf(*app);
  const size_t source_index = source == "127.0.0.1" ? 0 : 1;
  const std::string other = OtherMember(source);
  cluster_.StopStorage(source_index, SIGKILL);
  // The tracker sees the source's connection drop at once; the other member
  // hears of it with its next heartbeat (1 s), so this first try is nearly
  // always made while the source is still listed ACTIVE.
  std::string want = "0123";
  Direct first = Ask(other, port_, proto::kAppendFile, AppendBody(name, "x"));
  if (first.status == 0) {
    want += "x";
  } else {
    EXPECT_EQ(first.status, ECONNREFUSED);
  }
  EXPECT_EQ(Fetch(other, port_, *app).body, want);

  Direct d;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    d = Ask(other, port_, proto::kAppendFile, AppendBody(name, "45"));
  } while (d.status != 0 && std::chrono::steady_clock::now() < until);
  ASSERT_EQ(d.status, 0) << "never applied with the source offline";
  want += "45";
  EXPECT_EQ(Fetch(other, port_, *app).body, want);
  cluster_.RestartStorage(source_index);
  cluster_.WaitActive(2);
  EXPECT_TRUE(HasContent(*app, want));
}

// A sync worker sends again the records after its last saved mark (a
// restart, a resumed full copy). A create sent again for an appender file
// must not replace a copy that has changed since: here 127.0.0.1 (the peer
// of 127.0.0.2) resends the file's first content after an append.
TEST_F(Replication, ACreateSentAgainKeepsTheAppenderCopyThatChanged) {
  client::Client c(cluster_.ClientOpts());
  auto app = c.UploadAppender(Source::FromString("0123"), "log");
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  ASSERT_TRUE(c.Append(*app, Source::FromString("4567")).ok());
  ASSERT_TRUE(HasContent(*app, "01234567"));
  const std::string name = NameOf(*app);
  std::string body = proto::EncodeSyncCreatePrefix(
      {std::time(nullptr), static_cast<int64_t>(name.size()), 4, "group1"});
  body += name + "0123";
  Direct d = Ask("127.0.0.2", port_, proto::kSyncCreateFile, body);
  EXPECT_EQ(d.status, 0);
  EXPECT_EQ(Fetch("127.0.0.2", port_, *app).body, "01234567");
}

// Deleted files' inodes are kept (spare_inodes_max) and handed to new files
// once their quarantine is over; here it is 0, so the next upload reuses one.
class SpareInodes : public Replication {
 protected:
  void SetUp() override {
    cluster_.StartTracker();
    port_ = cluster_.SharedPort();
    const std::string extra = "spare_inode_quarantine = 0\n";
    cluster_.AddStorage("group1",
                        extra + "port = " + std::to_string(port_) + "\n");
    cluster_.AddStorage("group1", extra + "bind_addr = 127.0.0.2\nport = " +
                                      std::to_string(port_) + "\n");
    cluster_.WaitActive(2);
  }
  size_t Spares(size_t storage) {
    std::error_code ec;
    std::filesystem::directory_iterator it(
        cluster_.storage_base(storage) + "/spare", ec);
    return ec ? 0 : static_cast<size_t>(std::distance(it, {}));
  }
};

TEST_F(SpareInodes, NewFilesOnReusedInodesHoldOnlyTheirOwnBytesOnBothHosts) {
  client::Client c(cluster_.ClientOpts());
  const int kFiles = 30;
  std::vector<std::string> old_ids;
  for (int i = 0; i < kFiles; ++i) {
    auto id = c.Upload(Source::FromString(std::string(3000 + i, 'o')), "bin");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_TRUE(c.SetMetadata(*id, {{"k", std::to_string(i)}}, 'O').ok());
    old_ids.push_back(*id);
  }
  for (const std::string& id : old_ids) {
    ASSERT_TRUE(HasContent(id, std::string(3000 + (&id - &old_ids[0]), 'o')));
  }
  for (const std::string& id : old_ids) ASSERT_TRUE(c.Delete(id).ok());
  for (const std::string& id : old_ids) {
    EXPECT_TRUE(Eventually([&](const std::string& ip) {
      return Fetch(ip, port_, id).status == ENOENT;
    })) << id;
  }
  // Each host kept the inodes of the files and of their metadata.
  EXPECT_EQ(Spares(0), 2u * kFiles);
  EXPECT_EQ(Spares(1), 2u * kFiles);

  std::map<std::string, std::string> files;
  for (int i = 0; i < kFiles; ++i) {
    std::string data = "new file " + std::to_string(i);
    auto id = c.Upload(Source::FromString(data), "txt");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    files[*id] = data;
  }
  for (const auto& [id, data] : files) {
    EXPECT_TRUE(HasContent(id, data)) << id;
    EXPECT_EQ(Meta("127.0.0.1", port_, id).body, "");
    EXPECT_EQ(Meta("127.0.0.2", port_, id).body, "");
  }
  // The uploads (and, on the peer, the replicas) took spare inodes.
  EXPECT_EQ(Spares(0), static_cast<size_t>(kFiles));
  EXPECT_EQ(Spares(1), static_cast<size_t>(kFiles));
  for (const std::string& id : old_ids) {
    EXPECT_EQ(Fetch("127.0.0.1", port_, id).status, ENOENT);
    EXPECT_EQ(Fetch("127.0.0.2", port_, id).status, ENOENT);
  }
}

TEST_F(Replication, TrackerSendsReadsToAReplicaOnlyOnceItHasTheFile) {
  client::Client c(cluster_.ClientOpts());
  auto id = c.Upload(Source::FromString("fresh"), "");
  ASSERT_TRUE(id.ok());
  auto all = [&] {
    std::string body = proto::EncodeGroupAndName("group1", NameOf(*id));
    Direct d =
        Ask("127.0.0.1", cluster_.tracker_port(), proto::kQueryFetchAll, body);
    EXPECT_EQ(d.status, 0);
    return proto::DecodeFetchAll(d.body)->ips.size();
  };
  bool both = false;
  for (int i = 0; i < 200 && !both; ++i) {
    size_t n = all();
    ASSERT_GE(n, 1u);
    // Whenever the tracker names a replica, that replica has the file.
    if (n == 2) {
      both = true;
      EXPECT_EQ(Fetch("127.0.0.1", port_, *id).body, "fresh");
      EXPECT_EQ(Fetch("127.0.0.2", port_, *id).body, "fresh");
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_TRUE(both) << "the tracker never learned the replica was synced";
}

// Downloads go straight to the file's source storage while the client's
// member list (cached for member_cache_ttl) shows it ACTIVE, so they keep
// working through a tracker outage (on the last list once it is older than
// member_cache_ttl and no tracker answers), where a client that asks the
// tracker first (member_cache_ttl 0, as FastDFS clients do) fails. With the
// source down but still listed, the replica serves them.
TEST_F(Replication, DownloadsGoToTheSourceAndFallBackToTheReplica) {
  const auto ttl = &client::ClientOptions::member_cache_ttl;
  client::Client c(OptsWith(ttl, std::chrono::milliseconds(300)));
  client::Client c_long(OptsWith(ttl, std::chrono::minutes(5)));
  client::Client asks(OptsWith(ttl, std::chrono::milliseconds(0)));
  const std::string data = "served by its source";
  // The content, or the error in words (for the failure message).
  auto get = [](client::Client& cl, const std::string& id) {
    auto r = cl.DownloadToString(id);
    return r.ok() ? *r : "error: " + r.status().ToString();
  };
  auto id = c.Upload(Source::FromString(data), "txt");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(HasContent(*id, data));
  ASSERT_EQ(get(c, *id), data);  // caches the member list
  ASSERT_EQ(get(asks, *id), data);

  cluster_.StopTracker(SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // list stale
  EXPECT_EQ(get(c, *id), data);
  EXPECT_FALSE(asks.DownloadToString(*id).ok())
      << "downloaded without the tracker although told to ask it";

  cluster_.RestartTracker();
  cluster_.WaitActive(2);
  ASSERT_EQ(get(c_long, *id), data);  // lists the source ACTIVE
  auto info = c.Info(*id, false);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  const size_t source = info->source_ip == "127.0.0.1" ? 0 : 1;
  cluster_.StopStorage(source, SIGKILL);
  EXPECT_EQ(get(c_long, *id), data);
  // A file that does not exist is still NotFound, after asking the tracker.
  std::string missing = *id;
  missing.replace(missing.size() - 5, 1,
                  missing[missing.size() - 5] == 'A' ? "B" : "A");
  EXPECT_EQ(c_long.DownloadToString(missing).status().code(),
            Status::Code::kNotFound);
}

// Uploads reuse the tracker's last answer for upload_target_ttl, so they
// go on through a tracker outage (also on an answer older than the TTL when
// no tracker answers), where a client that asks first (TTL 0, as FastDFS
// clients do) fails. An upload that fails on the cached storage drops the
// answer, and the next one asks the tracker, which names the survivor.
TEST_F(Replication, UploadsReuseThePlacementAndDropItWhenItFails) {
  const auto ttl = &client::ClientOptions::upload_target_ttl;
  client::Client c(OptsWith(ttl, std::chrono::milliseconds(300)));
  client::Client c_long(OptsWith(ttl, std::chrono::minutes(5)));
  client::Client asks(OptsWith(ttl, std::chrono::milliseconds(0)));
  auto put = [](client::Client& cl, const std::string& data) {
    auto r = cl.Upload(Source::FromString(data), "txt");
    return r.ok() ? *r : "error: " + r.status().ToString();
  };
  auto source_of = [](const std::string& id) {
    auto info = client::Client(client::ClientOptions{}).Info(id, false);
    return info.ok() ? info->source_ip : "error: " + info.status().ToString();
  };
  ASSERT_EQ(put(c, "a").rfind("group1/", 0), 0u);
  const std::string first = put(c_long, "b");
  ASSERT_EQ(first.rfind("group1/", 0), 0u) << first;
  ASSERT_EQ(put(asks, "c").rfind("group1/", 0), 0u);

  cluster_.StopTracker(SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // c's is old
  std::string during = put(c, "d");
  EXPECT_EQ(during.rfind("group1/", 0), 0u) << during;
  EXPECT_TRUE(HasContent(during, "d"));
  during = put(c_long, "e");
  EXPECT_EQ(during.rfind("group1/", 0), 0u) << during;
  EXPECT_EQ(source_of(during), source_of(first));  // the same placement
  EXPECT_FALSE(asks.Upload(Source::FromString("f"), "txt").ok())
      << "uploaded without the tracker although told to ask it";

  cluster_.RestartTracker();
  cluster_.WaitActive(2);
  const size_t cached = source_of(first) == "127.0.0.1" ? 0 : 1;
  cluster_.StopStorage(cached, SIGKILL);
  // Until the tracker has seen the storage go, it may still name it.
  client::Client lister(cluster_.ClientOpts());
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    auto groups = lister.ListGroups();
    gone = groups.ok() && groups->size() == 1 &&
           (*groups)[0].writable_server_count == 1;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(gone) << "the tracker still lists the killed storage";
  // The first upload fails on the cached (dead) storage and drops it, then
  // asks the tracker within the same call.
  const std::string after = put(c_long, "g");
  ASSERT_EQ(after.rfind("group1/", 0), 0u) << after;
  EXPECT_NE(source_of(after), source_of(first));
  auto back = c_long.DownloadToString(after);
  EXPECT_EQ(back.ok() ? *back : back.status().ToString(), "g");
}

// `nimbus monitor` shows the leader and how far each replica is behind
// the newest change of its peers (fdfs_monitor's "delay").
TEST_F(Replication, MonitorShowsSyncDelayAndLeader) {
  client::Client c(cluster_.ClientOpts());
  auto monitor = [&]() {
    std::string out;
    EXPECT_EQ(cluster_.RunCli("monitor --json", &out), 0);
    return nlohmann::json::parse(out);
  };
  // Delay of the storage at `ip`, -1 when unknown.
  auto delay = [](const nlohmann::json& j, const std::string& ip) {
    for (const auto& s : j["groups"][0]["storages"]) {
      if (s["ip"] == ip) {
        return s["sync_delay_s"].is_null() ? -1 : s["sync_delay_s"].get<int>();
      }
    }
    return -2;
  };
  auto id = c.Upload(Source::FromString("first"), "txt");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(HasContent(*id, "first"));
  // In sync once the source has reported its peer's progress.
  bool zero = false;
  for (int i = 0; i < 100 && !zero; ++i) {
    auto j = monitor();
    zero = delay(j, "127.0.0.1") == 0 && delay(j, "127.0.0.2") == 0;
    if (!zero) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(zero) << monitor().dump();
  auto j = monitor();
  ASSERT_EQ(j["trackers"].size(), 1u);
  EXPECT_TRUE(j["trackers"][0]["reachable"].get<bool>());
  EXPECT_EQ(j["trackers"][0]["leader"],
            "127.0.0.1:" + std::to_string(cluster_.tracker_port()));

  // 127.0.0.2 goes down; 127.0.0.1 keeps taking uploads for 3 s: the delay
  // of 127.0.0.2 is the time between the first it missed and the newest.
  cluster_.StopStorage(1);
  std::string last;
  for (int i = 0; i < 16; ++i) {
    auto more = c.Upload(Source::FromString("more"), "txt");
    if (more.ok()) last = *more;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_FALSE(last.empty());
  bool behind = false;
  for (int i = 0; i < 50 && !behind; ++i) {
    behind = delay(monitor(), "127.0.0.2") >= 2;
    if (!behind) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(behind) << monitor().dump();
  std::string text;
  ASSERT_EQ(cluster_.RunCli("monitor", &text), 0);
  EXPECT_NE(text.find("SYNC DELAY"), std::string::npos) << text;
  EXPECT_NE(text.find("up, leader 127.0.0.1:"), std::string::npos) << text;

  // Back: it catches up and the delay returns to 0.
  cluster_.RestartStorage(1);
  ASSERT_TRUE(HasContent(last, "more"));
  zero = false;
  for (int i = 0; i < 150 && !zero; ++i) {
    zero = delay(monitor(), "127.0.0.2") == 0;
    if (!zero) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(zero) << monitor().dump();
}

// The state the tracker lists for `ip` in group1 (0 when not listed).
uint8_t ListedState(client::Client& c, const std::string& ip) {
  auto st = c.ListStorages("group1");
  if (!st.ok()) return 0;
  for (const auto& s : *st) {
    if (s.ip == ip) return s.status;
  }
  return 0;
}

// Polls until `pred` holds or 15 s pass.
template <typename Pred>
bool Within15s(Pred pred) {
  for (int i = 0; i < 300; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

// A member that died for good is removed (FastDFS's `fdfs_monitor delete`,
// here through the CLI and the raw command); the machine that replaces it,
// same address and an empty disk, joins as a new member and is copied in
// full before it serves.
TEST_F(Replication, ADeletedMemberIsForgottenAndItsReplacementIsCopiedInFull) {
  // Placement asked for each upload: both members are sources.
  client::Client c(OptsWith(&client::ClientOptions::upload_target_ttl,
                            std::chrono::milliseconds(0)));
  std::map<std::string, std::string> files;
  auto upload = [&](int i) {
    std::string data = fmt::format("file {} ", i) + std::string(500 * i, 'x');
    auto id = c.Upload(Source::FromString(data), "txt");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    files[*id] = data;
  };
  for (int i = 0; i < 6; ++i) upload(i);
  for (const auto& [id, data] : files) ASSERT_TRUE(HasContent(id, data)) << id;
  // Its own files reach its replacement only through the full copy.
  ASSERT_TRUE(std::any_of(files.begin(), files.end(), [](const auto& f) {
    return SourceOf(f.first) == "127.0.0.2";
  }));

  const std::string body =
      proto::EncodeGroupAndStorageId("group1", "127.0.0.2");
  const uint16_t tracker = cluster_.tracker_port();
  EXPECT_EQ(Ask("127.0.0.1", tracker, proto::kServerDeleteStorage, body).status,
            EBUSY);
  EXPECT_EQ(c.DeleteStorage("group1", "127.0.0.2").code(), Status::Code::kBusy);
  EXPECT_EQ(c.DeleteStorage("group1", "127.0.0.9").code(),
            Status::Code::kNotFound);
  const std::string mark =
      cluster_.storage_base(0) + "/data/sync/127.0.0.2.mark";
  ASSERT_TRUE(Within15s([&] { return std::filesystem::exists(mark); }));

  // Its uploads are known to the tracker (the monitor's sync delay counts
  // them until it is deleted).
  ASSERT_TRUE(Within15s([&] {
    auto st = c.ListStorages("group1");
    return st.ok() && std::all_of(st->begin(), st->end(), [](const auto& m) {
             return m.counters.v[proto::kLastSourceUpdate] > 0;
           });
  }));
  cluster_.StopStorage(1, SIGKILL);
  ASSERT_TRUE(Within15s([&] { return ListedState(c, "127.0.0.2") == 5; }));
  std::string out;
  ASSERT_EQ(cluster_.RunCli("monitor delete group1 127.0.0.2", &out), 0) << out;
  EXPECT_EQ(ListedState(c, "127.0.0.2"),
            static_cast<uint8_t>(proto::StorageState::kDeleted));
  EXPECT_EQ(Ask("127.0.0.1", tracker, proto::kServerDeleteStorage, body).status,
            EALREADY);
  EXPECT_TRUE(c.DeleteStorage("group1", "127.0.0.2").ok());
  EXPECT_EQ(c.ListGroups()->at(0).storage_count, 1);
  // The monitor shows it, without a sync delay, and the member left has
  // none to wait for.
  ASSERT_EQ(cluster_.RunCli("monitor --json", &out), 0);
  auto mon = nlohmann::json::parse(out)["groups"][0]["storages"];
  ASSERT_EQ(mon.size(), 2u);
  EXPECT_EQ(mon[0]["sync_delay_s"], 0) << mon.dump();
  EXPECT_EQ(mon[1]["state"], "DELETED");
  EXPECT_TRUE(mon[1]["sync_delay_s"].is_null()) << mon.dump();
  // The survivor stops replicating to it and forgets how far it got.
  EXPECT_TRUE(Within15s([&] { return !std::filesystem::exists(mark); }));

  for (int i = 6; i < 10; ++i) upload(i);
  const std::string base = cluster_.storage_base(1);
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);
  cluster_.RestartStorage(1);
  uint8_t first = 0;
  ASSERT_TRUE(Within15s([&] {
    first = ListedState(c, "127.0.0.2");
    return first != 0 && first != 4 && first != 5;
  }));
  EXPECT_TRUE(first == 1 || first == 2 || first == 7)
      << static_cast<int>(first);
  ASSERT_TRUE(Within15s([&] { return ListedState(c, "127.0.0.2") == 7; }));
  for (const auto& [id, data] : files) {
    EXPECT_EQ(Fetch("127.0.0.2", port_, id).body, data) << id;
  }
  EXPECT_EQ(c.ListGroups()->at(0).storage_count, 2);
}

TEST_F(Replication, PeerThatWasDownCatchesUp) {
  client::Client c(cluster_.ClientOpts());
  cluster_.StopStorage(1, SIGKILL);
  std::map<std::string, std::string> files;
  for (int i = 0; i < 10; ++i) {
    std::string data = std::string(1000 * (i + 1), static_cast<char>('a' + i));
    auto id = c.Upload(Source::FromString(data), "bin");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    files[*id] = data;
  }
  // The source itself restarts too: its sync marks resume where they were.
  cluster_.StopStorage(0, SIGTERM);
  cluster_.RestartStorage(0);
  cluster_.RestartStorage(1);
  cluster_.WaitActive(2);
  for (const auto& [id, data] : files) EXPECT_TRUE(HasContent(id, data)) << id;
}

// nimbus-bench's replication figure: the probe says "replicated" only once
// every file is on both servers, and keeps saying "not yet" for a file the
// peer does not have.
TEST_F(Replication, BenchProbeWaitsUntilEveryFileIsOnEveryStorage) {
  std::vector<std::vector<std::string>> written(2);
  std::map<std::string, std::string> files;
  for (int t = 0; t < 2; ++t) {
    client::Client c(cluster_.ClientOpts());
    for (int i = 0; i < 20; ++i) {
      std::string data(3000 + i, static_cast<char>('a' + i));
      auto id = c.Upload(Source::FromString(data), "bin");
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      written[static_cast<size_t>(t)].push_back(*id);
      files[*id] = data;
    }
  }
  client::Client c(cluster_.ClientOpts());
  auto lag = bench::ReplicationProbe::WaitReplicated(
      c, bench::ReplicationProbe::LastPerSource(written),
      std::chrono::seconds(15), std::chrono::milliseconds(10));
  ASSERT_TRUE(lag.ok()) << lag.status().ToString();
  for (const auto& [id, data] : files) {
    for (const char* ip : {"127.0.0.1", "127.0.0.2"}) {
      Direct d = Fetch(ip, port_, id);
      EXPECT_EQ(d.status, 0) << id << " on " << ip;
      EXPECT_EQ(d.body, data) << id << " on " << ip;
    }
  }
  // A well-formed name from 127.0.0.1 that no storage has.
  proto::FileNameFields f;
  f.source_ip = (127u << 24) | 1;
  f.create_time = 1'800'000'000;
  f.masked_size = 10;
  f.crc32 = 12345;
  std::string missing = "group1/M00/00/00/" + proto::EncodeNameBase(f) + ".bin";
  auto never = bench::ReplicationProbe::WaitReplicated(
      c, {missing}, std::chrono::milliseconds(300),
      std::chrono::milliseconds(10));
  EXPECT_EQ(never.status().code(), Status::Code::kTimedOut)
      << never.status().ToString();
}

TEST_F(Replication, SyncFromANonPeerIsRefused) {
  // Storage 0 (127.0.0.1) has one peer, 127.0.0.2; this connection comes
  // from 127.0.0.1 to storage 0 itself, which is not its own peer.
  std::string body = proto::EncodeSyncDelete(
      {1, 0, "group1", "M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013", ""});
  EXPECT_TRUE(Eventually([&](const std::string&) {
    return Ask("127.0.0.1", port_, proto::kSyncDeleteFile, body).status ==
           EACCES;
  }));
}

}  // namespace
}  // namespace nimbus::test

namespace nimbus::test {
namespace {

// A server added to a group that already holds files waits (WAIT_SYNC /
// SYNCING, no reads or writes) while one ACTIVE member copies everything to
// it, including files that member itself received from a peer that is now
// dead; then it is ACTIVE.
// With and without trunk files: a joining member gets its full copy of
// packed files through the same records, into its own copies of each
// source's trunk files.
// Under group commit a peer makes a window of replicas durable with one
// flush: the source keeps several sync requests in flight, and the peer
// holds the replies of those already applied while the next is waiting
// (one flush per replica before). A peer that was down gets a backlog of
// 200 files pushed at once; every file must arrive, with far fewer flushes.
TEST(GroupCommitReplication, APeerFlushesOnceForAWindowOfReplicas) {
  TestCluster cluster("gcrepl");
  cluster.StartTracker();
  const uint16_t port = TestCluster::SharedPort();
  const std::string extra = "durability = group-commit\n";
  cluster.AddStorage("group1", extra + fmt::format("port = {}\n", port));
  cluster.AddStorage("group1", extra + fmt::format("bind_addr = 127.0.0.2\n"
                                                   "port = {}\n",
                                                   port));
  cluster.WaitActive(2);
  cluster.StopStorage(1, SIGTERM);
  client::Client c(cluster.ClientOpts());
  constexpr int kFiles = 200;
  std::map<std::string, std::string> files;
  for (int i = 0; i < kFiles; ++i) {
    std::string data = fmt::format("replica {} ", i) + std::string(2000, 'r');
    auto id = c.Upload(Source::FromString(data), "txt");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    files[*id] = data;
  }
  cluster.RestartStorage(1);
  for (const auto& [id, data] : files) {
    bool there = false;
    for (int t = 0; t < 300 && !there; ++t) {
      Direct d = Fetch("127.0.0.2", port, id);
      there = d.status == 0 && d.body == data;
      if (!there) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(there) << id;
  }
  const std::string metrics =
      HttpExchange(cluster.storage_metrics_port(1),
                   "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "127.0.0.2");
  const std::string key = "\nnimbus_storage_group_commit_flushes_total ";
  size_t at = metrics.find(key);
  ASSERT_NE(at, std::string::npos)
      << "port " << cluster.storage_metrics_port(1) << ": " << metrics;
  const double flushes = std::stod(metrics.substr(at + key.size()));
  EXPECT_LT(flushes, kFiles / 2) << "flushes for " << kFiles << " replicas";
}

class GroupJoin : public ::testing::TestWithParam<bool> {};

TEST_P(GroupJoin, NewMemberGetsAFullCopyFromOneSourceThenServes) {
  const bool trunk = GetParam();
  TestCluster cluster(trunk ? "join_trunk" : "join");
  cluster.StartTracker(trunk ? "use_trunk_file = true\nslot_max_size = 64KB\n"
                               "trunk_file_size = 4MB\n"
                             : "");
  uint16_t port = cluster.SharedPort();
  std::string same_port = "port = " + std::to_string(port) + "\n";
  cluster.AddStorage("group1", same_port);  // A 127.0.0.1
  cluster.AddStorage("group1", "bind_addr = 127.0.0.2\n" + same_port);  // B
  cluster.WaitActive(2);
  client::Client c(cluster.ClientOpts());
  std::map<std::string, std::string> files;
  for (int i = 0; i < 12; ++i) {
    std::string data = "member data " + std::to_string(i);
    auto id = c.Upload(Source::FromString(data), "dat");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    files[*id] = data;
  }
  auto gone = c.Upload(Source::FromString("deleted before the join"), "");
  ASSERT_TRUE(gone.ok());
  ASSERT_TRUE(c.SetMetadata(files.begin()->first, {{"k", "v"}}, 'O').ok());
  // Both A and B hold everything, then B dies for good.
  for (const auto& [id, data] : files) {
    for (const char* ip : {"127.0.0.1", "127.0.0.2"}) {
      bool ok = false;
      for (int i = 0; i < 200 && !ok; ++i) {
        ok = Fetch(ip, port, id).body == data;
        if (!ok) std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
      ASSERT_TRUE(ok) << id << " on " << ip;
    }
  }
  ASSERT_TRUE(c.Delete(*gone).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  cluster.StopStorage(1, SIGKILL);

  cluster.AddStorage("group1", "bind_addr = 127.0.0.3\n" + same_port);  // C
  uint8_t first_state = 0;
  std::string first_src;
  for (int i = 0; i < 100 && first_state == 0; ++i) {
    auto st = c.ListStorages("group1");
    ASSERT_TRUE(st.ok());
    for (const auto& s : *st) {
      if (s.ip == "127.0.0.3") {
        first_state = s.status;
        first_src = s.src_id;
      }
    }
    if (first_state == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(first_state == 1 || first_state == 2)
      << "a new member of a non-empty group must wait for its copy, got "
      << static_cast<int>(first_state);
  EXPECT_EQ(first_src, "127.0.0.1");

  bool active = false;
  for (int i = 0; i < 300 && !active; ++i) {
    auto st = c.ListStorages("group1");
    for (const auto& s : *st) active |= s.ip == "127.0.0.3" && s.status == 7;
    if (!active) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(active) << "the new member never became ACTIVE";
  // Everything is on C, including B's files that only A could give it.
  for (const auto& [id, data] : files) {
    EXPECT_EQ(Fetch("127.0.0.3", port, id).body, data) << id;
  }
  EXPECT_EQ(Meta("127.0.0.3", port, files.begin()->first).body, "k\x02v");
  EXPECT_EQ(Fetch("127.0.0.3", port, *gone).status, ENOENT);
  size_t packed = 0;
  for (const auto& [id, data] : files) {
    auto fid = proto::ParseFileId(id);
    ASSERT_TRUE(fid.ok()) << id;
    auto f = proto::DecodeNameBase(fid->logic.name);
    if (f.ok() && fid->logic.IsTrunk(*f)) ++packed;
  }
  EXPECT_EQ(packed, trunk ? files.size() : 0u);
}

INSTANTIATE_TEST_SUITE_P(Files, GroupJoin, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "TrunkFiles" : "PlainFiles";
                         });

// The scrubber and the download check find damaged and missing files on one
// replica and repair them from the other.
class Scrub : public ::testing::Test {
 protected:
  void Start(const std::string& extra) {
    cluster_.StartTracker();
    port_ = cluster_.SharedPort();
    cluster_.AddStorage("group1",
                        extra + "port = " + std::to_string(port_) + "\n");
    cluster_.AddStorage("group1", extra + "bind_addr = 127.0.0.2\nport = " +
                                      std::to_string(port_) + "\n");
    cluster_.WaitActive(2);
  }
  // Where storage `i` keeps `id` (store_path0 is its base_path).
  std::string DiskPath(size_t i, const std::string& id) {
    std::string name = NameOf(id);  // M00/HH/LL/NAME
    return cluster_.storage_base(i) + "/data/" + name.substr(4);
  }
  static std::string ReadDisk(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "<missing>";
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void WriteDisk(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
  }
  std::string UploadReplicated(client::Client& c, const std::string& data) {
    auto id = c.Upload(Source::FromString(data), "bin");
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    if (!id.ok()) return "";
    for (int i = 0; i < 300; ++i) {
      if (Fetch("127.0.0.1", port_, *id).body == data &&
          Fetch("127.0.0.2", port_, *id).body == data) {
        return *id;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << *id << " never reached both replicas";
    return *id;
  }
  // Polls the file on storage `i`'s disk for up to 20 s.
  bool RepairedOnDisk(size_t i, const std::string& id,
                      const std::string& data) {
    for (int k = 0; k < 400; ++k) {
      if (ReadDisk(DiskPath(i, id)) == data) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  TestCluster cluster_{"scrub"};
  uint16_t port_ = 0;
};

TEST_F(Scrub, PassRepairsCorruptTruncatedAndMissingFiles) {
  Start(
      "scrub_interval = 1\nscrub_bytes_per_second = 0\n"
      "check_crc_on_download = false\n");
  client::Client c(cluster_.ClientOpts());
  std::string a(3000, 'a'), b(5000, 'b'), t(700000, 't');
  std::string ida = UploadReplicated(c, a);
  std::string idb = UploadReplicated(c, b);
  std::string idt = UploadReplicated(c, t);
  ASSERT_FALSE(HasFailure());
  std::string flipped = a;
  flipped[1234] ^= 0x01;
  WriteDisk(DiskPath(1, ida), flipped);
  std::filesystem::remove(DiskPath(1, idb));
  WriteDisk(DiskPath(1, idt), t.substr(0, 1000));
  EXPECT_TRUE(RepairedOnDisk(1, ida, a)) << "bit flip not repaired";
  EXPECT_TRUE(RepairedOnDisk(1, idb, b)) << "missing file not restored";
  EXPECT_TRUE(RepairedOnDisk(1, idt, t)) << "truncated file not repaired";
  // The healthy replica was only read from.
  EXPECT_TRUE(ReadDisk(DiskPath(0, ida)) == a);
  // A file deleted through the protocol is not brought back.
  ASSERT_TRUE(c.Delete(idb).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(ReadDisk(DiskPath(0, idb)), "<missing>");
  EXPECT_EQ(ReadDisk(DiskPath(1, idb)), "<missing>");
}

TEST_F(Scrub, DamagedFileIsNeverServedAndIsRepaired) {
  Start("scrub_interval = 0\n");  // no passes: the download finds it
  client::Client c(cluster_.ClientOpts());
  std::string small(2000, 's');
  std::string big(1 << 20, 'B');  // bigger than one transfer chunk
  std::string ids = UploadReplicated(c, small);
  std::string idb = UploadReplicated(c, big);
  ASSERT_FALSE(HasFailure());
  std::string bad_small = small, bad_big = big;
  bad_small[0] = 'x';
  bad_big[big.size() - 1] = 'x';
  WriteDisk(DiskPath(0, ids), bad_small);
  WriteDisk(DiskPath(0, idb), bad_big);
  Direct d = Fetch("127.0.0.1", port_, ids);
  EXPECT_NE(d.status, 0) << "a damaged small file was served";
  d = Fetch("127.0.0.1", port_, idb);
  EXPECT_NE(d.status, 0) << "a damaged big file was served whole";
  EXPECT_TRUE(RepairedOnDisk(0, ids, small));
  EXPECT_TRUE(RepairedOnDisk(0, idb, big));
  EXPECT_TRUE(Fetch("127.0.0.1", port_, idb).body == big);
  // Ranged reads are not checked (the CRC covers the whole file) but the
  // file is whole again anyway.
  auto part = c.DownloadToString(ids, 10, 5);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(*part, small.substr(10, 5));
}

// sync_replicas = 1: an upload is acknowledged only once the peer has it.
class SyncReplicas : public ::testing::Test {
 protected:
  void Start(const std::string& extra) {
    cluster_.StartTracker();
    port_ = cluster_.SharedPort();
    cluster_.AddStorage("group1",
                        extra + "port = " + std::to_string(port_) + "\n");
    cluster_.AddStorage("group1", extra + "bind_addr = 127.0.0.2\nport = " +
                                      std::to_string(port_) + "\n");
    cluster_.WaitActive(2);
    // Both must know each other as ACTIVE peers before uploads are taken.
    for (int i = 0; i < 100; ++i) {
      if (UploadTo("127.0.0.1", "probe").status == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  Direct UploadTo(const std::string& ip, const std::string& data) {
    std::string body = proto::EncodeUploadPrefix(
        {0, static_cast<int64_t>(data.size()), "txt"});
    return Ask(ip, port_, proto::kUploadFile, body + data);
  }
  static std::string IdOf(const Direct& d) {
    return std::string(GetFixedString(d.body.data(), proto::kGroupNameLen)) +
           "/" + d.body.substr(proto::kGroupNameLen);
  }
  size_t FilesOn(size_t i) {
    size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(
             cluster_.storage_base(i) + "/data")) {
      std::string rel = e.path().string();
      if (e.is_regular_file() && rel.find("/data/sync/") == std::string::npos &&
          rel.find(".port") == std::string::npos &&
          rel.find(".pid") == std::string::npos) {
        ++n;
      }
    }
    return n;
  }

  TestCluster cluster_{"syncrep"};
  uint16_t port_ = 0;
};

TEST_F(SyncReplicas, AckedOnlyOnceThePeerHoldsTheFile) {
  Start("sync_replicas = 1\nsync_replicas_timeout_ms = 1500\n");
  for (int i = 0; i < 20; ++i) {
    std::string data = "synchronously replicated " + std::to_string(i);
    Direct up = UploadTo("127.0.0.1", data);
    ASSERT_EQ(up.status, 0);
    // No waiting: at the acknowledgement the peer already has it.
    Direct peer = Fetch("127.0.0.2", port_, IdOf(up));
    EXPECT_EQ(peer.status, 0) << i;
    EXPECT_EQ(peer.body, data) << i;
  }
  // A peer that stops answering (still ACTIVE to the tracker): the upload
  // fails after the timeout and leaves no file behind.
  size_t before = FilesOn(0);
  cluster_.SignalStorage(1, SIGSTOP);
  Direct up = UploadTo("127.0.0.1", "never acknowledged");
  cluster_.SignalStorage(1, SIGCONT);
  EXPECT_EQ(up.status, ETIMEDOUT);
  EXPECT_EQ(FilesOn(0), before) << "the refused upload left a file";
}

TEST_F(SyncReplicas, DegradePolicyAcknowledgesWithFewerReplicas) {
  Start(
      "sync_replicas = 1\nsync_replicas_timeout_ms = 800\n"
      "sync_replicas_policy = degrade\n");
  cluster_.SignalStorage(1, SIGSTOP);
  Direct up = UploadTo("127.0.0.1", "degraded");
  cluster_.SignalStorage(1, SIGCONT);
  ASSERT_EQ(up.status, 0);
  // It still reaches the peer once the peer is back.
  bool there = false;
  for (int i = 0; i < 100 && !there; ++i) {
    there = Fetch("127.0.0.2", port_, IdOf(up)).body == "degraded";
    if (!there) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(there);
}

}  // namespace
}  // namespace nimbus::test
