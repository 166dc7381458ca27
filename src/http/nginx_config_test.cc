#include "http/nginx_config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace nimbus::http {
namespace {

std::vector<StorageHost> TwoHosts() {
  return {{"10.0.0.1:8888",
           {{"group1", {"/data/a", "/data/b/"}}, {"group2", {"/data/c"}}}},
          {"10.0.0.2:8888", {{"group1", {"/data/a", "/data/b"}}}}};
}

TEST(NginxConfig, StorageHostsMapEachStorePathToItsMIndex) {
  auto c = NginxConfig::StorageHosts(TwoHosts(), Access{});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_NE(c->find("listen 10.0.0.1:8888;"), std::string::npos);
  EXPECT_NE(c->find("listen 10.0.0.2:8888;"), std::string::npos);
  EXPECT_NE(c->find("\"^/group1/M00/(?<nimbus_file>[0-9A-F]{2}/[0-9A-F]{2}/"
                    "[0-9A-Za-z_.-]{1,128})$\""),
            std::string::npos);
  EXPECT_NE(c->find("alias \"/data/b/data/$nimbus_file\";"), std::string::npos);
  EXPECT_NE(c->find("^/group1/M01/"), std::string::npos);
  EXPECT_NE(c->find("^/group2/M00/"), std::string::npos);
  EXPECT_EQ(c->find("^/group2/M01/"), std::string::npos);
  EXPECT_NE(c->find("secure_link $arg_sign,$arg_expires;"), std::string::npos);
  EXPECT_NE(c->find("include /etc/nimbus/nginx-secret.conf;"),
            std::string::npos);
  EXPECT_NE(c->find("location ~ \"-m$\" { return 404; }"), std::string::npos);
}

TEST(NginxConfig, NamesThatMayBePackedFallBackToTheStorageServer) {
  std::vector<StorageHost> hosts = {
      {"10.0.0.1:8888",
       {{"group1", {"/data/a", "/data/b"}, "127.0.0.1:8081"},
        {"g.2", {"/data/c"}}}}};
  auto c = NginxConfig::StorageHosts(hosts, Access{});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  // Both store paths of group1 get the packed-name location, ahead of the
  // general one, with the signature check and the fallback.
  for (const char* m : {"M00", "M01"}) {
    std::string loc = fmt::format(
        "location ~ \"^/group1/{}/(?<nimbus_file>[0-9A-F]{{2}}/[0-9A-F]{{2}}/"
        "[0-9A-Za-z_-]{{43}}[0-9A-Za-z_.]{{7}})$\"",
        m);
    size_t at = c->find(loc);
    ASSERT_NE(at, std::string::npos) << m << "\n" << *c;
    size_t general = c->find(
        fmt::format("\"^/group1/{}/(?<nimbus_file>[0-9A-F]{{2}}/[0-9A-F]{{2}}/"
                    "[0-9A-Za-z_.-]{{1,128}})$\"",
                    m));
    ASSERT_NE(general, std::string::npos);
    ASSERT_GT(general, at);
    std::string block = c->substr(at, general - at);
    EXPECT_NE(block.find("secure_link"), std::string::npos) << block;
    EXPECT_NE(block.find("error_page 404 = @nimbus_packed_group1_"),
              std::string::npos)
        << block;
  }
  // Through an http-level upstream whose connections are kept open.
  const std::string upstream = "nimbus_packed_10_0_0_1_8888_group1_";
  size_t up = c->find("upstream " + upstream);
  ASSERT_NE(up, std::string::npos) << *c;
  // After the last server block: at http level.
  EXPECT_GT(up, c->rfind("location / { return 404; }"));
  EXPECT_NE(c->find("    server 127.0.0.1:8081;\n    keepalive 16;", up),
            std::string::npos);
  EXPECT_NE(c->find("proxy_pass http://" + upstream), std::string::npos);
  EXPECT_NE(c->find("proxy_http_version 1.1;"), std::string::npos);
  EXPECT_NE(c->find("proxy_set_header Connection \"\";"), std::string::npos);
  EXPECT_NE(c->find("proxy_force_ranges on;"), std::string::npos);
  // A group without an endpoint gets neither.
  EXPECT_EQ(c->find("^/g.2/M00/(?<nimbus_file>[0-9A-F]{2}/[0-9A-F]{2}/"
                    "[0-9A-Za-z_-]{43}"),
            std::string::npos);
  EXPECT_EQ(c->find("@nimbus_packed_g_2"), std::string::npos);
  hosts[0].groups[0].packed_http = "127.0.0.1";  // no port
  EXPECT_FALSE(NginxConfig::StorageHosts(hosts, Access{}).ok());
  hosts[0].groups[0].packed_http = "127.0.0.1:80;evil";
  EXPECT_FALSE(NginxConfig::StorageHosts(hosts, Access{}).ok());
}

TEST(NginxConfig, UnsignedLeavesOutSecureLink) {
  Access open;
  open.signed_urls = false;
  auto c = NginxConfig::StorageHosts(TwoHosts(), open);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->find("secure_link"), std::string::npos);
  EXPECT_EQ(c->find("nimbus_secret"), std::string::npos);
  auto f = NginxConfig::FrontServer({"127.0.0.1:8080", {{"g", {"a:1"}}}}, open);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->find("secure_link"), std::string::npos);
}

TEST(NginxConfig, StorageHostsRefuseWhatNginxCannotCarryOrServe) {
  auto bad = [](std::vector<StorageHost> h) {
    return !NginxConfig::StorageHosts(h, Access{}).ok();
  };
  EXPECT_TRUE(bad({}));
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {}}}));
  EXPECT_TRUE(bad({{"10.0.0.1", {{"g", {"/a"}}}}}));  // no port
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {{"g", {"relative"}}}}}));
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {{"g", {"/a b"}}}}}));
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {{"g", {"/a;evil"}}}}}));
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {{"g", {"/$x"}}}}}));
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {{"g", {"/a\"\n"}}}}}));
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {{"g", {}}}}}));
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {{"bad group!", {"/a"}}}}}));
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {{"g", {"/a"}}, {"g", {"/b"}}}}}));
  EXPECT_TRUE(bad({{"10.0.0.1:8888", {{"g", {"/a"}}}},
                   {"10.0.0.1:8888", {{"h", {"/b"}}}}}));
  EXPECT_TRUE(
      bad({{"10.0.0.1:8888", {{"g", std::vector<std::string>(257, "/a")}}}}));
  Access a;
  a.secret_include = "/etc/x;evil";
  EXPECT_FALSE(NginxConfig::StorageHosts(TwoHosts(), a).ok());
}

TEST(NginxConfig, FrontRetriesTheNextReplicaOn404AndErrors) {
  Front f{"127.0.0.1:8080",
          {{"group1", {"10.0.0.1:8888", "10.0.0.2:8888"}},
           {"group2", {"10.0.0.1:8888"}}}};
  auto c = NginxConfig::FrontServer(f, Access{});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_NE(c->find("upstream nimbus_group1 {\n"
                    "    server 10.0.0.1:8888 max_fails=1 fail_timeout=10s;\n"
                    "    server 10.0.0.2:8888 max_fails=1 fail_timeout=10s;"),
            std::string::npos);
  EXPECT_NE(c->find("proxy_pass http://nimbus_group2;"), std::string::npos);
  EXPECT_NE(c->find("proxy_next_upstream error timeout http_404"),
            std::string::npos);
  EXPECT_NE(c->find("secure_link $arg_sign,$arg_expires;"), std::string::npos);
}

TEST(NginxConfig, FrontRefusesBadInput) {
  EXPECT_FALSE(NginxConfig::FrontServer({"127.0.0.1:8080", {}}, Access{}).ok());
  EXPECT_FALSE(
      NginxConfig::FrontServer({"127.0.0.1:8080", {{"g", {}}}}, Access{}).ok());
  EXPECT_FALSE(
      NginxConfig::FrontServer({"nope", {{"g", {"a:1"}}}}, Access{}).ok());
  EXPECT_FALSE(NginxConfig::FrontServer(
                   {"127.0.0.1:8080", {{"g", {"a:1", "a:1"}}}}, Access{})
                   .ok());
  EXPECT_FALSE(
      NginxConfig::FrontServer({"127.0.0.1:8080", {{"g", {"a:1;b"}}}}, Access{})
          .ok());
}

TEST(NginxConfig, SecretIncludeAndMain) {
  auto s = UrlSigner::Create("0123456789abcdefXYZ");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(NginxConfig::SecretInclude(*s).substr(
                NginxConfig::SecretInclude(*s).find("set ")),
            "set $nimbus_secret \"0123456789abcdefXYZ\";\n");
  auto m = NginxConfig::Main("/run/x", {"/run/x/a.conf"});
  ASSERT_TRUE(m.ok());
  EXPECT_NE(m->find("pid /run/x/nginx.pid;"), std::string::npos);
  EXPECT_NE(m->find("    include /run/x/a.conf;\n}"), std::string::npos);
  EXPECT_FALSE(NginxConfig::Main("relative", {}).ok());
  EXPECT_FALSE(NginxConfig::Main("/x", {"/a;b"}).ok());
}

TEST(NginxConfig, WebServerStreamsApiToFastCgi) {
  auto w = NginxConfig::WebServer({"127.0.0.1:8090", "127.0.0.1:9100"});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_NE(w->find("    listen 127.0.0.1:8090;\n"), std::string::npos);
  EXPECT_NE(w->find("fastcgi_pass 127.0.0.1:9100;"), std::string::npos);
  EXPECT_NE(w->find("fastcgi_request_buffering off;"), std::string::npos);
  EXPECT_NE(w->find("fastcgi_param HTTP_PROXY \"\";"), std::string::npos);
  EXPECT_TRUE(
      NginxConfig::WebServer({"127.0.0.1:8090", "unix:/run/web.sock"}).ok());
  EXPECT_FALSE(NginxConfig::WebServer({"127.0.0.1:8090", "a; b"}).ok());
  EXPECT_FALSE(NginxConfig::WebServer({"127.0.0.1:8090", "unix:/x;evil"}).ok());
  EXPECT_FALSE(NginxConfig::WebServer({"nowhere", "127.0.0.1:9100"}).ok());
}

}  // namespace
}  // namespace nimbus::http
