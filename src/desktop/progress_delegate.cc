#include "desktop/progress_delegate.h"

#include <QApplication>
#include <QStyleOptionProgressBar>

#include "desktop/transfer_model.h"

namespace nimbus::desktop {

void ProgressDelegate::paint(QPainter* painter,
                             const QStyleOptionViewItem& option,
                             const QModelIndex& index) const {
  QStyleOptionProgressBar bar;
  bar.rect = option.rect.adjusted(2, 2, -2, -2);
  bar.minimum = 0;
  bar.maximum = 1000;
  bar.progress = index.data(TransferModel::kProgressRole).toInt();
  bar.text = index.data(Qt::DisplayRole).toString();
  bar.textVisible = true;
  bar.state = option.state | QStyle::State_Horizontal;
  QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter);
}

}  // namespace nimbus::desktop
