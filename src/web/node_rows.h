// Reading nodes (files and folders) from the database: shared by the
// Repository and the ShareStore, inside their transactions.
#ifndef NIMBUS_WEB_NODE_ROWS_H_
#define NIMBUS_WEB_NODE_ROWS_H_

#include <cstdint>

#include "common/result.h"
#include "web/records.h"
#include "web/sql_connection.h"

namespace nimbus::web {

// The SELECT ... FROM of a node with its blob; ToNode reads its rows.
inline constexpr char kNodeColumns[] =
    "SELECT n.id, n.user_id, n.parent_id, n.name, n.is_dir, n.size, "
    "n.downloads, n.created_at, n.updated_at, n.trashed_at, n.blob_id, "
    "b.file_id, b.sha256 FROM nodes n LEFT JOIN blobs b ON b.id = n.blob_id ";

Node ToNode(const SqlRow& r);

// A node the user owns, in the tree or in the trash; NotFound otherwise
// (another user's node included).
Result<Node> LoadNode(SqlConnection& c, int64_t user_id, int64_t id);

// The node with every ancestor up to the root checked: none is trashed.
Result<Node> LoadLiveNode(SqlConnection& c, int64_t user_id, int64_t id);

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_NODE_ROWS_H_
