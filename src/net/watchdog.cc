#include "net/watchdog.h"

#include <algorithm>

namespace nimbus::net {
namespace {

constexpr Watchdog::Clock::duration kMinInterval =
    std::chrono::milliseconds(10);
constexpr Watchdog::Clock::duration kMaxInterval = std::chrono::seconds(1);

}  // namespace

asio::execution_context::id Watchdog::id;

Watchdog::Watchdog(asio::execution_context& ctx)
    : asio::execution_context::service(ctx) {}

Watchdog::~Watchdog() { shutdown(); }

Watchdog& Watchdog::Of(Socket& sock) {
  return asio::use_service<Watchdog>(
      asio::query(sock.get_executor(), asio::execution::context));
}

// The io_context is going away: its timer goes first (its service may be
// destroyed before this one). Waits still registered belong to coroutine
// frames destroyed later; they unlink themselves.
void Watchdog::shutdown() {
  shut_down_ = true;
  timer_.reset();
  armed_ = false;
}

Watchdog::Wait::Wait(Watchdog& dog, Socket& sock, Clock::duration timeout)
    : dog_(&dog), sock_(&sock), deadline_(Clock::now() + timeout) {
  dog_->Add(this, timeout);
}

Watchdog::Wait::~Wait() { dog_->Remove(this); }

void Watchdog::Add(Wait* w, Clock::duration timeout) {
  w->next_ = head_;
  if (head_ != nullptr) head_->prev_ = w;
  head_ = w;
  ++waiting_;
  if (shut_down_) return;
  if (!executor_) executor_.emplace(w->sock_->get_executor());
  Clock::duration want =
      std::clamp<Clock::duration>(timeout / 8, kMinInterval, kMaxInterval);
  if (want < interval_) {
    interval_ = want;
    Arm();  // the pending sweep may be too far away for this timeout
  } else if (!armed_) {
    Arm();
  }
}

void Watchdog::Remove(Wait* w) {
  if (w->prev_ != nullptr) {
    w->prev_->next_ = w->next_;
  } else {
    head_ = w->next_;
  }
  if (w->next_ != nullptr) w->next_->prev_ = w->prev_;
  w->prev_ = w->next_ = nullptr;
  --waiting_;
}

void Watchdog::Arm() {
  if (!timer_) timer_.emplace(*executor_);
  const uint64_t generation = ++generation_;
  armed_ = true;
  timer_->expires_after(interval_);
  timer_->async_wait([this, generation](const std::error_code& ec) {
    OnTick(generation, ec);
  });
}

void Watchdog::OnTick(uint64_t generation, const std::error_code& ec) {
  if (ec || generation != generation_ || shut_down_) return;
  armed_ = false;
  const Clock::time_point now = Clock::now();
  for (Wait* w = head_; w != nullptr; w = w->next_) {
    if (!w->expired_ && w->deadline_ <= now) {
      w->expired_ = true;
      std::error_code ignored;
      w->sock_->cancel(ignored);
    }
  }
  if (head_ != nullptr) Arm();
}

}  // namespace nimbus::net
