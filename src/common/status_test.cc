#include "common/status.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "common/result.h"

namespace nimbus {
namespace {

TEST(Status, ErrnoRoundTripsForProtocolCodes) {
  for (int err : {ENOENT, EINVAL, EIO, ENOSPC, EEXIST, EBUSY, EOPNOTSUPP,
                  ETIMEDOUT, ECONNREFUSED, EBADMSG, EACCES, EALREADY}) {
    EXPECT_EQ(Status::FromErrno(err, "x").ToErrno(), err) << err;
  }
  EXPECT_TRUE(Status::FromErrno(0, "").ok());
  EXPECT_EQ(Status::OK().ToErrno(), 0);
}

TEST(Status, ToStringNamesCodeAndMessage) {
  EXPECT_EQ(Status::NotFound("no such file").ToString(),
            "NotFound: no such file");
}

TEST(Result, HoldsValueOrStatus) {
  Result<int> good = 5;
  Result<int> bad = Status::Busy("later");
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(*good, 5);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kBusy);
}

}  // namespace
}  // namespace nimbus
