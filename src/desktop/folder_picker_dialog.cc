#include "desktop/folder_picker_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QTreeView>
#include <QVBoxLayout>

#include "desktop/folder_tree_model.h"

namespace nimbus::desktop {

FolderPickerDialog::FolderPickerDialog(ApiClient* api, const QString& title,
                                       QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(title);
  model_ = new FolderTreeModel(api, this);
  view_ = new QTreeView(this);
  view_->setModel(model_);
  view_->header()->hide();
  connect(view_, &QTreeView::expanded, model_, &FolderTreeModel::Expand);
  view_->setCurrentIndex(model_->RootIndex());
  view_->expand(model_->RootIndex());
  auto* buttons = new QDialogButtonBox(
      QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(view_);
  layout->addWidget(buttons);
  resize(400, 480);
}

qint64 FolderPickerDialog::folder() const {
  QModelIndex i = view_->currentIndex();
  if (!i.isValid()) return 0;
  QVariant id = i.data(FolderTreeModel::kIdRole);
  return id.isValid() ? id.toLongLong() : 0;
}

}  // namespace nimbus::desktop
