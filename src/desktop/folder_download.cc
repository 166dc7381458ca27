#include "desktop/folder_download.h"

#include <QDir>
#include <QJsonArray>

namespace nimbus::desktop {

FolderDownload::FolderDownload(ApiClient* api, qint64 id, const QString& name,
                               const QString& dest_dir, QObject* owner)
    : QObject(owner), api_(api) {
  todo_.append({id, QDir(dest_dir).filePath(name)});
}

void FolderDownload::Start() { List({}); }

void FolderDownload::List(const QString& cursor) {
  if (todo_.isEmpty()) {
    Q_EMIT Finished(files_);
    return;
  }
  auto [id, dir] = todo_.first();
  QDir().mkpath(dir);
  QString path = ApiClient::ChildrenPath(id, "sort=name&limit=1000", cursor);
  api_->Call(
      "GET", path, {},
      [this, dir = dir](const ApiResult& r) {
        if (!r.ok()) {
          Q_EMIT Failed(TransferError::From(r));
          return;
        }
        for (const auto& v : r.json.value("items").toArray()) {
          QJsonObject n = v.toObject();
          QString name = n.value("name").toString();
          if (n.value("type").toString() == "folder") {
            todo_.append({n.value("id").toInteger(), QDir(dir).filePath(name)});
          } else {
            ++files_;
            Q_EMIT FileFound(n.value("id").toInteger(), name,
                             n.value("size").toInteger(),
                             n.value("sha256").toString(), dir);
          }
        }
        QString next = r.json.value("next_cursor").toString();
        if (next.isEmpty()) todo_.removeFirst();
        List(next);
      },
      this);
}

}  // namespace nimbus::desktop
