// The transfer queue as the UI shows it: one row per item, refreshed from
// the queue's ItemChanged snapshots (the queue itself runs elsewhere).
#ifndef NIMBUS_DESKTOP_TRANSFER_MODEL_H_
#define NIMBUS_DESKTOP_TRANSFER_MODEL_H_

#include <QAbstractTableModel>
#include <QVector>

#include "desktop/transfer_item.h"

namespace nimbus::desktop {

class TransferModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    kName,
    kDirection,
    kSize,
    kProgress,
    kSpeed,
    kTimeLeft,
    kStatus,
    kColumns
  };
  static constexpr int kProgressRole = Qt::UserRole + 1;  // 0..1000
  static constexpr int kIdRole = Qt::UserRole + 2;

  using QAbstractTableModel::QAbstractTableModel;

  const TransferItem& ItemAt(int row) const { return items_[row]; }
  int RowOf(qint64 id) const;
  // Queued, running or paused items, for the status bar.
  int Active() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

  static QString StatusText(const TransferItem& t);
  static QString TimeLeft(const TransferItem& t);

 public Q_SLOTS:
  void Update(const nimbus::desktop::TransferItem& item);
  void Remove(qint64 id);

 private:
  QVector<TransferItem> items_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_TRANSFER_MODEL_H_
