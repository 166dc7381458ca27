// nimbus-web's request metrics: counts by route, method and status, and a
// latency histogram per route. Routes are the patterns of the route table
// ("/api/v1/nodes/:id"), so label cardinality is fixed.
//
// Thread-safety: Record() from any worker; Render() from any thread.
#ifndef NIMBUS_WEB_WEB_METRICS_H_
#define NIMBUS_WEB_WEB_METRICS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "metrics/exposition.h"
#include "metrics/histogram.h"

namespace nimbus::web {

class WebMetrics {
 public:
  explicit WebMetrics(std::vector<std::string> routes);

  // `route` is an index into the routes given at construction, or -1 for
  // a request that matched none.
  void Record(int route, const std::string& method, int status, double seconds);
  void Render(metrics::Exposition* e) const;

 private:
  const std::vector<std::string> routes_;
  std::vector<std::unique_ptr<metrics::Histogram>> latency_;  // + unmatched
  mutable std::mutex mu_;
  std::map<std::tuple<int, std::string, int>, uint64_t> counts_;  // mu_
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_WEB_METRICS_H_
