#include "storage/group_committer.h"

#include <set>
#include <utility>

#include "storage/resume_later.h"

namespace nimbus::storage {

GroupCommitter::GroupCommitter(Env* env, std::vector<std::string> store_paths,
                               BinlogWriter* binlog,
                               const std::string& binlog_dir)
    : env_(env), store_paths_(std::move(store_paths)), binlog_(binlog) {
  for (const std::string& p : store_paths_) {
    covers_binlog_.push_back(env_->OnSameFilesystem(p, binlog_dir));
  }
  thread_ = std::thread([this] { Loop(); });
}

GroupCommitter::~GroupCommitter() { Stop(); }

void GroupCommitter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GroupCommitter::Enqueue(uint32_t path, std::function<void(Status)> done) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!stopping_) {
      pending_.push_back(Waiter{path, std::move(done)});
      lock.unlock();
      cv_.notify_one();
      return;
    }
  }
  done(Status::Unavailable("storage server is stopping"));
}

asio::awaitable<Status> GroupCommitter::Commit(uint32_t path) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(Status)>(
      [this, path](auto handler) {
        Enqueue(path, ResumeLater(std::move(handler)));
      },
      asio::use_awaitable);
}

void GroupCommitter::Loop() {
  std::vector<Waiter> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      batch.swap(pending_);
      if (batch.empty() && stopping_) return;
    }
    std::set<uint32_t> paths;
    for (const Waiter& w : batch) paths.insert(w.path);
    Status s;
    bool binlog_durable = false;
    for (uint32_t p : paths) {
      if (p >= store_paths_.size()) continue;
      s = env_->SyncFilesystem(store_paths_[p]);
      if (!s.ok()) break;
      binlog_durable = binlog_durable || covers_binlog_[p];
    }
    // The binlog may live on another file system than the store paths.
    if (s.ok() && !binlog_durable) s = binlog_->Sync();
    flushes_.fetch_add(1);
    commits_.fetch_add(batch.size());
    for (Waiter& w : batch) w.done(s);
    batch.clear();
  }
}

}  // namespace nimbus::storage
