// The Cache contract on both implementations: in-process and a real Redis.
#include "web/cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "web/memory_cache.h"
#include "web/redis_cache.h"
#include "web/redis_test_server.h"

namespace nimbus::web {
namespace {

class CacheTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      cache_ = std::make_unique<MemoryCache>(100, [this] { return now_; });
    } else {
      auto server = RedisTestServer::Get();
      ASSERT_TRUE(server.ok()) << server.status().ToString();
      (*server)->Cli("FLUSHALL");
      cache_ = std::make_unique<RedisCache>((*server)->address(), "");
    }
  }
  int64_t now_ = 1000;
  std::unique_ptr<Cache> cache_;
};

TEST_P(CacheTest, GetSetDel) {
  EXPECT_FALSE(cache_->Get("k")->has_value());
  ASSERT_TRUE(cache_->Set("k", std::string("v\0w", 3), 60).ok());
  EXPECT_EQ(**cache_->Get("k"), std::string("v\0w", 3)) << "binary-safe";
  ASSERT_TRUE(cache_->Set("k2", "x", 60).ok());
  ASSERT_TRUE(cache_->Del({"k", "k2", "absent"}).ok());
  EXPECT_FALSE(cache_->Get("k")->has_value());
  EXPECT_FALSE(cache_->Get("k2")->has_value());
}

TEST_P(CacheTest, RankingIsWholeOnlyWhenReplaced) {
  // Built piecemeal (as after a flush): not a whole ranking.
  ASSERT_TRUE(cache_->ZIncrBy("rank", "a", 1).ok());
  EXPECT_FALSE(cache_->ZTop("rank", 10)->has_value());
  ASSERT_TRUE(cache_->ZReplace("rank", {{"a", 5}, {"b", 9}, {"c", 1}}).ok());
  ASSERT_TRUE(cache_->ZIncrBy("rank", "c", 10).ok());
  ASSERT_TRUE(cache_->ZRem("rank", "a").ok());
  auto top = cache_->ZTop("rank", 10);
  ASSERT_TRUE(top.ok() && top->has_value());
  ASSERT_EQ((*top)->size(), 2u);
  EXPECT_EQ((**top)[0].first, "c");
  EXPECT_EQ((**top)[0].second, 11);
  EXPECT_EQ((**top)[1].first, "b");
  EXPECT_EQ((*cache_->ZTop("rank", 1))->size(), 1u);
  ASSERT_TRUE(cache_->ZReplace("rank", {}).ok());
  auto empty = cache_->ZTop("rank", 10);
  ASSERT_TRUE(empty->has_value()) << "an empty ranking still exists";
  EXPECT_TRUE((*empty)->empty());
}

INSTANTIATE_TEST_SUITE_P(Caches, CacheTest,
                         ::testing::Values("memory", "redis"),
                         [](const auto& info) { return info.param; });

TEST(RedisCache, DownIsAnErrorQuicklyAndRecovers) {
  auto server = RedisTestServer::Get();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  RedisCache cache((*server)->address(), "", 200, 300);
  ASSERT_TRUE(cache.Set("k", "v", 60).ok());
  (*server)->Stop();
  EXPECT_FALSE(cache.Get("k").ok());
  EXPECT_FALSE(cache.up());
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(cache.Get("k").ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1))
      << "no connect attempt per call while down";
  ASSERT_TRUE((*server)->Start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_TRUE(cache.Set("k", "v2", 60).ok());
  EXPECT_TRUE(cache.up());
  EXPECT_EQ(**cache.Get("k"), "v2");
  EXPECT_FALSE(RedisCache::ValidateAddress("nohost").ok());
  EXPECT_FALSE(RedisCache::ValidateAddress("h:99999").ok());
  EXPECT_TRUE(RedisCache::ValidateAddress("127.0.0.1:6379").ok());
  EXPECT_TRUE(RedisCache::ValidateAddress("unix:/run/redis.sock").ok());
}

}  // namespace
}  // namespace nimbus::web
