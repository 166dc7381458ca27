// The drive's folders as a tree, loaded one level at a time when a branch
// is expanded (the browser's side panel and the "move to" picker).
#ifndef NIMBUS_DESKTOP_FOLDER_TREE_MODEL_H_
#define NIMBUS_DESKTOP_FOLDER_TREE_MODEL_H_

#include <QStandardItemModel>

#include "desktop/api_client.h"

namespace nimbus::desktop {

class FolderTreeModel : public QStandardItemModel {
  Q_OBJECT
 public:
  static constexpr int kIdRole = Qt::UserRole + 1;
  static constexpr int kLoadedRole = Qt::UserRole + 2;

  FolderTreeModel(ApiClient* api, QObject* parent = nullptr);

  QModelIndex RootIndex() const { return index(0, 0); }
  // Loads the children of `index` unless they are loaded (or loading).
  void Expand(const QModelIndex& index);
  // Forgets what is loaded under the folder `id` and loads it again.
  void Refresh(qint64 id);
  QModelIndex Find(qint64 id) const;

 Q_SIGNALS:
  void Failed(const nimbus::desktop::ApiResult& result);

 private:
  void Load(QStandardItem* item, const QString& cursor);
  QStandardItem* FindItem(QStandardItem* under, qint64 id) const;

  ApiClient* api_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_FOLDER_TREE_MODEL_H_
