#include "proto/storage_messages.h"

#include <gtest/gtest.h>

namespace nimbus::proto {
namespace {

TEST(StorageMessages, UploadPrefixByteExact) {
  std::string b = EncodeUploadPrefix({1, 5, "jpg"});
  EXPECT_EQ(b, std::string("\x01\0\0\0\0\0\0\0\x05jpg\0\0\0", 15));
  auto p = DecodeUploadPrefix(b, 15 + 5);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ext, "jpg");
  EXPECT_FALSE(DecodeUploadPrefix(b, 15 + 6).ok());  // size mismatch
}

TEST(StorageMessages, SlavePrefixChecksLengths) {
  SlavePrefix sp{44, 10, "_150x150", "png"};
  std::string b = EncodeSlavePrefix(sp);
  ASSERT_EQ(b.size(), kSlavePrefixSize);
  EXPECT_TRUE(DecodeSlavePrefix(b, 38 + 44 + 10).ok());
  EXPECT_FALSE(DecodeSlavePrefix(b, 38 + 44 + 9).ok());
  sp.master_len = 1000;
  EXPECT_FALSE(DecodeSlavePrefix(EncodeSlavePrefix(sp), 38 + 1000 + 10).ok());
}

TEST(StorageMessages, DownloadRequestRejectsNegative) {
  DownloadRequest r{-1, 0, "g", "M00/00/00/x"};
  EXPECT_FALSE(DecodeDownloadRequest(EncodeDownloadRequest(r)).ok());
  r.offset = 3;
  r.bytes = 7;
  auto back = DecodeDownloadRequest(EncodeDownloadRequest(r));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->offset, 3);
  EXPECT_EQ(back->bytes, 7);
  EXPECT_EQ(back->name, "M00/00/00/x");
}

TEST(StorageMessages, SetMetaLengthsMustAddUp) {
  SetMetaRequest r{'M', "group1", "M00/00/00/abc", "k\x02v"};
  std::string b = EncodeSetMetaRequest(r);
  auto back = DecodeSetMetaRequest(b);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->meta, "k\x02v");
  EXPECT_EQ(back->op, 'M');
  EXPECT_FALSE(DecodeSetMetaRequest(b + "x").ok());
  b[16] = 'X';
  EXPECT_FALSE(DecodeSetMetaRequest(b).ok());
}

TEST(StorageMessages, AppendModifyTruncate) {
  std::string a = std::string("\0\0\0\0\0\0\0\x05\0\0\0\0\0\0\0\x03", 16);
  EXPECT_TRUE(DecodeAppendPrefix(a, 16 + 5 + 3).ok());
  EXPECT_FALSE(DecodeAppendPrefix(a, 16 + 5 + 4).ok());
  std::string m(24, '\0');
  m[7] = 5;
  m[15] = 2;
  m[23] = 3;
  auto mp = DecodeModifyPrefix(m, 24 + 5 + 3);
  ASSERT_TRUE(mp.ok());
  EXPECT_EQ(mp->offset, 2);
  TruncateRequest t{10, "M00/00/00/abc"};
  auto tb = DecodeTruncateRequest(EncodeTruncateRequest(t));
  ASSERT_TRUE(tb.ok());
  EXPECT_EQ(tb->remain_size, 10);
}

TEST(StorageMessages, FileInfoReplyIs40Bytes) {
  std::string b =
      EncodeFileInfoReply({5000, 1700000000, 0x68342521, "10.77.0.2"});
  ASSERT_EQ(b.size(), 40u);
  auto r = DecodeFileInfoReply(b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source_ip, "10.77.0.2");
  EXPECT_EQ(r->crc32, 0x68342521);
}

}  // namespace
}  // namespace nimbus::proto
