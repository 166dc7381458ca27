// Shares as a table: my live shares, or the public share square ranked by
// downloads.
#ifndef NIMBUS_DESKTOP_SHARE_TABLE_MODEL_H_
#define NIMBUS_DESKTOP_SHARE_TABLE_MODEL_H_

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QSet>
#include <QVector>

#include "desktop/api_client.h"

namespace nimbus::desktop {

class ShareTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum class Kind { kMine, kSquare };
  enum Column {
    kRank,
    kName,
    kSize,
    kDownloads,
    kLimit,
    kExpires,
    kAccess,
    kColumns
  };

  ShareTableModel(ApiClient* api, Kind kind, QObject* parent = nullptr);

  void Reload();
  const QJsonObject& ShareAt(int row) const { return shares_[row]; }
  // Node IDs with a live share (mine only).
  QSet<qint64> SharedNodes() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 Q_SIGNALS:
  void Loaded();
  void Failed(const nimbus::desktop::ApiResult& result);

 private:
  ApiClient* api_;
  Kind kind_;
  QVector<QJsonObject> shares_;
  quint64 generation_ = 0;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_SHARE_TABLE_MODEL_H_
