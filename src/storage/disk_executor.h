// DiskExecutor: a small thread pool that runs blocking disk work for one
// store path, so that a network thread never waits on the disk (FastDFS's
// dio threads). A coroutine writes
//
//   Status s = co_await disk.Run([&] { return store.Append(...); });
//
// and resumes on its own executor when the work is done. The callable runs
// on a pool thread and may touch the coroutine's locals: the coroutine is
// suspended until the callable returns.
#ifndef NIMBUS_STORAGE_DISK_EXECUTOR_H_
#define NIMBUS_STORAGE_DISK_EXECUTOR_H_

#include <asio.hpp>
#include <functional>
#include <utility>

#include "common/status.h"
#include "storage/resume_later.h"

namespace nimbus::storage {

class DiskExecutor {
 public:
  explicit DiskExecutor(int threads) : pool_(static_cast<size_t>(threads)) {}
  ~DiskExecutor() { Stop(); }
  DiskExecutor(const DiskExecutor&) = delete;
  DiskExecutor& operator=(const DiskExecutor&) = delete;

  void Stop() {
    pool_.stop();
    pool_.join();
  }

  // `fn` returns Status.
  template <typename F>
  asio::awaitable<Status> Run(F fn) {
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(Status)>(
        [this](auto handler, F f) {
          auto ex = asio::get_associated_executor(handler);
          auto work = asio::make_work_guard(ex);
          asio::post(pool_, [handler = std::move(handler), f = std::move(f),
                             work = std::move(work)]() mutable {
            Status s = f();
            auto ex2 = work.get_executor();
            asio::post(ex2, [handler = std::move(handler),
                             s = std::move(s)]() mutable {
              std::move(handler)(std::move(s));
            });
            work.reset();
          });
        },
        asio::use_awaitable, std::move(fn));
  }

  // Like Run, but `fn` is called with `finish` (a std::function<void(Status)>
  // to be called exactly once, from any thread) and the coroutine resumes
  // when it is called: work that goes on on another thread (a group commit)
  // takes `finish` along instead of returning through the coroutine's
  // thread first, one thread wake-up less.
  template <typename F>
  asio::awaitable<Status> RunThen(F fn) {
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(Status)>(
        [this](auto handler, F f) {
          asio::post(pool_, [finish = ResumeLater(std::move(handler)),
                             f = std::move(f)]() mutable { f(finish); });
        },
        asio::use_awaitable, std::move(fn));
  }

 private:
  asio::thread_pool pool_;
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_DISK_EXECUTOR_H_
