#include "proto/header.h"

#include "common/coding.h"

namespace nimbus::proto {

void EncodeHeader(const Header& h, char* dst) {
  EncodeBE64(dst, h.pkg_len);
  dst[8] = static_cast<char>(h.cmd);
  dst[9] = static_cast<char>(h.status);
}

void AppendHeader(std::string* out, int64_t pkg_len, uint8_t cmd,
                  uint8_t status) {
  char buf[kHeaderSize];
  EncodeHeader(Header{pkg_len, cmd, status}, buf);
  out->append(buf, kHeaderSize);
}

Header DecodeHeader(const char* src) {
  Header h;
  h.pkg_len = DecodeBE64(src);
  h.cmd = static_cast<uint8_t>(src[8]);
  h.status = static_cast<uint8_t>(src[9]);
  return h;
}

const char* StorageStateName(StorageState s) {
  switch (s) {
    case StorageState::kInit:
      return "INIT";
    case StorageState::kWaitSync:
      return "WAIT_SYNC";
    case StorageState::kSyncing:
      return "SYNCING";
    case StorageState::kIpChanged:
      return "IP_CHANGED";
    case StorageState::kDeleted:
      return "DELETED";
    case StorageState::kOffline:
      return "OFFLINE";
    case StorageState::kOnline:
      return "ONLINE";
    case StorageState::kActive:
      return "ACTIVE";
    case StorageState::kRecovery:
      return "RECOVERY";
    case StorageState::kNone:
      return "NONE";
  }
  return "UNKNOWN";
}

}  // namespace nimbus::proto
