// NodeActions: what the drive does to files and folders, each a few API
// calls and perhaps a dialog: new folder, rename, move, move to the trash,
// restore, delete for good, empty the trash. Nodes are the API's JSON
// objects. Results come back as signals, so the window decides what to
// refresh.
#ifndef NIMBUS_DESKTOP_NODE_ACTIONS_H_
#define NIMBUS_DESKTOP_NODE_ACTIONS_H_

#include <QJsonObject>
#include <QObject>
#include <QVector>

#include "desktop/api_client.h"

class QWidget;

namespace nimbus::desktop {

class NodeActions : public QObject {
  Q_OBJECT
 public:
  // `api` must outlive this; `dialogs` parents the dialogs (and this).
  NodeActions(ApiClient* api, QWidget* dialogs);

  // Asks for a name.
  void NewFolder(qint64 parent);
  // Asks for the new name.
  void Rename(const QJsonObject& node);
  // Asks for the folder to move `nodes` (now in `from`) to.
  void Move(const QVector<QJsonObject>& nodes, qint64 from);
  void Trash(const QVector<QJsonObject>& nodes, qint64 from);
  void Restore(const QVector<QJsonObject>& nodes);
  // Each asks for confirmation first.
  void Purge(const QVector<QJsonObject>& nodes);
  void EmptyTrash();

 Q_SIGNALS:
  void Failed(const ApiResult& r);
  void Message(const QString& text);
  // The listing of `folder` changed (0: the root).
  void FolderChanged(qint64 folder);
  // Storage was freed: the usage shown is stale.
  void UsageChanged();

 private:
  // Calls the API and then reports FolderChanged(folder) (after reporting a
  // failure, since some of a batch may have gone through).
  void Call(const QByteArray& method, const QString& path,
            const QJsonObject& body, qint64 folder);

  ApiClient* api_;
  QWidget* dialogs_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_NODE_ACTIONS_H_
