#include "proto/file_name.h"

#include <gtest/gtest.h>

#include "proto/constants.h"

namespace nimbus::proto {
namespace {

// The decoded example from the protocol fact sheet (FastDFS 6.16).
TEST(FileName, DecodesFactSheetExample) {
  auto id = ParseFileId("group1/M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->group, "group1");
  EXPECT_EQ(id->logic.store_path_index, 0u);
  auto f = DecodeNameBase(id->logic.name);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(FormatIpv4(f->source_ip), "10.77.0.2");
  EXPECT_EQ(f->create_time, 1795534661u);  // 2026-11-24 15:37:41 UTC
  EXPECT_EQ(f->EncodedSize(), 5000);
  EXPECT_LT(f->masked_size, 0);  // bit 63 set
  EXPECT_EQ(f->crc32, 0x68342521u);
  EXPECT_FALSE(f->IsAppender());
  EXPECT_FALSE(id->logic.IsSlave(*f));
}

TEST(FileName, EncodeDecodeRoundTrip) {
  FileNameFields f;
  f.source_ip = *ParseIpv4("192.168.1.20");
  f.create_time = 1700000000;
  f.masked_size = MaskFileSize(123456, false, 0x1234567);
  f.crc32 = 0xdeadbeef;
  std::string base = EncodeNameBase(f);
  ASSERT_EQ(base.size(), kFilenameBase64Len);
  auto back = DecodeNameBase(base);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->source_ip, f.source_ip);
  EXPECT_EQ(back->create_time, f.create_time);
  EXPECT_EQ(back->masked_size, f.masked_size);
  EXPECT_EQ(back->EncodedSize(), 123456);
  EXPECT_EQ(back->crc32, f.crc32);
}

TEST(FileName, MaskFileSizeLayout) {
  int64_t m = MaskFileSize(5000, false, 0xFFFFFFFF);
  EXPECT_EQ(static_cast<uint64_t>(m) >> 32, 0x807FFFFFu);
  EXPECT_EQ(m & 0xFFFFFFFF, 5000);
  int64_t big = (int64_t{5} << 32) + 7;
  EXPECT_EQ(MaskFileSize(big, false, 1), big);
  int64_t app = MaskFileSize(999, true, 3);
  EXPECT_NE(app & kAppenderFlag, 0);
  EXPECT_EQ(app & 0xFFFFFFFF, 0);
  EXPECT_EQ(app & kTrunkFlag, 0);
}

// Expected strings computed independently (Python's base64 of the 12
// big-endian bytes, '+' -> '-', '/' -> '_').
TEST(FileName, TrunkSlotEncoding) {
  EXPECT_EQ(EncodeTrunkSlot({7, 0x12345000, 8192}), "AAAABxI0UAAAACAA");
  EXPECT_EQ(EncodeTrunkSlot({0xFFFFFFFF, 0xFBFFF000, 4096}),
            "______v_8AAAABAA");
  auto back = DecodeTrunkSlot("______v_8AAAABAA");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, (TrunkSlot{0xFFFFFFFF, 0xFBFFF000, 4096}));
  EXPECT_FALSE(DecodeTrunkSlot("AAAABxI0UAAAAC").ok());  // short
  EXPECT_FALSE(DecodeTrunkSlot("AAAABxI0UAAAAC.A").ok());
}

TEST(FileName, TrunkNames) {
  FileNameFields f;
  f.source_ip = *ParseIpv4("10.0.0.2");
  f.create_time = 1700000000;
  f.masked_size = MaskFileSize(5000, false, 0x55, /*trunk=*/true);
  f.crc32 = 1;
  EXPECT_TRUE(f.IsTrunk());
  EXPECT_FALSE(f.IsAppender());
  EXPECT_EQ(f.EncodedSize(), 5000);  // what fdfs_file_info decodes
  TrunkSlot slot{3, 8192, 8192};
  std::string name =
      EncodeNameBase(f) + EncodeTrunkSlot(slot) + FormatNameSuffix("jpg", 7);
  ASSERT_EQ(name.size(), kTrunkNameLen);
  auto ln = ParseLogicName("M00/00/00/" + name);
  ASSERT_TRUE(ln.ok()) << ln.status().ToString();
  auto back = DecodeNameBase(ln->name);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(ln->IsTrunk(*back));
  EXPECT_FALSE(ln->IsSlave(*back));
  auto got = ln->Slot(*back);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, slot);

  // A slave of a trunk file is longer than 50 characters: a slave.
  auto slave = MakeSlaveName(name, "_150x150", "");
  ASSERT_TRUE(slave.ok());
  LogicName sl = *ln;
  sl.name = *slave;
  EXPECT_TRUE(sl.IsSlave(*back));
  EXPECT_FALSE(sl.IsTrunk(*back));

  // A slot smaller than the file, or empty, is refused.
  std::string small = EncodeNameBase(f) + EncodeTrunkSlot({3, 0, 4096}) +
                      FormatNameSuffix("", 7);
  LogicName bad = *ln;
  bad.name = small;
  EXPECT_FALSE(bad.Slot(*back).ok());
  bad.name =
      EncodeNameBase(f) + EncodeTrunkSlot({3, 0, 0}) + FormatNameSuffix("", 7);
  EXPECT_FALSE(bad.Slot(*back).ok());
  bad.name = EncodeNameBase(f) + EncodeTrunkSlot({3, 0xFFFFF000, 8192}) +
             FormatNameSuffix("", 7);
  EXPECT_FALSE(bad.Slot(*back).ok());

  // Without the flag a 50-character name is a slave of a normal file.
  FileNameFields plain = f;
  plain.masked_size = MaskFileSize(5000, false, 0x55);
  EXPECT_FALSE(ln->IsTrunk(plain));
  EXPECT_TRUE(ln->IsSlave(plain));
  EXPECT_FALSE(ln->Slot(plain).ok());
}

TEST(FileName, SuffixFormats) {
  EXPECT_EQ(FormatNameSuffix("", 7997013), "7997013");
  EXPECT_EQ(FormatNameSuffix("", 12), "0000012");
  EXPECT_EQ(FormatNameSuffix("jpg", 123456), "456.jpg");
  EXPECT_EQ(FormatNameSuffix("tar_gz", 99), ".tar_gz");
  std::string base(27, 'A');
  EXPECT_EQ((base + FormatNameSuffix("png", 1)).size(), kNormalNameLen);
  EXPECT_EQ((base + FormatNameSuffix("", 1)).size(), kNormalNameLen);
}

TEST(FileName, RejectsHostileNames) {
  const char* bad[] = {
      "M00/00/00/../../etc/passwd",
      "M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE/../x",
      "m00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013",
      "M0G/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013",
      "M00/00/0a/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013",
      "M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013-m",
      "M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JS!7997013",
      "M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE79.97.013",
      "M00/00/00/Ck0A.msFr0WATmmIAAATiGg0JSE7997013",
      "M00/00/00/short",
      "",
  };
  for (const char* name : bad) {
    EXPECT_FALSE(ParseLogicName(name).ok()) << name;
  }
  std::string with_nul = "M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013";
  with_nul[20] = '\0';
  EXPECT_FALSE(ParseLogicName(with_nul).ok());
  EXPECT_FALSE(ParseLogicName(std::string(200, 'A')).ok());
}

TEST(FileName, FileIdRejectsBadGroups) {
  EXPECT_FALSE(
      ParseFileId("M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013").ok());
  EXPECT_FALSE(
      ParseFileId("../M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013").ok());
  EXPECT_FALSE(ParseFileId("averyveryverylonggroupname/M00/00/00/"
                           "Ck0AAmsFr0WATmmIAAATiGg0JSE7997013")
                   .ok());
}

TEST(FileName, SlaveNames) {
  std::string master = "Ck0AAmsFr0WATmmIAAATiGg0JSE1234.jpg";
  EXPECT_EQ(*MakeSlaveName(master, "_150x150", ""),
            "Ck0AAmsFr0WATmmIAAATiGg0JSE1234_150x150.jpg");
  EXPECT_EQ(*MakeSlaveName(master, "_s", "png"),
            "Ck0AAmsFr0WATmmIAAATiGg0JSE1234_s.png");
  EXPECT_FALSE(MakeSlaveName(master, "", "").ok());
  EXPECT_FALSE(MakeSlaveName(master, "../x", "").ok());
  EXPECT_FALSE(
      MakeSlaveName("Ck0AAmsFr0WATmmIAAATiGg0JSE7997013", "-m", "").ok());
  auto ln =
      ParseLogicName("M00/00/00/Ck0AAmsFr0WATmmIAAATiGg0JSE1234_150x150.jpg");
  ASSERT_TRUE(ln.ok());
  EXPECT_TRUE(ln->IsSlave(*DecodeNameBase(ln->name)));
}

TEST(FileName, LogicNamePaths) {
  auto ln = ParseLogicName("M0A/1F/FF/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013");
  ASSERT_TRUE(ln.ok());
  EXPECT_EQ(ln->store_path_index, 10u);
  EXPECT_EQ(ln->dir1, 0x1Fu);
  EXPECT_EQ(ln->dir2, 0xFFu);
  EXPECT_EQ(ln->RelativePath(),
            "data/1F/FF/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013");
  EXPECT_EQ(ln->ToString(), "M0A/1F/FF/Ck0AAmsFr0WATmmIAAATiGg0JSE7997013");
}

}  // namespace
}  // namespace nimbus::proto
