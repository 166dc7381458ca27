// The file table of the browser: a folder's children fetched page by page
// from the server as the view scrolls (canFetchMore/fetchMore), so a folder
// of 10,000 files opens at once; or search results; or the trash. Sorting a
// folder asks the server for that order (names, sizes, times, downloads).
#ifndef NIMBUS_DESKTOP_FILE_TABLE_MODEL_H_
#define NIMBUS_DESKTOP_FILE_TABLE_MODEL_H_

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QJsonObject>
#include <QSet>
#include <QVector>

#include "desktop/api_client.h"

namespace nimbus::desktop {

class FileTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kName, kSize, kType, kModified, kDownloads, kShared, kColumns };
  enum class Source { kNone, kFolder, kSearch, kTrash };
  static constexpr int kPageSize = 500;
  static constexpr int kNodeRole = Qt::UserRole + 1;

  FileTableModel(ApiClient* api, QObject* parent = nullptr);

  void ShowFolder(qint64 id);
  void ShowSearch(const QString& text);
  void ShowTrash();
  void Reload();

  Source source() const { return source_; }
  qint64 folder() const { return folder_; }
  bool loading() const { return loading_; }
  const QJsonObject& NodeAt(int row) const { return nodes_[row]; }
  int RowOf(qint64 id) const;
  void SetSharedNodes(const QSet<qint64>& ids);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;
  bool canFetchMore(const QModelIndex& parent) const override;
  void fetchMore(const QModelIndex& parent) override;
  void sort(int column, Qt::SortOrder order) override;

  static QString HumanSize(qint64 bytes);
  QIcon IconFor(const QJsonObject& node) const;
  QString TypeOf(const QJsonObject& node) const;

 Q_SIGNALS:
  void LoadingChanged(bool loading);
  void Failed(const nimbus::desktop::ApiResult& result);
  void PageLoaded(int rows);

 private:
  void Start();
  void FetchPage();
  void SortLocally();

  ApiClient* api_;
  // kNone until something is shown: sorting or reloading then asks nothing
  // (the window sorts its table before anyone has signed in).
  Source source_ = Source::kNone;
  qint64 folder_ = 0;
  QString search_;
  QVector<QJsonObject> nodes_;
  QString cursor_;
  bool has_more_ = false;
  bool loading_ = false;
  quint64 generation_ = 0;
  int sort_column_ = kName;
  Qt::SortOrder order_ = Qt::AscendingOrder;
  QSet<qint64> shared_;
  mutable QHash<QString, QIcon> icons_;
  mutable QHash<QString, QString> types_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_FILE_TABLE_MODEL_H_
