#include "metrics/request_stats.h"

#include <fmt/format.h>

namespace nimbus::metrics {

RequestStats::~RequestStats() {
  for (auto& s : slots_) delete s.load();
}

RequestStats::Slot* RequestStats::SlotFor(uint8_t cmd) {
  Slot* s = slots_[cmd].load(std::memory_order_acquire);
  if (s != nullptr) return s;
  auto* fresh = new Slot();
  if (slots_[cmd].compare_exchange_strong(s, fresh,
                                          std::memory_order_acq_rel)) {
    return fresh;
  }
  delete fresh;  // another thread won; `s` now holds its slot
  return s;
}

void RequestStats::Record(uint8_t cmd, uint8_t status, double seconds) {
  Slot* s = SlotFor(cmd);
  s->by_status[status].fetch_add(1, std::memory_order_relaxed);
  s->latency.Observe(seconds);
}

void RequestStats::Write(
    Exposition& e, const std::string& prefix, const Labels& base,
    const std::function<std::string(uint8_t)>& name_of) const {
  const std::string total = prefix + "_requests_total";
  e.Family(total, "counter",
           "Requests answered, by command and FastDFS status (an errno; 0 "
           "is success).");
  for (int cmd = 0; cmd < 256; ++cmd) {
    const Slot* s = slots_[cmd].load(std::memory_order_acquire);
    if (s == nullptr) continue;
    for (int st = 0; st < 256; ++st) {
      uint64_t n = s->by_status[st].load(std::memory_order_relaxed);
      if (n == 0) continue;
      Labels l = base;
      l.emplace_back("command", name_of(static_cast<uint8_t>(cmd)));
      l.emplace_back("status", fmt::format("{}", st));
      e.Sample(total, l, static_cast<double>(n));
    }
  }
  const std::string latency = prefix + "_request_duration_seconds";
  e.Family(latency, "histogram",
           "Time from a request's header to its last response byte, by "
           "command.");
  for (int cmd = 0; cmd < 256; ++cmd) {
    const Slot* s = slots_[cmd].load(std::memory_order_acquire);
    if (s == nullptr) continue;
    Labels l = base;
    l.emplace_back("command", name_of(static_cast<uint8_t>(cmd)));
    e.HistogramSamples(latency, l, s->latency.Read());
  }
}

}  // namespace nimbus::metrics
