// The POSIX Env. Errors carry errno through Status::FromErrno so that a full
// disk becomes NoSpace and a missing file NotFound all the way to the wire.
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/aligned_buffer.h"
#include "common/env.h"

namespace nimbus {
namespace {

// "." for a bare name; "/" for a name directly under the root.
std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status PosixError(const std::string& context, int err) {
  return Status::FromErrno(err,
                           fmt::format("{}: {}", context, std::strerror(err)));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError("write " + path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override {
    Status s = WriteAll(fd_, data, path_);
    if (s.ok()) size_ += data.size();
    return s;
  }
  Status Sync() override {
    if (::fdatasync(fd_) != 0) return PosixError("fdatasync " + path_, errno);
    return Status::OK();
  }
  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return PosixError("close " + path_, errno);
    return Status::OK();
  }
  uint64_t Size() const override { return size_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

// O_DIRECT needs the buffer, the file offset and the length aligned to the
// device's logical block; 4096 covers every block size in use.
constexpr size_t kDirectAlign = 4096;
constexpr size_t kDirectBuffer = size_t{1} << 20;

// NotFound, with `fd` closed, unless `fd` is a regular file: the servers
// never read or write stored bytes through a directory or a device.
Status RequireRegular(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) return Status::OK();
  ::close(fd);
  return Status::NotFound(path + " is not a regular file");
}

// Some file systems accept O_DIRECT at open and refuse the transfer with
// EINVAL. Returns true when `err` is that and O_DIRECT could be cleared on
// `fd`: the caller retries, and the file goes through the page cache from
// then on.
bool DropDirectIo(int fd, int err) {
  int flags = err == EINVAL ? ::fcntl(fd, F_GETFL) : -1;
  return flags >= 0 && (flags & O_DIRECT) != 0 &&
         ::fcntl(fd, F_SETFL, flags & ~O_DIRECT) == 0;
}

size_t RoundUpToBlock(size_t n) {
  return (n + kDirectAlign - 1) / kDirectAlign * kDirectAlign;
}

// Writes buf[0, n) at `at` of `fd`, opened with O_DIRECT (buf, n and at
// aligned): a file system that refuses the transfer gets it through the
// page cache (DropDirectIo).
Status PwriteAllDirect(int fd, const char* buf, size_t n, uint64_t at,
                       const std::string& path) {
  size_t done = 0;
  while (done < n) {
    ssize_t r =
        ::pwrite(fd, buf + done, n - done, static_cast<off_t>(at + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      if (DropDirectIo(fd, err)) continue;
      return PosixError("write " + path, err);
    }
    done += static_cast<size_t>(r);
  }
  return Status::OK();
}

// Appends are gathered in an aligned buffer and written a full buffer at a
// time with O_DIRECT. A tail shorter than a block is written padded with
// zeros and the file is then truncated to its real size, so the file is
// exactly what was appended after Sync() or Close(); a later flush rewrites
// the padded block with the bytes that follow.
class PosixDirectWritableFile final : public WritableFile {
 public:
  PosixDirectWritableFile(std::string path, int fd)
      : path_(std::move(path)),
        fd_(fd),
        buf_(
            static_cast<char*>(std::aligned_alloc(kDirectAlign, kDirectBuffer)),
            &std::free) {}
  ~PosixDirectWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return buf_ != nullptr; }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      size_t take = std::min(data.size(), kDirectBuffer - fill_);
      std::memcpy(buf_.get() + fill_, data.data(), take);
      fill_ += take;
      data.remove_prefix(take);
      if (fill_ == kDirectBuffer) {
        Status s = WriteAt(offset_, kDirectBuffer);
        if (!s.ok()) return s;
        offset_ += kDirectBuffer;
        fill_ = 0;
      }
    }
    return Status::OK();
  }
  Status Sync() override {
    Status s = WriteTail();
    if (!s.ok()) return s;
    if (::fdatasync(fd_) != 0) return PosixError("fdatasync " + path_, errno);
    return Status::OK();
  }
  Status Close() override {
    Status s = fd_ >= 0 ? WriteTail() : Status::OK();
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0 && s.ok()) {
      s = PosixError("close " + path_, errno);
    }
    return s;
  }
  uint64_t Size() const override { return offset_ + fill_; }

 private:
  // Writes buf_[0, n) at `at`, n a multiple of the block size.
  Status WriteAt(uint64_t at, size_t n) {
    return PwriteAllDirect(fd_, buf_.get(), n, at, path_);
  }
  // Writes the buffered bytes (kept in the buffer: the next full flush
  // covers them again) and sets the file's size to Size().
  Status WriteTail() {
    if (fill_ == 0) return Status::OK();
    size_t padded = RoundUpToBlock(fill_);
    std::memset(buf_.get() + fill_, 0, padded - fill_);
    Status s = WriteAt(offset_, padded);
    if (!s.ok()) return s;
    if (padded != fill_ &&
        ::ftruncate(fd_, static_cast<off_t>(offset_ + fill_)) != 0) {
      return PosixError("truncate " + path_, errno);
    }
    return Status::OK();
  }

  std::string path_;
  int fd_;
  std::unique_ptr<char, decltype(&std::free)> buf_;
  uint64_t offset_ = 0;  // file bytes written in full blocks
  size_t fill_ = 0;      // bytes in buf_ after offset_
};

// Reads up to `n` bytes at `offset` that are in the page cache, without
// waiting for the disk: stops at the first byte that is not (or at EOF).
Result<size_t> PreadCached(int fd, const std::string& path, uint64_t offset,
                           size_t n, char* dst) {
  size_t got = 0;
  while (got < n) {
    iovec iov{dst + got, n - got};
    ssize_t r =
        ::preadv2(fd, &iov, 1, static_cast<off_t>(offset + got), RWF_NOWAIT);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EOPNOTSUPP) break;
      return PosixError("read " + path, errno);
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

class PosixRandomRWFile final : public RandomRWFile {
 public:
  PosixRandomRWFile(std::string path, int fd)
      : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomRWFile() override { ::close(fd_); }
  Result<size_t> Read(uint64_t offset, size_t n, char* scratch) const override {
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, scratch + got, n - got,
                          static_cast<off_t>(offset + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError("pread " + path_, errno);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    return got;
  }
  Result<size_t> ReadIfCached(uint64_t offset, size_t n,
                              char* scratch) const override {
    return PreadCached(fd_, path_, offset, n, scratch);
  }
  Status Write(uint64_t offset, std::string_view data) override {
    while (!data.empty()) {
      ssize_t r =
          ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError("pwrite " + path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(r));
      offset += static_cast<uint64_t>(r);
    }
    return Status::OK();
  }
  // A descriptor of its own, opened per call: the file object is shared
  // by threads, and a write this large pays one open gladly.
  Status WriteAround(uint64_t offset, std::string_view data) override {
    if (offset % kDirectAlign != 0 || data.empty()) return Write(offset, data);
    int dfd = ::open(path_.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
    if (dfd < 0) {
      if (errno == EINVAL) return Write(offset, data);  // no O_DIRECT here
      return PosixError("open " + path_, errno);
    }
    AlignedBuffer buf(std::min(RoundUpToBlock(data.size()), kDirectBuffer));
    Status s;
    while (s.ok() && !data.empty()) {
      const size_t take = std::min(data.size(), buf.size());
      const size_t padded = RoundUpToBlock(take);
      std::memcpy(buf.data(), data.data(), take);
      std::memset(buf.data() + take, 0, padded - take);
      s = PwriteAllDirect(dfd, buf.data(), padded, offset, path_);
      data.remove_prefix(take);
      offset += take;
    }
    ::close(dfd);
    return s;
  }
  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return PosixError("ftruncate " + path_, errno);
    }
    return Status::OK();
  }
  Status PunchHole(uint64_t offset, uint64_t len) override {
    if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    static_cast<off_t>(offset), static_cast<off_t>(len)) != 0) {
      int err = errno;
      if (err == EOPNOTSUPP) {
        return Status::NotSupported("punch hole in " + path_ +
                                    ": not supported by the file system");
      }
      return PosixError("fallocate(PUNCH_HOLE) " + path_, err);
    }
    return Status::OK();
  }
  Result<bool> HasDataAt(uint64_t offset) const override {
    off_t r = ::lseek(fd_, static_cast<off_t>(offset), SEEK_DATA);
    if (r < 0) {
      if (errno == ENXIO) return false;  // a hole up to the end, or past it
      return PosixError("lseek(SEEK_DATA) " + path_, errno);
    }
    // SEEK_DATA answers at block granularity: data found within the
    // offset's own block counts as data at the offset.
    return static_cast<uint64_t>(r) <= offset;
  }
  Status Sync() override {
    if (::fdatasync(fd_) != 0) return PosixError("fdatasync " + path_, errno);
    return Status::OK();
  }
  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return PosixError("fstat " + path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  std::string path_;
  int fd_;
};

// Reads with O_DIRECT. A read whose offset and buffer are aligned goes
// straight into the caller's buffer in whole blocks; an unaligned head, a
// tail shorter than a block and reads into unaligned buffers pass through an
// aligned buffer of the file's own, allocated on first need.
class PosixDirectReadFile final : public RandomRWFile {
 public:
  PosixDirectReadFile(std::string path, int fd)
      : path_(std::move(path)), fd_(fd), bounce_(nullptr, &std::free) {}
  ~PosixDirectReadFile() override { ::close(fd_); }

  Result<size_t> Read(uint64_t offset, size_t n, char* scratch) const override {
    size_t got = 0;
    while (got < n) {
      const uint64_t at = offset + got;
      char* dst = scratch + got;
      const size_t left = n - got;
      if (at % kDirectAlign == 0 &&
          reinterpret_cast<uintptr_t>(dst) % kDirectAlign == 0 &&
          left >= kDirectAlign) {
        auto r = Pread(dst, left / kDirectAlign * kDirectAlign, at);
        if (!r.ok()) return r.status();
        if (*r == 0) break;
        got += *r;
        continue;
      }
      if (bounce_ == nullptr) {
        bounce_.reset(static_cast<char*>(
            std::aligned_alloc(kDirectAlign, kDirectBuffer)));
        if (bounce_ == nullptr) {
          return Status::IOError("no memory for a read buffer");
        }
      }
      const uint64_t start = at / kDirectAlign * kDirectAlign;
      const size_t skip = static_cast<size_t>(at - start);
      const size_t span = std::min(kDirectBuffer, RoundUpToBlock(skip + left));
      auto r = Pread(bounce_.get(), span, start);
      if (!r.ok()) return r.status();
      if (*r <= skip) break;  // end of file
      const size_t take = std::min(*r - skip, left);
      std::memcpy(dst, bounce_.get() + skip, take);
      got += take;
    }
    return got;
  }
  Status Write(uint64_t, std::string_view) override { return ReadOnly(); }
  Status Truncate(uint64_t) override { return ReadOnly(); }
  Status Sync() override { return ReadOnly(); }
  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return PosixError("fstat " + path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  Status ReadOnly() const {
    return Status::NotSupported(path_ + " is open for reading only");
  }
  // One pread; 0 only at end of file.
  Result<size_t> Pread(char* dst, size_t n, uint64_t at) const {
    for (;;) {
      ssize_t r = ::pread(fd_, dst, n, static_cast<off_t>(at));
      if (r >= 0) return static_cast<size_t>(r);
      if (errno == EINTR) continue;
      const int err = errno;
      if (DropDirectIo(fd_, err)) continue;
      return PosixError("pread " + path_, err);
    }
  }

  std::string path_;
  int fd_;
  mutable std::unique_ptr<char, decltype(&std::free)> bounce_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) override {
    int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("create " + path, errno);
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(path, fd, 0));
  }

  Result<std::unique_ptr<WritableFile>> NewDirectWritableFile(
      const std::string& path) override {
    int fd = ::open(path.c_str(),
                    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECT, 0644);
    if (fd < 0 && errno == EINVAL) return NewWritableFile(path);  // tmpfs
    if (fd < 0) return PosixError("create " + path, errno);
    auto f = std::make_unique<PosixDirectWritableFile>(path, fd);
    if (!f->ok()) {
      f.reset();
      ::unlink(path.c_str());  // created above: leave no empty file behind
      return Status::IOError("no memory for a write buffer");
    }
    return std::unique_ptr<WritableFile>(std::move(f));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return PosixError("open " + path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return PosixError("fstat " + path, err);
    }
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(
        path, fd, static_cast<uint64_t>(st.st_size)));
  }

  Result<std::unique_ptr<RandomRWFile>> OpenRandomRWFile(
      const std::string& path, bool writable) override {
    int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) return PosixError("open " + path, errno);
    Status regular = RequireRegular(fd, path);
    if (!regular.ok()) return regular;
    return std::unique_ptr<RandomRWFile>(
        std::make_unique<PosixRandomRWFile>(path, fd));
  }

  Result<std::unique_ptr<RandomRWFile>> OpenOrCreateRandomRWFile(
      const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("open " + path, errno);
    Status regular = RequireRegular(fd, path);
    if (!regular.ok()) return regular;
    return std::unique_ptr<RandomRWFile>(
        std::make_unique<PosixRandomRWFile>(path, fd));
  }

  Result<std::unique_ptr<RandomRWFile>> OpenDirectReadFile(
      const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECT);
    if (fd < 0 && errno == EINVAL) return OpenRandomRWFile(path, false);
    if (fd < 0) return PosixError("open " + path, errno);
    Status regular = RequireRegular(fd, path);
    if (!regular.ok()) return regular;
    return std::unique_ptr<RandomRWFile>(
        std::make_unique<PosixDirectReadFile>(path, fd));
  }

  Result<size_t> ReadIfCached(const std::string& path, uint64_t offset,
                              size_t n, char* dst, uint64_t* size) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open " + path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Status::NotFound(path + " is not a regular file");
    }
    *size = static_cast<uint64_t>(st.st_size);
    const size_t want =
        offset >= *size
            ? 0
            : static_cast<size_t>(std::min<uint64_t>(n, *size - offset));
    auto got = PreadCached(fd, path, offset, want, dst);
    ::close(fd);
    // Short: not all cached (or the file shrank since fstat).
    if (got.ok() && *got < want) return Status::Busy("not in the page cache");
    return got;
  }

  Result<FileStat> Stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
      return PosixError("stat " + path, errno);
    if (!S_ISREG(st.st_mode)) {
      return Status::NotFound(path + " is not a regular file");
    }
    return FileStat{static_cast<uint64_t>(st.st_size),
                    static_cast<int64_t>(st.st_mtime),
                    static_cast<uint64_t>(st.st_nlink)};
  }

  Result<int64_t> DirModTime(const std::string& dir) override {
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return PosixError("stat " + dir, errno);
    if (!S_ISDIR(st.st_mode)) {
      return Status::NotFound(dir + " is not a directory");
    }
    return static_cast<int64_t>(st.st_mtime);
  }

  Status SetModTime(const std::string& path, int64_t seconds) override {
    struct timespec ts[2];
    ts[0].tv_sec = 0;
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1].tv_sec = static_cast<time_t>(seconds);
    ts[1].tv_nsec = 0;
    if (::utimensat(AT_FDCWD, path.c_str(), ts, 0) != 0) {
      return PosixError("utimensat " + path, errno);
    }
    return Status::OK();
  }

  bool FileExists(const std::string& path) override {
    return ::access(path.c_str(), F_OK) == 0;
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return PosixError("rename " + from + " -> " + to, errno);
    }
    return Status::OK();
  }

  Status TruncateFile(const std::string& path, uint64_t size) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return PosixError("open " + path, errno);
    struct stat st;
    Status s;
    if (::fstat(fd, &st) != 0) {
      s = PosixError("fstat " + path, errno);
    } else if (!S_ISREG(st.st_mode)) {
      s = Status::InvalidArgument(path + " is not a regular file");
    } else if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      s = PosixError("truncate " + path, errno);
    }
    ::close(fd);
    return s;
  }

  Status RenameNoReplace(const std::string& from,
                         const std::string& to) override {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(),
                    RENAME_NOREPLACE) == 0) {
      return Status::OK();
    }
    if (errno != EINVAL && errno != ENOSYS) {
      return PosixError("rename " + from + " -> " + to, errno);
    }
    if (::link(from.c_str(), to.c_str()) != 0) {
      return PosixError("link " + from + " -> " + to, errno);
    }
    ::unlink(from.c_str());
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError("unlink " + path, errno);
    return Status::OK();
  }

  Status CreateDirIfMissing(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
      return PosixError("mkdir " + path, errno);
    }
    return Status::OK();
  }

  Result<std::vector<std::string>> GetChildren(
      const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return PosixError("opendir " + dir, errno);
    std::vector<std::string> out;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name(e->d_name);
      if (name == "." || name == "..") continue;
      out.emplace_back(name);
    }
    ::closedir(d);
    return out;
  }

  Result<DiskSpace> GetDiskSpace(const std::string& path) override {
    struct statvfs vfs;
    if (::statvfs(path.c_str(), &vfs) != 0) {
      return PosixError("statvfs " + path, errno);
    }
    DiskSpace ds;
    ds.total_mb = static_cast<int64_t>(
        (static_cast<unsigned __int128>(vfs.f_blocks) * vfs.f_frsize) >> 20);
    ds.free_mb = static_cast<int64_t>(
        (static_cast<unsigned __int128>(vfs.f_bavail) * vfs.f_frsize) >> 20);
    return ds;
  }

  Status WriteFileAtomic(const std::string& path,
                         std::string_view data) override {
    static std::atomic<uint64_t> seq{0};  // uniqueness only; no shared state
    std::string tmp = fmt::format("{}.tmp.{}.{}", path, ::getpid(), seq++);
    int fd =
        ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("create " + tmp, errno);
    Status s = WriteAll(fd, data, tmp);
    if (s.ok() && ::fdatasync(fd) != 0)
      s = PosixError("fdatasync " + tmp, errno);
    if (::close(fd) != 0 && s.ok()) s = PosixError("close " + tmp, errno);
    if (s.ok()) s = RenameFile(tmp, path);
    if (!s.ok()) {
      ::unlink(tmp.c_str());
      return s;
    }
    return SyncPath(DirName(path));
  }

  Status SyncPath(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open " + path, errno);
    Status s;
    if (::fsync(fd) != 0) s = PosixError("fsync " + path, errno);
    ::close(fd);
    return s;
  }

  Status SyncFilesystem(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open " + path, errno);
    Status s;
    if (::syncfs(fd) != 0) s = PosixError("syncfs " + path, errno);
    ::close(fd);
    return s;
  }

  bool OnSameFilesystem(const std::string& dir,
                        const std::string& path) override {
    struct stat a, b;
    return ::stat(dir.c_str(), &a) == 0 && ::stat(path.c_str(), &b) == 0 &&
           a.st_dev == b.st_dev;
  }

  Result<std::string> ReadSmallFile(const std::string& path,
                                    size_t max_bytes) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open " + path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return PosixError("fstat " + path, err);
    }
    if (static_cast<uint64_t>(st.st_size) > max_bytes) {
      ::close(fd);
      return Status::Corruption(fmt::format("{} is {} bytes, more than {}",
                                            path, st.st_size, max_bytes));
    }
    std::string out(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < out.size()) {
      ssize_t r = ::read(fd, out.data() + got, out.size() - got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
    ::close(fd);
    out.resize(got);
    return out;
  }
};

}  // namespace

Env* Env::Default() {
  static PosixEnv env;  // stateless
  return &env;
}

}  // namespace nimbus
