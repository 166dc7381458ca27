// IoLoopPool: event loops that each run on exactly one thread (muduo's
// EventLoopThreadPool). A TcpServer given a pool hands each accepted
// connection to the next loop, round robin, so a connection's coroutine, its
// socket and the completions of work it sends to other threads all stay on
// one thread.
//
// Why not one io_context run by several threads: every handler posted to a
// shared io_context may wake any idle thread, and on a small machine those
// futex wake-ups, not the work, were the cost of a small request (measured in
// docs/performance.md: roughly 1.5-2x the 4 KiB request rate with loops).
//
// Threading: Next() is thread-safe. Start() and Join() are called by the
// owner's run thread; Stop() may be called from any thread, including a loop's
// own, and does not wait.
#ifndef NIMBUS_NET_IO_LOOP_POOL_H_
#define NIMBUS_NET_IO_LOOP_POOL_H_

#include <asio.hpp>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace nimbus::net {

class IoLoopPool {
 public:
  // At least one loop.
  explicit IoLoopPool(int loops);
  // Stops and joins the loops, then destroys them (and with them every
  // coroutine still suspended on them).
  ~IoLoopPool();
  IoLoopPool(const IoLoopPool&) = delete;
  IoLoopPool& operator=(const IoLoopPool&) = delete;

  size_t size() const { return loops_.size(); }
  asio::io_context& Next();

  // Runs each loop on a thread of its own until Stop().
  void Start();
  void Stop();
  void Join();

 private:
  using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<asio::io_context>> loops_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
};

}  // namespace nimbus::net

#endif  // NIMBUS_NET_IO_LOOP_POOL_H_
