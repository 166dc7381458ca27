#include "desktop/share_actions.h"

#include <QApplication>
#include <QClipboard>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>

#include "desktop/file_table_model.h"
#include "desktop/folder_picker_dialog.h"

namespace nimbus::desktop {

ShareActions::ShareActions(ApiClient* api, QWidget* dialogs)
    : QObject(dialogs), api_(api), dialogs_(dialogs) {}

void ShareActions::Revoke(const QStringList& codes) {
  for (const QString& code : codes) {
    api_->Call(
        "DELETE", "/api/v1/shares/" + code, {},
        [this](const ApiResult& r) {
          if (!r.ok()) Q_EMIT Failed(r);
          Q_EMIT SharesChanged();
        },
        this);
  }
}

void ShareActions::CopyLink(const QString& code) {
  QApplication::clipboard()->setText(
      api_->Resolve("/api/v1/s/" + code).toString());
  Q_EMIT Message(
      tr("Link copied (the password is not stored; send it separately)."));
}

void ShareActions::SaveToDrive(const QString& code) {
  FolderPickerDialog d(api_, tr("Save to"), dialogs_);
  if (d.exec() != QDialog::Accepted) return;
  api_->Call(
      "POST", "/api/v1/s/" + code + "/save",
      QJsonObject{{"parent", d.folder()}},
      [this](const ApiResult& r) {
        if (!r.ok()) return Q_EMIT Failed(r);
        Q_EMIT Message(
            tr("Saved “%1” to your drive.")
                .arg(r.json.value("node").toObject().value("name").toString()));
        Q_EMIT DriveChanged();
      },
      this);
}

void ShareActions::Download(const QJsonObject& s) {
  api_->Call(
      "POST", "/api/v1/s/" + s.value("code").toString() + "/download", {},
      [this, s](const ApiResult& r) {
        if (!r.ok()) return Q_EMIT Failed(r);
        Q_EMIT DownloadReady(
            r.json.value("url").toString(),
            r.json.value("expires_at").toInteger(), s.value("name").toString(),
            s.value("size").toInteger(), s.value("sha256").toString());
        Q_EMIT SquareChanged();
      },
      this);
}

void ShareActions::OpenLink(qint64 folder) {
  bool ok = false;
  QString link = QInputDialog::getText(dialogs_, tr("Open a share link"),
                                       tr("Link or code:"), QLineEdit::Normal,
                                       QApplication::clipboard()->text(), &ok)
                     .trimmed();
  if (!ok || link.isEmpty()) return;
  QString code = link.section('/', -1).section(' ', 0, 0);
  QString password =
      QInputDialog::getText(dialogs_, tr("Open a share link"),
                            tr("Password (leave empty when there is none):"),
                            QLineEdit::Normal, QString(), &ok);
  if (!ok) return;
  QJsonObject body;
  if (!password.isEmpty()) body.insert("password", password);
  api_->Call(
      "POST", "/api/v1/s/" + code + "/open", body,
      [this, code, body, folder](const ApiResult& r) {
        if (!r.ok()) return Q_EMIT Failed(r);
        QJsonObject s = r.json.value("share").toObject();
        QMessageBox box(dialogs_);
        box.setWindowTitle(tr("Shared file"));
        box.setText(
            tr("“%1” (%2)")
                .arg(s.value("name").toString(),
                     FileTableModel::HumanSize(s.value("size").toInteger())));
        QPushButton* save =
            box.addButton(tr("Save to my drive"), QMessageBox::AcceptRole);
        box.addButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != save) return;
        QJsonObject b = body;
        b.insert("parent", folder);
        api_->Call(
            "POST", "/api/v1/s/" + code + "/save", b,
            [this](const ApiResult& r2) {
              if (!r2.ok()) return Q_EMIT Failed(r2);
              Q_EMIT DriveChanged();
            },
            this);
      },
      this);
}

}  // namespace nimbus::desktop
