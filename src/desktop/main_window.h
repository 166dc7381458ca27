// The drive: folder tree and navigation on the left, breadcrumbs and the
// file table in the middle (or the trash, my shares, the share square), the
// transfer queue (TransferPanel) below.
#ifndef NIMBUS_DESKTOP_MAIN_WINDOW_H_
#define NIMBUS_DESKTOP_MAIN_WINDOW_H_

#include <QJsonObject>
#include <QMainWindow>
#include <QPair>
#include <QVector>
#include <memory>

#include "desktop/api_client.h"
#include "desktop/session_store.h"

class QAction;
class QLabel;
class QLineEdit;
class QListWidget;
class QSettings;
class QStackedWidget;
class QTableView;
class QTreeView;
class QHBoxLayout;

namespace nimbus::desktop {

class FileTableModel;
class FolderTreeModel;
class NodeActions;
class QtHttpTransport;
class ShareActions;
class ShareTableModel;
class TransferModel;
class TransferPanel;
class TransferQueue;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  enum class Page { kFiles, kTrash, kShares, kSquare };

  // `data_dir` holds the session file and the saved transfer queue.
  MainWindow(QSettings* settings, QString data_dir, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Shows the sign-in dialog unless a saved session still works. False when
  // the user gave up signing in.
  bool SignIn();
  // Uses this session (after a sign-in).
  void StartSession(const QString& server, const QString& user,
                    const QByteArray& token);

  void ShowPage(Page page);
  void OpenFolder(qint64 id, const QString& name);
  void UploadPaths(const QStringList& paths);
  void DownloadSelected();
  void ShareSelected();
  QString DownloadDir() const;

  // For tests and the screenshot script.
  FileTableModel* files() const { return files_; }
  TransferModel* transfers() const;
  ShareTableModel* my_shares() const { return my_shares_; }
  ShareTableModel* square() const { return square_; }
  QTableView* file_view() const { return file_view_; }
  QTableView* transfer_view() const;
  TransferQueue* queue() const;
  ApiClient* api() { return &api_; }
  qint64 current_folder() const;
  // Runs `f` on the transfer thread (queued).
  void OnQueue(std::function<void(TransferQueue*)> f);

 Q_SIGNALS:
  void SessionStarted();

 protected:
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;

 private:
  void BuildActions();
  void BuildUi();
  void UpdateBreadcrumbs();
  void UpdateActions();
  void RefreshMe();
  void RefreshShares();
  void ShowError(const ApiResult& r);
  void SessionExpired();
  QVector<QJsonObject> SelectedNodes() const;
  void NewFolder();
  void Rename();
  void Move();
  void Delete();
  void Restore();
  void Purge();
  void EmptyTrash();
  void UploadFilesDialog();
  void UploadFolderDialog();
  void RevokeShare();
  void CopyShareLink();
  void SaveSquareShare();
  void DownloadSquareShare();
  void OpenShareLink();
  // The code of the first selected row of a share table, or empty.
  QString SelectedShareCode(QTableView* view, ShareTableModel* model) const;
  void SignOut();
  void Activated(const QModelIndex& index);

  QSettings* settings_;
  QString data_dir_;
  SessionStore sessions_;
  QtHttpTransport* transport_;  // UI thread
  ApiClient api_;
  TransferPanel* transfers_;
  FileTableModel* files_;
  FolderTreeModel* tree_;
  ShareTableModel* my_shares_;
  ShareTableModel* square_;
  NodeActions* node_actions_;
  ShareActions* share_actions_;
  QString user_;
  QVector<QPair<qint64, QString>> path_;  // breadcrumbs, root first
  Page page_ = Page::kFiles;
  bool asking_sign_in_ = false;

  QListWidget* nav_;
  QTreeView* tree_view_;
  QStackedWidget* stack_;
  QWidget* crumbs_;
  QHBoxLayout* crumbs_layout_;
  QLineEdit* search_;
  QTableView* file_view_;
  QTableView* share_view_;
  QTableView* square_view_;
  QLabel* usage_;
  QLabel* activity_;

  QAction *upload_files_, *upload_folder_, *new_folder_, *download_, *share_,
      *rename_, *move_, *delete_, *restore_, *purge_, *empty_trash_, *refresh_,
      *up_, *revoke_, *copy_link_, *save_share_, *download_share_, *open_share_,
      *settings_action_, *sign_out_, *quit_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_MAIN_WINDOW_H_
