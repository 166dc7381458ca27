// FileCounter: how many files each store path holds, for the
// nimbus_storage_files gauge. Counted by walking data/HH/LL once at start
// and then every `interval` on its own thread (a walk of a million files
// is a few hundred thousand getdents calls: cheap next to serving them, and
// exact, which incremental counting across uploads, replicas, repairs and
// roll-backs would have to work hard to be).
#ifndef NIMBUS_STORAGE_FILE_COUNTER_H_
#define NIMBUS_STORAGE_FILE_COUNTER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "common/result.h"

namespace nimbus::storage {

class FileCounter {
 public:
  FileCounter(Env* env, std::vector<std::string> store_paths,
              std::chrono::seconds interval);
  ~FileCounter();
  FileCounter(const FileCounter&) = delete;
  FileCounter& operator=(const FileCounter&) = delete;

  void Start();
  void Stop();

  // Files per store path at the last completed walk; empty before the
  // first one.
  std::vector<int64_t> counts() const;
  // Unix time the last walk completed (0: none yet).
  int64_t last_walk() const;

  // Content files under store_path/data/HH/LL (not metadata "-m" files,
  // not sync/ or temp files).
  static Result<int64_t> CountPath(Env* env, const std::string& store_path);

 private:
  void Loop();

  Env* const env_;
  const std::vector<std::string> paths_;
  const std::chrono::seconds interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;            // guarded by mu_
  std::vector<int64_t> counts_;  // guarded by mu_
  int64_t last_walk_ = 0;        // guarded by mu_
  std::thread thread_;
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_FILE_COUNTER_H_
