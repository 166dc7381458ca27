// Histogram: a Prometheus histogram of durations in seconds with fixed
// buckets, safe to Observe() from any thread without locks (one relaxed
// atomic add per bucket hit, plus count and sum).
#ifndef NIMBUS_METRICS_HISTOGRAM_H_
#define NIMBUS_METRICS_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <cstdint>

namespace nimbus::metrics {

class Histogram {
 public:
  // Upper bounds in seconds, from 250 us (a cached small read) to 30 s (a
  // big file over a slow link). The +Inf bucket is implicit.
  static constexpr std::array<double, 14> kBounds = {
      0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,    0.1,    0.25,  0.5,    1,     5,    30};

  void Observe(double seconds);

  struct Snapshot {
    std::array<uint64_t, kBounds.size()> cumulative{};  // le each bound
    uint64_t count = 0;
    double sum = 0;
  };
  // Counts may be a few observations apart from each other while requests
  // are running; each is monotonic.
  Snapshot Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

}  // namespace nimbus::metrics

#endif  // NIMBUS_METRICS_HISTOGRAM_H_
