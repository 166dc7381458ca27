// Expands a drive folder for download: walks it (and its subfolders) page
// by page and hands every file over with the local folder it goes into,
// which mirrors the drive's tree under the destination.
#ifndef NIMBUS_DESKTOP_FOLDER_DOWNLOAD_H_
#define NIMBUS_DESKTOP_FOLDER_DOWNLOAD_H_

#include <QList>
#include <QObject>
#include <QPair>

#include "desktop/api_client.h"
#include "desktop/transfer_item.h"

namespace nimbus::desktop {

class FolderDownload : public QObject {
  Q_OBJECT
 public:
  // The folder `id` named `name` becomes `dest_dir`/`name`.
  FolderDownload(ApiClient* api, qint64 id, const QString& name,
                 const QString& dest_dir, QObject* owner = nullptr);
  void Start();

 Q_SIGNALS:
  void FileFound(qint64 node, const QString& name, qint64 size,
                 const QString& sha256, const QString& dir);
  void Finished(int files);
  void Failed(const nimbus::desktop::TransferError& error);

 private:
  void List(const QString& cursor);

  ApiClient* api_;
  QList<QPair<qint64, QString>> todo_;  // drive folder, local folder
  int files_ = 0;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_FOLDER_DOWNLOAD_H_
