// The storage binlog: one text record per change, in the order the changes
// were made on this server (format in docs/storage-format.md):
//
//   <timestamp> <op> <name>[ <a>[ <b>]]\n
//
//   op   meaning                      a           b
//   C    file created (any upload)    -           -
//   D    file deleted                 -           -
//   U    metadata replaced/merged     -           -
//   A    bytes appended               offset      length
//   M    bytes modified               offset      length
//   T    file truncated               new size    -
//   R    renamed (appender->normal)   old name    -
//
// Upper case: the change originated here (this server is the source and
// pushes it to its peers). Lower case: the change was replicated in.
// `name` is the logical name "Mpp/HH/LL/NAME" (no group).
//
// Files: <dir>/binlog.000, binlog.001, ...; a new file starts when the current
// one passes the size limit. A record is never split across files.
#ifndef NIMBUS_STORAGE_BINLOG_H_
#define NIMBUS_STORAGE_BINLOG_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/result.h"

namespace nimbus::storage {

struct BinlogRecord {
  int64_t timestamp = 0;
  char op = 'C';
  std::string name;
  int64_t a = 0;
  int64_t b = 0;
  std::string old_name;  // for 'R'

  bool replicated() const { return op >= 'a' && op <= 'z'; }
};

// Encodes one record with its trailing newline.
std::string EncodeBinlogRecord(const BinlogRecord& r);
// Decodes one line (without the newline). A line that does not parse is
// Corruption.
Result<BinlogRecord> DecodeBinlogRecord(std::string_view line);

struct BinlogPosition {
  uint32_t file = 0;
  uint64_t offset = 0;
  std::string ToString() const;
  static Result<BinlogPosition> Parse(std::string_view text);
};

std::string BinlogFileName(const std::string& dir, uint32_t index);

// Appends records. Thread-safe: every append takes the writer's mutex.
class BinlogWriter {
 public:
  BinlogWriter(Env* env, std::string dir, uint64_t max_file_bytes);

  // Opens the last binlog file for appending. A torn last line (a crash in
  // the middle of a write) is cut off.
  Status Open();
  Status Append(const BinlogRecord& r);
  // Makes the records appended before the call durable (fdatasync). Appends
  // go on meanwhile: the sync runs outside the writer's mutex.
  Status Sync();
  BinlogPosition end() const;

 private:
  Status OpenFile(uint32_t index);

  Env* const env_;
  const std::string dir_;
  const uint64_t max_file_bytes_;
  mutable std::mutex mu_;
  // Shared with a Sync() under way, which may outlive a switch to the next
  // file (the old one is synced at the switch anyway).
  std::shared_ptr<WritableFile> file_;  // guarded by mu_
  BinlogPosition end_;                  // guarded by mu_
};

// Reads records from a position onwards. One thread at a time.
class BinlogReader {
 public:
  BinlogReader(Env* env, std::string dir, BinlogPosition start);

  // The next complete record; NotFound when there is none yet (an
  // incomplete last line counts as none).
  Result<BinlogRecord> Next();
  // Like Next, but for an event-loop thread: reads only what is in the page
  // cache and opens no file, and returns Busy where Next would have to wait
  // for the disk (the caller then uses Next on a disk thread). Seeing whether
  // a later binlog file exists is a lookup in a directory the writer keeps
  // hot, as a download's open() is.
  Result<BinlogRecord> NextIfCached();
  // The position just after the last record returned.
  BinlogPosition position() const { return pos_; }

 private:
  Result<BinlogRecord> Read(bool cached_only);

  Env* const env_;
  const std::string dir_;
  BinlogPosition pos_;
  std::unique_ptr<RandomRWFile> file_;
  uint32_t open_index_ = UINT32_MAX;
  std::string buf_;  // bytes read from pos_ onwards
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_BINLOG_H_
