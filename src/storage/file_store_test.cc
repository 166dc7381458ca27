#include "storage/file_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "common/fault_injection_env.h"

namespace nimbus::storage {
namespace {

namespace fs = std::filesystem;

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("nimbus_fs_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    opts_.group_name = "group1";
    opts_.base_path = root_.string();
    opts_.store_paths = {(root_ / "p0").string(), (root_ / "p1").string()};
    opts_.subdir_count_per_path = 4;
    opts_.file_distribute_rotate_count = 2;
  }
  void TearDown() override { fs::remove_all(root_); }

  // Writes `data` to a temp file of path 0 the way the server does.
  std::string WriteTemp(FileStore& store, Env* env, const std::string& data) {
    std::string temp;
    auto f = store.NewTempFile(0, data.size(), &temp);
    EXPECT_TRUE(f.ok());
    (void)env;
    EXPECT_TRUE((*f)->Append(data).ok());
    EXPECT_TRUE((*f)->Close().ok());
    return temp;
  }

  // Writes and names a normal file of path 0; returns its absolute path.
  std::string Commit(FileStore& store, const std::string& data) {
    std::string temp = WriteTemp(store, Env::Default(), data);
    NewFileSpec spec{1, 1700000000, static_cast<int64_t>(data.size()),
                     0, false,      ""};
    auto ln = store.CommitNew(0, temp, spec);
    EXPECT_TRUE(ln.ok()) << ln.status().ToString();
    return ln.ok() ? *store.Resolve(*ln) : "";
  }
  // The FileRef of a file in store path 0 known by its absolute path.
  static FileRef RefOf(FileStore& store, const std::string& full) {
    std::string rel = full.substr(store.path(0).size() + 1);  // data/HH/LL/N
    auto ln = proto::ParseLogicName("M00/" + rel.substr(5));
    EXPECT_TRUE(ln.ok()) << full;
    return *store.Locate(*ln);
  }

  fs::path root_;
  StorageOptions opts_;
};

TEST_F(FileStoreTest, InitClearsLeftoverTempFiles) {
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  std::string temp = WriteTemp(store, Env::Default(), "partial");
  ASSERT_TRUE(fs::exists(temp));
  FileStore again(opts_, Env::Default());
  ASSERT_TRUE(again.Init().ok());
  EXPECT_FALSE(fs::exists(temp));
}

TEST_F(FileStoreTest, CommitNewGivesADecodableUniqueName) {
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  std::set<std::string> names;
  for (int i = 0; i < 6; ++i) {
    std::string temp = WriteTemp(store, Env::Default(), "hello");
    NewFileSpec spec{*proto::ParseIpv4("127.0.0.1"),
                     1700000000,
                     5,
                     0x3610a686,
                     false,
                     "txt"};
    auto ln = store.CommitNew(0, temp, spec);
    ASSERT_TRUE(ln.ok()) << ln.status().ToString();
    EXPECT_FALSE(fs::exists(temp));
    auto full = store.Resolve(*ln);
    ASSERT_TRUE(full.ok());
    EXPECT_TRUE(fs::exists(*full));
    auto f = proto::DecodeNameBase(ln->name);
    EXPECT_EQ(f->EncodedSize(), 5);
    EXPECT_EQ(f->crc32, 0x3610a686u);
    EXPECT_EQ(ln->name.size(), 34u);
    EXPECT_LT(ln->dir1, 4u);
    names.insert(ln->ToString());
  }
  EXPECT_EQ(names.size(), 6u);
}

TEST_F(FileStoreTest, EveryCopyOfANormalFileCarriesItsCreateTimeAsMtime) {
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  NewFileSpec spec{
      *proto::ParseIpv4("127.0.0.1"), 1700000000, 5, 7, false, "jpg"};
  auto ln = store.CommitNew(0, WriteTemp(store, Env::Default(), "hello"), spec);
  ASSERT_TRUE(ln.ok());
  auto full = store.Resolve(*ln);
  EXPECT_EQ(Env::Default()->Stat(*full)->mtime, 1700000000);

  // A replica placed in another store (as a peer would) gets the same time,
  // so nginx gives both copies the same ETag and Last-Modified.
  StorageOptions peer_opts = opts_;
  peer_opts.store_paths = {(root_ / "peer0").string()};
  FileStore peer(peer_opts, Env::Default());
  ASSERT_TRUE(peer.Init().ok());
  std::string temp = WriteTemp(peer, Env::Default(), "hello");
  proto::LogicName on_peer = *ln;
  on_peer.store_path_index = 0;
  ASSERT_TRUE(peer.PlaceReplica(temp, on_peer).ok());
  EXPECT_EQ(Env::Default()->Stat(*peer.Resolve(on_peer))->mtime, 1700000000);

  // An appender file keeps the time of its last change.
  spec.appender = true;
  auto app = store.CommitNew(0, WriteTemp(store, Env::Default(), "x"), spec);
  ASSERT_TRUE(app.ok());
  EXPECT_GT(Env::Default()->Stat(*store.Resolve(*app))->mtime, 1700000000);
}

TEST_F(FileStoreTest, ResolveRejectsOutOfLayoutNames) {
  FileStore store(opts_, Env::Default());
  auto ln =
      proto::ParseLogicName("M02/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013");
  ASSERT_TRUE(ln.ok());
  EXPECT_FALSE(store.Resolve(*ln).ok());  // only 2 store paths
  ln = proto::ParseLogicName("M00/04/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013");
  EXPECT_FALSE(store.Resolve(*ln).ok());  // subdir_count_per_path = 4
}

TEST_F(FileStoreTest, RenameFailureLeavesNoFileUnderAName) {
  FaultInjectionEnv env(Env::Default());
  FileStore store(opts_, &env);
  ASSERT_TRUE(store.Init().ok());
  std::string temp = WriteTemp(store, &env, "abc");
  env.SetRenameFails(true);
  NewFileSpec spec{1, 2, 3, 4, false, ""};
  EXPECT_FALSE(store.CommitNew(0, temp, spec).ok());
  size_t data_files = 0;
  for (auto& e : fs::recursive_directory_iterator(root_ / "p0" / "data")) {
    if (e.is_regular_file()) ++data_files;
  }
  EXPECT_EQ(data_files, 0u);
}

TEST_F(FileStoreTest, MetadataOverwriteMergeAndMissingFile) {
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  std::string temp = WriteTemp(store, Env::Default(), "x");
  auto ln = store.CommitNew(0, temp, NewFileSpec{1, 2, 1, 0, false, ""});
  ASSERT_TRUE(ln.ok());
  FileRef full = *store.Locate(*ln);
  EXPECT_EQ(*store.ReadMetadata(full), "");
  ASSERT_TRUE(store
                  .WriteMetadata(full, 'O',
                                 "a\x02"
                                 "1\x01"
                                 "b\x02"
                                 "2")
                  .ok());
  ASSERT_TRUE(store
                  .WriteMetadata(full, 'M',
                                 "b\x02"
                                 "3\x01"
                                 "c\x02"
                                 "4")
                  .ok());
  EXPECT_EQ(*store.ReadMetadata(full),
            "a\x02"
            "1\x01"
            "b\x02"
            "3\x01"
            "c\x02"
            "4");
  EXPECT_FALSE(store.WriteMetadata(full, 'O', "broken").ok());
  EXPECT_EQ(*store.ReadMetadata(full),
            "a\x02"
            "1\x01"
            "b\x02"
            "3\x01"
            "c\x02"
            "4");
  ASSERT_TRUE(store.WriteMetadata(full, 'O', "").ok());
  EXPECT_FALSE(fs::exists(full.full + "-m"));
  ASSERT_TRUE(store.Delete(full).ok());
  EXPECT_EQ(store.ReadMetadata(full).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store.Delete(full).code(), Status::Code::kNotFound);
}

TEST_F(FileStoreTest, FreeSpaceIsAskedForEachFileOnlyNearTheReserve) {
  FaultInjectionEnv env(Env::Default());
  FileStore store(opts_, &env);
  ASSERT_TRUE(store.Init().ok());
  store.SetReserved(*ReservedSpace::Parse("10%"));  // 10,000 MB
  env.SetFreeMb(50000);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(store.CheckSpace(0, 4096).ok());
  EXPECT_EQ(env.disk_space_queries(), 1);
  // A file that would come near the reserve asks again, and is refused on
  // the fresh figure.
  EXPECT_EQ(store.CheckSpace(0, int64_t{40500} << 20).code(),
            Status::Code::kNoSpace);
  EXPECT_EQ(env.disk_space_queries(), 2);
  // Within the slack above the reserve every file asks.
  env.SetFreeMb(10800);
  EXPECT_TRUE(store.CheckSpace(0, 4096).ok());  // cached 50,000 is stale...
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(store.CheckSpace(0, 4096).ok());  // ...until it expires
  int64_t before = env.disk_space_queries();
  EXPECT_TRUE(store.CheckSpace(0, 4096).ok());
  EXPECT_TRUE(store.CheckSpace(0, 4096).ok());
  EXPECT_EQ(env.disk_space_queries(), before + 2);
  env.SetFreeMb(10000);
  EXPECT_EQ(store.CheckSpace(0, 4096).code(), Status::Code::kNoSpace);
}

// kStorePathAny: round robin over the paths with room above the reserve
// (the tracker's store_path = 0, FastDFS's default), or the path with the
// most free space (store_path = 2). An explicit index is taken as given.
TEST_F(FileStoreTest, AnyStorePathFollowsTheTrackersPolicy) {
  FaultInjectionEnv env(Env::Default());
  FileStore store(opts_, &env);
  ASSERT_TRUE(store.Init().ok());
  store.SetReserved(*ReservedSpace::Parse("10%"));  // 10,000 MB
  env.SetFreeMb(50000);
  std::vector<uint32_t> picked;
  for (int i = 0; i < 4; ++i) picked.push_back(*store.ChoosePath(0xff));
  EXPECT_EQ(picked, (std::vector<uint32_t>{0, 1, 0, 1}));
  // A path at its reserve is passed over.
  env.SetFreeMbOf(opts_.store_paths[0], 9000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  picked.clear();
  for (int i = 0; i < 3; ++i) picked.push_back(*store.ChoosePath(0xff));
  EXPECT_EQ(picked, (std::vector<uint32_t>{1, 1, 1}));
  EXPECT_EQ(*store.ChoosePath(0), 0u);
  EXPECT_EQ(store.ChoosePath(2).status().code(),
            Status::Code::kInvalidArgument);

  store.SetPathBalancing(true);
  env.SetFreeMbOf(opts_.store_paths[0], 60000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*store.ChoosePath(0xff), 0u);
  env.SetFreeMbOf(opts_.store_paths[1], 70000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(*store.ChoosePath(0xff), 1u);
}

TEST_F(FileStoreTest, ReserveIsEnforced) {
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  store.SetReserved(*ReservedSpace::Parse("99.99%"));
  EXPECT_EQ(store.CheckSpace(0, 1).code(), Status::Code::kNoSpace);
  store.SetReserved(*ReservedSpace::Parse("0%"));
  EXPECT_TRUE(store.CheckSpace(0, 1).ok());
  EXPECT_EQ(store.CheckSpace(0, int64_t{1} << 60).code(),
            Status::Code::kNoSpace);
}

TEST_F(FileStoreTest, AppenderBecomesNormalFileWithRealSizeAndCrc) {
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  std::string temp = WriteTemp(store, Env::Default(), "hello");
  auto ln = store.CommitNew(0, temp, NewFileSpec{1, 2, 0, 0, true, "log"});
  ASSERT_TRUE(ln.ok());
  std::string full = *store.Resolve(*ln);
  ASSERT_TRUE(store.WriteMetadata(*store.Locate(*ln), 'O', "k\x02v").ok());
  auto fresh = store.RenameToNormal(full, *ln, 7, 1700000000);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_FALSE(fs::exists(full));
  std::string nfull = *store.Resolve(*fresh);
  EXPECT_TRUE(fs::exists(nfull));
  EXPECT_TRUE(fs::exists(nfull + "-m"));
  auto f = proto::DecodeNameBase(fresh->name);
  EXPECT_FALSE(f->IsAppender());
  EXPECT_EQ(f->EncodedSize(), 5);
  EXPECT_EQ(f->crc32, 0x3610a686u);  // crc32("hello")
  EXPECT_EQ(fresh->name.substr(fresh->name.size() - 4), ".log");
}

ino_t InodeOf(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST_F(FileStoreTest, DeletedFilesInodesCarryNewFilesAfterQuarantine) {
  opts_.spare_quarantine_ms = 0;
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  std::string full = Commit(store, "old content");
  ASSERT_TRUE(store.WriteMetadata(RefOf(store, full), 'O', "k\x02v").ok());
  std::set<ino_t> freed = {InodeOf(full), InodeOf(full + "-m")};

  ASSERT_TRUE(store.Delete(full).ok());
  EXPECT_FALSE(fs::exists(full));
  EXPECT_FALSE(fs::exists(full + "-m"));
  EXPECT_EQ(store.SpareCount(0), 2u);
  EXPECT_EQ(store.SpareCount(1), 0u);

  for (int i = 0; i < 3; ++i) {
    std::string n = Commit(store, "new");
    // Two reuse a deleted inode, the third is created; nothing of the old
    // content is left in either.
    EXPECT_EQ(freed.count(InodeOf(n)), i < 2 ? 1u : 0u) << i;
    std::ifstream in(n, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "new");
  }
  EXPECT_EQ(store.SpareCount(0), 0u);
}

// A small upload's bytes are all in memory: written under the new name at
// once, with no temp file to rename.
TEST_F(FileStoreTest, StoreWholeWritesTheFileUnderItsNameAtOnce) {
  opts_.spare_quarantine_ms = 0;
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  const std::string data = "hello, whole file";
  NewFileSpec spec{*proto::ParseIpv4("127.0.0.1"),
                   1700000000,
                   static_cast<int64_t>(data.size()),
                   0x1234,
                   false,
                   "txt"};
  std::set<std::string> names;
  for (int i = 0; i < 3; ++i) {
    auto ln = store.StoreWhole(0, data, spec, i == 1);
    ASSERT_TRUE(ln.ok()) << ln.status().ToString();
    EXPECT_TRUE(names.insert(ln->ToString()).second);
    auto ref = store.Locate(*ln);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(ref->fields.EncodedSize(), static_cast<int64_t>(data.size()));
    EXPECT_EQ(ref->fields.crc32, 0x1234u);
    std::ifstream in(ref->full, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), data);
    EXPECT_EQ(Env::Default()->Stat(ref->full)->mtime, 1700000000);
  }
  EXPECT_TRUE(fs::is_empty(root_ / "p0" / "tmp"));

  // A deleted file's inode carries the next one.
  std::string gone = *store.Resolve(*proto::ParseLogicName(*names.begin()));
  const ino_t freed = InodeOf(gone);
  ASSERT_TRUE(store.Delete(gone).ok());
  ASSERT_EQ(store.SpareCount(0), 1u);
  auto reused = store.StoreWhole(0, "abc", spec, false);
  ASSERT_TRUE(reused.ok()) << reused.status().ToString();
  const std::string full = *store.Resolve(*reused);
  EXPECT_EQ(InodeOf(full), freed);
  EXPECT_EQ(store.SpareCount(0), 0u);
  std::ifstream in(full, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "abc");
}

TEST_F(FileStoreTest, StoreWholeLeavesNoFileUnderANameWhenAWriteFails) {
  FaultInjectionEnv env(Env::Default());
  FileStore store(opts_, &env);
  ASSERT_TRUE(store.Init().ok());
  env.SetWriteFails(true);
  NewFileSpec spec{1, 2, 3, 4, false, ""};
  auto ln = store.StoreWhole(0, "abc", spec, false);
  EXPECT_FALSE(ln.ok());
  size_t data_files = 0;
  for (auto& e : fs::recursive_directory_iterator(root_ / "p0" / "data")) {
    if (e.is_regular_file()) ++data_files;
  }
  EXPECT_EQ(data_files, 0u);
}

TEST_F(FileStoreTest, ADeletedInodeIsNotReusedDuringQuarantine) {
  opts_.spare_quarantine_ms = 3600 * 1000;
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  std::string full = Commit(store, "old");
  ino_t freed = InodeOf(full);
  ASSERT_TRUE(store.Delete(full).ok());
  EXPECT_EQ(store.SpareCount(0), 1u);
  std::string t = WriteTemp(store, Env::Default(), "new");
  EXPECT_NE(InodeOf(t), freed);
  // A restart keeps the spare, still quarantined.
  FileStore again(opts_, Env::Default());
  ASSERT_TRUE(again.Init().ok());
  EXPECT_EQ(again.SpareCount(0), 1u);
}

// The fraction of `path`'s pages in the page cache (-1 when it cannot tell).
double CachedFraction(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return -1;
  struct stat st {};
  double fraction = -1;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                       MAP_SHARED, fd, 0);
    if (map != MAP_FAILED) {
      const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
      std::vector<unsigned char> in((st.st_size + page - 1) / page);
      if (::mincore(map, static_cast<size_t>(st.st_size), in.data()) == 0) {
        size_t cached = 0;
        for (unsigned char v : in) cached += v & 1;
        fraction = static_cast<double>(cached) / in.size();
      }
      ::munmap(map, static_cast<size_t>(st.st_size));
    }
  }
  ::close(fd);
  return fraction;
}

// Whether an O_DIRECT write under `dir` bypasses the page cache (not so on
// tmpfs, or where O_DIRECT is refused and the store falls back).
bool DirectWritesBypassTheCache(const fs::path& dir) {
  const std::string probe = (dir / "direct_probe").string();
  int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY | O_DIRECT, 0644);
  if (fd < 0) return false;
  void* block = nullptr;
  bool wrote = ::posix_memalign(&block, 4096, 4096) == 0;
  if (wrote) {
    std::memset(block, 'x', 4096);
    wrote = ::write(fd, block, 4096) == 4096;
    std::free(block);
  }
  ::close(fd);
  bool bypassed = wrote && CachedFraction(probe) == 0;
  fs::remove(probe);
  return bypassed;
}

// Replicas of at least replica_direct_io_min_bytes are written around the
// page cache, uploads of the same size through it, and smaller replicas
// through it too; every file holds exactly its bytes.
TEST_F(FileStoreTest, LargeReplicasAreWrittenAroundThePageCache) {
  opts_.replica_direct_io_min_bytes = 1 << 20;
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  if (!DirectWritesBypassTheCache(root_)) {
    GTEST_SKIP() << "O_DIRECT does not bypass the page cache under " << root_;
  }
  std::string big;
  for (int i = 0; i < (2 << 20) + 4097; ++i) {
    big.push_back(static_cast<char>(i % 251));
  }
  auto write = [&](bool replica, const std::string& data) {
    std::string temp;
    auto f = replica ? store.NewReplicaTempFile(0, data.size(), &temp)
                     : store.NewTempFile(0, data.size(), &temp);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    if (!f.ok()) return temp;
    EXPECT_TRUE((*f)->Append(data).ok());
    EXPECT_TRUE((*f)->Close().ok());
    return temp;
  };
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string upload = write(false, big);
  std::string replica = write(true, big);
  std::string small = write(true, big.substr(0, 512 * 1024));
  EXPECT_GT(CachedFraction(upload), 0.9);
  EXPECT_EQ(CachedFraction(replica), 0.0);
  EXPECT_GT(CachedFraction(small), 0.9);
  EXPECT_TRUE(read(upload) == big);
  EXPECT_TRUE(read(replica) == big);
  EXPECT_TRUE(read(small) == big.substr(0, 512 * 1024));
}

// With direct_io_min_size set, a file that large is written around the page
// cache: exactly its bytes, on a new inode (spares are for small files).
TEST_F(FileStoreTest, LargeFilesAreWrittenDirectAndLeaveSparesAlone) {
  opts_.spare_quarantine_ms = 0;
  opts_.direct_io_min_bytes = 64 * 1024;
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  ASSERT_TRUE(store.Delete(Commit(store, "small")).ok());
  ASSERT_EQ(store.SpareCount(0), 1u);
  std::string big;
  for (int i = 0; i < 300001; ++i) big.push_back(static_cast<char>(i % 253));
  std::string full = Commit(store, big);
  EXPECT_EQ(store.SpareCount(0), 1u);
  std::ifstream in(full, std::ios::binary);
  EXPECT_TRUE(std::string(std::istreambuf_iterator<char>(in), {}) == big);
  Commit(store, "small again");
  EXPECT_EQ(store.SpareCount(0), 0u);
}

}  // namespace
}  // namespace nimbus::storage
