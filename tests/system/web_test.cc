// The cloud-disk API end to end: curl -> nginx (stock, `nimbus deploy nginx
// web`) -> FastCGI -> nimbus-web -> the DFS, and downloads through the front
// nginx with the signed URLs nimbus-web hands out. Every test runs on both
// metadata databases: SQLite and a real MariaDB server.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "test_cluster.h"
#include "web/mariadb_test_server.h"
#include "web/session_token.h"
#include "web_stack.h"

extern char** environ;

namespace nimbus::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class WebStackTest : public ::testing::TestWithParam<std::string>,
                     protected WebStack {
 protected:
  void SetUp() override { Start(GetParam()); }
  void TearDown() override { Stop(); }
};

TEST_P(WebStackTest, UploadListDownloadThroughNginxAndTheDfs) {
  std::string alice = SignIn("alice");
  ASSERT_FALSE(alice.empty());
  Reply folder =
      Call("POST", "/api/v1/folders", alice, R"({"name": "照片 2024"})");
  ASSERT_EQ(folder.status, 201) << folder.body;
  int64_t dir = folder.Json()["node"]["id"];

  // 5 MB: several FastCGI records and DFS chunks, streamed.
  std::string path = WriteRandom("big.bin", 5 * 1024 * 1024 + 3, 7);
  std::string data = ReadAll(path);
  Reply up =
      UploadFile(alice, path, fmt::format("parent={}&name=%E6%B5%B7.bin", dir));
  ASSERT_EQ(up.status, 201) << up.body;
  json node = up.Json()["node"];
  EXPECT_EQ(node["name"], "海.bin");
  EXPECT_EQ(node["size"], data.size());
  EXPECT_FALSE(up.Json()["deduplicated"].get<bool>());

  Reply list =
      Call("GET", fmt::format("/api/v1/folders/{}/children", dir), alice);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.Json()["items"].size(), 1u);

  Reply dl =
      Call("GET",
           fmt::format("/api/v1/nodes/{}/download", node["id"].get<int64_t>()),
           alice);
  ASSERT_EQ(dl.status, 200) << dl.body;
  std::string url = dl.Json()["url"];
  EXPECT_EQ(
      url.rfind(fmt::format("http://127.0.0.1:{}/group1/M00/", front_port_), 0),
      0u)
      << url;
  Reply got = Curl(url, "");
  ASSERT_EQ(got.status, 200);
  EXPECT_TRUE(got.body == data) << "download differs";
  // A range, as resumable downloads use.
  got = Curl(url, "-H 'Range: bytes=1000-1999'");
  EXPECT_EQ(got.status, 206);
  EXPECT_TRUE(got.body == data.substr(1000, 1000));
  // Tampering with the URL is refused by nginx.
  std::string bad = url;
  char& c = bad[bad.find("sign=") + 5];
  c = c == 'A' ? 'B' : 'A';  // still a base64url character
  EXPECT_EQ(Curl(bad, "").status, 403);

  // The same content again stores nothing new.
  Reply again = UploadFile(alice, path, "name=copy.bin");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_TRUE(again.Json()["deduplicated"].get<bool>());
  EXPECT_EQ(again.Json()["node"]["sha256"], node["sha256"]);

  // Prometheus metrics through nginx (loopback only), valid for promtool.
  Reply m = Curl(fmt::format("http://127.0.0.1:{}/metrics", web_port_), "");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("nimbus_web_requests_total{route=\"/api/v1/files\","
                        "method=\"POST\",status=\"201\"} 2"),
            std::string::npos)
      << m.body;
  std::string mfile = cluster_.dir() + "/web.metrics";
  std::ofstream(mfile) << m.body;
  EXPECT_EQ(std::system(("promtool check metrics < " + mfile).c_str()), 0);
}

TEST_P(WebStackTest, UsersCannotReachEachOthersFilesAndSessionsSurviveRestart) {
  std::string alice = SignIn("alice");
  std::string bob = SignIn("bob");
  std::string path = WriteRandom("a.txt", 1000, 3);
  Reply up = UploadFile(alice, path, "name=a.txt");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = std::to_string(up.Json()["node"]["id"].get<int64_t>());
  EXPECT_EQ(Call("GET", "/api/v1/nodes/" + id, bob).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/nodes/" + id + "/download", bob).status, 404);
  EXPECT_EQ(Call("PATCH", "/api/v1/nodes/" + id, bob, R"({"name":"x"})").status,
            404);
  EXPECT_EQ(Call("DELETE", "/api/v1/nodes/" + id, bob).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/nodes/" + id).status, 401);
  // A forged token differs from alice's in its first character (tokens are
  // base64url, so a fixed replacement letter would equal it 1 time in 64).
  std::string forged = alice;
  forged[0] = forged[0] == 'x' ? 'y' : 'x';
  EXPECT_EQ(Call("GET", "/api/v1/nodes/" + id, forged).status, 401);
  // Oversized JSON, SQL-looking names.
  EXPECT_EQ(Call("POST", "/api/v1/folders", alice,
                 "{\"name\": \"" + std::string(100000, 'a') + "\"}")
                .status,
            413);
  Reply evil = Call("POST", "/api/v1/folders", alice,
                    R"({"name": "'; DELETE FROM nodes; --"})");
  ASSERT_EQ(evil.status, 201);
  EXPECT_EQ(evil.Json()["node"]["name"], "'; DELETE FROM nodes; --");

  // Sessions and metadata live in the database, not in the process.
  StopWeb(SIGKILL);
  StartWeb();
  Reply me = Call("GET", "/api/v1/me", alice);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["user"]["used_bytes"], 1000);
  EXPECT_EQ(Call("GET", "/api/v1/nodes/" + id, alice).status, 200);
}

// tus through nginx: a client killed mid-PATCH, then nimbus-web killed
// mid-PATCH; each time the upload resumes from the offset HEAD reports, and
// the finished file is byte-identical.
TEST_P(WebStackTest, TusUploadResumesAfterClientAndServerAreKilled) {
  std::string alice = SignIn("alice");
  const size_t kSize = 24 * 1024 * 1024 + 11;
  std::string path = WriteRandom("tus.bin", kSize, 11);
  std::string data = ReadAll(path);
  std::string base = fmt::format("http://127.0.0.1:{}", web_port_);
  std::string auth = " -H " + Shell("Authorization: Bearer " + alice) +
                     " -H 'Tus-Resumable: 1.0.0'";
  std::string hdrs = cluster_.dir() + "/tus.headers";
  // Create.
  std::string cmd = fmt::format(
      "curl -s -o /dev/null -D {} -X POST {} -H 'Upload-Length: {}' -H "
      "'Upload-Metadata: filename dHVzLmJpbg==' {}/api/v1/uploads",
      hdrs, auth, kSize, base);
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string h = ReadAll(hdrs);
  size_t loc = h.find("Location: ");
  ASSERT_NE(loc, std::string::npos) << h;
  std::string location = h.substr(loc + 10, h.find('\r', loc) - loc - 10);
  std::string url = base + location;

  auto head_offset = [&]() -> int64_t {
    for (int i = 0; i < 100; ++i) {
      std::string c = fmt::format("curl -s -I {} {} > {}", auth, url, hdrs);
      if (std::system(c.c_str()) == 0) {
        std::string hh = ReadAll(hdrs);
        size_t p = hh.find("Upload-Offset: ");
        if (p != std::string::npos) return std::stoll(hh.substr(p + 15));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return -1;
  };
  // PATCH from `offset`, optionally throttled and killed after `kill_after`.
  auto patch = [&](int64_t offset, const std::string& limit,
                   double kill_after) -> int {
    std::string part = cluster_.dir() + "/tus.part";
    std::ofstream(part, std::ios::binary) << data.substr(offset);
    std::string c = fmt::format(
        "{}curl -s -o /dev/null -w '%{{http_code}}' -X PATCH {} -H "
        "'Content-Type: application/offset+octet-stream' -H 'Upload-Offset: "
        "{}' {} --data-binary @{} {} > {}.code",
        kill_after > 0 ? fmt::format("timeout -s KILL {} ", kill_after) : "",
        auth, offset, limit, part, url, hdrs);
    std::system(c.c_str());
    return std::atoi(ReadAll(hdrs + ".code").c_str());
  };

  // 1. The client dies mid-stream (throttled to 4 MB/s, killed at 1.5 s).
  patch(0, "--limit-rate 4M", 1.5);
  int64_t at = head_offset();
  EXPECT_GT(at, 0) << "bytes received before the cut are kept";
  EXPECT_LT(at, static_cast<int64_t>(kSize));

  // 2. nimbus-web dies mid-stream (kill -9 while a throttled PATCH runs).
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    StopWeb(SIGKILL);
  });
  patch(at, "--limit-rate 4M", 0);
  killer.join();
  StartWeb();
  int64_t at2 = head_offset();
  EXPECT_GE(at2, at);
  EXPECT_LT(at2, static_cast<int64_t>(kSize));

  // 3. Resume to the end (a lease left by the killed process may need a
  // few seconds to run out on MySQL: 423 is retried as tus clients do).
  int code = 0;
  for (int i = 0; i < 40; ++i) {
    code = patch(at2, "", 0);
    if (code != 423) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_EQ(code, 204);
  EXPECT_EQ(head_offset(), static_cast<int64_t>(kSize));
  std::string hh = ReadAll(hdrs);
  Reply list = Call("GET", "/api/v1/folders/root/children", alice);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.Json()["items"].size(), 1u) << list.body;
  int64_t node = list.Json()["items"][0]["id"];
  EXPECT_EQ(list.Json()["items"][0]["size"], kSize);
  Reply dl = Call("GET", fmt::format("/api/v1/nodes/{}/download", node), alice);
  ASSERT_EQ(dl.status, 200);
  Reply got = Curl(dl.Json()["url"], "");
  ASSERT_EQ(got.status, 200);
  EXPECT_TRUE(got.body == data) << "resumed upload differs";
  std::printf(
      "tus: cut by client at %lld, by nimbus-web kill at %lld, "
      "completed %zu bytes, identical\n",
      static_cast<long long>(at), static_cast<long long>(at2), kSize);
}

// Every route of docs/api.md once, through nginx and FastCGI, with the
// status and the effect checked.
TEST_P(WebStackTest, EveryEndpointThroughNginx) {
  using web::SessionToken;
  std::string a = SignIn("alice");
  std::string b = SignIn("bob");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  auto id_of = [](const Reply& r) {
    return std::to_string(r.Json()["node"]["id"].get<int64_t>());
  };
  EXPECT_EQ(Call("GET", "/api/v1/me", a).Json()["user"]["name"], "alice");
  // Folders, listing with a cursor, get, rename, move, copy.
  Reply docs = Call("POST", "/api/v1/folders", a, R"({"name":"docs"})");
  ASSERT_EQ(docs.status, 201) << docs.body;
  Reply sub = Call("POST", "/api/v1/folders", a,
                   "{\"name\":\"sub\",\"parent\":" + id_of(docs) + "}");
  ASSERT_EQ(sub.status, 201);
  std::string file = WriteRandom("e.bin", 70000, 5);
  std::string data = ReadAll(file);
  Reply up = UploadFile(a, file, "parent=" + id_of(docs) + "&name=e.bin");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string fid = id_of(up);
  Reply page1 =
      Call("GET",
           "/api/v1/folders/" + id_of(docs) + "/children?sort=name&limit=1", a);
  ASSERT_EQ(page1.status, 200);
  ASSERT_EQ(page1.Json()["items"].size(), 1u);
  std::string cursor = page1.Json()["next_cursor"];
  Reply page2 = Call("GET",
                     "/api/v1/folders/" + id_of(docs) +
                         "/children?sort=name&limit=1&cursor=" + cursor,
                     a);
  ASSERT_EQ(page2.status, 200);
  EXPECT_EQ(page2.Json()["items"][0]["name"], "e.bin");
  EXPECT_EQ(Call("GET", "/api/v1/nodes/" + fid, a).Json()["node"]["size"],
            70000);
  EXPECT_EQ(Call("PATCH", "/api/v1/nodes/" + fid, a,
                 R"({"name":"x'); DROP TABLE users; --"})")
                .Json()["node"]["name"],
            "x'); DROP TABLE users; --");
  EXPECT_EQ(Call("PATCH", "/api/v1/nodes/" + fid, a,
                 "{\"parent\":" + id_of(sub) + "}")
                .Json()["node"]["parent"],
            std::stoll(id_of(sub)));
  Reply copy =
      Call("POST", "/api/v1/nodes/" + fid + "/copy", a, R"({"parent":0})");
  ASSERT_EQ(copy.status, 201) << copy.body;
  EXPECT_EQ(Call("GET", "/api/v1/search?q=DROP", a).Json()["items"].size(), 2u);
  // Trash: delete, list, restore, purge, empty.
  EXPECT_EQ(Call("DELETE", "/api/v1/nodes/" + id_of(copy), a).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/trash", a).Json()["items"].size(), 1u);
  EXPECT_EQ(Call("POST", "/api/v1/trash/" + id_of(copy) + "/restore", a).status,
            200);
  EXPECT_EQ(Call("DELETE", "/api/v1/nodes/" + id_of(copy), a).status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/trash/" + id_of(copy), a).status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/nodes/" + id_of(sub), a).status, 204);
  EXPECT_EQ(Call("POST", "/api/v1/trash/" + id_of(sub) + "/restore", a).status,
            200);
  // Download: a signed URL, counted.
  Reply dl = Call("GET", "/api/v1/nodes/" + fid + "/download", a);
  ASSERT_EQ(dl.status, 200);
  EXPECT_TRUE(Curl(dl.Json()["url"], "").body == data);
  // Instant upload: bob proves he holds the bytes.
  std::string sha = SessionToken::Sha256Hex(data);
  Reply ch =
      Call("POST", "/api/v1/files/instant/challenge", b,
           json({{"sha256", sha}, {"size", data.size()}, {"name", "mine.bin"}})
               .dump());
  ASSERT_EQ(ch.status, 201) << ch.body;
  json c = ch.Json();
  std::string range =
      data.substr(c["offset"].get<int64_t>(), c["length"].get<int64_t>());
  Reply inst = Call(
      "POST", "/api/v1/files/instant", b,
      json({{"challenge", c["challenge"]},
            {"answer",
             SessionToken::Sha256Hex(c["nonce"].get<std::string>() + range)}})
          .dump());
  ASSERT_EQ(inst.status, 201) << inst.body;
  // Shares: create (password), list, public info, open, download, save,
  // square, revoke.
  Reply sh = Call("POST", "/api/v1/shares", a,
                  "{\"node\":" + fid + ",\"password\":\"8e3k\"}");
  ASSERT_EQ(sh.status, 201) << sh.body;
  std::string code = sh.Json()["share"]["code"];
  json mine = Call("GET", "/api/v1/shares", a).Json();
  ASSERT_EQ(mine["items"].size(), 1u);
  EXPECT_EQ(std::to_string(mine["items"][0].value("node", int64_t{0})), fid);
  EXPECT_EQ(Call("GET", "/api/v1/s/" + code).status, 200);
  EXPECT_EQ(
      Call("POST", "/api/v1/s/" + code + "/open", "", R"({"password":"nope"})")
          .status,
      403);
  EXPECT_EQ(
      Call("POST", "/api/v1/s/" + code + "/open", "", R"({"password":"8e3k"})")
          .status,
      200);
  Reply sdl = Call("POST", "/api/v1/s/" + code + "/download", "",
                   R"({"password":"8e3k"})");
  ASSERT_EQ(sdl.status, 200);
  EXPECT_TRUE(Curl(sdl.Json()["url"], "").body == data);
  EXPECT_EQ(Call("POST", "/api/v1/s/" + code + "/save", b,
                 R"({"password":"8e3k","parent":0})")
                .status,
            201);
  Reply pub = Call("POST", "/api/v1/shares", a,
                   "{\"node\":" + fid + ",\"public\":true}");
  ASSERT_EQ(pub.status, 201);
  Call("POST", "/api/v1/s/" + pub.Json()["share"]["code"].get<std::string>() +
                   "/download");
  Reply square = Call("GET", "/api/v1/square");
  ASSERT_EQ(square.status, 200);
  ASSERT_EQ(square.Json()["items"].size(), 1u);
  EXPECT_EQ(square.Json()["items"][0]["downloads"], 1);
  EXPECT_EQ(Call("DELETE", "/api/v1/shares/" + code, a).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/s/" + code).status, 404);
  // tus: OPTIONS, create, HEAD, PATCH, terminate.
  std::string tus = " -H 'Tus-Resumable: 1.0.0'";
  EXPECT_EQ(Call("OPTIONS", "/api/v1/uploads", "", "", tus).status, 204);
  std::string hdrs = cluster_.dir() + "/tus2.headers";
  std::string cmd = fmt::format(
      "curl -s -o /dev/null -D {} -X POST -H {} {} -H 'Upload-Length: 5' -H "
      "'Upload-Metadata: filename dC50eHQ=' http://127.0.0.1:{}/api/v1/uploads",
      hdrs, Shell("Authorization: Bearer " + a), tus, web_port_);
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string h = ReadAll(hdrs);
  size_t loc = h.find("Location: ");
  ASSERT_NE(loc, std::string::npos) << h;
  std::string where = h.substr(loc + 10, h.find('\r', loc) - loc - 10);
  EXPECT_EQ(Call("HEAD", where, a, "", tus).status, 200);
  std::string part = cluster_.dir() + "/five";
  std::ofstream(part) << "hello";
  Reply p = Curl(fmt::format("http://127.0.0.1:{}{}", web_port_, where),
                 "-X PATCH -H " + Shell("Authorization: Bearer " + a) + tus +
                     " -H 'Upload-Offset: 0' -H 'Content-Type: "
                     "application/offset+octet-stream' --data-binary @" +
                     part);
  EXPECT_EQ(p.status, 204);
  EXPECT_EQ(Call("DELETE", where, a, "", tus).status, 204);
  EXPECT_EQ(Call("HEAD", where, a, "", tus).status, 404);
  // Empty trash, metrics, password change, logout.
  EXPECT_EQ(Call("DELETE", "/api/v1/trash", a).status, 204);
  EXPECT_EQ(
      Curl(fmt::format("http://127.0.0.1:{}/metrics", web_port_), "").status,
      200);
  EXPECT_EQ(
      Call("POST", "/api/v1/auth/password", a,
           R"({"old_password":"secret-alice","new_password":"another-one"})")
          .status,
      204);
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", a).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/me", a).status, 401);
}

// 50 simultaneous uploads of the same content through nginx: one stored
// blob; and a quota is never exceeded by simultaneous uploads.
TEST_P(WebStackTest, ConcurrentUploadsOneBlobAndQuotaHolds) {
  std::string a = SignIn("alice");
  std::string file = WriteRandom("same.bin", 300000, 9);
  std::string script = cluster_.dir() + "/up50.sh";
  std::ofstream(script) << fmt::format(
      // The placeholder is '@@': base64url tokens never contain '@'.
      "seq 50 | xargs -P 50 -I @@ curl -s -o {0}/up50.@@ -w "
      "'%{{http_code}}\\n' -X POST -H 'Authorization: Bearer {1}' "
      "--data-binary @{2} 'http://127.0.0.1:{3}/api/v1/files?name=copy-@@.bin' "
      "> {0}/up50.codes",
      cluster_.dir(), a, file, web_port_);
  ASSERT_EQ(std::system(("bash " + script).c_str()), 0);
  std::string codes = ReadAll(cluster_.dir() + "/up50.codes");
  EXPECT_EQ(std::count(codes.begin(), codes.end(), '\n'), 50);
  EXPECT_EQ(codes.find_first_not_of("201\n"), std::string::npos) << codes;
  int fresh = 0;
  std::set<std::string> shas;
  for (int i = 1; i <= 50; ++i) {
    json r = json::parse(ReadAll(fmt::format("{}/up50.{}", cluster_.dir(), i)),
                         nullptr, false);
    if (r.is_discarded()) continue;
    if (!r["deduplicated"].get<bool>()) ++fresh;
    shas.insert(r["node"]["sha256"].get<std::string>());
  }
  EXPECT_EQ(fresh, 1) << "one upload stored the content, 49 were deduplicated";
  EXPECT_EQ(shas.size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/me", a).Json()["user"]["used_bytes"],
            50 * 300000);
  // Quota (64M here): 40 simultaneous 2 MB uploads of distinct content
  // into 64M - 15M = 49M of room: at most 24 fit, and never more.
  std::string bob = SignIn("bob");
  Reply big =
      UploadFile(bob, WriteRandom("base.bin", 15 << 20, 1), "name=base.bin");
  ASSERT_EQ(big.status, 201);
  std::ofstream(script) << fmt::format(
      "for i in $(seq 40); do head -c 2097152 /dev/urandom > {0}/q.$i; "
      "done; seq 40 | xargs -P 40 -I @@ curl -s -w "
      "'%{{http_code}}\\n' -X POST -H 'Authorization: Bearer {1}' "
      "--data-binary @{0}/q.@@ 'http://127.0.0.1:{2}/api/v1/files?name=q-@@' "
      "-o {0}/q.out.@@ > {0}/q.codes",
      cluster_.dir(), bob, web_port_);
  ASSERT_EQ(std::system(("bash " + script).c_str()), 0);
  codes = ReadAll(cluster_.dir() + "/q.codes");
  size_t ok = 0, full = 0;
  for (size_t p = 0; (p = codes.find("201", p)) != std::string::npos; ++p) ++ok;
  for (size_t p = 0; (p = codes.find("507", p)) != std::string::npos; ++p) {
    ++full;
  }
  EXPECT_EQ(ok + full, 40u)
      << codes << ReadAll(cluster_.dir() + "/q.out.1")
      << ReadAll(cluster_.dir() + "/web/logs/nimbus-web.log");
  EXPECT_LE(ok, 24u);
  EXPECT_GE(ok, 1u);
  int64_t used = Call("GET", "/api/v1/me", bob).Json()["user"]["used_bytes"];
  EXPECT_EQ(used, (15 << 20) + static_cast<int64_t>(ok) * 2097152);
  EXPECT_LE(used, 64 << 20);
  std::printf(
      "concurrency: 50 same-content uploads -> 1 blob; quota: %zu of "
      "40 uploads fit, %zu refused, used %lld of %d bytes\n",
      ok, full, static_cast<long long>(used), 64 << 20);
}

INSTANTIATE_TEST_SUITE_P(Databases, WebStackTest,
                         ::testing::Values("sqlite", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace nimbus::test
