// Asks for a folder of the drive (move to, save a share into).
#ifndef NIMBUS_DESKTOP_FOLDER_PICKER_DIALOG_H_
#define NIMBUS_DESKTOP_FOLDER_PICKER_DIALOG_H_

#include <QDialog>

#include "desktop/api_client.h"

class QTreeView;

namespace nimbus::desktop {

class FolderTreeModel;

class FolderPickerDialog : public QDialog {
  Q_OBJECT
 public:
  FolderPickerDialog(ApiClient* api, const QString& title,
                     QWidget* parent = nullptr);
  // The chosen folder; the root when nothing else is selected.
  qint64 folder() const;

 private:
  FolderTreeModel* model_;
  QTreeView* view_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_FOLDER_PICKER_DIALOG_H_
