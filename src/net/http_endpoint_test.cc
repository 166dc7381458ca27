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

TEST(HttpHeader, FindsHeadersByNameWhateverTheCase) {
  const std::string head =
      "GET / HTTP/1.1\r\nHost: a\r\nIf-None-Match:  \"5f-10\" \r\n"
      "X-Empty:\r\n\r\n";
  EXPECT_EQ(HttpHeader(head, "if-none-match"), "\"5f-10\"");
  EXPECT_EQ(HttpHeader(head, "HOST"), "a");
  EXPECT_EQ(HttpHeader(head, "x-empty"), "");
  EXPECT_EQ(HttpHeader(head, "If-Modified-Since"), "");
  EXPECT_EQ(HttpHeader(head, "GET / HTTP/1.1"), "");  // not the request line
  EXPECT_EQ(HttpHeader("GET / HTTP/1.1\r\nHost: a", "host"), "");  // no CRLF
}

TEST(HttpDate, FormatsAndParsesImfFixdate) {
  EXPECT_EQ(HttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate(HttpDate(1795534661)), 1795534661);
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT junk"));
  EXPECT_FALSE(ParseHttpDate(""));
}

}  // namespace
}  // namespace nimbus::net
