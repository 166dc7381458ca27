#include "desktop/transfer_model.h"

#include "desktop/file_table_model.h"

namespace nimbus::desktop {

int TransferModel::RowOf(qint64 id) const {
  for (int i = 0; i < items_.size(); ++i) {
    if (items_[i].id == id) return i;
  }
  return -1;
}

int TransferModel::Active() const {
  int n = 0;
  for (const auto& t : items_) {
    n += t.state == TransferItem::State::kQueued ||
         t.state == TransferItem::State::kRunning;
  }
  return n;
}

void TransferModel::Update(const TransferItem& item) {
  int row = RowOf(item.id);
  if (row < 0) {
    beginInsertRows({}, items_.size(), items_.size());
    items_.append(item);
    endInsertRows();
    return;
  }
  items_[row] = item;
  Q_EMIT dataChanged(index(row, 0), index(row, kColumns - 1));
}

void TransferModel::Remove(qint64 id) {
  int row = RowOf(id);
  if (row < 0) return;
  beginRemoveRows({}, row, row);
  items_.removeAt(row);
  endRemoveRows();
}

int TransferModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : items_.size();
}

int TransferModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumns;
}

QString TransferModel::TimeLeft(const TransferItem& t) {
  if (t.state != TransferItem::State::kRunning || t.speed < 1) return {};
  qint64 s = static_cast<qint64>((t.size - t.done) / t.speed);
  if (s >= 3600) return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
  if (s >= 60) return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
  return tr("%1 s").arg(s);
}

QString TransferModel::StatusText(const TransferItem& t) {
  QString state;
  switch (t.state) {
    case TransferItem::State::kQueued:
      state = tr("Waiting");
      break;
    case TransferItem::State::kRunning:
      if (t.phase == "hashing") {
        state = tr("Computing checksum");
      } else if (t.phase == "checking") {
        state = tr("Checking for instant upload");
      } else if (t.phase == "verifying") {
        state = tr("Verifying");
      } else {
        state = t.kind == TransferItem::Kind::kUpload ? tr("Uploading")
                                                      : tr("Downloading");
      }
      break;
    case TransferItem::State::kPaused:
      state = tr("Paused");
      break;
    case TransferItem::State::kFailed:
      state = tr("Failed");
      break;
    case TransferItem::State::kDone:
      state = tr("Done");
      break;
  }
  return t.message.isEmpty() ? state : state + ": " + t.message;
}

QVariant TransferModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= items_.size()) return {};
  const TransferItem& t = items_[index.row()];
  if (role == kIdRole) return t.id;
  if (role == kProgressRole) {
    return t.size ? static_cast<int>(t.done * 1000 / t.size)
                  : (t.finished() ? 1000 : 0);
  }
  if (role == Qt::ToolTipRole) {
    return t.local_path + (t.message.isEmpty() ? "" : "\n" + t.message);
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case kName:
      return t.name;
    case kDirection:
      return t.kind == TransferItem::Kind::kUpload ? tr("Upload")
                                                   : tr("Download");
    case kSize:
      return FileTableModel::HumanSize(t.size);
    case kProgress:
      return QString("%1 / %2").arg(FileTableModel::HumanSize(t.done),
                                    FileTableModel::HumanSize(t.size));
    case kSpeed:
      return t.state == TransferItem::State::kRunning && t.speed > 0
                 ? FileTableModel::HumanSize(static_cast<qint64>(t.speed)) +
                       "/s"
                 : QString();
    case kTimeLeft:
      return TimeLeft(t);
    case kStatus:
      return StatusText(t);
  }
  return {};
}

QVariant TransferModel::headerData(int section, Qt::Orientation o,
                                   int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kName:
      return tr("Name");
    case kDirection:
      return tr("Direction");
    case kSize:
      return tr("Size");
    case kProgress:
      return tr("Progress");
    case kSpeed:
      return tr("Speed");
    case kTimeLeft:
      return tr("Time left");
    case kStatus:
      return tr("Status");
  }
  return {};
}

}  // namespace nimbus::desktop
