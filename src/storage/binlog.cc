#include "storage/binlog.h"

#include <fmt/format.h>

#include <charconv>

#include "proto/constants.h"

namespace nimbus::storage {
namespace {

constexpr size_t kMaxLine = 512;

bool ParseI64(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

bool ValidOp(char op) {
  switch (op) {
    case 'C':
    case 'D':
    case 'U':
    case 'A':
    case 'M':
    case 'T':
    case 'R':
    case 'c':
    case 'd':
    case 'u':
    case 'a':
    case 'm':
    case 't':
    case 'r':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string EncodeBinlogRecord(const BinlogRecord& r) {
  switch (r.op | 0x20) {
    case 'a':
    case 'm':
      return fmt::format("{} {} {} {} {}\n", r.timestamp, r.op, r.name, r.a,
                         r.b);
    case 't':
      return fmt::format("{} {} {} {}\n", r.timestamp, r.op, r.name, r.a);
    case 'r':
      return fmt::format("{} {} {} {}\n", r.timestamp, r.op, r.name,
                         r.old_name);
    default:
      return fmt::format("{} {} {}\n", r.timestamp, r.op, r.name);
  }
}

Result<BinlogRecord> DecodeBinlogRecord(std::string_view line) {
  std::string_view fields[5];
  size_t n = 0;
  size_t pos = 0;
  while (pos <= line.size() && n < 5) {
    size_t sp = line.find(' ', pos);
    if (sp == std::string_view::npos) sp = line.size();
    fields[n++] = line.substr(pos, sp - pos);
    pos = sp + 1;
  }
  auto bad = [&] {
    return Status::Corruption("bad binlog record `" + std::string(line) + "`");
  };
  if (pos <= line.size() || n < 3 || fields[1].size() != 1) return bad();
  BinlogRecord r;
  if (!ParseI64(fields[0], &r.timestamp)) return bad();
  r.op = fields[1][0];
  if (!ValidOp(r.op) || fields[2].empty()) return bad();
  r.name = std::string(fields[2]);
  size_t want = 3;
  switch (r.op | 0x20) {
    case 'a':
    case 'm':
      want = 5;
      if (n != 5 || !ParseI64(fields[3], &r.a) || !ParseI64(fields[4], &r.b)) {
        return bad();
      }
      break;
    case 't':
      want = 4;
      if (n != 4 || !ParseI64(fields[3], &r.a)) return bad();
      break;
    case 'r':
      want = 4;
      if (n != 4 || fields[3].empty()) return bad();
      r.old_name = std::string(fields[3]);
      break;
    default:
      break;
  }
  if (n != want) return bad();
  return r;
}

std::string BinlogPosition::ToString() const {
  return fmt::format("{} {}\n", file, offset);
}

Result<BinlogPosition> BinlogPosition::Parse(std::string_view text) {
  size_t sp = text.find(' ');
  int64_t f = 0, o = 0;
  std::string_view rest =
      sp == std::string_view::npos ? "" : text.substr(sp + 1);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) {
    rest.remove_suffix(1);
  }
  if (sp == std::string_view::npos || !ParseI64(text.substr(0, sp), &f) ||
      !ParseI64(rest, &o) || f < 0 || o < 0) {
    return Status::Corruption("bad binlog position `" + std::string(text) +
                              "`");
  }
  return BinlogPosition{static_cast<uint32_t>(f), static_cast<uint64_t>(o)};
}

std::string BinlogFileName(const std::string& dir, uint32_t index) {
  return fmt::format("{}/binlog.{:03d}", dir, index);
}

BinlogWriter::BinlogWriter(Env* env, std::string dir, uint64_t max_file_bytes)
    : env_(env), dir_(std::move(dir)), max_file_bytes_(max_file_bytes) {}

Status BinlogWriter::OpenFile(uint32_t index) {
  std::string path = BinlogFileName(dir_, index);
  if (!env_->FileExists(path)) {
    auto created = env_->NewWritableFile(path);
    if (!created.ok()) return created.status();
    Status s = (*created)->Close();
    // The new name must survive a crash, or a later synced record would
    // vanish with it.
    if (s.ok()) s = env_->SyncPath(dir_);
    if (!s.ok()) return s;
  }
  // Cut a torn last line left by a crash mid-write.
  auto rw = env_->OpenRandomRWFile(path, true);
  if (!rw.ok()) return rw.status();
  auto size = (*rw)->Size();
  if (!size.ok()) return size.status();
  uint64_t keep = *size;
  if (keep > 0) {
    std::string tail(
        static_cast<size_t>(std::min<uint64_t>(keep, kMaxLine * 2)), '\0');
    uint64_t start = keep - tail.size();
    auto n = (*rw)->Read(start, tail.size(), tail.data());
    if (!n.ok()) return n.status();
    size_t nl = tail.rfind('\n');
    keep = nl == std::string::npos ? start : start + nl + 1;
    if (keep != *size) {
      Status s = (*rw)->Truncate(keep);
      if (!s.ok()) return s;
    }
  }
  auto f = env_->NewAppendableFile(path);
  if (!f.ok()) return f.status();
  file_ = std::move(*f);
  end_ = BinlogPosition{index, keep};
  return Status::OK();
}

Status BinlogWriter::Open() {
  Status s = env_->CreateDirIfMissing(dir_);
  if (!s.ok()) return s;
  uint32_t last = 0;
  while (env_->FileExists(BinlogFileName(dir_, last + 1))) ++last;
  std::lock_guard<std::mutex> lock(mu_);
  return OpenFile(last);
}

Status BinlogWriter::Append(const BinlogRecord& r) {
  std::string line = EncodeBinlogRecord(r);
  if (line.size() > kMaxLine)
    return Status::InvalidArgument("binlog record too long");
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ == nullptr) return Status::IOError("binlog not open");
  if (end_.offset > 0 && end_.offset + line.size() > max_file_bytes_) {
    // Sync() covers the current file only: finish the old one durably.
    Status s = file_->Sync();
    if (!s.ok()) return s;
    // Closed when the last holder lets go: a Sync() may be using it.
    file_.reset();
    s = OpenFile(end_.file + 1);
    if (!s.ok()) return s;
  }
  Status s = file_->Append(line);
  if (s.ok()) end_.offset += line.size();
  return s;
}

Status BinlogWriter::Sync() {
  std::shared_ptr<WritableFile> f;
  {
    std::lock_guard<std::mutex> lock(mu_);
    f = file_;
  }
  return f ? f->Sync() : Status::IOError("binlog not open");
}

BinlogPosition BinlogWriter::end() const {
  std::lock_guard<std::mutex> lock(mu_);
  return end_;
}

BinlogReader::BinlogReader(Env* env, std::string dir, BinlogPosition start)
    : env_(env), dir_(std::move(dir)), pos_(start) {}

Result<BinlogRecord> BinlogReader::Next() { return Read(false); }

Result<BinlogRecord> BinlogReader::NextIfCached() { return Read(true); }

Result<BinlogRecord> BinlogReader::Read(bool cached_only) {
  for (;;) {
    size_t nl = buf_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buf_.substr(0, nl);
      auto r = DecodeBinlogRecord(line);
      if (!r.ok()) return r.status();
      buf_.erase(0, nl + 1);
      pos_.offset += nl + 1;
      return r;
    }
    if (open_index_ != pos_.file) {
      if (cached_only) return Status::Busy("binlog file not open yet");
      auto f = env_->OpenRandomRWFile(BinlogFileName(dir_, pos_.file), false);
      if (!f.ok()) return Status::NotFound("no binlog yet");
      file_ = std::move(*f);
      open_index_ = pos_.file;
      buf_.clear();
    }
    char chunk[16384];
    const uint64_t at = pos_.offset + buf_.size();
    auto n = cached_only ? file_->ReadIfCached(at, sizeof(chunk), chunk)
                         : file_->Read(at, sizeof(chunk), chunk);
    if (!n.ok()) return n.status();
    if (*n > 0) {
      buf_.append(chunk, *n);
      if (buf_.size() > kMaxLine * 4 && buf_.find('\n') == std::string::npos) {
        return Status::Corruption("binlog line longer than the limit");
      }
      continue;
    }
    if (cached_only) {
      // Nothing read: the end of the file, or bytes not in the page cache.
      auto size = file_->Size();
      if (!size.ok()) return size.status();
      if (*size > at) return Status::Busy("binlog tail not in the page cache");
    }
    // End of this file: move on only once a later file exists (the writer
    // never leaves a partial line behind when it rotates).
    if (buf_.empty() && env_->FileExists(BinlogFileName(dir_, pos_.file + 1))) {
      pos_ = BinlogPosition{pos_.file + 1, 0};
      continue;
    }
    return Status::NotFound("end of binlog");
  }
}

}  // namespace nimbus::storage
