// Scrubber: finds stored files that are corrupt or missing and repairs them
// from a healthy peer of the group.
//
// A pass (every `scrub_interval` seconds, the first one that long after the
// last pass recorded in data/sync/scrub_state):
//  1. reads every normal file under store_pathN/data at no more than
//     `scrub_bytes_per_second` and checks its size and CRC32 against its
//     name (appender and slave files carry no checksum of their own). The
//     reads bypass the page cache (Env::OpenDirectReadFile): a pass checks
//     what the disk holds, not a cached copy, and leaves the cache to the
//     files being served;
//  2. replays the binlog up to where it ended when the pass began and lists
//     the files it says exist but are not on disk;
//  3. fetches each corrupt or missing file from an ACTIVE peer (download
//     command), checks the copy against its name when it can, and puts it in
//     place. A file deleted while its repair ran is not brought back.
// Files a download found corrupt (Suspect) are repaired before the next
// pass. Runs on its own thread with blocking I/O through the Env; counters
// are atomics readable from any thread.
#ifndef NIMBUS_STORAGE_SCRUBBER_H_
#define NIMBUS_STORAGE_SCRUBBER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/aligned_buffer.h"
#include "common/result.h"
#include "proto/file_name.h"
#include "storage/binlog.h"
#include "storage/file_store.h"

namespace nimbus::storage {

class StorageServer;

struct ScrubCounters {
  std::atomic<int64_t> passes{0};
  std::atomic<int64_t> files_checked{0};
  std::atomic<int64_t> bytes_checked{0};
  std::atomic<int64_t> corrupt_found{0};
  std::atomic<int64_t> missing_found{0};
  std::atomic<int64_t> repaired{0};
  std::atomic<int64_t> repair_failed{0};
};

class Scrubber {
 public:
  explicit Scrubber(StorageServer* server);
  ~Scrubber();
  Scrubber(const Scrubber&) = delete;
  Scrubber& operator=(const Scrubber&) = delete;

  void Start();
  void Stop();
  // `logic_name` ("Mpp/HH/LL/NAME") was found damaged; repair it soon.
  void Suspect(const std::string& logic_name);
  const ScrubCounters& counters() const { return counters_; }

 private:
  void Loop();
  void Pass();
  // Sleeps up to `ms` or until stopped or a suspect arrives; false if
  // stopping.
  bool Wait(int64_t ms);
  bool stopping();
  // How long a file found damaged in a pass is left before it is checked
  // again and, if still damaged, counted and repaired.
  static constexpr int64_t kRecheckMs = 200;
  // OK, Corruption (size or CRC32 differ from the name) or an I/O error.
  Status Check(const FileRef& ref);
  // True once the file is whole again.
  bool Repair(const proto::LogicName& ln, const char* why);
  Status FetchFrom(const std::string& ip, const proto::LogicName& ln,
                   const std::string& full);
  void CheckStorePath(uint32_t path);
  void FindMissing(const BinlogPosition& end);
  void RepairSuspects();
  // Charges `bytes` against the rate limit, sleeping as needed.
  void Throttle(int64_t bytes);

  StorageServer* const server_;
  ScrubCounters counters_;
  AlignedBuffer chunk_;  // aligned for the O_DIRECT reads of a pass
  std::chrono::steady_clock::time_point window_start_;
  int64_t window_bytes_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;               // guarded by mu_
  std::set<std::string> suspects_;  // guarded by mu_
  // Suspects whose repair failed (no healthy peer yet): retried every
  // kRetrySeconds until repaired.
  std::set<std::string> retry_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_SCRUBBER_H_
