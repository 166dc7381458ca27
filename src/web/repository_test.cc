// The repository contract, run against both databases: SQLite and a real
// MariaDB server (MariadbTestServer, private to this test process).
#include "web/repository.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "web/mariadb_test_server.h"
#include "web/mysql_connection.h"
#include "web/sqlite_connection.h"

namespace nimbus::web {
namespace {

class RepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string name =
        ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) c = c == '/' ? '_' : c;
    dir_ = std::filesystem::temp_directory_path() /
           ("nimbus-repo-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (GetParam() == "sqlite") {
      std::string path = (dir_ / "meta.db").string();
      factory_ = [path] { return SqliteConnection::Open(path); };
    } else {
      auto server = MariadbTestServer::Get();
      ASSERT_TRUE(server.ok()) << server.status().ToString();
      auto db = (*server)->NewDatabase();
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      auto url = MysqlUrl::Parse(*db);
      ASSERT_TRUE(url.ok()) << url.status().ToString();
      MysqlUrl u = *url;
      factory_ = [u] { return MysqlConnection::Open(u); };
    }
    auto pool = std::make_unique<SqlPool>(factory_, 8);
    auto r = Repository::Open(std::move(pool));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    repo_ = std::move(r).value();
    auto u = repo_->CreateUser("alice", "hash-a", 1000, 1);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    alice_ = u->id;
    u = repo_->CreateUser("bob", "hash-b", 1000, 1);
    ASSERT_TRUE(u.ok());
    bob_ = u->id;
  }
  void TearDown() override {
    repo_.reset();
    std::filesystem::remove_all(dir_);
  }

  Node AddFile(int64_t user, int64_t parent, const std::string& name,
               const std::string& sha, int64_t size, bool* dedup = nullptr) {
    NewFile f{user, parent, name, sha, size, "group1/M00/00/00/" + name, 10};
    auto r = repo_->AddFile(f);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (dedup) *dedup = r.ok() && r->deduplicated;
    return r.ok() ? r->node : Node{};
  }

  std::filesystem::path dir_;
  SqlPool::Factory factory_;
  std::unique_ptr<Repository> repo_;
  int64_t alice_ = 0, bob_ = 0;
};

TEST_P(RepositoryTest, UserNamesAreUnique) {
  auto u = repo_->CreateUser("alice", "x", 1, 2);
  EXPECT_EQ(u.status().code(), Status::Code::kAlreadyExists);
  auto found = repo_->FindUser("alice");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->pass_hash, "hash-a");
  EXPECT_TRUE(repo_->FindUser("carol").status().IsNotFound());
}

TEST_P(RepositoryTest, MigrationsAreAppliedOnce) {
  auto again = Repository::Open(std::make_unique<SqlPool>(factory_, 1));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE((*again)->FindUser("alice").ok());
}

TEST_P(RepositoryTest, SessionsExpireAndAreDeleted) {
  ASSERT_TRUE(repo_->sessions().Add("h1", alice_, 100, 200).ok());
  ASSERT_TRUE(repo_->sessions().Add("h2", alice_, 100, 300).ok());
  EXPECT_EQ(*repo_->sessions().Find("h1", 150), alice_);
  EXPECT_TRUE(repo_->sessions().Find("h1", 200).status().IsNotFound());
  ASSERT_TRUE(repo_->sessions().DeleteOthers(alice_, "h2").ok());
  EXPECT_TRUE(repo_->sessions().Find("h1", 150).status().IsNotFound());
  EXPECT_TRUE(repo_->sessions().Find("h2", 150).ok());
  ASSERT_TRUE(repo_->sessions().Delete("h2").ok());
  EXPECT_TRUE(repo_->sessions().Find("h2", 150).status().IsNotFound());
}

TEST_P(RepositoryTest, FolderNamesAreUniquePerFolderAndLiteral) {
  auto a = repo_->CreateFolder(alice_, 0, "docs", 5);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(repo_->CreateFolder(alice_, 0, "docs", 5).status().code(),
            Status::Code::kAlreadyExists);
  // Another user, or another folder, may use the name.
  EXPECT_TRUE(repo_->CreateFolder(bob_, 0, "docs", 5).ok());
  EXPECT_TRUE(repo_->CreateFolder(alice_, a->id, "docs", 5).ok());
  // Case matters, and SQL is just text.
  EXPECT_TRUE(repo_->CreateFolder(alice_, 0, "Docs", 5).ok());
  std::string evil = "x'); DROP TABLE nodes; --";
  auto e = repo_->CreateFolder(alice_, 0, evil, 5);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(repo_->GetNode(alice_, e->id)->name, evil);
}

TEST_P(RepositoryTest, OtherUsersNodesAreNotFound) {
  auto a = repo_->CreateFolder(alice_, 0, "private", 5);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(repo_->GetNode(bob_, a->id).status().IsNotFound());
  EXPECT_TRUE(repo_->Rename(bob_, a->id, "mine", 6).IsNotFound());
  EXPECT_TRUE(repo_->Trash(bob_, a->id, 6).IsNotFound());
  EXPECT_TRUE(repo_->CreateFolder(bob_, a->id, "x", 6).status().IsNotFound());
  EXPECT_TRUE(repo_->ListChildren(bob_, a->id, {}).status().IsNotFound());
  auto b = repo_->CreateFolder(bob_, 0, "b", 5);
  EXPECT_TRUE(repo_->Move(bob_, b->id, a->id, 6).IsNotFound());
  EXPECT_TRUE(repo_->Move(alice_, a->id, b->id, 6).IsNotFound());
}

TEST_P(RepositoryTest, KeysetPaginationVisitsEveryChildOnceInOrder) {
  auto dir = repo_->CreateFolder(alice_, 0, "many", 1);
  ASSERT_TRUE(dir.ok());
  for (int i = 0; i < 25; ++i) {
    AddFile(alice_, dir->id, "f" + std::to_string(100 + (i * 7) % 25),
            "sha" + std::to_string(i), i % 4);
  }
  ASSERT_TRUE(repo_->CreateFolder(alice_, dir->id, "zz-sub", 1).ok());
  for (SortKey k : {SortKey::kName, SortKey::kSize, SortKey::kTime}) {
    for (bool desc : {false, true}) {
      ListQuery q;
      q.sort = k;
      q.descending = desc;
      q.limit = 4;
      std::vector<Node> all;
      for (int page = 0; page < 20; ++page) {
        auto rows = repo_->ListChildren(alice_, dir->id, q);
        ASSERT_TRUE(rows.ok()) << rows.status().ToString();
        all.insert(all.end(), rows->begin(), rows->end());
        if (static_cast<int>(rows->size()) < q.limit) break;
        const Node& last = rows->back();
        SqlValue key = k == SortKey::kName   ? SqlValue(last.name)
                       : k == SortKey::kSize ? SqlValue(last.size)
                                             : SqlValue(last.updated_at);
        q.after = ListCursor{last.is_dir, key, last.id};
      }
      ASSERT_EQ(all.size(), 26u);
      EXPECT_TRUE(all[0].is_dir) << "folders come first";
      std::set<int64_t> ids;
      for (const Node& n : all) ids.insert(n.id);
      EXPECT_EQ(ids.size(), 26u);
      for (size_t i = 2; i < all.size(); ++i) {
        if (k == SortKey::kName) {
          EXPECT_EQ(all[i - 1].name < all[i].name, !desc);
        } else if (k == SortKey::kSize) {
          EXPECT_TRUE(desc ? all[i - 1].size >= all[i].size
                           : all[i - 1].size <= all[i].size);
        }
      }
    }
  }
}

TEST_P(RepositoryTest, MoveIntoItselfOrADescendantIsRefused) {
  auto a = repo_->CreateFolder(alice_, 0, "a", 1);
  auto b = repo_->CreateFolder(alice_, a->id, "b", 1);
  EXPECT_EQ(repo_->Move(alice_, a->id, a->id, 2).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(repo_->Move(alice_, a->id, b->id, 2).code(),
            Status::Code::kInvalidArgument);
  EXPECT_TRUE(repo_->Move(alice_, b->id, 0, 2).ok());
  EXPECT_EQ(repo_->GetNode(alice_, b->id)->parent_id, 0);
}

TEST_P(RepositoryTest, DeduplicationCountsReferencesExactly) {
  bool dedup = true;
  Node f1 = AddFile(alice_, 0, "one.txt", "abc", 10, &dedup);
  EXPECT_FALSE(dedup);
  Node f2 = AddFile(bob_, 0, "same.txt", "abc", 10, &dedup);
  EXPECT_TRUE(dedup);
  EXPECT_EQ(f1.blob_id, f2.blob_id);
  EXPECT_EQ(f2.file_id, "group1/M00/00/00/one.txt");
  EXPECT_EQ(repo_->FindBlob("abc")->refcount, 2);
  // Instant upload of known content needs no file.
  auto instant = repo_->AddFile({alice_, 0, "again.txt", "abc", 10, "", 11});
  ASSERT_TRUE(instant.ok());
  EXPECT_FALSE(instant->deduplicated);
  EXPECT_EQ(repo_->FindBlob("abc")->refcount, 3);
  EXPECT_TRUE(repo_->AddFile({alice_, 0, "new.txt", "zzz", 10, "", 11})
                  .status()
                  .IsNotFound());
}

TEST_P(RepositoryTest, TrashRestorePurgeKeepQuotaAndRefcountsExact) {
  auto dir = repo_->CreateFolder(alice_, 0, "d", 1);
  AddFile(alice_, dir->id, "x", "s1", 100);
  AddFile(alice_, dir->id, "y", "s2", 200);
  AddFile(bob_, 0, "y", "s2", 200);
  EXPECT_EQ(repo_->GetUser(alice_)->used_bytes, 300);
  ASSERT_TRUE(repo_->Trash(alice_, dir->id, 5).ok());
  // Gone from the tree, and its children with it; the name is free again.
  EXPECT_TRUE(repo_->ListChildren(alice_, dir->id, {}).status().IsNotFound());
  auto again = repo_->CreateFolder(alice_, 0, "d", 6);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(repo_->Restore(alice_, dir->id, 7).code(),
            Status::Code::kAlreadyExists);
  ASSERT_TRUE(repo_->Rename(alice_, again->id, "d2", 7).ok());
  ASSERT_TRUE(repo_->Restore(alice_, dir->id, 7).ok());
  EXPECT_EQ(repo_->ListChildren(alice_, dir->id, {})->size(), 2u);
  // Still counted while in the trash; released by the purge.
  ASSERT_TRUE(repo_->Trash(alice_, dir->id, 8).ok());
  EXPECT_EQ(repo_->GetUser(alice_)->used_bytes, 300);
  EXPECT_EQ(*repo_->Purge(alice_, dir->id), 300);
  EXPECT_EQ(repo_->GetUser(alice_)->used_bytes, 0);
  EXPECT_EQ(repo_->FindBlob("s1")->refcount, 0);
  EXPECT_EQ(repo_->FindBlob("s2")->refcount, 1);
  auto orphans = repo_->OrphanBlobs(10);
  ASSERT_EQ(orphans->size(), 1u);
  EXPECT_EQ((*orphans)[0].sha256, "s1");
  EXPECT_TRUE(*repo_->DeleteBlobIfOrphan((*orphans)[0].id));
  EXPECT_TRUE(repo_->FindBlob("s1").status().IsNotFound());
}

TEST_P(RepositoryTest, CopySharesBlobsAndChargesQuota) {
  auto dir = repo_->CreateFolder(alice_, 0, "src", 1);
  auto sub = repo_->CreateFolder(alice_, dir->id, "sub", 1);
  AddFile(alice_, sub->id, "x", "s1", 100);
  auto dst = repo_->CreateFolder(alice_, 0, "dst", 1);
  auto copy = repo_->Copy(alice_, dir->id, dst->id, 2);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(repo_->GetUser(alice_)->used_bytes, 200);
  EXPECT_EQ(repo_->FindBlob("s1")->refcount, 2);
  auto subs = repo_->ListChildren(alice_, copy->id, {});
  ASSERT_EQ(subs->size(), 1u);
  EXPECT_EQ(repo_->ListChildren(alice_, (*subs)[0].id, {})->size(), 1u);
  EXPECT_EQ(repo_->Copy(alice_, dir->id, sub->id, 3).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_P(RepositoryTest, QuotaIsNeverExceededUnderConcurrency) {
  // 1000 bytes of quota, 40 concurrent 100-byte files: exactly 10 fit.
  std::atomic<int> ok{0}, full{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        std::string n = std::to_string(t) + "-" + std::to_string(i);
        auto r = repo_->AddFile({alice_, 0, n, "sha-" + n, 100, "id-" + n, 1});
        if (r.ok()) {
          ++ok;
        } else if (r.status().code() == Status::Code::kNoSpace) {
          ++full;
        } else {
          ADD_FAILURE() << r.status().ToString();
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(full.load(), 30);
  EXPECT_EQ(repo_->GetUser(alice_)->used_bytes, 1000);
}

TEST_P(RepositoryTest, ConcurrentUploadsOfOneContentMakeOneBlob) {
  ASSERT_TRUE(repo_->CreateUser("carol", "h", int64_t{1} << 40, 1).ok());
  int64_t carol = repo_->FindUser("carol")->id;
  std::atomic<int> dedups{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 10; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        std::string n = std::to_string(t) + "-" + std::to_string(i);
        auto r = repo_->AddFile({carol, 0, n, "same", 7, "id-" + n, 1});
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        if (r->deduplicated) ++dedups;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(repo_->FindBlob("same")->refcount, 50);
  EXPECT_EQ(dedups.load(), 49);
}

TEST_P(RepositoryTest, SearchFindsLiveNamesWithWildcardsLiteral) {
  AddFile(alice_, 0, "report_2024.pdf", "a", 1);
  AddFile(alice_, 0, "report-2024.pdf", "b", 1);
  AddFile(alice_, 0, "100%.txt", "c", 1);
  auto trashed = AddFile(alice_, 0, "report_old.pdf", "d", 1);
  ASSERT_TRUE(repo_->Trash(alice_, trashed.id, 2).ok());
  auto r = repo_->Search(alice_, "report_", 10);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].name, "report_2024.pdf");
  EXPECT_EQ(repo_->Search(alice_, "%", 10)->size(), 1u);
  EXPECT_EQ(repo_->Search(bob_, "report", 10)->size(), 0u);
}

TEST_P(RepositoryTest, ChallengesAreSingleUseAndExpire) {
  Challenge ch{"c1", alice_, "sha", 10, 0, "n", "expected", 100};
  ASSERT_TRUE(repo_->AddChallenge(ch).ok());
  EXPECT_TRUE(repo_->TakeChallenge(bob_, "c1", 50).status().IsNotFound());
  auto got = repo_->TakeChallenge(alice_, "c1", 50);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->expected, "expected");
  EXPECT_TRUE(repo_->TakeChallenge(alice_, "c1", 50).status().IsNotFound());
  ch.id = "c2";
  ASSERT_TRUE(repo_->AddChallenge(ch).ok());
  EXPECT_TRUE(repo_->TakeChallenge(alice_, "c2", 100).status().IsNotFound());
}

TEST_P(RepositoryTest, UploadsReserveQuotaLeaseAndAdvanceConditionally) {
  Upload u;
  u.id = "up1";
  u.user_id = alice_;
  u.name = "big.bin";
  u.length = 600;
  u.file_id = "group1/M00/00/00/up1";
  u.hash_state = "h0";
  u.created_at = 1;
  u.expires_at = 100;
  ASSERT_TRUE(repo_->uploads().Create(u).ok());
  EXPECT_EQ(repo_->GetUser(alice_)->used_bytes, 600);
  u.id = "up2";
  EXPECT_EQ(repo_->uploads().Create(u).code(), Status::Code::kNoSpace);
  EXPECT_TRUE(repo_->uploads().Get(bob_, "up1").status().IsNotFound());
  ASSERT_TRUE(repo_->uploads().Lease(alice_, "up1", "p1", 10, 40).ok());
  EXPECT_EQ(repo_->uploads().Lease(alice_, "up1", "p2", 20, 50).code(),
            Status::Code::kBusy);
  EXPECT_EQ(
      repo_->uploads().Advance(alice_, "up1", "p2", 0, 100, "h1", 200).code(),
      Status::Code::kBusy);
  ASSERT_TRUE(
      repo_->uploads().Advance(alice_, "up1", "p1", 0, 100, "h1", 200).ok());
  EXPECT_EQ(
      repo_->uploads().Advance(alice_, "up1", "p1", 0, 200, "h2", 200).code(),
      Status::Code::kBusy)
      << "not at offset 0 any more";
  ASSERT_TRUE(repo_->uploads().Lease(alice_, "up1", "p2", 41, 70).ok())
      << "an expired lease can be taken over";
  auto got = repo_->uploads().Get(alice_, "up1");
  EXPECT_EQ(got->offset, 100);
  EXPECT_EQ(got->hash_state, "h1");
  EXPECT_TRUE(repo_->uploads().Expired(150, 10)->empty());
  EXPECT_EQ(repo_->uploads().Expired(250, 10)->size(), 1u);
  auto gone = repo_->uploads().Delete(alice_, "up1");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->file_id, "group1/M00/00/00/up1");
  EXPECT_EQ(repo_->GetUser(alice_)->used_bytes, 0);
}

TEST_P(RepositoryTest, ShareDownloadLimitIsExactUnderConcurrency) {
  Node f = AddFile(alice_, 0, "hot.mp4", "hot", 10);
  Share sh;
  sh.code = "abcdefghijkl";
  sh.user_id = alice_;
  sh.node_id = f.id;
  sh.is_public = true;
  sh.created_at = 1;
  sh.max_downloads = 5;
  ASSERT_TRUE(repo_->shares().Create(sh).ok());
  sh.code = "abcdefghijkm";
  sh.user_id = bob_;
  EXPECT_TRUE(repo_->shares().Create(sh).IsNotFound()) << "not bob's file";
  std::atomic<int> ok{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        if (repo_->shares().CountDownload("abcdefghijkl", 10).ok()) ++ok;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 5);
  EXPECT_EQ(repo_->shares().Get("abcdefghijkl")->downloads, 5);
  EXPECT_TRUE(repo_->shares().Square(10, 10)->empty()) << "used up";
  ASSERT_TRUE(repo_->shares().Revoke(alice_, "abcdefghijkl", 11).ok());
  EXPECT_TRUE(repo_->shares().Get("abcdefghijkl").status().IsNotFound());
}

INSTANTIATE_TEST_SUITE_P(Databases, RepositoryTest,
                         ::testing::Values("sqlite", "mysql"),
                         [](const auto& info) { return info.param; });

TEST(MysqlUrl, ParsesEveryPart) {
  auto u = MysqlUrl::Parse("mysql://nimbus:p%40ss@db.example:3307/drive");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->user, "nimbus");
  EXPECT_EQ(u->password, "p@ss");
  EXPECT_EQ(u->host, "db.example");
  EXPECT_EQ(u->port, 3307);
  EXPECT_EQ(u->database, "drive");
  u = MysqlUrl::Parse(
      "mysql://root@localhost/x?socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->socket, "/run/mysqld/mysqld.sock");
  EXPECT_FALSE(MysqlUrl::Parse("mysql://host/db").ok());
  EXPECT_FALSE(MysqlUrl::Parse("mysql://u@host:99999/db").ok());
  EXPECT_FALSE(MysqlUrl::Parse("mysql://u@host/").ok());
  EXPECT_FALSE(MysqlUrl::Parse("mysql://u@host/db?evil=1").ok());
  EXPECT_FALSE(MysqlUrl::Parse("postgres://u@host/db").ok());
}

}  // namespace
}  // namespace nimbus::web
