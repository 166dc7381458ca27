#include "web/dfs_blob_store.h"

namespace nimbus::web {

DfsBlobStore::DfsBlobStore(std::unique_ptr<client::Client> client,
                           std::string group)
    : client_(std::move(client)), group_(std::move(group)) {}

Result<std::string> DfsBlobStore::Put(
    int64_t size, const std::function<Status(char*, size_t)>& read,
    std::string_view ext) {
  client::Source src;
  src.size = size;
  src.read = read;
  return client_->Upload(src, ext, group_);
}

Status DfsBlobStore::Delete(const std::string& file_id) {
  return client_->Delete(file_id);
}

Result<std::string> DfsBlobStore::Read(const std::string& file_id,
                                       int64_t offset, int64_t length) {
  if (length == 0) return std::string();
  return client_->DownloadToString(file_id, offset, length);
}

Result<std::string> DfsBlobStore::CreateAppender(std::string_view ext) {
  return client_->UploadAppender(client::Source::FromString(""), ext, group_);
}

Status DfsBlobStore::Append(const std::string& file_id, int64_t size,
                            const std::function<Status(char*, size_t)>& read) {
  client::Source src;
  src.size = size;
  src.read = read;
  return client_->Append(file_id, src);
}

Status DfsBlobStore::Truncate(const std::string& file_id, int64_t size) {
  return client_->Truncate(file_id, size);
}

Result<int64_t> DfsBlobStore::Size(const std::string& file_id) {
  NIMBUS_LET_OR_RETURN(client::FileInfo info, client_->Info(file_id, true));
  return info.size;
}

}  // namespace nimbus::web
