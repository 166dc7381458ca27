#include "storage/trunk_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/fault_injection_env.h"

namespace nimbus::storage {
namespace {

namespace fs = std::filesystem;
using proto::TrunkSlot;

constexpr uint32_t kKey = 0x0A000002;  // 10.0.0.2

class TrunkStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("nimbus_trunk_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "a");
    fs::create_directories(root_ / "b");
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string path(const char* p) const { return (root_ / p).string(); }
  static std::string Bytes(size_t n, char seed) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i * 7);
    return s;
  }
  static std::string ReadAll(TrunkStore& t, const TrunkSlot& slot, size_t n,
                             bool around_cache = false) {
    std::string out(n, '\0');
    auto f = t.OpenSlot(0, kKey, slot, n, around_cache);
    if (!f.ok()) return "error: " + f.status().ToString();
    auto r = (*f)->Read(0, n, out.data());
    if (!r.ok()) return "error: " + r.status().ToString();
    out.resize(*r);
    return out;
  }
  static int64_t Blocks(const std::string& file) {
    struct stat st;
    return ::stat(file.c_str(), &st) == 0 ? st.st_blocks : -1;
  }

  fs::path root_;
};

TEST_F(TrunkStoreTest, PacksFilesInAlignedSlotsAndReadsThemBack) {
  TrunkStore t(Env::Default(), {path("a")}, 64 << 20);
  ASSERT_TRUE(t.Init().ok());
  EXPECT_TRUE(t.CanPack(0));  // ext4 and tmpfs punch holes
  EXPECT_FALSE(t.CanPack(1));
  EXPECT_FALSE(fs::exists(path("a") + "/trunk/probe"));
  const size_t sizes[] = {1, 4095, 4096, 4097, 100000};
  std::vector<std::pair<TrunkSlot, std::string>> files;
  uint32_t expect_offset = 0;
  for (size_t i = 0; i < std::size(sizes); ++i) {
    std::string data = Bytes(sizes[i], static_cast<char>('a' + i));
    auto slot = t.Append(0, kKey, data);
    ASSERT_TRUE(slot.ok()) << slot.status().ToString();
    EXPECT_EQ(slot->id, 1u);
    EXPECT_EQ(slot->offset, expect_offset);
    EXPECT_EQ(slot->alloc % TrunkStore::kSlotAlign, 0u);
    EXPECT_GE(slot->alloc, sizes[i]);
    EXPECT_LT(slot->alloc, sizes[i] + TrunkStore::kSlotAlign);
    expect_offset += slot->alloc;
    files.emplace_back(*slot, data);
  }
  for (const auto& [slot, data] : files) {
    EXPECT_EQ(ReadAll(t, slot, data.size()), data);
    EXPECT_TRUE(*t.Holds(0, kKey, slot));
  }
  // A read within a file, and one past its slot, stop at the slot.
  char buf[8];
  auto big = t.OpenSlot(0, kKey, files[4].first, files[4].second.size());
  ASSERT_TRUE(big.ok());
  auto part = (*big)->Read(10, sizeof(buf), buf);
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(std::string(buf, *part), files[4].second.substr(10, 8));
  auto small = t.OpenSlot(0, kKey, files[0].first, files[0].second.size());
  ASSERT_TRUE(small.ok());
  auto past = (*small)->Read(5000, sizeof(buf), buf);
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(*past, 0u);
  EXPECT_TRUE(fs::exists(t.FilePath(0, kKey, 1)));
  EXPECT_EQ(t.FilePath(0, kKey, 1), path("a") + "/trunk/0A000002-00000001");
}

TEST_F(TrunkStoreTest, StartsANewTrunkFileWhenTheCurrentOneIsFull) {
  TrunkStore t(Env::Default(), {path("a")}, 3 * 4096);
  ASSERT_TRUE(t.Init().ok());
  auto s1 = t.Append(0, kKey, Bytes(8000, 'x'));  // 2 blocks
  auto s2 = t.Append(0, kKey, Bytes(5000, 'y'));  // 2 more: does not fit
  auto s3 = t.Append(0, kKey, Bytes(10, 'z'));    // fits after s2
  ASSERT_TRUE(s1.ok() && s2.ok() && s3.ok());
  EXPECT_EQ(*s1, (TrunkSlot{1, 0, 8192}));
  EXPECT_EQ(*s2, (TrunkSlot{2, 0, 8192}));
  EXPECT_EQ(*s3, (TrunkSlot{2, 8192, 4096}));
  // Another source packs into trunk files of its own.
  auto other = t.Append(0, kKey + 1, Bytes(10, 'o'));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, (TrunkSlot{1, 0, 4096}));
  EXPECT_EQ(ReadAll(t, *s1, 8000), Bytes(8000, 'x'));
  EXPECT_FALSE(t.Append(0, kKey, Bytes(4 * 4096, 'w')).ok());  // too large
  EXPECT_FALSE(t.Append(0, kKey, "").ok());
  EXPECT_FALSE(t.Append(1, kKey, "x").ok());  // no such store path
}

TEST_F(TrunkStoreTest, ResumesAtTheAlignedEndAfterARestart) {
  TrunkSlot first;
  {
    TrunkStore t(Env::Default(), {path("a")}, 64 << 20);
    ASSERT_TRUE(t.Init().ok());
    ASSERT_TRUE(t.Append(0, kKey, Bytes(100, 'p')).ok());
    auto s = t.Append(0, kKey, Bytes(5000, 'q'));
    ASSERT_TRUE(s.ok());
    first = *s;
  }
  // A crash in the middle of a write leaves a partial block at the end.
  {
    auto f = Env::Default()->OpenRandomRWFile(
        path("a") + "/trunk/0A000002-00000001", true);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Write(3 * 4096, "torn").ok());
  }
  TrunkStore t(Env::Default(), {path("a")}, 64 << 20);
  ASSERT_TRUE(t.Init().ok());
  EXPECT_EQ(ReadAll(t, first, 5000), Bytes(5000, 'q'));
  auto next = t.Append(0, kKey, Bytes(10, 'r'));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, (TrunkSlot{1, 4 * 4096, 4096}));
}

TEST_F(TrunkStoreTest, FreeingASlotReleasesItsBlocksAndOnlyThem) {
  TrunkStore t(Env::Default(), {path("a")}, 64 << 20);
  ASSERT_TRUE(t.Init().ok());
  auto a = t.Append(0, kKey, Bytes(40000, 'a'));
  auto b = t.Append(0, kKey, Bytes(40000, 'b'));
  auto c = t.Append(0, kKey, Bytes(40000, 'c'));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  std::string file = t.FilePath(0, kKey, 1);
  // Allocate the blocks on disk.
  ASSERT_TRUE(Env::Default()->SyncPath(file).ok());
  int64_t before = Blocks(file);
  Status freed = t.Free(0, kKey, *b);
  ASSERT_TRUE(freed.ok()) << freed.ToString();
  EXPECT_LE(Blocks(file), before - 40000 / 512);
  EXPECT_FALSE(*t.Holds(0, kKey, *b));
  EXPECT_TRUE(t.OpenSlot(0, kKey, *b, 16).status().IsNotFound());
  EXPECT_TRUE(t.Free(0, kKey, *b).IsNotFound());  // deleted twice
  EXPECT_EQ(ReadAll(t, *a, 40000), Bytes(40000, 'a'));
  EXPECT_EQ(ReadAll(t, *c, 40000), Bytes(40000, 'c'));
  // Space is never handed out twice: the next slot follows c.
  auto d = t.Append(0, kKey, Bytes(10, 'd'));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->offset, c->offset + c->alloc);
}

TEST_F(TrunkStoreTest, AReplicaWritesTheSameSlotOfItsOwnCopy) {
  TrunkStore source(Env::Default(), {path("a")}, 64 << 20);
  TrunkStore replica(Env::Default(), {path("b")}, 64 << 20);
  ASSERT_TRUE(source.Init().ok() && replica.Init().ok());
  ASSERT_TRUE(source.Append(0, kKey, Bytes(9000, 'u')).ok());
  std::string data = Bytes(3000, 'v');
  auto slot = source.Append(0, kKey, data);
  ASSERT_TRUE(slot.ok());
  // Not there yet: a name that will arrive later is not found.
  EXPECT_FALSE(*replica.Holds(0, kKey, *slot));
  EXPECT_TRUE(
      replica.OpenSlot(0, kKey, *slot, data.size()).status().IsNotFound());
  ASSERT_TRUE(replica.WriteAt(0, kKey, *slot, data).ok());
  ASSERT_TRUE(replica.WriteAt(0, kKey, *slot, data).ok());  // sent again
  EXPECT_EQ(ReadAll(replica, *slot, data.size()), data);
  EXPECT_TRUE(fs::exists(path("b") + "/trunk/0A000002-00000001"));
  EXPECT_FALSE(replica.WriteAt(0, kKey, *slot, Bytes(5000, 'w')).ok());
  ASSERT_TRUE(replica.Free(0, kKey, *slot).ok());
  EXPECT_FALSE(*replica.Holds(0, kKey, *slot));
}

TEST_F(TrunkStoreTest, ALargeReplicaWrittenAroundTheCacheReadsTheSame) {
  TrunkStore source(Env::Default(), {path("a")}, 64 << 20);
  TrunkStore replica(Env::Default(), {path("b")}, 64 << 20);
  ASSERT_TRUE(source.Init().ok() && replica.Init().ok());
  std::string before = Bytes(5000, 'p'), big = Bytes((1 << 20) + 3, 'q'),
              after = Bytes(7000, 'r');
  auto s1 = source.Append(0, kKey, before);
  auto s2 = source.Append(0, kKey, big);
  auto s3 = source.Append(0, kKey, after);
  ASSERT_TRUE(s1.ok() && s2.ok() && s3.ok());
  // The neighbours first, so that the large one's padding lands between
  // files already there.
  ASSERT_TRUE(replica.WriteAt(0, kKey, *s1, before).ok());
  ASSERT_TRUE(replica.WriteAt(0, kKey, *s3, after).ok());
  ASSERT_TRUE(replica.WriteAt(0, kKey, *s2, big, /*around_cache=*/true).ok());
  // Neither the write nor a read around the cache (the scrubber's) left
  // the file's pages in memory.
  EXPECT_EQ(ReadAll(replica, *s2, big.size(), /*around_cache=*/true), big);
  char block[4096];
  EXPECT_EQ(*replica.ReadIfCached(0, kKey, *s2, 0, sizeof(block), block), 0u);
  EXPECT_EQ(*replica.ReadIfCached(0, kKey, *s2, big.size() - 1, 1, block), 0u);
  EXPECT_EQ(ReadAll(replica, *s1, before.size()), before);
  EXPECT_EQ(ReadAll(replica, *s2, big.size()), big);
  EXPECT_EQ(ReadAll(replica, *s3, after.size(), /*around_cache=*/true), after);
  EXPECT_EQ(ReadAll(replica, *s3, after.size()), after);
  EXPECT_TRUE(*replica.Holds(0, kKey, *s2));
  // A slot that is not whole blocks (a peer's name says so) still takes
  // exactly its bytes.
  proto::TrunkSlot odd = *s3;
  odd.offset += odd.alloc;
  odd.alloc = 5001;
  ASSERT_TRUE(
      replica.WriteAt(0, kKey, odd, Bytes(5000, 's'), /*around_cache=*/true)
          .ok());
  EXPECT_EQ(ReadAll(replica, odd, 5000), Bytes(5000, 's'));
}

TEST_F(TrunkStoreTest, AFailedWriteLeavesNothingBehindAndLosesNoSpaceTwice) {
  FaultInjectionEnv env(Env::Default());
  TrunkStore t(&env, {path("a")}, 64 << 20);
  ASSERT_TRUE(t.Init().ok());
  auto kept = t.Append(0, kKey, Bytes(5000, 'k'));
  ASSERT_TRUE(kept.ok());
  env.SetWriteBudget(100);
  auto full = t.Append(0, kKey, Bytes(5000, 'f'));
  EXPECT_EQ(full.status().code(), Status::Code::kNoSpace);
  env.SetWriteBudget(-1);
  auto next = t.Append(0, kKey, Bytes(5000, 'n'));
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->offset, kept->offset + kept->alloc);  // never overlaps
  EXPECT_EQ(ReadAll(t, *kept, 5000), Bytes(5000, 'k'));
  EXPECT_EQ(ReadAll(t, *next, 5000), Bytes(5000, 'n'));
}

TEST_F(TrunkStoreTest, ReadIfCachedNeverOpensAFile) {
  TrunkStore t(Env::Default(), {path("a")}, 64 << 20);
  ASSERT_TRUE(t.Init().ok());
  std::string data = Bytes(6000, 'c');
  auto slot = t.Append(0, kKey, data);
  ASSERT_TRUE(slot.ok());
  std::string out(data.size(), '\0');
  auto r = t.ReadIfCached(0, kKey, *slot, 0, out.size(), out.data());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(out.substr(0, *r), data.substr(0, *r));
  TrunkStore cold(Env::Default(), {path("a")}, 64 << 20);
  EXPECT_EQ(cold.ReadIfCached(0, kKey, *slot, 0, out.size(), out.data())
                .status()
                .code(),
            Status::Code::kBusy);
}

}  // namespace
}  // namespace nimbus::storage
