#include "net/io_loop_pool.h"

#include <algorithm>

namespace nimbus::net {

IoLoopPool::IoLoopPool(int loops) {
  for (int i = 0; i < std::max(loops, 1); ++i) {
    // One thread runs each loop: the hint lets Asio skip the locking and
    // wake-ups it needs when several threads share a scheduler.
    loops_.push_back(std::make_unique<asio::io_context>(1));
    guards_.push_back(asio::make_work_guard(*loops_.back()));
  }
}

IoLoopPool::~IoLoopPool() {
  Stop();
  Join();
  guards_.clear();
  loops_.clear();
}

asio::io_context& IoLoopPool::Next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
}

void IoLoopPool::Start() {
  for (auto& loop : loops_) {
    asio::io_context* io = loop.get();
    threads_.emplace_back([io] { io->run(); });
  }
}

void IoLoopPool::Stop() {
  for (auto& loop : loops_) loop->stop();
}

void IoLoopPool::Join() {
  // A loop's own thread cannot wait for itself: it stays for a later Join()
  // (the destructor's) from another thread.
  std::vector<std::thread> self;
  for (auto& t : threads_) {
    if (t.get_id() == std::this_thread::get_id()) {
      self.push_back(std::move(t));
    } else if (t.joinable()) {
      t.join();
    }
  }
  threads_ = std::move(self);
}

}  // namespace nimbus::net
