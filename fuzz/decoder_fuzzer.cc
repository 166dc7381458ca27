// libFuzzer target for every decoder a server applies to untrusted bytes:
// the frame header, file IDs, metadata and each request/response body codec.
// Decoders must never crash, read out of bounds or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "proto/file_name.h"
#include "proto/header.h"
#include "proto/metadata.h"
#include "proto/server_messages.h"
#include "proto/storage_ids.h"
#include "proto/storage_messages.h"
#include "proto/tracker_messages.h"

using namespace nimbus::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the decoder; the rest is its input.
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  int64_t pkg_len = static_cast<int64_t>(in.size()) + (data[0] & 0x0f);
  switch (data[0] % 21) {
    case 0:
      if (in.size() >= kHeaderSize) (void)DecodeHeader(in.data());
      break;
    case 1:
      (void)ParseFileId(in);
      break;
    case 2:
      (void)ParseLogicName(in);
      break;
    case 3:
      (void)UnpackMetadata(in);
      break;
    case 4:
      (void)DecodeGroupAndName(in);
      (void)DecodeGroupAndStorageId(in);
      break;
    case 5:
      (void)DecodeDownloadRequest(in);
      break;
    case 6:
      (void)DecodeSetMetaRequest(in);
      break;
    case 7:
      if (in.size() >= kUploadPrefixSize) {
        (void)DecodeUploadPrefix(in.substr(0, kUploadPrefixSize), pkg_len);
      }
      break;
    case 8:
      if (in.size() >= kSlavePrefixSize) {
        (void)DecodeSlavePrefix(in.substr(0, kSlavePrefixSize), pkg_len);
      }
      break;
    case 9:
      if (in.size() >= kAppendPrefixSize) {
        (void)DecodeAppendPrefix(in.substr(0, kAppendPrefixSize), pkg_len);
      }
      break;
    case 10:
      if (in.size() >= kModifyPrefixSize) {
        (void)DecodeModifyPrefix(in.substr(0, kModifyPrefixSize), pkg_len);
      }
      break;
    case 11:
      (void)DecodeTruncateRequest(in);
      break;
    case 12:
      (void)DecodeJoinRequest(in);
      break;
    case 13:
      (void)DecodeDiskUsage(in);
      (void)DecodeTrackerStatus(in);
      (void)DecodeLeader(in);
      (void)DecodeIpChange(in);
      (void)DecodeChangelog(in);
      break;
    case 14:
      (void)DecodeParameters(in);
      break;
    case 15:
      (void)DecodeStoreOne(in);
      (void)DecodeStoreAll(in);
      break;
    case 16:
      (void)DecodeFetchOne(in);
      (void)DecodeFetchAll(in);
      break;
    case 17:
      (void)DecodeGroupStats(in);
      break;
    case 18:
      (void)DecodeStorageStats(in);
      break;
    case 19:
      (void)DecodeFileInfoReply(in);
      (void)DecodeJoinReply(in);
      break;
    case 20: {
      std::vector<StorageIdEntry> into;
      (void)StorageIds::DecodeReply(in, (data[0] & 1) != 0, &into);
      (void)StorageIds::Parse(in, (data[0] & 1) != 0, "fuzz");
      break;
    }
  }
  return 0;
}
