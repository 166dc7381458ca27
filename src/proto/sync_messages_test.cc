#include "proto/sync_messages.h"

#include <gtest/gtest.h>

namespace nimbus::proto {
namespace {

TEST(SyncMessages, CreatePrefixLengthsMustAddUp) {
  SyncCreatePrefix p{1700000000, 44, 10, "group1"};
  std::string b = EncodeSyncCreatePrefix(p);
  ASSERT_EQ(b.size(), kSyncCreatePrefixSize);
  auto back = DecodeSyncCreatePrefix(b, 40 + 44 + 10);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->timestamp, 1700000000);
  EXPECT_EQ(back->group, "group1");
  EXPECT_FALSE(DecodeSyncCreatePrefix(b, 40 + 44 + 11).ok());
}

TEST(SyncMessages, WritePrefixRejectsNegativeOffset) {
  SyncWritePrefix p{1, 44, -1, 3, "g"};
  EXPECT_FALSE(
      DecodeSyncWritePrefix(EncodeSyncWritePrefix(p), 48 + 44 + 3).ok());
  p.offset = 7;
  auto back = DecodeSyncWritePrefix(EncodeSyncWritePrefix(p), 48 + 44 + 3);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->offset, 7);
  EXPECT_EQ(back->length, 3);
}

TEST(SyncMessages, SimpleMessagesRoundTrip) {
  SyncSimple d{5, 0, "g", "M00/00/00/abc", ""};
  EXPECT_EQ(DecodeSyncDelete(EncodeSyncDelete(d))->name, "M00/00/00/abc");
  SyncSimple t{5, 42, "g", "M00/00/00/abc", ""};
  EXPECT_EQ(DecodeSyncTruncate(EncodeSyncTruncate(t))->value, 42);
  SyncSimple r{5, 0, "g", "M00/00/00/new", "M00/00/00/old"};
  auto rb = DecodeSyncRename(EncodeSyncRename(r));
  ASSERT_TRUE(rb.ok());
  EXPECT_EQ(rb->name, "M00/00/00/new");
  EXPECT_EQ(rb->extra, "M00/00/00/old");
  SyncSimple m{5, 0, "g", "M00/00/00/abc", "k\x02v"};
  auto mb = DecodeSyncMetadata(EncodeSyncMetadata(m));
  ASSERT_TRUE(mb.ok());
  EXPECT_EQ(mb->extra, "k\x02v");
  SyncSimple empty_meta{5, 0, "g", "M00/00/00/abc", ""};
  EXPECT_EQ(DecodeSyncMetadata(EncodeSyncMetadata(empty_meta))->extra, "");
}

TEST(SyncMessages, SyncReport) {
  std::vector<SyncProgress> v = {{"10.0.0.2", 100}, {"10.0.0.3", 200}};
  auto back = DecodeSyncReport(EncodeSyncReport(v));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ(back->at(1).peer_ip, "10.0.0.3");
  EXPECT_EQ(back->at(1).synced_until, 200);
  EXPECT_FALSE(DecodeSyncReport("abc").ok());
}

}  // namespace
}  // namespace nimbus::proto
