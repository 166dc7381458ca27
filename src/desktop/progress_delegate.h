// Draws the transfer table's progress column as a progress bar.
#ifndef NIMBUS_DESKTOP_PROGRESS_DELEGATE_H_
#define NIMBUS_DESKTOP_PROGRESS_DELEGATE_H_

#include <QStyledItemDelegate>

namespace nimbus::desktop {

class ProgressDelegate : public QStyledItemDelegate {
  Q_OBJECT
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option,
             const QModelIndex& index) const override;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_PROGRESS_DELEGATE_H_
