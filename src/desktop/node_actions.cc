#include "desktop/node_actions.h"

#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>

#include "desktop/folder_picker_dialog.h"

namespace nimbus::desktop {
namespace {

QString NodePath(const char* format, const QJsonObject& n) {
  return QString::fromLatin1(format).arg(n.value("id").toInteger());
}

}  // namespace

NodeActions::NodeActions(ApiClient* api, QWidget* dialogs)
    : QObject(dialogs), api_(api), dialogs_(dialogs) {}

void NodeActions::Call(const QByteArray& method, const QString& path,
                       const QJsonObject& body, qint64 folder) {
  api_->Call(
      method, path, body,
      [this, folder](const ApiResult& r) {
        if (!r.ok()) Q_EMIT Failed(r);
        Q_EMIT FolderChanged(folder);
      },
      this);
}

void NodeActions::NewFolder(qint64 parent) {
  bool ok = false;
  QString name =
      QInputDialog::getText(dialogs_, tr("New folder"), tr("Name:"),
                            QLineEdit::Normal, tr("New folder"), &ok);
  if (!ok || name.trimmed().isEmpty()) return;
  Call("POST", "/api/v1/folders",
       QJsonObject{{"parent", parent}, {"name", name.trimmed()}}, parent);
}

void NodeActions::Rename(const QJsonObject& node) {
  bool ok = false;
  QString old = node.value("name").toString();
  QString name = QInputDialog::getText(dialogs_, tr("Rename"), tr("New name:"),
                                       QLineEdit::Normal, old, &ok);
  if (!ok || name.trimmed().isEmpty() || name == old) return;
  Call("PATCH", NodePath("/api/v1/nodes/%1", node),
       QJsonObject{{"name", name.trimmed()}}, node.value("parent").toInteger());
}

void NodeActions::Move(const QVector<QJsonObject>& nodes, qint64 from) {
  if (nodes.isEmpty()) return;
  FolderPickerDialog d(api_, tr("Move to"), dialogs_);
  if (d.exec() != QDialog::Accepted) return;
  qint64 to = d.folder();
  for (const QJsonObject& n : nodes) {
    api_->Call(
        "PATCH", NodePath("/api/v1/nodes/%1", n), QJsonObject{{"parent", to}},
        [this, from, to](const ApiResult& r) {
          if (!r.ok()) Q_EMIT Failed(r);
          Q_EMIT FolderChanged(from);
          Q_EMIT FolderChanged(to);
        },
        this);
  }
}

void NodeActions::Trash(const QVector<QJsonObject>& nodes, qint64 from) {
  if (nodes.isEmpty()) return;
  for (const QJsonObject& n : nodes) {
    Call("DELETE", NodePath("/api/v1/nodes/%1", n), {}, from);
  }
  Q_EMIT Message(tr("Moved %n item(s) to the trash.", nullptr, nodes.size()));
}

void NodeActions::Restore(const QVector<QJsonObject>& nodes) {
  // Back where it was, or to the root: the root's listing shows both.
  for (const QJsonObject& n : nodes) {
    Call("POST", NodePath("/api/v1/trash/%1/restore", n), {}, 0);
  }
}

void NodeActions::Purge(const QVector<QJsonObject>& nodes) {
  if (nodes.isEmpty() ||
      QMessageBox::question(
          dialogs_, tr("Delete for good"),
          tr("Delete %n item(s) for good? This cannot be undone.", nullptr,
             nodes.size())) != QMessageBox::Yes) {
    return;
  }
  for (const QJsonObject& n : nodes) {
    api_->Call(
        "DELETE", NodePath("/api/v1/trash/%1", n), {},
        [this](const ApiResult& r) {
          if (!r.ok()) Q_EMIT Failed(r);
          Q_EMIT UsageChanged();
        },
        this);
  }
}

void NodeActions::EmptyTrash() {
  if (QMessageBox::question(dialogs_, tr("Empty trash"),
                            tr("Delete everything in the trash for good?")) !=
      QMessageBox::Yes) {
    return;
  }
  api_->Call(
      "DELETE", "/api/v1/trash", {},
      [this](const ApiResult& r) {
        if (!r.ok()) Q_EMIT Failed(r);
        Q_EMIT UsageChanged();
      },
      this);
}

}  // namespace nimbus::desktop
