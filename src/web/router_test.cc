#include "web/router.h"

#include <gtest/gtest.h>

namespace nimbus::web {
namespace {

TEST(Router, MatchesPatternsAndFillsParams) {
  Router<int> r({{"GET", "/api/v1/nodes/:id", 1},
                 {"PATCH", "/api/v1/nodes/:id", 2},
                 {"GET", "/api/v1/nodes/:id/download", 3},
                 {"GET", "/api/v1/trash", 4}});
  HttpRequest req;
  const int* h = nullptr;
  req.method = "GET";
  req.path = "/api/v1/nodes/42/download";
  ASSERT_EQ(r.Find(&req, &h), Router<int>::Match::kFound);
  EXPECT_EQ(*h, 3);
  EXPECT_EQ(req.params["id"], "42");
  req.method = "PATCH";
  req.path = "/api/v1/nodes/7";
  ASSERT_EQ(r.Find(&req, &h), Router<int>::Match::kFound);
  EXPECT_EQ(*h, 2);
  req.method = "DELETE";
  EXPECT_EQ(r.Find(&req, &h), Router<int>::Match::kNoMethod);
  EXPECT_EQ(r.Allowed("/api/v1/nodes/7"), "GET, PATCH");
  req.path = "/api/v1/nodes";
  EXPECT_EQ(r.Find(&req, &h), Router<int>::Match::kNoPath);
  req.method = "GET";
  req.path = "/api/v1/trash/extra";
  EXPECT_EQ(r.Find(&req, &h), Router<int>::Match::kNoPath);
}

TEST(HttpRequest, QueryIsPercentDecoded) {
  auto q = HttpRequest::ParseQuery("name=a%20b%2Fc&x=1+2&bad=%zz&empty");
  EXPECT_EQ(q["name"], "a b/c");
  EXPECT_EQ(q["x"], "1 2");
  EXPECT_EQ(q["bad"], "%zz");
  EXPECT_EQ(q["empty"], "");
  EXPECT_EQ(HttpRequest::PercentDecode("%", false), "%");
  EXPECT_EQ(HttpRequest::PercentDecode("%4", false), "%4");
  EXPECT_EQ(HttpRequest::PercentDecode("%41", false), "A");
}

}  // namespace
}  // namespace nimbus::web
