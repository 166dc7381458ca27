#include "desktop/folder_upload.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <algorithm>

namespace nimbus::desktop {

FolderUpload::FolderUpload(ApiClient* api, QString dir, qint64 parent,
                           QObject* owner)
    : QObject(owner), api_(api), root_(std::move(dir)), parent_(parent) {}

void FolderUpload::Start() {
  QFileInfo root(root_);
  if (!root.isDir()) {
    Q_EMIT Failed(TransferError::Local(tr("%1 is not a folder.").arg(root_)));
    return;
  }
  QString name = root.fileName();
  dirs_.append(name);
  QDirIterator it(root_, QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden,
                  QDirIterator::Subdirectories);
  QDir base(root_);
  while (it.hasNext()) {
    QString rel = base.relativeFilePath(it.next());
    if (!QFileInfo(it.filePath()).isSymLink()) dirs_.append(name + "/" + rel);
  }
  // Parents before children.
  std::stable_sort(dirs_.begin(), dirs_.end(),
                   [](const QString& a, const QString& b) {
                     return a.count('/') < b.count('/');
                   });
  NextFolder();
}

void FolderUpload::NextFolder() {
  if (next_ == dirs_.size()) {
    Q_EMIT Finished(files_);
    return;
  }
  const QString& rel = dirs_[next_];
  int slash = rel.lastIndexOf('/');
  qint64 parent = slash < 0 ? parent_ : ids_.value(rel.left(slash), -1);
  if (parent < 0) {
    ++next_;
    return NextFolder();  // its parent was skipped
  }
  QString name = rel.mid(slash + 1);
  api_->Call(
      "POST", "/api/v1/folders",
      QJsonObject{{"parent", parent}, {"name", name}},
      [this, parent, name](const ApiResult& r) {
        if (r.ok()) {
          return Created(
              r.json.value("node").toObject().value("id").toInteger());
        }
        if (r.status() == 409) return FindExisting(parent, name, {});
        Q_EMIT Failed(TransferError::From(r));
      },
      this);
}

void FolderUpload::FindExisting(qint64 parent, const QString& name,
                                const QString& cursor) {
  QString path =
      ApiClient::ChildrenPath(parent, "sort=name&limit=1000", cursor);
  api_->Call(
      "GET", path, {},
      [this, parent, name](const ApiResult& r) {
        if (!r.ok()) {
          Q_EMIT Failed(TransferError::From(r));
          return;
        }
        for (const auto& v : r.json.value("items").toArray()) {
          QJsonObject n = v.toObject();
          if (n.value("name").toString() != name) continue;
          if (n.value("type").toString() != "folder") {
            Q_EMIT Failed(TransferError::Local(
                tr("A file named %1 is in the way of the folder.").arg(name)));
            return;
          }
          return Created(n.value("id").toInteger());
        }
        QString next = r.json.value("next_cursor").toString();
        if (next.isEmpty()) {
          Q_EMIT Failed(TransferError::Local(
              tr("The folder %1 could not be created.").arg(name)));
          return;
        }
        FindExisting(parent, name, next);
      },
      this);
}

void FolderUpload::Created(qint64 id) {
  const QString rel = dirs_[next_++];
  ids_.insert(rel, id);
  QDir local(QFileInfo(root_).absolutePath() + "/" + rel);
  const auto files = local.entryInfoList(
      QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
  for (const QFileInfo& f : files) {
    if (f.isSymLink()) continue;
    ++files_;
    Q_EMIT FileFound(f.absoluteFilePath(), id, f.fileName());
  }
  NextFolder();
}

}  // namespace nimbus::desktop
