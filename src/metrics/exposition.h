// Exposition: builds a scrape body in the Prometheus text format (0.0.4).
//
//   Exposition e;
//   e.Family("nimbus_storage_upload_bytes_total", "counter", "Bytes ...");
//   e.Sample("nimbus_storage_upload_bytes_total", {{"group", "g1"}}, 123);
//
// Families must be declared before their samples and each only once; label
// values are escaped here. Not thread-safe: one per scrape.
#ifndef NIMBUS_METRICS_EXPOSITION_H_
#define NIMBUS_METRICS_EXPOSITION_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/histogram.h"

namespace nimbus::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Exposition {
 public:
  // `type`: counter, gauge or histogram.
  void Family(std::string_view name, std::string_view type,
              std::string_view help);
  void Sample(std::string_view name, const Labels& labels, double value);
  // _bucket/_sum/_count samples of a histogram family `name`.
  void HistogramSamples(std::string_view name, const Labels& labels,
                        const Histogram::Snapshot& h);
  const std::string& text() const { return out_; }

  // Escapes a label value (\\, \", \n).
  static std::string EscapeLabel(std::string_view v);

 private:
  void AppendLabels(const Labels& labels);
  std::string out_;
};

}  // namespace nimbus::metrics

#endif  // NIMBUS_METRICS_EXPOSITION_H_
