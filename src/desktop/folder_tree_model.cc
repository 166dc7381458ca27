#include "desktop/folder_tree_model.h"

#include <QApplication>
#include <QJsonArray>
#include <QPersistentModelIndex>
#include <QStyle>

namespace nimbus::desktop {

FolderTreeModel::FolderTreeModel(ApiClient* api, QObject* parent)
    : QStandardItemModel(parent), api_(api) {
  auto* root = new QStandardItem(
      QApplication::style()->standardIcon(QStyle::SP_DirHomeIcon),
      tr("My files"));
  root->setData(0, kIdRole);
  root->setEditable(false);
  root->appendRow(new QStandardItem(tr("Loading…")));  // shows the arrow
  appendRow(root);
}

void FolderTreeModel::Expand(const QModelIndex& index) {
  QStandardItem* item = itemFromIndex(index);
  if (!item || item->data(kLoadedRole).toBool()) return;
  item->setData(true, kLoadedRole);
  Load(item, {});
}

void FolderTreeModel::Refresh(qint64 id) {
  QStandardItem* item = FindItem(invisibleRootItem(), id);
  if (!item) return;
  item->removeRows(0, item->rowCount());
  item->appendRow(new QStandardItem(tr("Loading…")));
  item->setData(true, kLoadedRole);
  Load(item, {});
}

QModelIndex FolderTreeModel::Find(qint64 id) const {
  QStandardItem* item = FindItem(invisibleRootItem(), id);
  return item ? item->index() : QModelIndex();
}

QStandardItem* FolderTreeModel::FindItem(QStandardItem* under,
                                         qint64 id) const {
  for (int i = 0; i < under->rowCount(); ++i) {
    QStandardItem* c = under->child(i);
    if (!c->data(kIdRole).isValid()) continue;
    if (c->data(kIdRole).toLongLong() == id) return c;
    if (QStandardItem* found = FindItem(c, id)) return found;
  }
  return nullptr;
}

void FolderTreeModel::Load(QStandardItem* item, const QString& cursor) {
  qint64 id = item->data(kIdRole).toLongLong();
  QPersistentModelIndex where(item->index());
  QString path = ApiClient::ChildrenPath(id, "sort=name&limit=1000", cursor);
  api_->Call(
      "GET", path, {},
      [this, where, first = cursor.isEmpty()](const ApiResult& r) {
        if (!where.isValid()) return;
        QStandardItem* item = itemFromIndex(where);
        if (!r.ok()) {
          item->setData(false, kLoadedRole);
          Q_EMIT Failed(r);
          return;
        }
        if (first) item->removeRows(0, item->rowCount());
        bool files_reached = false;
        for (const auto& v : r.json.value("items").toArray()) {
          QJsonObject n = v.toObject();
          // Folders come first: the first file ends the folders.
          if (n.value("type").toString() != "folder") {
            files_reached = true;
            break;
          }
          auto* child = new QStandardItem(
              QApplication::style()->standardIcon(QStyle::SP_DirIcon),
              n.value("name").toString());
          child->setData(n.value("id").toInteger(), kIdRole);
          child->setEditable(false);
          child->appendRow(new QStandardItem(tr("Loading…")));
          item->appendRow(child);
        }
        QString next = r.json.value("next_cursor").toString();
        if (!files_reached && !next.isEmpty()) Load(item, next);
      },
      this);
}

}  // namespace nimbus::desktop
