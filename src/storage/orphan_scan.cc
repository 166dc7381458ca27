#include "storage/orphan_scan.h"

#include <fmt/format.h>

#include <algorithm>

#include "proto/file_name.h"

namespace nimbus::storage {

Result<OrphanScan::Tail> OrphanScan::ReadTail(Env* env,
                                              const std::string& sync_dir,
                                              const BinlogPosition& end) {
  Tail tail;
  if (end.offset == 0 && end.file == 0) return tail;
  // A binlog file just started holds little: the previous one's end too.
  std::vector<uint32_t> files = {end.file};
  if (end.file > 0 && end.offset < kTailBytes)
    files.insert(files.begin(), end.file - 1);
  for (uint32_t index : files) {
    auto f = env->OpenRandomRWFile(BinlogFileName(sync_dir, index), false);
    if (!f.ok()) {
      if (f.status().IsNotFound()) continue;
      return f.status();
    }
    NIMBUS_LET_OR_RETURN(uint64_t size, (*f)->Size());
    if (index == end.file) size = std::min(size, end.offset);
    const uint64_t from = size > kTailBytes ? size - kTailBytes : 0;
    std::string buf(static_cast<size_t>(size - from), '\0');
    NIMBUS_LET_OR_RETURN(size_t n, (*f)->Read(from, buf.size(), buf.data()));
    buf.resize(n);
    size_t pos = 0;
    if (from > 0) {  // starts inside a record
      pos = buf.find('\n');
      pos = pos == std::string::npos ? buf.size() : pos + 1;
    }
    while (pos < buf.size()) {
      size_t eol = buf.find('\n', pos);
      if (eol == std::string::npos) break;  // torn last line: not written
      auto r = DecodeBinlogRecord(std::string_view(buf).substr(pos, eol - pos));
      pos = eol + 1;
      if (!r.ok()) continue;
      tail.last_timestamp = std::max(tail.last_timestamp, r->timestamp);
      tail.names.insert(r->name);
      if (!r->old_name.empty()) tail.names.insert(r->old_name);
    }
  }
  return tail;
}

namespace {

// Whether the file's bytes agree with what its name says of them.
bool MatchesName(Env* env, FileStore& store, const std::string& full,
                 const proto::LogicName& ln, const proto::FileNameFields& f) {
  if (f.IsAppender() || ln.IsSlave(f)) return true;
  auto st = env->Stat(full);
  if (!st.ok() || static_cast<int64_t>(st->size) != f.EncodedSize()) {
    return false;
  }
  auto crc = store.Crc32Of(full, st->size);
  return crc.ok() && *crc == f.crc32;
}

}  // namespace

Result<OrphanScan::Orphans> OrphanScan::Find(Env* env, FileStore& store,
                                             int subdirs, const Tail& tail) {
  Orphans out;
  if (tail.last_timestamp < 0) return out;
  const int64_t since = tail.last_timestamp - kSlackSeconds;
  for (uint32_t p = 0; p < store.path_count(); ++p) {
    for (int d1 = 0; d1 < subdirs; ++d1) {
      const std::string top = fmt::format("{}/data/{:02X}", store.path(p), d1);
      if (!env->DirModTime(top).ok()) continue;  // never used
      for (int d2 = 0; d2 < subdirs; ++d2) {
        const std::string dir = fmt::format("{}/{:02X}", top, d2);
        // A name placed in a directory changes its modification time.
        auto mtime = env->DirModTime(dir);
        if (!mtime.ok() || *mtime < since) continue;
        auto names = env->GetChildren(dir);
        if (!names.ok()) continue;
        for (const std::string& name : *names) {
          std::string logic =
              fmt::format("M{:02X}/{:02X}/{:02X}/{}", p, d1, d2, name);
          auto ln = proto::ParseLogicName(logic);
          if (!ln.ok()) continue;  // metadata, not a stored file
          auto f = proto::DecodeNameBase(ln->name);
          if (!f.ok() || static_cast<int64_t>(f->create_time) < since) {
            continue;
          }
          if (tail.names.count(logic) != 0) continue;
          bool whole = MatchesName(env, store, dir + "/" + name, *ln, *f);
          (whole ? out.whole : out.torn).push_back(std::move(logic));
        }
      }
    }
  }
  return out;
}

Status OrphanScan::MarkCleanStop(Env* env, const std::string& sync_dir,
                                 const BinlogPosition& end) {
  return env->WriteFileAtomic(sync_dir + "/" + kCleanStopFile, end.ToString());
}

Result<bool> OrphanScan::TakeCleanStop(Env* env, const std::string& sync_dir,
                                       const BinlogPosition& end) {
  const std::string marker = sync_dir + "/" + kCleanStopFile;
  if (!env->FileExists(marker)) return false;
  auto text = env->ReadSmallFile(marker, 256);
  Status s = env->RemoveFile(marker);
  if (s.ok()) s = env->SyncPath(sync_dir);
  if (!s.ok()) return s;
  return text.ok() && *text == end.ToString();
}

}  // namespace nimbus::storage
