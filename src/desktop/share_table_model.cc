#include "desktop/share_table_model.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

#include "desktop/file_table_model.h"

namespace nimbus::desktop {

ShareTableModel::ShareTableModel(ApiClient* api, Kind kind, QObject* parent)
    : QAbstractTableModel(parent), api_(api), kind_(kind) {}

void ShareTableModel::Reload() {
  quint64 gen = ++generation_;
  api_->Call(
      "GET",
      kind_ == Kind::kMine ? "/api/v1/shares" : "/api/v1/square?limit=200", {},
      [this, gen](const ApiResult& r) {
        if (gen != generation_) return;
        if (!r.ok()) {
          Q_EMIT Failed(r);
          return;
        }
        beginResetModel();
        shares_.clear();
        for (const auto& v : r.json.value("items").toArray()) {
          shares_.append(v.toObject());
        }
        endResetModel();
        Q_EMIT Loaded();
      },
      this);
}

QSet<qint64> ShareTableModel::SharedNodes() const {
  QSet<qint64> ids;
  for (const auto& s : shares_) {
    if (s.contains("node")) ids.insert(s.value("node").toInteger());
  }
  return ids;
}

int ShareTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : shares_.size();
}

int ShareTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumns;
}

QVariant ShareTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= shares_.size()) return {};
  const QJsonObject& s = shares_[index.row()];
  if (role == Qt::TextAlignmentRole &&
      (index.column() == kRank || index.column() == kDownloads ||
       index.column() == kSize)) {
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role == Qt::ToolTipRole) return s.value("code").toString();
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case kRank:
      return index.row() + 1;
    case kName:
      return s.contains("name")
                 ? s.value("name").toString()
                 : tr("(protected) %1").arg(s.value("code").toString());
    case kSize:
      return s.contains("size")
                 ? FileTableModel::HumanSize(s.value("size").toInteger())
                 : QString();
    case kDownloads:
      return s.value("downloads").toInteger();
    case kLimit:
      return s.value("max_downloads").isNull()
                 ? tr("Unlimited")
                 : QString::number(s.value("max_downloads").toInteger());
    case kExpires:
      return s.value("expires_at").isNull()
                 ? tr("Never")
                 : QLocale().toString(QDateTime::fromSecsSinceEpoch(
                                          s.value("expires_at").toInteger()),
                                      QLocale::ShortFormat);
    case kAccess:
      if (s.value("public").toBool()) return tr("Public");
      return s.value("requires_password").toBool() ? tr("Password")
                                                   : tr("Link");
  }
  return {};
}

QVariant ShareTableModel::headerData(int section, Qt::Orientation o,
                                     int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kRank:
      return tr("#");
    case kName:
      return tr("Name");
    case kSize:
      return tr("Size");
    case kDownloads:
      return tr("Downloads");
    case kLimit:
      return tr("Limit");
    case kExpires:
      return tr("Expires");
    case kAccess:
      return tr("Access");
  }
  return {};
}

}  // namespace nimbus::desktop
