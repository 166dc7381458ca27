#include "proto/storage_messages.h"

#include "common/coding.h"
#include "proto/constants.h"

namespace nimbus::proto {
namespace {

constexpr size_t kG = kGroupNameLen;

Status Bad(const std::string& what) { return Status::InvalidArgument(what); }

bool NameLenOk(int64_t n) {
  return n > 0 && n <= static_cast<int64_t>(kMaxLogicNameLen);
}

}  // namespace

std::string EncodeUploadPrefix(const UploadPrefix& p) {
  std::string out;
  out.push_back(static_cast<char>(p.store_path_index));
  PutBE64(&out, p.file_size);
  PutFixedString(&out, p.ext, kExtNameLen);
  return out;
}

Result<UploadPrefix> DecodeUploadPrefix(std::string_view b, int64_t pkg_len) {
  if (b.size() != kUploadPrefixSize) return Bad("upload prefix size");
  UploadPrefix p;
  p.store_path_index = static_cast<uint8_t>(b[0]);
  p.file_size = DecodeBE64(b.data() + 1);
  p.ext = std::string(GetFixedString(b.data() + 9, kExtNameLen));
  if (p.file_size < 0 ||
      p.file_size != pkg_len - static_cast<int64_t>(kUploadPrefixSize)) {
    return Bad("upload file_size does not match the package length");
  }
  return p;
}

std::string EncodeSlavePrefix(const SlavePrefix& p) {
  std::string out;
  PutBE64(&out, p.master_len);
  PutBE64(&out, p.file_size);
  PutFixedString(&out, p.prefix, kPrefixLen);
  PutFixedString(&out, p.ext, kExtNameLen);
  return out;
}

Result<SlavePrefix> DecodeSlavePrefix(std::string_view b, int64_t pkg_len) {
  if (b.size() != kSlavePrefixSize) return Bad("slave prefix size");
  SlavePrefix p;
  p.master_len = DecodeBE64(b.data());
  p.file_size = DecodeBE64(b.data() + 8);
  p.prefix = std::string(GetFixedString(b.data() + 16, kPrefixLen));
  p.ext = std::string(GetFixedString(b.data() + 32, kExtNameLen));
  if (!NameLenOk(p.master_len)) return Bad("master file name length");
  if (p.file_size < 0 ||
      p.file_size !=
          pkg_len - static_cast<int64_t>(kSlavePrefixSize) - p.master_len) {
    return Bad("slave file_size does not match the package length");
  }
  return p;
}

std::string EncodeDownloadRequest(const DownloadRequest& r) {
  std::string out;
  PutBE64(&out, r.offset);
  PutBE64(&out, r.bytes);
  PutFixedString(&out, r.group, kG);
  out += r.name;
  return out;
}

Result<DownloadRequest> DecodeDownloadRequest(std::string_view b) {
  if (b.size() <= 16 + kG || b.size() > 16 + kG + kMaxLogicNameLen) {
    return Bad("download request size");
  }
  DownloadRequest r;
  r.offset = DecodeBE64(b.data());
  r.bytes = DecodeBE64(b.data() + 8);
  if (r.offset < 0 || r.bytes < 0) return Bad("negative offset or length");
  r.group = std::string(GetFixedString(b.data() + 16, kG));
  r.name = std::string(b.substr(16 + kG));
  return r;
}

std::string EncodeSetMetaRequest(const SetMetaRequest& r) {
  std::string out;
  PutBE64(&out, static_cast<int64_t>(r.name.size()));
  PutBE64(&out, static_cast<int64_t>(r.meta.size()));
  out.push_back(r.op);
  PutFixedString(&out, r.group, kG);
  out += r.name;
  out += r.meta;
  return out;
}

Result<SetMetaRequest> DecodeSetMetaRequest(std::string_view b) {
  constexpr size_t kFixed = 8 + 8 + 1 + kG;
  if (b.size() < kFixed) return Bad("set metadata request size");
  int64_t name_len = DecodeBE64(b.data());
  int64_t meta_size = DecodeBE64(b.data() + 8);
  if (!NameLenOk(name_len)) return Bad("file name length");
  if (meta_size < 0 || meta_size > static_cast<int64_t>(kMaxMetaBytes)) {
    return Bad("metadata size");
  }
  if (static_cast<int64_t>(b.size()) !=
      static_cast<int64_t>(kFixed) + name_len + meta_size) {
    return Bad("set metadata lengths do not match the package length");
  }
  SetMetaRequest r;
  r.op = b[16];
  if (r.op != 'O' && r.op != 'M') return Bad("metadata op flag must be O or M");
  r.group = std::string(GetFixedString(b.data() + 17, kG));
  r.name = std::string(b.substr(kFixed, static_cast<size_t>(name_len)));
  r.meta = std::string(b.substr(kFixed + static_cast<size_t>(name_len)));
  return r;
}

Result<AppendPrefix> DecodeAppendPrefix(std::string_view b, int64_t pkg_len) {
  if (b.size() != kAppendPrefixSize) return Bad("append prefix size");
  AppendPrefix p;
  p.name_len = DecodeBE64(b.data());
  p.size = DecodeBE64(b.data() + 8);
  if (!NameLenOk(p.name_len)) return Bad("file name length");
  if (p.size < 0 || p.size != pkg_len -
                                  static_cast<int64_t>(kAppendPrefixSize) -
                                  p.name_len) {
    return Bad("append size does not match the package length");
  }
  return p;
}

Result<ModifyPrefix> DecodeModifyPrefix(std::string_view b, int64_t pkg_len) {
  if (b.size() != kModifyPrefixSize) return Bad("modify prefix size");
  ModifyPrefix p;
  p.name_len = DecodeBE64(b.data());
  p.offset = DecodeBE64(b.data() + 8);
  p.size = DecodeBE64(b.data() + 16);
  if (!NameLenOk(p.name_len)) return Bad("file name length");
  if (p.offset < 0) return Bad("negative modify offset");
  if (p.size < 0 || p.size != pkg_len -
                                  static_cast<int64_t>(kModifyPrefixSize) -
                                  p.name_len) {
    return Bad("modify size does not match the package length");
  }
  return p;
}

std::string EncodeTruncateRequest(const TruncateRequest& r) {
  std::string out;
  PutBE64(&out, static_cast<int64_t>(r.name.size()));
  PutBE64(&out, r.remain_size);
  out += r.name;
  return out;
}

Result<TruncateRequest> DecodeTruncateRequest(std::string_view b) {
  if (b.size() < 16) return Bad("truncate request size");
  int64_t name_len = DecodeBE64(b.data());
  TruncateRequest r;
  r.remain_size = DecodeBE64(b.data() + 8);
  if (!NameLenOk(name_len) || static_cast<int64_t>(b.size()) != 16 + name_len) {
    return Bad("truncate file name length");
  }
  if (r.remain_size < 0) return Bad("negative truncate size");
  r.name = std::string(b.substr(16));
  return r;
}

std::string EncodeFileInfoReply(const FileInfoReply& r) {
  std::string out;
  PutBE64(&out, r.file_size);
  PutBE64(&out, r.create_time);
  PutBE64(&out, r.crc32);
  PutFixedString(&out, r.source_ip, kIpAddressSize);
  return out;
}

Result<FileInfoReply> DecodeFileInfoReply(std::string_view b) {
  if (b.size() != kFileInfoReplySize && b.size() != 24 + 46) {
    return Status::Corruption("file info reply has invalid length");
  }
  FileInfoReply r;
  r.file_size = DecodeBE64(b.data());
  r.create_time = DecodeBE64(b.data() + 8);
  r.crc32 = DecodeBE64(b.data() + 16);
  r.source_ip = std::string(GetFixedString(b.data() + 24, b.size() - 24));
  return r;
}

}  // namespace nimbus::proto
