// ShareStore: share links to a user's files. Ownership is checked in every
// statement that changes a share; each method is one statement or one
// transaction, so a download limit is never exceeded under concurrency.
// Thread-safety: any thread.
#ifndef NIMBUS_WEB_SHARE_STORE_H_
#define NIMBUS_WEB_SHARE_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "web/records.h"
#include "web/sql_pool.h"

namespace nimbus::web {

class ShareStore {
 public:
  explicit ShareStore(SqlPool& pool) : pool_(pool) {}

  ShareStore(const ShareStore&) = delete;
  ShareStore& operator=(const ShareStore&) = delete;

  // The node must be a file of the user in the tree.
  Status Create(const Share& s);
  // The user's live shares, newest first, each with its file when it still
  // exists.
  Result<std::vector<Share>> List(int64_t user_id);
  Status Revoke(int64_t user_id, const std::string& code, int64_t now);
  // A share that is not revoked and whose file is in the tree, with the
  // file and the owner's name; NotFound otherwise. Expiry and the download
  // limit are the caller's to check (or CountDownload's).
  Result<Share> Get(const std::string& code);
  // Counts one download if the share is live, under its limit and not
  // expired (atomically: a limit is never exceeded). NotFound otherwise.
  Status CountDownload(const std::string& code, int64_t now);
  // Public live shares, most downloaded first.
  Result<std::vector<Share>> Square(int64_t now, int limit);

 private:
  SqlPool& pool_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_SHARE_STORE_H_
