#include "web/tus_service.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>
#include <map>
#include <string>

#include "web/session_token.h"
#include "web/web_service_fixture.h"

namespace nimbus::web {
namespace {

TEST(TusService, HashStateSurvivesTextRoundTrip) {
  ASSERT_GE(sodium_init(), 0);
  crypto_hash_sha256_state a, b;
  crypto_hash_sha256_init(&a);
  std::string part1(100, 'x'), part2 = "tail";
  crypto_hash_sha256_update(
      &a, reinterpret_cast<const unsigned char*>(part1.data()), part1.size());
  std::string text = TusService::EncodeHashState(&a);
  ASSERT_TRUE(TusService::DecodeHashState(text, &b));
  crypto_hash_sha256_update(
      &b, reinterpret_cast<const unsigned char*>(part2.data()), part2.size());
  unsigned char got[32], want[32];
  crypto_hash_sha256_final(&b, got);
  std::string all = part1 + part2;
  crypto_hash_sha256(want, reinterpret_cast<const unsigned char*>(all.data()),
                     all.size());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(got), 32),
            std::string(reinterpret_cast<char*>(want), 32));
  EXPECT_FALSE(TusService::DecodeHashState("v1:zz", &b));
  EXPECT_FALSE(TusService::DecodeHashState(std::string(text.size(), 'g'), &b));
}

TEST(TusService, MetadataHeader) {
  std::map<std::string, std::string> m;
  ASSERT_TRUE(TusService::ParseMetadata(
      "filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential", &m));
  EXPECT_EQ(m["filename"], "world_domination_plan.pdf");
  EXPECT_EQ(m.count("is_confidential"), 1u);
  m.clear();
  EXPECT_FALSE(TusService::ParseMetadata("filename ***", &m));
  m.clear();
  EXPECT_FALSE(TusService::ParseMetadata("a YQ==,a YQ==", &m));
}

TEST(TusService, HttpDateIsImfFixdate) {
  EXPECT_EQ(TusService::HttpDate(1403712000), "Wed, 25 Jun 2014 16:00:00 GMT");
}

// --- the tus routes through WebService
// ----------------------------------------------------------------------

using nlohmann::json;
using test::WebServiceTest;

std::string B64(const std::string& s) {
  std::string out(
      sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_ORIGINAL),
      '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string Header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class TusTest : public WebServiceTest {
 protected:
  std::map<std::string, std::string> TusHeaders(int64_t offset = -1) {
    std::map<std::string, std::string> h{{"tus-resumable", "1.0.0"}};
    if (offset >= 0) {
      h["upload-offset"] = std::to_string(offset);
      h["content-type"] = "application/offset+octet-stream";
    }
    return h;
  }
  std::string Create(const std::string& token, int64_t length,
                     const std::string& name, int want = 201) {
    auto h = TusHeaders();
    h["upload-length"] = std::to_string(length);
    h["upload-metadata"] = "filename " + B64(name) + ",parent " + B64("root");
    HttpResponse r = Call("POST", "/api/v1/uploads", token, "", true, h);
    EXPECT_EQ(r.status, want) << r.body;
    std::string loc = Header(r, "Location");
    return loc.substr(loc.rfind('/') + 1);
  }
  HttpResponse Patch(const std::string& token, const std::string& id,
                     int64_t offset, const std::string& data,
                     std::map<std::string, std::string> extra = {},
                     size_t cut_after = std::string::npos) {
    auto h = TusHeaders(offset);
    for (auto& [k, v] : extra) h[k] = v;
    return Call("PATCH", "/api/v1/uploads/" + id, token, data, true, h,
                cut_after);
  }
  int64_t Offset(const std::string& token, const std::string& id) {
    HttpResponse r =
        Call("HEAD", "/api/v1/uploads/" + id, token, "", true, TusHeaders());
    EXPECT_EQ(r.status, 200) << r.body;
    return std::stoll(Header(r, "Upload-Offset"));
  }
  std::string Random(size_t n) {
    std::string s(n, '\0');
    randombytes_buf(s.data(), s.size());
    return s;
  }
};

TEST_F(TusTest, OptionsAdvertiseTheExtensions) {
  HttpResponse r = Call("OPTIONS", "/api/v1/uploads");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(Header(r, "Tus-Version"), "1.0.0");
  EXPECT_EQ(Header(r, "Tus-Extension"),
            "creation,creation-with-upload,termination,checksum,expiration");
}

TEST_F(TusTest, UploadInPiecesResumesAfterACutAndARestart) {
  std::string data = Random(300000);
  std::string id = Create(alice_, data.size(), "movie.mp4");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Offset(alice_, id), 0);
  // The client dies 70,000 bytes into a 100,000-byte PATCH: what arrived
  // is kept.
  HttpResponse r = Patch(alice_, id, 0, data.substr(0, 100000), {}, 70000);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Offset(alice_, id), 70000);
  // nimbus-web restarts; the client asks where to go on.
  StartService();
  int64_t at = Offset(alice_, id);
  ASSERT_EQ(at, 70000);
  r = Patch(alice_, id, at, data.substr(at, 200000));
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Header(r, "Upload-Offset"), "270000");
  // A stale offset is a conflict and tells the right one.
  r = Patch(alice_, id, at, data.substr(at, 10));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Header(r, "Upload-Offset"), "270000");
  r = Patch(alice_, id, 270000, data.substr(270000));
  ASSERT_EQ(r.status, 204) << r.body;
  std::string node = Header(r, "Nimbus-Node-Id");
  ASSERT_FALSE(node.empty());
  HttpResponse n = Call("GET", "/api/v1/nodes/" + node, alice_);
  ASSERT_EQ(n.status, 200);
  json j = Body(n)["node"];
  EXPECT_EQ(j["name"], "movie.mp4");
  EXPECT_EQ(j["size"], data.size());
  EXPECT_EQ(j["sha256"], SessionToken::Sha256Hex(data));
  // The stored bytes are exactly the file.
  auto url = Body(Call("GET", "/api/v1/nodes/" + node + "/download", alice_));
  EXPECT_EQ(Body(Call("GET", "/api/v1/me", alice_))["user"]["used_bytes"],
            data.size());
  // HEAD after completion still answers, with the node.
  r = Call("HEAD", "/api/v1/uploads/" + id, alice_, "", true, TusHeaders());
  EXPECT_EQ(Header(r, "Nimbus-Node-Id"), node);
}

TEST_F(TusTest, ChecksumMismatchKeepsNothingOfThePatch) {
  std::string data = Random(50000);
  std::string id = Create(alice_, data.size(), "a.bin");
  ASSERT_EQ(Patch(alice_, id, 0, data.substr(0, 10000)).status, 204);
  std::string good = "sha1 " + B64(std::string(20, 'x'));
  HttpResponse r = Patch(alice_, id, 10000, data.substr(10000, 10000),
                         {{"upload-checksum", good}});
  EXPECT_EQ(r.status, 460) << r.body;
  EXPECT_EQ(Offset(alice_, id), 10000);
  unsigned char d[32];
  crypto_hash_sha256(
      d, reinterpret_cast<const unsigned char*>(data.data()) + 10000, 40000);
  std::string sum =
      "sha256 " + B64(std::string(reinterpret_cast<char*>(d), 32));
  r = Patch(alice_, id, 10000, data.substr(10000), {{"upload-checksum", sum}});
  ASSERT_EQ(r.status, 204) << r.body;
  std::string node = Header(r, "Nimbus-Node-Id");
  EXPECT_EQ(
      Body(Call("GET", "/api/v1/nodes/" + node, alice_))["node"]["sha256"],
      SessionToken::Sha256Hex(data));
  // A checksummed PATCH cut short is discarded whole, too.
  std::string id2 = Create(alice_, 100, "b.bin");
  r = Patch(alice_, id2, 0, std::string(100, 'z'), {{"upload-checksum", good}},
            60);
  EXPECT_EQ(Offset(alice_, id2), 0);
  EXPECT_EQ(
      Patch(alice_, id2, 0, "x", {{"upload-checksum", "crc32 AAAA"}}).status,
      400);
}

TEST_F(TusTest, CreationWithUploadTerminationAndQuota) {
  auto h = TusHeaders();
  h["upload-length"] = "10";
  h["upload-metadata"] = "filename " + B64("small.txt");
  h["content-type"] = "application/offset+octet-stream";
  HttpResponse r =
      Call("POST", "/api/v1/uploads", alice_, "0123456789", true, h);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Header(r, "Upload-Offset"), "10");
  EXPECT_FALSE(Header(r, "Nimbus-Node-Id").empty());
  // The whole length is charged at creation; termination gives it back.
  std::string id = Create(alice_, 600000, "big.bin");
  EXPECT_EQ(Body(Call("GET", "/api/v1/me", alice_))["user"]["used_bytes"],
            600010);
  Create(alice_, 600000, "too-big.bin", 507);
  size_t files = blobs_->count();
  r = Call("DELETE", "/api/v1/uploads/" + id, alice_, "", true, TusHeaders());
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(blobs_->count(), files - 1) << "appender file deleted";
  EXPECT_EQ(Body(Call("GET", "/api/v1/me", alice_))["user"]["used_bytes"], 10);
  EXPECT_EQ(
      Call("HEAD", "/api/v1/uploads/" + id, alice_, "", true, TusHeaders())
          .status,
      404);
}

TEST_F(TusTest, ExpiredUploadsAreGone) {
  std::string id = Create(alice_, 1000, "late.bin");
  ASSERT_EQ(Patch(alice_, id, 0, std::string(10, 'a')).status, 204);
  now_ += 3601;
  EXPECT_EQ(Patch(alice_, id, 10, std::string(10, 'a')).status, 410);
  EXPECT_EQ(
      Call("HEAD", "/api/v1/uploads/" + id, alice_, "", true, TusHeaders())
          .status,
      410);
  size_t files = blobs_->count();
  service_->SweepSessions();
  EXPECT_EQ(blobs_->count(), files - 1);
  EXPECT_EQ(
      Call("HEAD", "/api/v1/uploads/" + id, alice_, "", true, TusHeaders())
          .status,
      404);
  EXPECT_EQ(Body(Call("GET", "/api/v1/me", alice_))["user"]["used_bytes"], 0);
}

TEST_F(TusTest, ProtocolErrorsAndOtherUsers) {
  std::string id = Create(alice_, 100, "x.bin");
  auto h = TusHeaders(0);
  h.erase("tus-resumable");
  EXPECT_EQ(
      Call("PATCH", "/api/v1/uploads/" + id, alice_, "abc", true, h).status,
      412);
  h = TusHeaders(0);
  h["content-type"] = "application/json";
  EXPECT_EQ(
      Call("PATCH", "/api/v1/uploads/" + id, alice_, "abc", true, h).status,
      415);
  EXPECT_EQ(Patch(alice_, id, 0, std::string(101, 'a')).status, 413);
  EXPECT_EQ(Patch(bob_, id, 0, "abc").status, 404);
  EXPECT_EQ(Call("HEAD", "/api/v1/uploads/" + id, bob_, "", true, TusHeaders())
                .status,
            404);
  EXPECT_EQ(
      Call("DELETE", "/api/v1/uploads/" + id, bob_, "", true, TusHeaders())
          .status,
      404);
  EXPECT_EQ(Patch("", id, 0, "abc").status, 401);
  auto c = TusHeaders();
  c["upload-length"] = "10";
  c["upload-metadata"] = "filename " + B64("../../etc/passwd");
  EXPECT_EQ(Call("POST", "/api/v1/uploads", alice_, "", true, c).status, 400);
  c["upload-metadata"] = "filename !!!notbase64";
  EXPECT_EQ(Call("POST", "/api/v1/uploads", alice_, "", true, c).status, 400);
  c["upload-metadata"] = "filename " + B64("ok.txt");
  c["upload-length"] = std::to_string((1 << 20) + 1);
  EXPECT_EQ(Call("POST", "/api/v1/uploads", alice_, "", true, c).status, 413);
}

TEST_F(TusTest, SameContentTwiceIsStoredOnceAndNamesDoNotCollide) {
  std::string data = Random(1000);
  std::string a = Create(alice_, data.size(), "same.bin");
  ASSERT_EQ(Patch(alice_, a, 0, data).status, 204);
  size_t files = blobs_->count();
  std::string b = Create(alice_, data.size(), "same.bin");
  HttpResponse r = Patch(alice_, b, 0, data);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(blobs_->count(), files) << "the second appender file is deleted";
  json n = Body(Call("GET", "/api/v1/nodes/" + Header(r, "Nimbus-Node-Id"),
                     alice_))["node"];
  EXPECT_EQ(n["name"], "same (2).bin");
}

}  // namespace
}  // namespace nimbus::web
