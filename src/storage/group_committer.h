// GroupCommitter: makes changes durable in batches (durability =
// group-commit). A change is applied (written, linked, logged) without any
// fsync; its coroutine then awaits Commit(). One committer thread takes every
// commit waiting at that moment, calls syncfs(2) once per store path
// involved and fsyncs the binlog once (unless one of those syncfs calls
// covered it: the usual case of a binlog on the store path's file system),
// then resumes them all. A commit that
// arrives while a flush runs waits for the next one, so a flush always starts
// after the changes it acknowledges were applied.
#ifndef NIMBUS_STORAGE_GROUP_COMMITTER_H_
#define NIMBUS_STORAGE_GROUP_COMMITTER_H_

#include <asio.hpp>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "storage/binlog.h"

namespace nimbus::storage {

class GroupCommitter {
 public:
  // `binlog_dir` is where `binlog` writes its files.
  GroupCommitter(Env* env, std::vector<std::string> store_paths,
                 BinlogWriter* binlog, const std::string& binlog_dir);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Resumes once every change applied to store path `path` (and every
  // binlog record appended) before the call is durable, or with the error
  // of the flush that should have made it so.
  asio::awaitable<Status> Commit(uint32_t path);

  // Commit() for a caller on any thread: `done` runs on the committer's
  // thread (or on the caller's, with Unavailable, once stopping) and must
  // not block.
  void CommitThen(uint32_t path, std::function<void(Status)> done) {
    Enqueue(path, std::move(done));
  }

  // Stops the thread; pending commits complete with Unavailable.
  void Stop();

  uint64_t flushes() const { return flushes_.load(); }
  uint64_t commits() const { return commits_.load(); }

 private:
  struct Waiter {
    uint32_t path;
    std::function<void(Status)> done;
  };
  void Loop();
  void Enqueue(uint32_t path, std::function<void(Status)> done);

  Env* const env_;
  const std::vector<std::string> store_paths_;
  BinlogWriter* const binlog_;
  // Per store path: its syncfs makes the binlog durable too.
  std::vector<bool> covers_binlog_;
  std::atomic<uint64_t> flushes_{0};
  std::atomic<uint64_t> commits_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Waiter> pending_;  // guarded by mu_
  bool stopping_ = false;        // guarded by mu_
  std::thread thread_;
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_GROUP_COMMITTER_H_
