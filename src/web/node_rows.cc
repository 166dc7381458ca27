#include "web/node_rows.h"

#include <string>

namespace nimbus::web {

Node ToNode(const SqlRow& r) {
  Node n;
  n.id = SqlInt(r[0]);
  n.user_id = SqlInt(r[1]);
  n.parent_id = SqlInt(r[2]);
  n.name = SqlText(r[3]);
  n.is_dir = SqlInt(r[4]) != 0;
  n.size = SqlInt(r[5]);
  n.downloads = SqlInt(r[6]);
  n.created_at = SqlInt(r[7]);
  n.updated_at = SqlInt(r[8]);
  n.trashed_at = SqlInt(r[9]);
  n.blob_id = SqlInt(r[10]);
  n.file_id = SqlText(r[11]);
  n.sha256 = SqlText(r[12]);
  return n;
}

Result<Node> LoadNode(SqlConnection& c, int64_t user_id, int64_t id) {
  NIMBUS_LET_OR_RETURN(
      auto rows,
      c.Query(std::string(kNodeColumns) + "WHERE n.id = ? AND n.user_id = ?",
              {id, user_id}));
  if (rows.empty()) return Status::NotFound("no such file or folder");
  return ToNode(rows[0]);
}

Result<Node> LoadLiveNode(SqlConnection& c, int64_t user_id, int64_t id) {
  NIMBUS_LET_OR_RETURN(Node n, LoadNode(c, user_id, id));
  Node cur = n;
  for (int depth = 0;; ++depth) {
    if (cur.trashed_at != 0)
      return Status::NotFound("the item is in the trash");
    if (cur.parent_id == 0) return n;
    if (depth > kMaxFolderDepth) {
      return Status::Corruption("folder tree too deep");
    }
    NIMBUS_ASSIGN_OR_RETURN(cur, LoadNode(c, user_id, cur.parent_id));
  }
}

}  // namespace nimbus::web
