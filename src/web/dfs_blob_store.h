// BlobStore on the Nimbus (or any FastDFS) cluster through the client
// library: connection pooling, tracker failover and upload re-placement
// come from there.
//
// Thread-safety: any thread (the Client is shared).
#ifndef NIMBUS_WEB_DFS_BLOB_STORE_H_
#define NIMBUS_WEB_DFS_BLOB_STORE_H_

#include <memory>

#include "nimbus/client.h"
#include "web/blob_store.h"

namespace nimbus::web {

class DfsBlobStore : public BlobStore {
 public:
  // `group` empty lets the tracker choose.
  DfsBlobStore(std::unique_ptr<client::Client> client, std::string group);

  Result<std::string> Put(int64_t size,
                          const std::function<Status(char*, size_t)>& read,
                          std::string_view ext) override;
  Status Delete(const std::string& file_id) override;
  Result<std::string> Read(const std::string& file_id, int64_t offset,
                           int64_t length) override;
  Result<std::string> CreateAppender(std::string_view ext) override;
  Status Append(const std::string& file_id, int64_t size,
                const std::function<Status(char*, size_t)>& read) override;
  Status Truncate(const std::string& file_id, int64_t size) override;
  Result<int64_t> Size(const std::string& file_id) override;

 private:
  std::unique_ptr<client::Client> client_;
  const std::string group_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_DFS_BLOB_STORE_H_
