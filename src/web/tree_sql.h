// Statements that run inside a caller's transaction, shared by the
// Repository and the UploadStore: checking a target folder, charging and
// releasing quota, counting blob references, recording a file. Each
// returns the first failure and leaves the rollback to the transaction.
#ifndef NIMBUS_WEB_TREE_SQL_H_
#define NIMBUS_WEB_TREE_SQL_H_

#include <cstdint>

#include "common/result.h"
#include "web/records.h"
#include "web/sql_connection.h"

namespace nimbus::web {

// 0 (the root) or a live folder of the user; returns its depth (root 0).
// InvalidArgument for a file, NotFound for a folder in the trash or of
// another user.
Result<int> CheckFolder(SqlConnection& c, int64_t user_id, int64_t id);

// NoSpace when `bytes` more would exceed the user's quota.
Status ChargeQuota(SqlConnection& c, int64_t user_id, int64_t bytes);
Status ReleaseQuota(SqlConnection& c, int64_t user_id, int64_t bytes);

// Adds `n` (may be negative) to a blob's reference count; Corruption when
// the row is missing.
Status AddBlobRef(SqlConnection& c, int64_t blob_id, int64_t n);

// Records a file: a reference to its blob (a new blob row when `f.file_id`
// names freshly stored content; NotFound when it is empty and the content
// is unknown) and its node. `out->deduplicated` when the content was
// stored already and `f.file_id` is therefore not needed. Busy when the
// same new content was recorded concurrently (the transaction runs again).
Status AddFileIn(SqlConnection& c, const NewFile& f, bool charge_quota,
                 AddedFile* out);

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_TREE_SQL_H_
