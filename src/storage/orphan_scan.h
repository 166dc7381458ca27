// OrphanScan: files a crash left in data/ without their binlog record.
//
// A new file is placed under its name and then logged; a kill between the
// two leaves a file that no peer will ever hear of, so the replicas of a
// group no longer hold the same files. It was never acknowledged (the
// reply follows the record), but it may be the only copy of bytes a client
// will ask for again (an appender renamed to a normal name), so it is kept
// and logged at start-up rather than deleted: its peers then get it too.
// One whose bytes disagree with its name was cut short by the crash and is
// removed instead.
//
// Only what a crash can leave is examined: directories changed since
// shortly before the binlog's last record, and in them names created since
// then that the binlog's tail does not hold.
#ifndef NIMBUS_STORAGE_ORPHAN_SCAN_H_
#define NIMBUS_STORAGE_ORPHAN_SCAN_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/result.h"
#include "storage/binlog.h"
#include "storage/file_store.h"

namespace nimbus::storage {

class OrphanScan {
 public:
  // How far before the last record a crash's file may have been named.
  static constexpr int64_t kSlackSeconds = 5;
  // How much of the binlog's end is read for the names it holds.
  static constexpr uint64_t kTailBytes = 8 << 20;

  struct Tail {
    int64_t last_timestamp = -1;  // -1: the binlog is empty
    std::set<std::string> names;  // every name the tail's records mention
  };
  // The end of the binlog at `end` in `sync_dir`.
  static Result<Tail> ReadTail(Env* env, const std::string& sync_dir,
                               const BinlogPosition& end);

  // Files under a store's data/ named at or after `tail.last_timestamp -
  // kSlackSeconds` that `tail` does not mention, by logical name
  // (Mxx/HH/LL/NAME). A small upload is written straight under its name
  // (FileStore::StoreWhole), so a crash can leave one partly written: a
  // file whose size or CRC32 disagrees with its name is `torn` (never
  // acknowledged, since the reply follows the record), any other is
  // `whole`. Appender and slave names carry no checksum: always whole.
  struct Orphans {
    std::vector<std::string> whole;
    std::vector<std::string> torn;
  };
  // Empty when the binlog is empty.
  static Result<Orphans> Find(Env* env, FileStore& store, int subdirs,
                              const Tail& tail);

  // A clean stop leaves no orphans: once nothing can be placed any more, the
  // server writes the binlog's end to `sync_dir`/kCleanStopFile. The next
  // start takes the marker (removes it durably, before anything is placed,
  // so that a later crash is never taken for a clean stop) and skips the
  // scan when it names the binlog's end as it is: about 0.5 s of directory
  // reads on this machine's cold cache with the default 256 x 256 layout,
  // one disk seek per directory on a spinning disk.
  static constexpr const char* kCleanStopFile = "clean_stop";
  static Status MarkCleanStop(Env* env, const std::string& sync_dir,
                              const BinlogPosition& end);
  // True when the marker was there and names `end`. Either way it is gone
  // (an error if it could not be removed).
  static Result<bool> TakeCleanStop(Env* env, const std::string& sync_dir,
                                    const BinlogPosition& end);
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_ORPHAN_SCAN_H_
