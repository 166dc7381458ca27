// ShareActions: what the drive does with share links, each a few API calls
// and perhaps a dialog: revoke the user's links, copy one to the clipboard,
// save a shared file into the user's drive (转存, no bytes move), get a
// signed download URL for one from the share square, and open a link or
// code someone sent (with its password). Results come back as signals, so
// the window decides what to refresh.
#ifndef NIMBUS_DESKTOP_SHARE_ACTIONS_H_
#define NIMBUS_DESKTOP_SHARE_ACTIONS_H_

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include "desktop/api_client.h"

class QWidget;

namespace nimbus::desktop {

class ShareActions : public QObject {
  Q_OBJECT
 public:
  // `api` must outlive this; `dialogs` parents the dialogs (and this).
  ShareActions(ApiClient* api, QWidget* dialogs);

  void Revoke(const QStringList& codes);
  void CopyLink(const QString& code);
  // Asks for a folder, then saves the shared file there.
  void SaveToDrive(const QString& code);
  // A share from the square (`share`: its JSON); DownloadReady follows.
  void Download(const QJsonObject& share);
  // Asks for a link (or code) and its password, shows the file and offers
  // to save it into `folder`.
  void OpenLink(qint64 folder);

 Q_SIGNALS:
  void Failed(const ApiResult& r);
  void Message(const QString& text);
  void SharesChanged();  // the user's own links
  void SquareChanged();  // a download was counted
  void DriveChanged();   // a file was saved into the drive
  void DownloadReady(const QString& url, qint64 expires_at, const QString& name,
                     qint64 size, const QString& sha256);

 private:
  ApiClient* api_;
  QWidget* dialogs_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_SHARE_ACTIONS_H_
