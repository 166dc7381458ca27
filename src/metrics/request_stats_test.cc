#include "metrics/request_stats.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace nimbus::metrics {
namespace {

TEST(RequestStats, CountsByCommandAndStatusFromManyThreads) {
  RequestStats rs;
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) rs.Record(11, i % 10 == 0 ? 2 : 0, 0.001);
    });
  }
  for (auto& t : ts) t.join();
  Exposition e;
  rs.Write(e, "nimbus_storage", {}, [](uint8_t c) {
    return c == 11 ? std::string("UPLOAD_FILE") : std::to_string(c);
  });
  const std::string& t = e.text();
  EXPECT_NE(t.find("nimbus_storage_requests_total{command=\"UPLOAD_FILE\","
                   "status=\"0\"} 3600"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("nimbus_storage_requests_total{command=\"UPLOAD_FILE\","
                   "status=\"2\"} 400"),
            std::string::npos);
  EXPECT_NE(t.find("nimbus_storage_request_duration_seconds_count{command="
                   "\"UPLOAD_FILE\"} 4000"),
            std::string::npos);
  // Commands never seen are not listed.
  EXPECT_EQ(t.find("command=\"12\""), std::string::npos);
}

}  // namespace
}  // namespace nimbus::metrics
