// ResumeLater: turns a coroutine's completion handler (move-only, to be run
// on the coroutine's own executor) into a copyable std::function that any
// thread may call once with the result; the coroutine then resumes on its
// executor. For work handed from thread to thread (a disk thread, the group
// committer) before the answer is known.
#ifndef NIMBUS_STORAGE_RESUME_LATER_H_
#define NIMBUS_STORAGE_RESUME_LATER_H_

#include <asio.hpp>
#include <functional>
#include <memory>
#include <utility>

#include "common/status.h"

namespace nimbus::storage {

template <typename Handler>
std::function<void(Status)> ResumeLater(Handler handler) {
  auto work = asio::make_work_guard(asio::get_associated_executor(handler));
  // std::function needs a copyable callable; the handler is not.
  auto shared = std::make_shared<Handler>(std::move(handler));
  return [shared, work](Status s) mutable {
    asio::post(work.get_executor(), [shared, s = std::move(s)]() mutable {
      std::move (*shared)(std::move(s));
    });
    work.reset();
  };
}

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_RESUME_LATER_H_
