// RequestStats: requests by command and status, and latency by command, for
// a server's /metrics. Record() is called by every connection coroutine once
// per request: after the first request of a command it is lock-free (a few
// relaxed atomic adds), so it can sit on the hot path.
#ifndef NIMBUS_METRICS_REQUEST_STATS_H_
#define NIMBUS_METRICS_REQUEST_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "metrics/exposition.h"
#include "metrics/histogram.h"

namespace nimbus::metrics {

class RequestStats {
 public:
  RequestStats() = default;
  ~RequestStats();
  RequestStats(const RequestStats&) = delete;
  RequestStats& operator=(const RequestStats&) = delete;

  // One request of command `cmd` answered with status byte `status` (an
  // errno; 0 = success) after `seconds`. Any thread.
  void Record(uint8_t cmd, uint8_t status, double seconds);

  // Writes `<prefix>_requests_total{command,status}` (counter) and
  // `<prefix>_request_duration_seconds{command}` (histogram). `name_of`
  // turns a command code into its name.
  void Write(Exposition& e, const std::string& prefix, const Labels& base,
             const std::function<std::string(uint8_t)>& name_of) const;

 private:
  struct Slot {
    std::array<std::atomic<uint64_t>, 256> by_status{};
    Histogram latency;
  };
  Slot* SlotFor(uint8_t cmd);

  std::array<std::atomic<Slot*>, 256> slots_{};
};

}  // namespace nimbus::metrics

#endif  // NIMBUS_METRICS_REQUEST_STATS_H_
