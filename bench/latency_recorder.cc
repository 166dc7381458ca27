#include "latency_recorder.h"

#include <algorithm>
#include <cmath>

namespace nimbus::bench {

LatencySummary LatencyRecorder::Summarize(
    const std::vector<LatencyRecorder>& all) {
  std::vector<int64_t> v;
  for (const auto& r : all) {
    v.insert(v.end(), r.samples_ns_.begin(), r.samples_ns_.end());
  }
  LatencySummary s;
  s.count = static_cast<int64_t>(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&v](double q) {
    size_t rank =
        static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    rank = std::clamp<size_t>(rank, 1, v.size());
    return static_cast<double>(v[rank - 1]) / 1000.0;
  };
  s.p50_us = at(0.50);
  s.p90_us = at(0.90);
  s.p99_us = at(0.99);
  s.p999_us = at(0.999);
  s.max_us = static_cast<double>(v.back()) / 1000.0;
  double sum = 0;
  for (int64_t x : v) sum += static_cast<double>(x);
  s.mean_us = sum / static_cast<double>(v.size()) / 1000.0;
  return s;
}

}  // namespace nimbus::bench
