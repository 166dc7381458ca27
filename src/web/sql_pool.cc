#include "web/sql_pool.h"

#include <chrono>
#include <thread>

namespace nimbus::web {

SqlPool::SqlPool(Factory factory, size_t max_size)
    : factory_(std::move(factory)), max_size_(max_size ? max_size : 1) {}

SqlPool::Lease::~Lease() {
  if (c_) pool_->Return(std::move(c_), broken_);
}

Result<SqlPool::Lease> SqlPool::Take() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
  if (!idle_.empty()) {
    std::unique_ptr<SqlConnection> c = std::move(idle_.back());
    idle_.pop_back();
    ++in_use_;
    return Lease(this, std::move(c));
  }
  ++open_;
  lock.unlock();
  Result<std::unique_ptr<SqlConnection>> c = factory_();
  lock.lock();
  if (!c.ok()) {
    --open_;
    cv_.notify_one();
    return c.status();
  }
  ++in_use_;
  return Lease(this, std::move(c).value());
}

void SqlPool::Return(std::unique_ptr<SqlConnection> c, bool broken) {
  std::lock_guard lock(mu_);
  --in_use_;
  if (broken) {
    --open_;
  } else {
    idle_.push_back(std::move(c));
  }
  cv_.notify_one();
}

size_t SqlPool::in_use() const {
  std::lock_guard lock(mu_);
  return in_use_;
}

Status SqlPool::InTransaction(
    const std::function<Status(SqlConnection&)>& body) {
  Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    NIMBUS_LET_OR_RETURN(Lease lease, Take());
    Status s = lease->Begin();
    if (s.ok()) {
      s = body(*lease);
      if (s.ok()) {
        s = lease->Commit();
        if (s.ok()) return s;
      }
      lease->Rollback();
    }
    if (s.code() == Status::Code::kUnavailable) lease.Discard();
    if (s.code() != Status::Code::kBusy) return s;
    last = s;
    std::this_thread::sleep_for(std::chrono::milliseconds(5 << attempt));
  }
  return last;
}

}  // namespace nimbus::web
