#include "desktop/file_table_model.h"

#include <QApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QLocale>
#include <QMimeDatabase>
#include <QStyle>
#include <algorithm>

namespace nimbus::desktop {
namespace {

const char* SortKey(int column) {
  switch (column) {
    case FileTableModel::kSize:
      return "size";
    case FileTableModel::kModified:
      return "time";
    case FileTableModel::kDownloads:
      return "downloads";
    default:
      return "name";
  }
}

}  // namespace

FileTableModel::FileTableModel(ApiClient* api, QObject* parent)
    : QAbstractTableModel(parent), api_(api) {}

QString FileTableModel::HumanSize(qint64 bytes) {
  return QLocale().formattedDataSize(bytes, 1,
                                     QLocale::DataSizeTraditionalFormat);
}

void FileTableModel::ShowFolder(qint64 id) {
  source_ = Source::kFolder;
  folder_ = id;
  Start();
}

void FileTableModel::ShowSearch(const QString& text) {
  source_ = Source::kSearch;
  search_ = text;
  Start();
}

void FileTableModel::ShowTrash() {
  source_ = Source::kTrash;
  Start();
}

void FileTableModel::Reload() { Start(); }

void FileTableModel::Start() {
  ++generation_;
  beginResetModel();
  nodes_.clear();
  cursor_.clear();
  has_more_ = false;
  endResetModel();
  if (source_ != Source::kNone) FetchPage();
}

int FileTableModel::RowOf(qint64 id) const {
  for (int i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].value("id").toInteger() == id) return i;
  }
  return -1;
}

void FileTableModel::SetSharedNodes(const QSet<qint64>& ids) {
  shared_ = ids;
  if (!nodes_.isEmpty()) {
    Q_EMIT dataChanged(index(0, kShared), index(nodes_.size() - 1, kShared));
  }
}

void FileTableModel::FetchPage() {
  QString path;
  if (source_ == Source::kFolder) {
    path = ApiClient::ChildrenPath(
        folder_,
        QString("sort=%1&order=%2&limit=%3")
            .arg(SortKey(sort_column_))
            .arg(order_ == Qt::AscendingOrder ? "asc" : "desc")
            .arg(kPageSize),
        cursor_);
  } else if (source_ == Source::kSearch) {
    path = "/api/v1/search?q=" +
           QString::fromLatin1(QUrl::toPercentEncoding(search_));
  } else {
    path = "/api/v1/trash";
  }
  loading_ = true;
  Q_EMIT LoadingChanged(true);
  quint64 gen = generation_;
  api_->Call(
      "GET", path, {},
      [this, gen](const ApiResult& r) {
        if (gen != generation_) return;
        loading_ = false;
        if (!r.ok()) {
          has_more_ = false;
          Q_EMIT LoadingChanged(false);
          Q_EMIT Failed(r);
          return;
        }
        QJsonArray items = r.json.value("items").toArray();
        cursor_ = r.json.value("next_cursor").toString();
        has_more_ = source_ == Source::kFolder && !cursor_.isEmpty();
        if (!items.isEmpty()) {
          beginInsertRows({}, nodes_.size(), nodes_.size() + items.size() - 1);
          for (const auto& v : items) nodes_.append(v.toObject());
          endInsertRows();
        }
        if (source_ != Source::kFolder) SortLocally();
        Q_EMIT LoadingChanged(false);
        Q_EMIT PageLoaded(items.size());
      },
      this);
}

bool FileTableModel::canFetchMore(const QModelIndex& parent) const {
  return !parent.isValid() && has_more_ && !loading_;
}

void FileTableModel::fetchMore(const QModelIndex& parent) {
  if (canFetchMore(parent)) FetchPage();
}

void FileTableModel::sort(int column, Qt::SortOrder order) {
  if (column == sort_column_ && order == order_) return;
  sort_column_ = column;
  order_ = order;
  if (source_ == Source::kFolder) {
    Start();
  } else {
    SortLocally();
  }
}

void FileTableModel::SortLocally() {
  Q_EMIT layoutAboutToBeChanged();
  auto key = [this](const QJsonObject& n) -> QVariant {
    switch (sort_column_) {
      case kSize:
        return n.value("size").toInteger();
      case kModified:
        return n.value("updated_at").toInteger();
      case kDownloads:
        return n.value("downloads").toInteger();
      case kType:
        return TypeOf(n);
      default:
        return n.value("name").toString();
    }
  };
  std::stable_sort(nodes_.begin(), nodes_.end(),
                   [&](const QJsonObject& a, const QJsonObject& b) {
                     bool fa = a.value("type").toString() == "folder";
                     bool fb = b.value("type").toString() == "folder";
                     if (fa != fb) return fa;  // folders first
                     QPartialOrdering c = QVariant::compare(key(a), key(b));
                     return order_ == Qt::AscendingOrder
                                ? c == QPartialOrdering::Less
                                : c == QPartialOrdering::Greater;
                   });
  Q_EMIT layoutChanged();
}

int FileTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : nodes_.size();
}

int FileTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumns;
}

QIcon FileTableModel::IconFor(const QJsonObject& node) const {
  QStyle* style = QApplication::style();
  if (node.value("type").toString() == "folder") {
    return style->standardIcon(QStyle::SP_DirIcon);
  }
  static const QMimeDatabase db;
  QMimeType mime = db.mimeTypeForFile(node.value("name").toString(),
                                      QMimeDatabase::MatchExtension);
  auto it = icons_.find(mime.name());
  if (it != icons_.end()) return *it;
  QIcon icon = QIcon::fromTheme(
      mime.iconName(),
      QIcon::fromTheme(mime.genericIconName(),
                       style->standardIcon(QStyle::SP_FileIcon)));
  icons_.insert(mime.name(), icon);
  return icon;
}

QString FileTableModel::TypeOf(const QJsonObject& node) const {
  if (node.value("type").toString() == "folder") return tr("Folder");
  static const QMimeDatabase db;
  QMimeType mime = db.mimeTypeForFile(node.value("name").toString(),
                                      QMimeDatabase::MatchExtension);
  auto it = types_.find(mime.name());
  if (it != types_.end()) return *it;
  QString t = mime.isDefault() ? tr("File") : mime.comment();
  types_.insert(mime.name(), t);
  return t;
}

QVariant FileTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= nodes_.size()) return {};
  const QJsonObject& n = nodes_[index.row()];
  bool folder = n.value("type").toString() == "folder";
  if (role == kNodeRole) return n;
  if (role == Qt::DecorationRole && index.column() == kName) return IconFor(n);
  if (role == Qt::TextAlignmentRole &&
      (index.column() == kSize || index.column() == kDownloads)) {
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role == Qt::ToolTipRole && index.column() == kName) {
    return n.value("name").toString();
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case kName:
      return n.value("name").toString();
    case kSize:
      return folder ? QString() : HumanSize(n.value("size").toInteger());
    case kType:
      return TypeOf(n);
    case kModified:
      return QLocale().toString(
          QDateTime::fromSecsSinceEpoch(n.value("updated_at").toInteger()),
          QLocale::ShortFormat);
    case kDownloads:
      return folder ? QString()
                    : QString::number(n.value("downloads").toInteger());
    case kShared:
      return shared_.contains(n.value("id").toInteger()) ? tr("Shared")
                                                         : QString();
  }
  return {};
}

QVariant FileTableModel::headerData(int section, Qt::Orientation o,
                                    int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kName:
      return tr("Name");
    case kSize:
      return tr("Size");
    case kType:
      return tr("Type");
    case kModified:
      return tr("Modified");
    case kDownloads:
      return tr("Downloads");
    case kShared:
      return tr("Shared");
  }
  return {};
}

}  // namespace nimbus::desktop
