// Watchdog: deadlines for socket reads without a timer per read.
//
// A server connection spends most of its life waiting for the next request.
// A timer per wait (armed, raced against the read in a parallel group,
// cancelled) cost 10-20 % of a server's CPU per small request on the
// development machine (docs/performance.md §7). Instead, a read registers a
// Wait holding its deadline in the Watchdog of its socket's io_context, and
// one periodic sweep cancels the socket of every wait whose deadline has
// passed; the read then completes with operation_aborted and the caller
// reports timed_out (Wait::expired()).
//
// Precision: a wait expires no earlier than its deadline and at most one
// sweep interval later: an eighth of the shortest timeout registered so far,
// between 10 ms and 1 s. The sweep runs only while waits are registered, so
// an io_context with nothing to watch has no timer pending.
//
// One Watchdog per io_context, made on first use (an asio service). The
// io_context must be run by exactly one thread (IoLoopPool's loops, a
// server's main loop): registration, the sweep and the cancel all happen on
// it, unlocked.
#ifndef NIMBUS_NET_WATCHDOG_H_
#define NIMBUS_NET_WATCHDOG_H_

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <optional>

namespace nimbus::net {

class Watchdog final : public asio::execution_context::service {
 public:
  using Clock = std::chrono::steady_clock;
  using Socket = asio::ip::tcp::socket;

  static asio::execution_context::id id;

  explicit Watchdog(asio::execution_context& ctx);
  ~Watchdog() override;

  // The Watchdog of `sock`'s io_context.
  static Watchdog& Of(Socket& sock);

  // One registered wait on `sock`: from construction to destruction, `sock`
  // is cancelled once `timeout` has passed.
  class Wait {
   public:
    Wait(Watchdog& dog, Socket& sock, Clock::duration timeout);
    ~Wait();
    Wait(const Wait&) = delete;
    Wait& operator=(const Wait&) = delete;

    // True once the deadline passed and the socket was cancelled.
    bool expired() const { return expired_; }

   private:
    friend class Watchdog;
    Watchdog* const dog_;
    Socket* const sock_;
    const Clock::time_point deadline_;
    bool expired_ = false;
    Wait* prev_ = nullptr;
    Wait* next_ = nullptr;
  };

  // Waits registered now (for tests and metrics).
  size_t waiting() const { return waiting_; }

 private:
  void shutdown() override;
  void Add(Wait* w, Clock::duration timeout);
  void Remove(Wait* w);
  void Arm();
  void OnTick(uint64_t generation, const std::error_code& ec);

  Wait* head_ = nullptr;
  size_t waiting_ = 0;
  // The sweep timer, made with the executor of the first socket watched.
  std::optional<asio::steady_timer> timer_;
  std::optional<asio::any_io_executor> executor_;
  bool armed_ = false;
  // Only the handler of the latest Arm() sweeps (an earlier one may already
  // be queued when the interval shrinks).
  uint64_t generation_ = 0;
  Clock::duration interval_ = std::chrono::seconds(1);
  bool shut_down_ = false;
};

}  // namespace nimbus::net

#endif  // NIMBUS_NET_WATCHDOG_H_
