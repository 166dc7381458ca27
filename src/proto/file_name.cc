#include "proto/file_name.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include "common/coding.h"
#include "proto/constants.h"

namespace nimbus::proto {
namespace {

constexpr size_t kRawLen = 20;

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool IsUpperHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

uint32_t HexValue(char c) {
  return c <= '9' ? static_cast<uint32_t>(c - '0')
                  : static_cast<uint32_t>(c - 'A' + 10);
}

bool IsNameChar(char c) { return IsBase64Char(c) || c == '.'; }

bool IsExtChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

bool FileNameFields::IsAppender() const {
  return (masked_size & kAppenderFlag) != 0;
}

bool FileNameFields::IsTrunk() const { return (masked_size & kTrunkFlag) != 0; }

int64_t FileNameFields::EncodedSize() const {
  if (masked_size < 0) return masked_size & 0xFFFFFFFFLL;
  return masked_size;
}

int64_t MaskFileSize(int64_t size, bool appender, uint32_t random, bool trunk) {
  uint64_t high = (random & 0x007FFFFFu) | 0x80000000u;
  if (appender) {
    return static_cast<int64_t>((high << 32) |
                                static_cast<uint64_t>(kAppenderFlag));
  }
  if (size > 0xFFFFFFFFLL) return size;
  int64_t masked =
      static_cast<int64_t>((high << 32) | static_cast<uint64_t>(size));
  return trunk ? (masked | kTrunkFlag) : masked;
}

namespace {

// Name-alphabet base64 of `raw` without padding.
std::string ToNameBase64(const char* raw, size_t n, size_t out_len) {
  unsigned char out[64];
  int len = EVP_EncodeBlock(out, reinterpret_cast<const unsigned char*>(raw),
                            static_cast<int>(n));
  std::string s(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  s.resize(out_len);
  return s;
}

}  // namespace

std::string EncodeTrunkSlot(const TrunkSlot& slot) {
  char raw[12];
  EncodeBE32(raw, slot.id);
  EncodeBE32(raw + 4, slot.offset);
  EncodeBE32(raw + 8, slot.alloc);
  return ToNameBase64(raw, sizeof(raw), kTrunkInfoLen);
}

Result<TrunkSlot> DecodeTrunkSlot(std::string_view text) {
  if (text.size() < kTrunkInfoLen) {
    return Status::InvalidArgument("trunk slot too short");
  }
  unsigned char in[kTrunkInfoLen];
  for (size_t i = 0; i < kTrunkInfoLen; ++i) {
    char c = text[i];
    if (!IsBase64Char(c)) {
      return Status::InvalidArgument("trunk slot has a non-base64 character");
    }
    in[i] = static_cast<unsigned char>(c == '-' ? '+' : c == '_' ? '/' : c);
  }
  unsigned char out[16];
  int n = EVP_DecodeBlock(out, in, static_cast<int>(kTrunkInfoLen));
  if (n < 12) return Status::InvalidArgument("trunk slot does not decode");
  const char* raw = reinterpret_cast<const char*>(out);
  return TrunkSlot{DecodeBE32(raw), DecodeBE32(raw + 4), DecodeBE32(raw + 8)};
}

std::string EncodeNameBase(const FileNameFields& f) {
  char raw[kRawLen];
  EncodeBE32(raw, f.source_ip);
  EncodeBE32(raw + 4, f.create_time);
  EncodeBE64(raw + 8, f.masked_size);
  EncodeBE32(raw + 16, f.crc32);
  return ToNameBase64(raw, kRawLen, kFilenameBase64Len);  // no '=' pad
}

Result<FileNameFields> DecodeNameBase(std::string_view name) {
  if (name.size() < kFilenameBase64Len) {
    return Status::InvalidArgument("file name too short");
  }
  unsigned char in[28];
  for (size_t i = 0; i < kFilenameBase64Len; ++i) {
    char c = name[i];
    if (!IsBase64Char(c)) {
      return Status::InvalidArgument("file name has a non-base64 character");
    }
    in[i] = static_cast<unsigned char>(c == '-' ? '+' : c == '_' ? '/' : c);
  }
  in[27] = '=';
  unsigned char out[24];
  int n = EVP_DecodeBlock(out, in, 28);
  if (n < static_cast<int>(kRawLen)) {
    return Status::InvalidArgument("file name does not decode");
  }
  const char* raw = reinterpret_cast<const char*>(out);
  FileNameFields f;
  f.source_ip = DecodeBE32(raw);
  f.create_time = DecodeBE32(raw + 4);
  f.masked_size = DecodeBE64(raw + 8);
  f.crc32 = DecodeBE32(raw + 16);
  return f;
}

Status ValidateExt(std::string_view ext) {
  if (ext.size() > kExtNameLen) {
    return Status::InvalidArgument("extension longer than 6 characters");
  }
  for (char c : ext) {
    if (!IsExtChar(c)) {
      return Status::InvalidArgument("extension may hold only [A-Za-z0-9_]");
    }
  }
  return Status::OK();
}

std::string FormatNameSuffix(std::string_view ext, uint32_t random) {
  size_t digits = ext.empty() ? kExtNameLen + 1 : kExtNameLen - ext.size();
  std::string out;
  if (digits > 0) {
    uint32_t mod = 1;
    for (size_t i = 0; i < digits; ++i) mod *= 10;
    out = fmt::format("{:0{}}", random % mod, digits);
  }
  if (!ext.empty()) {
    out += '.';
    out += ext;
  }
  return out;
}

std::string LogicName::ToString() const {
  return fmt::format("M{:02X}/{:02X}/{:02X}/{}", store_path_index, dir1, dir2,
                     name);
}

std::string LogicName::RelativePath() const {
  return fmt::format("data/{:02X}/{:02X}/{}", dir1, dir2, name);
}

bool LogicName::IsSlave(const FileNameFields& f) const {
  size_t len = kLogicPathLen + name.size();
  return len > kTrunkLogicNameLen ||
         (len > kNormalLogicNameLen && !f.IsTrunk());
}

bool LogicName::IsTrunk(const FileNameFields& f) const {
  return f.IsTrunk() && !f.IsAppender() && name.size() == kTrunkNameLen;
}

Result<TrunkSlot> LogicName::Slot(const FileNameFields& f) const {
  if (!IsTrunk(f)) return Status::InvalidArgument("not a trunk file's name");
  NIMBUS_LET_OR_RETURN(
      TrunkSlot slot,
      DecodeTrunkSlot(std::string_view(name).substr(kFilenameBase64Len)));
  if (slot.alloc == 0 || f.EncodedSize() > slot.alloc ||
      uint64_t{slot.offset} + slot.alloc > 0xFFFFFFFFull) {
    return Status::InvalidArgument("trunk slot does not fit the file");
  }
  return slot;
}

Result<LogicName> ParseLogicName(std::string_view t) {
  if (t.size() > kMaxLogicNameLen) {
    return Status::InvalidArgument("file name longer than 128 bytes");
  }
  if (t.size() < kLogicPathLen + kFilenameBase64Len) {
    return Status::InvalidArgument("file name too short");
  }
  if (t[0] != 'M' || !IsUpperHex(t[1]) || !IsUpperHex(t[2]) || t[3] != '/' ||
      !IsUpperHex(t[4]) || !IsUpperHex(t[5]) || t[6] != '/' ||
      !IsUpperHex(t[7]) || !IsUpperHex(t[8]) || t[9] != '/') {
    return Status::InvalidArgument(
        "file name must start with Mpp/HH/LL/ in upper-case hex");
  }
  LogicName ln;
  ln.store_path_index = HexValue(t[1]) * 16 + HexValue(t[2]);
  ln.dir1 = HexValue(t[4]) * 16 + HexValue(t[5]);
  ln.dir2 = HexValue(t[7]) * 16 + HexValue(t[8]);
  std::string_view name = t.substr(kLogicPathLen);
  int dots = 0;
  for (char c : name) {
    if (!IsNameChar(c)) {
      return Status::InvalidArgument("file name has a forbidden character");
    }
    if (c == '.') ++dots;
  }
  if (dots > 1 || name.back() == '.' || name.find('.') < kFilenameBase64Len) {
    return Status::InvalidArgument("malformed file name extension");
  }
  if (name.size() >= 2 && name.substr(name.size() - 2) == "-m") {
    return Status::InvalidArgument("file name uses the metadata suffix");
  }
  Result<FileNameFields> f = DecodeNameBase(name);
  if (!f.ok()) return f.status();
  ln.name = std::string(name);
  return ln;
}

Status ValidateGroupName(std::string_view group) {
  if (group.empty() || group.size() > kGroupNameLen) {
    return Status::InvalidArgument("group name must be 1..16 characters");
  }
  for (char c : group) {
    if (!(IsExtChar(c) || c == '-' || c == '.')) {
      return Status::InvalidArgument("group name may hold only [A-Za-z0-9_.-]");
    }
  }
  if (group == "." || group == "..") {
    return Status::InvalidArgument("group name may not be . or ..");
  }
  return Status::OK();
}

Result<FileId> ParseFileId(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Status::InvalidArgument("file ID must be group/Mpp/HH/LL/name");
  }
  FileId id;
  id.group = std::string(text.substr(0, slash));
  Status s = ValidateGroupName(id.group);
  if (!s.ok()) return s;
  Result<LogicName> ln = ParseLogicName(text.substr(slash + 1));
  if (!ln.ok()) return ln.status();
  id.logic = std::move(*ln);
  return id;
}

Result<std::string> MakeSlaveName(std::string_view master_name,
                                  std::string_view prefix,
                                  std::string_view ext) {
  if (prefix.empty()) return Status::InvalidArgument("slave prefix is empty");
  if (prefix.size() > kPrefixLen) {
    return Status::InvalidArgument("slave prefix longer than 16 characters");
  }
  for (char c : prefix) {
    if (!IsBase64Char(c)) {
      return Status::InvalidArgument(
          "slave prefix may hold only [A-Za-z0-9_-]");
    }
  }
  Status s = ValidateExt(ext);
  if (!s.ok()) return s;
  size_t dot = master_name.find('.');
  std::string_view stem = master_name.substr(0, dot);
  std::string_view master_ext = dot == std::string_view::npos
                                    ? std::string_view()
                                    : master_name.substr(dot + 1);
  std::string out(stem);
  out += prefix;
  std::string_view use_ext = ext.empty() ? master_ext : ext;
  if (!use_ext.empty()) {
    out += '.';
    out += use_ext;
  }
  if (out.size() >= 2 && out.substr(out.size() - 2) == "-m") {
    return Status::InvalidArgument("slave name would use the metadata suffix");
  }
  return out;
}

Result<uint32_t> ParseIpv4(std::string_view ip) {
  std::string s(ip);
  in_addr addr{};
  if (::inet_pton(AF_INET, s.c_str(), &addr) != 1) {
    return Status::InvalidArgument("`" + s + "` is not an IPv4 address");
  }
  return ntohl(addr.s_addr);
}

std::string FormatIpv4(uint32_t ip) {
  return fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 0xff,
                     (ip >> 8) & 0xff, ip & 0xff);
}

}  // namespace nimbus::proto
