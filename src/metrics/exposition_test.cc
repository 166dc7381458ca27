#include "metrics/exposition.h"

#include <gtest/gtest.h>

namespace nimbus::metrics {
namespace {

TEST(Exposition, TextFormatWithEscapedLabels) {
  Exposition e;
  e.Family("nimbus_x_total", "counter", "Things\ncounted \\ here.");
  e.Sample("nimbus_x_total", {{"path", "a\"b\\c\nd"}}, 3);
  e.Family("nimbus_ratio", "gauge", "A ratio.");
  e.Sample("nimbus_ratio", {}, 0.25);
  EXPECT_EQ(e.text(),
            "# HELP nimbus_x_total Things\\ncounted \\\\ here.\n"
            "# TYPE nimbus_x_total counter\n"
            "nimbus_x_total{path=\"a\\\"b\\\\c\\nd\"} 3\n"
            "# HELP nimbus_ratio A ratio.\n"
            "# TYPE nimbus_ratio gauge\n"
            "nimbus_ratio 0.25\n");
}

TEST(Exposition, HistogramHasEveryBucketSumAndCount) {
  Histogram h;
  h.Observe(0.002);
  Exposition e;
  e.Family("lat_seconds", "histogram", "Latency.");
  e.HistogramSamples("lat_seconds", {{"command", "UPLOAD_FILE"}}, h.Read());
  const std::string& t = e.text();
  EXPECT_NE(
      t.find("lat_seconds_bucket{command=\"UPLOAD_FILE\",le=\"0.001\"} 0"),
      std::string::npos);
  EXPECT_NE(
      t.find("lat_seconds_bucket{command=\"UPLOAD_FILE\",le=\"0.0025\"} 1"),
      std::string::npos);
  EXPECT_NE(t.find("lat_seconds_bucket{command=\"UPLOAD_FILE\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(t.find("lat_seconds_count{command=\"UPLOAD_FILE\"} 1"),
            std::string::npos);
  EXPECT_NE(t.find("lat_seconds_sum{command=\"UPLOAD_FILE\"} 0.002"),
            std::string::npos);
}

}  // namespace
}  // namespace nimbus::metrics
