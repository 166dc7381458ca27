#include "common/config_file.h"

#include <gtest/gtest.h>

namespace nimbus {
namespace {

TEST(ConfigFile, ParsesFastDfsStyleLines) {
  auto cf = ConfigFile::Parse(
      "# storage.conf\n"
      "group_name = group1\n"
      "  port=23000  \n"
      "\n"
      "[section]\n"
      "tracker_server = 10.0.0.1:22122\n"
      "tracker_server = 10.0.0.2:22122\n"
      "store_path0 =\n",
      "storage.conf");
  ASSERT_TRUE(cf.ok()) << cf.status().ToString();
  EXPECT_EQ(cf->GetString("group_name"), "group1");
  EXPECT_EQ(*cf->GetInt("port", 0, 0, 65535), 23000);
  EXPECT_EQ(cf->GetAll("tracker_server"),
            (std::vector<std::string>{"10.0.0.1:22122", "10.0.0.2:22122"}));
  EXPECT_EQ(cf->GetString("store_path0", "dflt"), "");
  EXPECT_EQ(cf->GetString("missing", "dflt"), "dflt");
}

TEST(ConfigFile, UnknownKeysAreThoseNoGetterAskedFor) {
  auto cf = ConfigFile::Parse("a = 1\nb = 2\nhttp.server_port = 8080\n", "t");
  ASSERT_TRUE(cf.ok());
  (void)cf->GetString("a");
  EXPECT_EQ(cf->UnknownKeys(),
            (std::vector<std::string>{"b", "http.server_port"}));
}

TEST(ConfigFile, LineWithoutEqualsIsAnErrorNamingTheLine) {
  auto cf = ConfigFile::Parse("a = 1\nthis is wrong\n", "x.conf");
  ASSERT_FALSE(cf.ok());
  EXPECT_NE(cf.status().message().find("x.conf:2"), std::string::npos);
}

TEST(ConfigFile, InvalidIntegerIsAClearError) {
  auto cf = ConfigFile::Parse("port = 23x\nbig = 70000\n", "s.conf");
  ASSERT_TRUE(cf.ok());
  auto port = cf->GetInt("port", 1, 0, 65535);
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.status().message().find("port"), std::string::npos);
  EXPECT_FALSE(cf->GetInt("big", 1, 0, 65535).ok());
}

TEST(ConfigFile, BooleansAndDurations) {
  auto cf = ConfigFile::Parse(
      "a = yes\nb = FALSE\nc = maybe\nd = 5m\ne = 30\nf = 2x\n", "t");
  ASSERT_TRUE(cf.ok());
  EXPECT_TRUE(*cf->GetBool("a", false));
  EXPECT_FALSE(*cf->GetBool("b", true));
  EXPECT_FALSE(cf->GetBool("c", true).ok());
  EXPECT_EQ(*cf->GetSeconds("d", 0, 0, 10000), 300);
  EXPECT_EQ(*cf->GetSeconds("e", 0, 0, 10000), 30);
  EXPECT_FALSE(cf->GetSeconds("f", 0, 0, 10000).ok());
  EXPECT_FALSE(cf->GetSeconds("d", 0, 0, 100).ok());
}

}  // namespace
}  // namespace nimbus
