// Per-thread latency samples merged into percentiles once a run is over,
// so recording costs one vector push (capacity reserved up front).
#ifndef NIMBUS_BENCH_LATENCY_RECORDER_H_
#define NIMBUS_BENCH_LATENCY_RECORDER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nimbus::bench {

struct LatencySummary {
  int64_t count = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0,
         mean_us = 0;
};

class LatencyRecorder {
 public:
  explicit LatencyRecorder(size_t reserve = 1 << 16) {
    samples_ns_.reserve(reserve);
  }
  void Add(int64_t ns) { samples_ns_.push_back(ns); }
  const std::vector<int64_t>& samples() const { return samples_ns_; }

  // Nearest-rank percentiles over all recorders' samples.
  static LatencySummary Summarize(const std::vector<LatencyRecorder>& all);

 private:
  std::vector<int64_t> samples_ns_;
};

}  // namespace nimbus::bench

#endif  // NIMBUS_BENCH_LATENCY_RECORDER_H_
