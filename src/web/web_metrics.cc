#include "web/web_metrics.h"

namespace nimbus::web {

WebMetrics::WebMetrics(std::vector<std::string> routes)
    : routes_(std::move(routes)) {
  for (size_t i = 0; i <= routes_.size(); ++i) {
    latency_.push_back(std::make_unique<metrics::Histogram>());
  }
}

void WebMetrics::Record(int route, const std::string& method, int status,
                        double seconds) {
  int idx = route < 0 ? static_cast<int>(routes_.size()) : route;
  latency_[idx]->Observe(seconds);
  // Methods outside the usual set share one label value.
  static const char* const kKnown[] = {"GET",    "POST", "PUT",    "PATCH",
                                       "DELETE", "HEAD", "OPTIONS"};
  std::string m = "other";
  for (const char* k : kKnown) {
    if (method == k) m = k;
  }
  std::lock_guard lock(mu_);
  ++counts_[{idx, m, status}];
}

void WebMetrics::Render(metrics::Exposition* e) const {
  auto route_name = [&](int idx) {
    return idx < static_cast<int>(routes_.size()) ? routes_[idx]
                                                  : std::string("unmatched");
  };
  e->Family("nimbus_web_requests_total", "counter",
            "API requests by route pattern, method and HTTP status.");
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, n] : counts_) {
      const auto& [idx, method, status] = key;
      e->Sample("nimbus_web_requests_total",
                {{"route", route_name(idx)},
                 {"method", method},
                 {"status", std::to_string(status)}},
                static_cast<double>(n));
    }
  }
  e->Family("nimbus_web_request_duration_seconds", "histogram",
            "Time to answer an API request, by route pattern (uploads "
            "include receiving the body).");
  for (size_t i = 0; i < latency_.size(); ++i) {
    metrics::Histogram::Snapshot s = latency_[i]->Read();
    if (s.count == 0) continue;
    e->HistogramSamples("nimbus_web_request_duration_seconds",
                        {{"route", route_name(static_cast<int>(i))}}, s);
  }
}

}  // namespace nimbus::web
