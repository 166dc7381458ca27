// Expands a local folder for upload: recreates its folder tree in the drive
// (reusing folders that already exist there) and hands every file over,
// with the ID of the drive folder it goes into, as soon as that exists.
#ifndef NIMBUS_DESKTOP_FOLDER_UPLOAD_H_
#define NIMBUS_DESKTOP_FOLDER_UPLOAD_H_

#include <QHash>
#include <QObject>
#include <QStringList>

#include "desktop/api_client.h"
#include "desktop/transfer_item.h"

namespace nimbus::desktop {

class FolderUpload : public QObject {
  Q_OBJECT
 public:
  // The folder `dir` itself is created inside drive folder `parent`.
  FolderUpload(ApiClient* api, QString dir, qint64 parent,
               QObject* owner = nullptr);
  void Start();

 Q_SIGNALS:
  void FileFound(const QString& path, qint64 parent, const QString& name);
  void Finished(int files);
  void Failed(const nimbus::desktop::TransferError& error);

 private:
  void NextFolder();
  void FindExisting(qint64 parent, const QString& name, const QString& cursor);
  void Created(qint64 id);

  ApiClient* api_;
  QString root_;
  qint64 parent_;
  QStringList dirs_;  // relative to the parent of root_, parents first
  int next_ = 0;
  QHash<QString, qint64> ids_;  // relative dir -> drive folder
  int files_ = 0;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_FOLDER_UPLOAD_H_
