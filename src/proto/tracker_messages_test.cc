#include "proto/tracker_messages.h"

#include <gtest/gtest.h>

namespace nimbus::proto {
namespace {

TEST(TrackerMessages, StoreOneIsFortyBytesByteExact) {
  StoreTarget t{"group1", "127.0.0.1", 23000, 2};
  std::string b = EncodeStoreOne(t);
  ASSERT_EQ(b.size(), 40u);
  std::string want = std::string("group1") + std::string(10, '\0') +
                     "127.0.0.1" + std::string(6, '\0') +
                     std::string("\0\0\0\0\0\0\x59\xd8", 8) + "\x02";
  EXPECT_EQ(b, want);
  auto back = DecodeStoreOne(b);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->group, "group1");
  EXPECT_EQ(back->ip, "127.0.0.1");
  EXPECT_EQ(back->port, 23000);
  EXPECT_EQ(back->store_path_index, 2);
  EXPECT_FALSE(DecodeStoreOne(b.substr(1)).ok());
}

TEST(TrackerMessages, StoreAllAndFetchAllRoundTrip) {
  StoreAll all{"g", {{"10.0.0.1", 23000}, {"10.0.0.2", 23000}}, 1};
  std::string b = EncodeStoreAll(all);
  EXPECT_EQ(b.size(), 16u + 2 * 23 + 1);
  auto back = DecodeStoreAll(b);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->servers.size(), 2u);
  EXPECT_EQ(back->servers[1].ip, "10.0.0.2");

  FetchAll fa{"g", 23000, {"10.0.0.1", "10.0.0.2", "10.0.0.3"}};
  b = EncodeFetchAll(fa);
  EXPECT_EQ(b.size(), 16u + 15 + 8 + 2 * 15);
  auto fb = DecodeFetchAll(b);
  ASSERT_TRUE(fb.ok());
  EXPECT_EQ(fb->ips, fa.ips);
  EXPECT_EQ(fb->port, 23000);
}

TEST(TrackerMessages, FetchOneIs39Bytes) {
  std::string b = EncodeFetchOne({"group2", "10.1.2.3", 23001});
  EXPECT_EQ(b.size(), 39u);
  EXPECT_EQ(DecodeFetchOne(b)->ip, "10.1.2.3");
}

TEST(TrackerMessages, GroupStatRecordIs113Bytes) {
  GroupStat g;
  g.group_name = "group1";
  g.total_mb = 100;
  g.free_mb = 50;
  g.storage_count = 1;
  g.storage_port = 23000;
  std::string b;
  AppendGroupStat(&b, g);
  AppendGroupStat(&b, g);
  EXPECT_EQ(b.size(), 2 * kGroupStatSize);
  EXPECT_EQ(b[16], '\0');  // 17-byte name field
  auto back = DecodeGroupStats(b);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->at(1).storage_port, 23000);
  EXPECT_EQ(back->at(0).free_mb, 50);
}

TEST(TrackerMessages, StorageStatRecordIs487Bytes) {
  EXPECT_EQ(kStorageCountersSize, 348u);
  EXPECT_EQ(kStorageStatSize, 487u);
  StorageStat s;
  s.status = 7;
  s.id = "127.0.0.1";
  s.ip = "127.0.0.1";
  s.version = "6.16";
  s.storage_port = 23000;
  s.counters.v[kSuccessUploadCount] = 42;
  s.counters.v[kLastHeartBeatTime] = 1700000000;
  std::string b;
  AppendStorageStat(&b, s);
  ASSERT_EQ(b.size(), kStorageStatSize);
  auto back = DecodeStorageStats(b);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->at(0).status, 7);
  EXPECT_EQ(back->at(0).version, "6.16");
  EXPECT_EQ(back->at(0).storage_port, 23000);
  EXPECT_EQ(back->at(0).counters.v[kSuccessUploadCount], 42);
  EXPECT_EQ(back->at(0).counters.v[kLastHeartBeatTime], 1700000000);
}

TEST(TrackerMessages, GroupAndNameBounds) {
  EXPECT_FALSE(DecodeGroupAndName(std::string(16, 'g')).ok());
  EXPECT_FALSE(DecodeGroupAndName(std::string(16 + 129, 'g')).ok());
  auto g = DecodeGroupAndName(EncodeGroupAndName("group1", "M00/x"));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->group, "group1");
  EXPECT_EQ(g->name, "M00/x");
}

TEST(TrackerMessages, GroupAndStorageIdAsFastDfsPacksThem) {
  std::string b = EncodeGroupAndStorageId("group1", "10.0.0.5");
  EXPECT_EQ(b, std::string("group1") + std::string(10, '\0') + "10.0.0.5");
  auto d = DecodeGroupAndStorageId(b);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->group, "group1");
  ASSERT_TRUE(d->id.has_value());
  EXPECT_EQ(*d->id, "10.0.0.5");
  // A terminator some clients send is not part of the id, nor is the
  // padding of a fixed 15-byte IP field (the Java clients': 31 bytes).
  d = DecodeGroupAndStorageId(b + std::string(1, '\0'));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d->id, "10.0.0.5");
  d = DecodeGroupAndStorageId(b + std::string(7, '\0'));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d->id, "10.0.0.5");
  d = DecodeGroupAndStorageId(EncodeGroup("group2"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->group, "group2");
  EXPECT_FALSE(d->id.has_value());
  EXPECT_FALSE(DecodeGroupAndStorageId(std::string(15, 'g')).ok());
  EXPECT_FALSE(DecodeGroupAndStorageId(std::string(16 + 47, 'g')).ok());
}

}  // namespace
}  // namespace nimbus::proto
