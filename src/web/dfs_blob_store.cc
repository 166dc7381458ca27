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

}  // namespace nimbus::web
