// The machine's request/response ceiling right now: `concurrency` clients
// each doing a 10-byte request / 10-byte reply round trip (a FastDFS
// header's size) over loopback to a trivial echo server, thread per
// connection. Benchmark results are quoted as ratios to it, because an
// absolute figure on this shared machine means little.
#ifndef NIMBUS_BENCH_ECHO_CEILING_H_
#define NIMBUS_BENCH_ECHO_CEILING_H_

#include <chrono>

#include "common/result.h"

namespace nimbus::bench {

class EchoCeiling {
 public:
  // Round trips per second over `duration`.
  static Result<double> Measure(int concurrency,
                                std::chrono::milliseconds duration);
};

}  // namespace nimbus::bench

#endif  // NIMBUS_BENCH_ECHO_CEILING_H_
