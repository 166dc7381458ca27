// The API in-process: WebService over SQLite and an in-memory blob store.
// (tests/system/web_test.cc runs the same kind of checks through nginx,
// FastCGI and the DFS.)
#include "web/web_service.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "web/sqlite_connection.h"

namespace nimbus::web {
namespace {

using nlohmann::json;

class MemoryBlobStore : public BlobStore {
 public:
  Result<std::string> Put(int64_t size,
                          const std::function<Status(char*, size_t)>& read,
                          std::string_view) override {
    std::string data(size, '\0');
    size_t done = 0;
    while (done < data.size()) {
      size_t n = std::min<size_t>(1000, data.size() - done);
      Status s = read(data.data() + done, n);
      if (!s.ok()) return s;
      done += n;
    }
    std::lock_guard lock(mu_);
    // Distinct, well-formed FastDFS IDs (the signer parses them).
    std::string id = "group1/M00/00/" + fmt::format("{:02X}", next_++) +
                     "/fwAAAmsGK_qAY6msAAMgB2wy40Q600.bin";
    files_[id] = data;
    return id;
  }
  Status Delete(const std::string& id) override {
    std::lock_guard lock(mu_);
    return files_.erase(id) ? Status::OK() : Status::NotFound(id);
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return files_.size();
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> files_;
  int next_ = 0;
};

class WebServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nimbus-web-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::string path = (dir_ / "meta.db").string();
    auto repo = Repository::Open(std::make_unique<SqlPool>(
        [path] { return SqliteConnection::Open(path); }, 4));
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    auto blobs = std::make_unique<MemoryBlobStore>();
    blobs_ = blobs.get();
    WebOptions o;
    o.client_conf = "unused";
    o.http_url_base = "http://files.example";
    o.default_quota_bytes = 1 << 20;
    o.max_upload_bytes = 1 << 20;
    o.login_failures_per_name = 3;
    auto signer = http::UrlSigner::Create(std::string(32, 's'));
    ASSERT_TRUE(signer.ok());
    service_ = std::make_unique<WebService>(
        o, std::move(repo).value(), std::move(blobs), *signer,
        PasswordHasher::ForTests(), [this] { return now_; });
    alice_ = SignUp("alice");
    bob_ = SignUp("bob");
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& token = "", const std::string& body = "",
                    bool send_length = true) {
    HttpRequest req;
    req.method = method;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
      req.query = HttpRequest::ParseQuery(target.substr(q + 1));
    }
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    req.remote_addr = "127.0.0.1";
    req.content_length = send_length ? static_cast<int64_t>(body.size()) : -1;
    auto pos = std::make_shared<size_t>(0);
    req.read_body = [body, pos](char* dst, size_t n) -> Result<size_t> {
      size_t k = std::min(n, body.size() - *pos);
      memcpy(dst, body.data() + *pos, k);
      *pos += k;
      return k;
    };
    return service_->Handle(req);
  }
  json Body(const HttpResponse& r) { return json::parse(r.body); }

  std::string SignUp(const std::string& name) {
    json cred = {{"name", name}, {"password", "password-" + name}};
    HttpResponse r = Call("POST", "/api/v1/auth/register", "", cred.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    r = Call("POST", "/api/v1/auth/login", "", cred.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r)["token"];
  }

  int64_t Upload(const std::string& token, const std::string& name,
                 const std::string& data, const std::string& parent = "root",
                 int want = 201) {
    HttpResponse r =
        Call("POST", "/api/v1/files?parent=" + parent + "&name=" + name, token,
             data);
    EXPECT_EQ(r.status, want) << r.body;
    return r.status == 201 ? Body(r)["node"]["id"].get<int64_t>() : 0;
  }

  std::filesystem::path dir_;
  std::unique_ptr<WebService> service_;
  MemoryBlobStore* blobs_ = nullptr;
  int64_t now_ = 1'700'000'000;
  std::string alice_, bob_;
};

TEST_F(WebServiceTest, SessionsComeOnlyFromTheBearerToken) {
  EXPECT_EQ(Call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/me", "not-a-token").status, 401);
  std::string tampered = alice_;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Call("GET", "/api/v1/me", tampered).status, 401);
  HttpResponse me = Call("GET", "/api/v1/me", alice_);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(Body(me)["user"]["name"], "alice");
  // A user_id in the request changes nothing.
  me = Call("GET", "/api/v1/me?user_id=2", alice_, R"({"user_id": 2})");
  EXPECT_EQ(Body(me)["user"]["name"], "alice");
  // Expiry.
  now_ += 8 * 86400;
  EXPECT_EQ(Call("GET", "/api/v1/me", alice_).status, 401);
}

TEST_F(WebServiceTest, LogoutAndPasswordChangeEndSessions) {
  std::string second =
      Body(Call("POST", "/api/v1/auth/login", "",
                R"({"name":"alice","password":"password-alice"})"))["token"];
  EXPECT_EQ(
      Call("POST", "/api/v1/auth/password", alice_,
           R"({"old_password":"wrong-one","new_password":"new-password"})")
          .status,
      403);
  EXPECT_EQ(
      Call("POST", "/api/v1/auth/password", alice_,
           R"({"old_password":"password-alice","new_password":"new-password"})")
          .status,
      204);
  EXPECT_EQ(Call("GET", "/api/v1/me", second).status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/me", alice_).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", "",
                 R"({"name":"alice","password":"password-alice"})")
                .status,
            401);
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", alice_).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/me", alice_).status, 401);
}

TEST_F(WebServiceTest, LoginIsRateLimited) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Call("POST", "/api/v1/auth/login", "",
                   R"({"name":"alice","password":"guess-guess"})")
                  .status,
              401);
  }
  HttpResponse r = Call("POST", "/api/v1/auth/login", "",
                        R"({"name":"alice","password":"password-alice"})");
  EXPECT_EQ(r.status, 429);
  now_ += 301;
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", "",
                 R"({"name":"alice","password":"password-alice"})")
                .status,
            200);
}

TEST_F(WebServiceTest, BadInputGetsClearErrors) {
  EXPECT_EQ(Call("POST", "/api/v1/auth/register", "", "{not json").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/auth/register", "",
                 R"({"name":"alice","password":"long-enough"})")
                .status,
            409);
  EXPECT_EQ(Call("POST", "/api/v1/auth/register", "",
                 R"({"name":"x'--","password":"long-enough"})")
                .status,
            400);
  EXPECT_EQ(
      Call("POST", "/api/v1/folders", alice_, std::string(70000, ' ') + "{}")
          .status,
      413);
  for (const char* bad : {"..", "a/b", "", "x\\u0000y"}) {
    HttpResponse r = Call("POST", "/api/v1/folders", alice_,
                          std::string(R"({"name":")") + bad + "\"}");
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
  EXPECT_EQ(Call("GET", "/api/v1/nodes/abc", alice_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/nope", alice_).status, 404);
  EXPECT_EQ(Call("PUT", "/api/v1/trash", alice_).status, 405);
  EXPECT_EQ(
      Call("POST", "/api/v1/files?name=a.txt", alice_, "data", false).status,
      411);
  EXPECT_EQ(Call("POST", "/api/v1/files?name=big", alice_,
                 std::string((1 << 20) + 1, 'x'))
                .status,
            413);
  EXPECT_EQ(
      Call("GET", "/api/v1/folders/root/children?sort=evil", alice_).status,
      400);
  EXPECT_EQ(
      Call("GET", "/api/v1/folders/root/children?cursor=AAAA", alice_).status,
      400);
}

TEST_F(WebServiceTest, UploadDeduplicatesAndSignsDownloads) {
  int64_t a = Upload(alice_, "hello.txt", "hello world");
  int64_t b = Upload(bob_, "copy.txt", "hello world");
  EXPECT_EQ(blobs_->count(), 1u) << "the second upload stored nothing";
  HttpResponse info = Call("GET", "/api/v1/nodes/" + std::to_string(a), alice_);
  EXPECT_EQ(Body(info)["node"]["sha256"],
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  HttpResponse d =
      Call("GET", "/api/v1/nodes/" + std::to_string(b) + "/download", bob_);
  ASSERT_EQ(d.status, 200) << d.body;
  std::string url = Body(d)["url"];
  EXPECT_EQ(url.rfind("http://files.example/group1/M00/00/00/"
                      "fwAAAmsGK_qAY6msAAMgB2wy40Q600.bin?expires=",
                      0),
            0u)
      << url;
  EXPECT_NE(url.find("&sign="), std::string::npos);
  EXPECT_NE(url.find("&filename=copy.txt"), std::string::npos);
  d = Call("GET", "/api/v1/nodes/" + std::to_string(b) + "/download?redirect=1",
           bob_);
  EXPECT_EQ(d.status, 302);
  info = Call("GET", "/api/v1/nodes/" + std::to_string(b), bob_);
  EXPECT_EQ(Body(info)["node"]["downloads"], 2) << "counted by the server";
  // Purging one reference keeps the blob; purging the last removes it.
  EXPECT_EQ(Call("DELETE", "/api/v1/nodes/" + std::to_string(a), alice_).status,
            204);
  EXPECT_EQ(Call("DELETE", "/api/v1/trash", alice_).status, 204);
  EXPECT_EQ(blobs_->count(), 1u);
  EXPECT_EQ(Call("DELETE", "/api/v1/nodes/" + std::to_string(b), bob_).status,
            204);
  EXPECT_EQ(Call("DELETE", "/api/v1/trash/" + std::to_string(b), bob_).status,
            204);
  EXPECT_EQ(blobs_->count(), 0u);
}

TEST_F(WebServiceTest, QuotaRefusesBeforeAndAtCommit) {
  Upload(alice_, "big1", std::string(600 << 10, 'a'));
  Upload(alice_, "big2", std::string(600 << 10, 'b'), "root", 507);
  EXPECT_EQ(blobs_->count(), 1u) << "refused before any byte was stored";
  HttpResponse me = Call("GET", "/api/v1/me", alice_);
  EXPECT_EQ(Body(me)["user"]["used_bytes"], 600 << 10);
}

TEST_F(WebServiceTest, NameConflictStoresNothing) {
  Upload(alice_, "a.txt", "one");
  Upload(alice_, "a.txt", "two", "root", 409);
  EXPECT_EQ(blobs_->count(), 1u);
}

TEST_F(WebServiceTest, AnotherUsersItemsAreInvisibleOnEveryRoute) {
  HttpResponse f =
      Call("POST", "/api/v1/folders", alice_, R"({"name":"mine"})");
  ASSERT_EQ(f.status, 201);
  std::string dir = std::to_string(Body(f)["node"]["id"].get<int64_t>());
  std::string file =
      std::to_string(Upload(alice_, "secret.txt", "s3cret", dir));
  HttpResponse bobs = Call("POST", "/api/v1/folders", bob_, R"({"name":"b"})");
  std::string bob_dir = std::to_string(Body(bobs)["node"]["id"].get<int64_t>());
  struct Probe {
    const char* method;
    std::string target;
    std::string body;
  };
  std::vector<Probe> probes = {
      {"GET", "/api/v1/nodes/" + file, ""},
      {"GET", "/api/v1/nodes/" + dir, ""},
      {"GET", "/api/v1/folders/" + dir + "/children", ""},
      {"GET", "/api/v1/nodes/" + file + "/download", ""},
      {"PATCH", "/api/v1/nodes/" + file, R"({"name":"stolen"})"},
      {"PATCH", "/api/v1/nodes/" + bob_dir, "{\"parent\":" + dir + "}"},
      {"POST", "/api/v1/nodes/" + file + "/copy", R"({"parent":0})"},
      {"DELETE", "/api/v1/nodes/" + file, ""},
      {"POST", "/api/v1/folders", "{\"name\":\"x\",\"parent\":" + dir + "}"},
      {"POST", "/api/v1/files?name=x&parent=" + dir, "data"},
      {"POST", "/api/v1/trash/" + file + "/restore", ""},
      {"DELETE", "/api/v1/trash/" + file, ""},
  };
  for (const Probe& p : probes) {
    HttpResponse r = Call(p.method, p.target, bob_, p.body);
    EXPECT_EQ(r.status, 404) << p.method << " " << p.target << " " << r.body;
  }
  EXPECT_EQ(Body(Call("GET", "/api/v1/search?q=secret", bob_))["items"].size(),
            0u);
  // Alice still has everything, untouched.
  HttpResponse r = Call("GET", "/api/v1/nodes/" + file, alice_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["node"]["name"], "secret.txt");
  EXPECT_EQ(Body(r)["node"]["downloads"], 0);
}

TEST_F(WebServiceTest, ListingPagesWithCursors) {
  for (int i = 0; i < 7; ++i)
    Upload(alice_, "f" + std::to_string(i), "x" + std::to_string(i));
  std::vector<std::string> names;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    HttpResponse r = Call("GET",
                          "/api/v1/folders/root/children?sort=name&order=desc&"
                          "limit=3&cursor=" +
                              cursor,
                          alice_);
    ASSERT_EQ(r.status, 200) << r.body;
    json j = Body(r);
    for (auto& it : j["items"]) names.push_back(it["name"]);
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"];
  }
  EXPECT_EQ(names, (std::vector<std::string>{"f6", "f5", "f4", "f3", "f2", "f1",
                                             "f0"}));
}

}  // namespace
}  // namespace nimbus::web
