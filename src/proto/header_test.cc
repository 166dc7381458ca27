#include "proto/header.h"

#include <gtest/gtest.h>

#include "proto/command.h"

namespace nimbus::proto {
namespace {

TEST(Header, EncodesBigEndianLengthThenCmdThenStatus) {
  std::string out;
  AppendHeader(&out, 0x0102030405060708LL, kUploadFile, 0);
  EXPECT_EQ(out, std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x00", 10));
  Header h = DecodeHeader(out.data());
  EXPECT_EQ(h.pkg_len, 0x0102030405060708LL);
  EXPECT_EQ(h.cmd, kUploadFile);
  EXPECT_EQ(h.status, 0);
}

TEST(Header, ErrorResponseFrame) {
  std::string out;
  AppendHeader(&out, 0, kResp, 2);
  EXPECT_EQ(out, std::string("\0\0\0\0\0\0\0\0\x64\x02", 10));
}

TEST(Header, NegativeLengthDecodesNegativeSoServersCanRejectIt) {
  std::string raw(10, '\xff');
  EXPECT_LT(DecodeHeader(raw.data()).pkg_len, 0);
}

TEST(CommandTable, KnowsClientCommandsAndRejectsUnknown) {
  ASSERT_TRUE(FindCommand(kQueryStoreWithoutGroupOne).has_value());
  EXPECT_EQ(FindCommand(kQueryStoreWithGroupOne)->max_body, 16);
  EXPECT_TRUE(FindCommand(kUploadFile)->streaming);
  EXPECT_FALSE(FindCommand(200).has_value());
  EXPECT_STREQ(CommandName(kDownloadFile), "DOWNLOAD_FILE");
  // FastDFS's tracker takes GROUP and a storage id of 1..15 bytes.
  auto del = FindCommand(kServerDeleteStorage);
  ASSERT_TRUE(del.has_value());
  EXPECT_EQ(del->min_body, 17);
  EXPECT_EQ(del->max_body, 31);
  EXPECT_EQ(FindCommand(kServerDeleteGroup)->min_body, 16);
  EXPECT_EQ(FindCommand(kServerDeleteGroup)->max_body, 16);
  EXPECT_EQ(FindCommand(kServerSetTrunkServer)->min_body, 16);
}

}  // namespace
}  // namespace nimbus::proto
