#include "metrics/histogram.h"

#include <algorithm>

namespace nimbus::metrics {

void Histogram::Observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also catches NaN
  size_t i = static_cast<size_t>(
      std::lower_bound(kBounds.begin(), kBounds.end(), seconds) -
      kBounds.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9),
                    std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  uint64_t running = 0;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  // The total includes +Inf; reading it last keeps it >= every bucket.
  s.count = std::max(
      running + buckets_[kBounds.size()].load(std::memory_order_relaxed),
      count_.load(std::memory_order_relaxed));
  s.sum = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

}  // namespace nimbus::metrics
