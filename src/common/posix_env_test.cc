#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "common/env.h"
#include "common/fault_injection_env.h"

namespace nimbus {
namespace {

class PosixEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nimbus_env_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const char* name, const std::string& data) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }

  std::filesystem::path dir_;
  Env* env_ = Env::Default();
};

TEST_F(PosixEnvTest, ReadIfCachedServesPagesInMemoryAndRefusesOthers) {
  const std::string data(10000, 'z');
  std::string path = Write("cached", data);
  char buf[16384];
  uint64_t size = 0;
  auto got = env_->ReadIfCached(path, 0, sizeof(buf), buf, &size);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, data.size());
  EXPECT_EQ(size, data.size());
  EXPECT_EQ(std::string(buf, *got), data);
  got = env_->ReadIfCached(path, 9000, 100, buf, &size);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 100u);
  // Past the end: nothing to read, the size still reported.
  got = env_->ReadIfCached(path, 20000, 100, buf, &size);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 0u);
  EXPECT_EQ(size, data.size());

  // Dropped from the page cache: Busy, never a wait for the disk.
  int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::fdatasync(fd), 0);
  ASSERT_EQ(::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
  ::close(fd);
  got = env_->ReadIfCached(path, 0, sizeof(buf), buf, &size);
  EXPECT_EQ(got.status().code(), Status::Code::kBusy);

  EXPECT_EQ(env_->ReadIfCached((dir_ / "missing").string(), 0, 1, buf, &size)
                .status()
                .code(),
            Status::Code::kNotFound);
  // An environment without the probe says so; callers use the disk path.
  FaultInjectionEnv faulty(env_);
  EXPECT_EQ(faulty.ReadIfCached(path, 0, 1, buf, &size).status().code(),
            Status::Code::kNotSupported);
}

TEST_F(PosixEnvTest, PunchedBlocksReadAsHolesAndKeepTheSize) {
  std::string path = (dir_ / "trunk").string();
  auto f = env_->OpenOrCreateRandomRWFile(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const std::string block(4096, 'q');
  // Written but not yet flushed (delayed allocation) counts as data.
  for (uint64_t i = 0; i < 4; ++i)
    ASSERT_TRUE((*f)->Write(i * 4096, block).ok());
  for (uint64_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(*(*f)->HasDataAt(i * 4096)) << i;
  }
  EXPECT_TRUE(*(*f)->HasDataAt(4096 + 100));
  EXPECT_FALSE(*(*f)->HasDataAt(4 * 4096));  // past the end
  Status punched = (*f)->PunchHole(4096, 2 * 4096);
  if (punched.code() == Status::Code::kNotSupported)
    GTEST_SKIP() << punched.ToString();
  ASSERT_TRUE(punched.ok()) << punched.ToString();
  EXPECT_TRUE(*(*f)->HasDataAt(0));
  EXPECT_FALSE(*(*f)->HasDataAt(4096));
  EXPECT_FALSE(*(*f)->HasDataAt(2 * 4096));
  EXPECT_TRUE(*(*f)->HasDataAt(3 * 4096));
  EXPECT_EQ(*(*f)->Size(), 4u * 4096);
  char buf[4096];
  ASSERT_EQ(*(*f)->Read(4096, sizeof(buf), buf), sizeof(buf));
  EXPECT_EQ(std::count(buf, buf + sizeof(buf), '\0'), 4096);
  // A block written again after the punch is data again.
  ASSERT_TRUE((*f)->Write(2 * 4096, block).ok());
  EXPECT_TRUE(*(*f)->HasDataAt(2 * 4096));
  // Opening again keeps the content; a missing file is created empty.
  f->reset();
  auto again = env_->OpenOrCreateRandomRWFile(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->Size(), 4u * 4096);
  auto fresh = env_->OpenOrCreateRandomRWFile((dir_ / "fresh").string());
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*(*fresh)->Size(), 0u);
  EXPECT_FALSE(env_->OpenOrCreateRandomRWFile(dir_.string()).ok());
}

TEST_F(PosixEnvTest, DirModTimeIsForDirectoriesOnly) {
  std::string file = Write("plain", "x");
  auto t = env_->DirModTime(dir_.string());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_GT(*t, 1700000000);
  EXPECT_TRUE(env_->DirModTime(file).status().IsNotFound());
  EXPECT_TRUE(
      env_->DirModTime((dir_ / "missing").string()).status().IsNotFound());
}

TEST_F(PosixEnvTest, SetModTimeChangesOnlyTheModificationTime) {
  std::string path = Write("stamped", "x");
  ASSERT_TRUE(env_->SetModTime(path, 1600000000).ok());
  EXPECT_EQ(env_->Stat(path)->mtime, 1600000000);
  EXPECT_EQ(env_->SetModTime((dir_ / "missing").string(), 1).code(),
            Status::Code::kNotFound);
}

TEST_F(PosixEnvTest, TruncateFileCutsRegularFilesButNotThroughSymlinks) {
  std::string path = Write("cut", "0123456789");
  ASSERT_TRUE(env_->TruncateFile(path, 4).ok());
  EXPECT_EQ(env_->Stat(path)->size, 4u);
  std::string link = (dir_ / "link").string();
  ASSERT_EQ(::symlink(path.c_str(), link.c_str()), 0);
  EXPECT_FALSE(env_->TruncateFile(link, 0).ok());
  EXPECT_EQ(env_->Stat(path)->size, 4u);
  EXPECT_EQ(env_->TruncateFile((dir_ / "missing").string(), 0).code(),
            Status::Code::kNotFound);
}

TEST_F(PosixEnvTest, StatCountsHardLinks) {
  std::string path = Write("linked", "x");
  EXPECT_EQ(env_->Stat(path)->links, 1u);
  ASSERT_EQ(::link(path.c_str(), (dir_ / "other").c_str()), 0);
  EXPECT_EQ(env_->Stat(path)->links, 2u);
}

TEST_F(PosixEnvTest, RenameNoReplaceNeverOverwrites) {
  std::string a = Write("a", "first");
  std::string b = Write("b", "second");
  EXPECT_EQ(env_->RenameNoReplace(a, b).code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(*env_->ReadSmallFile(a, 100), "first");
  EXPECT_EQ(*env_->ReadSmallFile(b, 100), "second");
  std::string c = (dir_ / "c").string();
  ASSERT_TRUE(env_->RenameNoReplace(a, c).ok());
  EXPECT_FALSE(env_->FileExists(a));
  EXPECT_EQ(*env_->ReadSmallFile(c, 100), "first");
  EXPECT_EQ(env_->Stat(c)->links, 1u);
  // A missing directory is NotFound: callers make it and try again.
  EXPECT_EQ(env_->RenameNoReplace(c, (dir_ / "no" / "c").string()).code(),
            Status::Code::kNotFound);
  EXPECT_TRUE(env_->FileExists(c));
}

// Sizes around the 4 KiB block and the 1 MiB buffer, appended in uneven
// pieces, with a Sync() part way through (the padded tail block is written
// and rewritten): the file holds exactly the bytes appended.
TEST_F(PosixEnvTest, DirectWritableFileHoldsExactlyWhatWasAppended) {
  std::string pattern;
  for (int i = 0; i < 5 << 20; ++i) {
    pattern.push_back(static_cast<char>(i * 131 % 251));
  }
  const size_t sizes[] = {0,
                          1,
                          4095,
                          4096,
                          4097,
                          (1 << 20),
                          (1 << 20) + 1,
                          3 << 20,
                          (3 << 20) + 12345};
  for (size_t size : sizes) {
    for (bool sync_midway : {false, true}) {
      std::string path =
          (dir_ / fmt::format("direct{}_{}", size, sync_midway)).string();
      auto f = env_->NewDirectWritableFile(path);
      ASSERT_TRUE(f.ok()) << f.status().ToString();
      size_t at = 0, piece = 1;
      while (at < size) {
        size_t n = std::min(piece, size - at);
        ASSERT_TRUE((*f)->Append(std::string_view(pattern).substr(at, n)).ok());
        at += n;
        piece = piece * 7 % 300007 + 1;
        if (sync_midway && at > size / 2 && at - n <= size / 2) {
          ASSERT_TRUE((*f)->Sync().ok());
          auto mid = env_->Stat(path);
          ASSERT_TRUE(mid.ok());
          EXPECT_EQ(mid->size, at) << size;
        }
      }
      EXPECT_EQ((*f)->Size(), size);
      ASSERT_TRUE((*f)->Close().ok());
      auto read = env_->ReadSmallFile(path, 8 << 20);
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      EXPECT_EQ(read->size(), size);
      EXPECT_TRUE(*read == pattern.substr(0, size)) << size;
    }
  }
  // Creating over an existing name fails, as NewWritableFile does.
  EXPECT_FALSE(
      env_->NewDirectWritableFile((dir_ / "direct1_false").string()).ok());
}

// WriteAround at an aligned offset: the bytes land past the page cache, the
// last block padded with zeros; at an unaligned one, a plain write.
TEST_F(PosixEnvTest, WriteAroundBypassesThePageCacheAndPadsTheLastBlock) {
  const std::string path = (dir_ / "around").string();
  auto f = env_->OpenOrCreateRandomRWFile(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_TRUE((*f)->Write(0, std::string(10000, 'a')).ok());
  std::string data((1 << 20) + 5000, '\0');
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>(i * 131 % 251);
  }
  const uint64_t at = 3 * 4096;
  ASSERT_TRUE((*f)->WriteAround(at, data).ok());
  const uint64_t padded = (data.size() + 4095) / 4096 * 4096;
  EXPECT_EQ(*(*f)->Size(), at + padded);
  int probe = ::open(path.c_str(), O_RDONLY | O_DIRECT);
  if (probe >= 0) {  // where O_DIRECT works, nothing went to the cache
    ::close(probe);
    char block[4096];
    EXPECT_EQ(*(*f)->ReadIfCached(at, sizeof(block), block), 0u);
    EXPECT_EQ(*(*f)->ReadIfCached(at + padded - 4096, sizeof(block), block),
              0u);
  }
  std::string back(at + padded, '?');
  ASSERT_EQ(*(*f)->Read(0, back.size(), back.data()), back.size());
  EXPECT_EQ(back.substr(0, 10000), std::string(10000, 'a'));
  EXPECT_EQ(back.substr(10000, at - 10000), std::string(at - 10000, '\0'));
  EXPECT_TRUE(back.substr(at, data.size()) == data);
  EXPECT_EQ(back.substr(at + data.size()),
            std::string(padded - data.size(), '\0'));
  // An unaligned offset is a plain write: exactly the bytes given.
  ASSERT_TRUE((*f)->WriteAround(100, "xyz").ok());
  ASSERT_EQ(*(*f)->Read(99, 5, back.data()), 5u);
  EXPECT_EQ(back.substr(0, 5), "axyza");
  EXPECT_EQ(*(*f)->Size(), at + padded);
  // Through the fault-injection env, a write it fails writes nothing.
  FaultInjectionEnv faulty(env_);
  auto g = faulty.OpenOrCreateRandomRWFile(path);
  ASSERT_TRUE(g.ok());
  faulty.SetWriteBudget(100);
  EXPECT_EQ((*g)->WriteAround(0, std::string(8192, 'z')).code(),
            Status::Code::kNoSpace);
  ASSERT_EQ(*(*f)->Read(0, 1, back.data()), 1u);
  EXPECT_EQ(back[0], 'a');
}

// Reads at offsets and of lengths around the block and the internal
// buffer, into aligned and unaligned buffers, up to and past the end of the
// file: the bytes are the file's, and only the end of the file shortens a
// read.
TEST_F(PosixEnvTest, DirectReadFileReadsExactlyTheFile) {
  const size_t size = (3 << 20) + 12345;
  std::string pattern;
  for (size_t i = 0; i < size; ++i) {
    pattern.push_back(static_cast<char>(i * 131 % 251));
  }
  std::string path = (dir_ / "direct_read").string();
  ASSERT_TRUE(env_->WriteFileAtomic(path, pattern).ok());
  auto f = env_->OpenDirectReadFile(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto sz = (*f)->Size();
  ASSERT_TRUE(sz.ok());
  EXPECT_EQ(*sz, size);
  std::unique_ptr<char, decltype(&std::free)> buf(
      static_cast<char*>(std::aligned_alloc(4096, 5 << 20)), &std::free);
  ASSERT_NE(buf, nullptr);
  const uint64_t offsets[] = {
      0,           1,        4095, 4096,       8191, (1 << 20) + 7,
      size - 4096, size - 1, size, size + 4096};
  const size_t lengths[] = {1, 4095, 4096, 4097, (1 << 20), (2 << 20) + 3};
  for (uint64_t off : offsets) {
    for (size_t len : lengths) {
      for (size_t misalign : {0, 1, 512}) {
        SCOPED_TRACE(
            fmt::format("offset {} length {} misalign {}", off, len, misalign));
        char* dst = buf.get() + misalign;
        auto n = (*f)->Read(off, len, dst);
        ASSERT_TRUE(n.ok()) << n.status().ToString();
        size_t want = off >= size ? 0 : std::min<uint64_t>(len, size - off);
        ASSERT_EQ(*n, want);
        EXPECT_TRUE(std::string_view(dst, *n) ==
                    std::string_view(pattern).substr(
                        std::min<uint64_t>(off, size), want));
      }
    }
  }
  // Open for reading only.
  EXPECT_FALSE((*f)->Write(0, "x").ok());
  EXPECT_FALSE((*f)->Truncate(0).ok());
  EXPECT_FALSE(env_->OpenDirectReadFile((dir_ / "missing").string()).ok());
}

}  // namespace
}  // namespace nimbus
