// A bounded pool of SqlConnections shared by the worker threads.
//
// Lease() blocks while all `max_size` connections are in use. A
// connection whose last statement failed with Unavailable (server gone) is
// dropped instead of returned, so the next lease reconnects.
//
// Thread-safety: every method may be called from any thread.
#ifndef NIMBUS_WEB_SQL_POOL_H_
#define NIMBUS_WEB_SQL_POOL_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "web/sql_connection.h"

namespace nimbus::web {

class SqlPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<SqlConnection>>()>;

  SqlPool(Factory factory, size_t max_size);

  class Lease {
   public:
    Lease(SqlPool* pool, std::unique_ptr<SqlConnection> c)
        : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease();
    SqlConnection* operator->() { return c_.get(); }
    SqlConnection& operator*() { return *c_; }
    // The connection is broken: close it instead of reusing it.
    void Discard() { broken_ = true; }

   private:
    SqlPool* pool_;
    std::unique_ptr<SqlConnection> c_;
    bool broken_ = false;
  };

  Result<Lease> Take();

  // Runs `body` in a write transaction, retrying (up to 5 times) when the
  // database reports Busy (lock timeout, deadlock). `body` returning an
  // error rolls back and returns that error.
  Status InTransaction(const std::function<Status(SqlConnection&)>& body);

  size_t in_use() const;
  size_t max_size() const { return max_size_; }

 private:
  void Return(std::unique_ptr<SqlConnection> c, bool broken);

  Factory factory_;
  const size_t max_size_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;  // guarded by mu_
  size_t open_ = 0;                                   // guarded by mu_
  size_t in_use_ = 0;                                 // guarded by mu_
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_SQL_POOL_H_
