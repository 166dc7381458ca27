#include "common/run_as.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace nimbus {
namespace {

TEST(RunAs, NothingConfiguredChangesNothing) {
  auto r = RunAs::Resolve("", "");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changes_nothing());
  EXPECT_TRUE(r->Apply().ok());
}

TEST(RunAs, UnknownNamesAreNamed) {
  auto u = RunAs::Resolve("", "no-such-user-nimbus");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().code(), Status::Code::kNotFound);
  EXPECT_NE(u.status().message().find("no-such-user-nimbus"),
            std::string::npos);
  auto g = RunAs::Resolve("no-such-group-nimbus", "");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("run_by_group"), std::string::npos);
}

TEST(RunAs, TheUserWeAreAlreadyIsNoChange) {
  // root exists everywhere; running as root (CI) or not, asking for the
  // current account needs no privilege.
  auto me = RunAs::Resolve("", geteuid() == 0 ? "root" : "");
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_TRUE(me->Apply().ok());
  EXPECT_NE(me->Describe().find(geteuid() == 0 ? "root" : "starting"),
            std::string::npos);
}

TEST(RunAs, AnotherUserNeedsRoot) {
  if (geteuid() == 0) GTEST_SKIP() << "root can switch (a system test does)";
  auto r = RunAs::Resolve("", "root");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Apply().code(), Status::Code::kPermission);
}

}  // namespace
}  // namespace nimbus
