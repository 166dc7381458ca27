#include "net/http_endpoint.h"

#include <gtest/gtest.h>

namespace nimbus::net {
namespace {

TEST(HttpRequestLine, ParsesMethodAndPathWithoutQuery) {
  auto r = ParseHttpRequestLine("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/metrics");
  EXPECT_TRUE(ParseHttpRequestLine("HEAD / HTTP/1.0\r\n\r\n").ok());
}

TEST(HttpRequestLine, RejectsMalformedLines) {
  for (const char* bad :
       {"GET /metrics HTTP/1.1", "GET /metrics\r\n", "get / HTTP/1.1\r\n",
        "GET metrics HTTP/1.1\r\n", "GET / HTTP/2\r\n", " / HTTP/1.1\r\n",
        "GET  HTTP/1.1\r\n"}) {
    EXPECT_FALSE(ParseHttpRequestLine(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace nimbus::net
