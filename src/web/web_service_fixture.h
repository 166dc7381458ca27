// Test support for WebService's API tests (web_service_test.cc,
// tus_service_test.cc): in-memory blob stores and a fixture that runs a
// WebService over SQLite with a controllable clock and two signed-in users.
#ifndef NIMBUS_WEB_WEB_SERVICE_FIXTURE_H_
#define NIMBUS_WEB_WEB_SERVICE_FIXTURE_H_

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "web/memory_cache.h"
#include "web/sqlite_connection.h"
#include "web/web_service.h"

namespace nimbus::web::test {

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
  Result<std::string> Read(const std::string& id, int64_t offset,
                           int64_t length) override {
    std::lock_guard lock(mu_);
    auto it = files_.find(id);
    if (it == files_.end()) return Status::NotFound(id);
    ++reads_;
    return it->second.substr(offset, length);
  }
  int reads_ = 0;
  Result<std::string> CreateAppender(std::string_view ext) override {
    return Put(
        0, [](char*, size_t) { return Status::OK(); }, ext);
  }
  Status Append(const std::string& id, int64_t size,
                const std::function<Status(char*, size_t)>& read) override {
    std::string data(size, '\0');
    Status s = read(data.data(), data.size());
    if (!s.ok()) return s;
    std::lock_guard lock(mu_);
    auto it = files_.find(id);
    if (it == files_.end()) return Status::NotFound(id);
    it->second += data;
    return Status::OK();
  }
  Status Truncate(const std::string& id, int64_t size) override {
    std::lock_guard lock(mu_);
    auto it = files_.find(id);
    if (it == files_.end()) return Status::NotFound(id);
    it->second.resize(size);
    return Status::OK();
  }
  Result<int64_t> Size(const std::string& id) override {
    std::lock_guard lock(mu_);
    auto it = files_.find(id);
    if (it == files_.end()) return Status::NotFound(id);
    return static_cast<int64_t>(it->second.size());
  }
  std::string Content(const std::string& id) {
    std::lock_guard lock(mu_);
    return files_.count(id) ? files_[id] : "";
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

// Lets a test restart the service over the same stored bytes.
class SharedBlobStore : public BlobStore {
 public:
  explicit SharedBlobStore(MemoryBlobStore* m) : m_(m) {}
  Result<std::string> Put(int64_t size,
                          const std::function<Status(char*, size_t)>& read,
                          std::string_view ext) override {
    return m_->Put(size, read, ext);
  }
  Status Delete(const std::string& id) override { return m_->Delete(id); }
  Result<std::string> Read(const std::string& id, int64_t offset,
                           int64_t length) override {
    return m_->Read(id, offset, length);
  }
  Result<std::string> CreateAppender(std::string_view ext) override {
    return m_->CreateAppender(ext);
  }
  Status Append(const std::string& id, int64_t size,
                const std::function<Status(char*, size_t)>& read) override {
    return m_->Append(id, size, read);
  }
  Status Truncate(const std::string& id, int64_t size) override {
    return m_->Truncate(id, size);
  }
  Result<int64_t> Size(const std::string& id) override { return m_->Size(id); }

 private:
  MemoryBlobStore* m_;
};

class WebServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nimbus-web-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    StartService();
    alice_ = SignUp("alice");
    bob_ = SignUp("bob");
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  virtual std::unique_ptr<Cache> MakeCache() {
    return std::make_unique<MemoryCache>(10000, [this] { return now_; });
  }

  // (Re)starts the service over the same database and stored bytes, as a
  // nimbus-web restart does.
  void StartService() {
    service_.reset();
    std::string path = (dir_ / "meta.db").string();
    auto repo = Repository::Open(std::make_unique<SqlPool>(
        [path] { return SqliteConnection::Open(path); }, 4));
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    ASSERT_TRUE((*repo)->uploads().ClearLeases().ok());
    WebOptions o;
    o.client_conf = "unused";
    o.http_url_base = "http://files.example";
    o.default_quota_bytes = 1 << 20;
    o.max_upload_bytes = 1 << 20;
    o.login_failures_per_name = 3;
    o.upload_expiry_s = 3600;
    auto signer = http::UrlSigner::Create(std::string(32, 's'));
    ASSERT_TRUE(signer.ok());
    service_ = std::make_unique<WebService>(
        o, std::move(repo).value(), std::make_unique<SharedBlobStore>(&store_),
        MakeCache(), *signer, PasswordHasher::ForTests(),
        [this] { return now_; });
    blobs_ = &store_;
  }

  // POST /auth/password with `old_pw` and "new-password"; the status.
  int ChangePassword(const std::string& token, const std::string& old_pw) {
    nlohmann::json body = {{"old_password", old_pw},
                           {"new_password", "new-password"}};
    return Call("POST", "/api/v1/auth/password", token, body.dump()).status;
  }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& token = "", const std::string& body = "",
                    bool send_length = true,
                    std::map<std::string, std::string> headers = {},
                    size_t cut_after = std::string::npos) {
    HttpRequest req;
    req.method = method;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
      req.query = HttpRequest::ParseQuery(target.substr(q + 1));
    }
    req.headers = std::move(headers);
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    req.remote_addr = "127.0.0.1";
    req.content_length = send_length ? static_cast<int64_t>(body.size()) : -1;
    auto pos = std::make_shared<size_t>(0);
    req.read_body = [body, pos, cut_after](char* dst,
                                           size_t n) -> Result<size_t> {
      if (*pos >= cut_after) return Status::IOError("client went away");
      size_t k = std::min({n, body.size() - *pos, cut_after - *pos});
      memcpy(dst, body.data() + *pos, k);
      *pos += k;
      return k;
    };
    return service_->Handle(req);
  }
  nlohmann::json Body(const HttpResponse& r) {
    return nlohmann::json::parse(r.body);
  }

  std::string SignUp(const std::string& name) {
    nlohmann::json cred = {{"name", name}, {"password", "password-" + name}};
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
  MemoryBlobStore store_;
  std::unique_ptr<WebService> service_;
  MemoryBlobStore* blobs_ = nullptr;
  int64_t now_ = 1'700'000'000;
  std::string alice_, bob_;
};

}  // namespace nimbus::web::test

#endif  // NIMBUS_WEB_WEB_SERVICE_FIXTURE_H_
