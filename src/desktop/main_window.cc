#include "desktop/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <type_traits>

#include "desktop/file_table_model.h"
#include "desktop/folder_picker_dialog.h"
#include "desktop/folder_tree_model.h"
#include "desktop/login_dialog.h"
#include "desktop/node_actions.h"
#include "desktop/qt_http_transport.h"
#include "desktop/settings_dialog.h"
#include "desktop/share_actions.h"
#include "desktop/share_dialog.h"
#include "desktop/share_table_model.h"
#include "desktop/transfer_model.h"
#include "desktop/transfer_panel.h"
#include "desktop/transfer_queue.h"

namespace nimbus::desktop {

MainWindow::MainWindow(QSettings* settings, QString data_dir, QWidget* parent)
    : QMainWindow(parent),
      settings_(settings),
      data_dir_(std::move(data_dir)),
      sessions_(data_dir_ + "/session.json"),
      transport_(new QtHttpTransport(this)),
      api_(transport_, QUrl()) {
  transfers_ = new TransferPanel(
      data_dir_ + "/transfers.json",
      settings_->value("transfers/parallel", 3).toInt(), this);
  TransferQueue* queue = transfers_->queue();
  connect(queue, &TransferQueue::SessionExpired, this,
          &MainWindow::SessionExpired);
  connect(queue, &TransferQueue::Notice, this, [this](const QString& text) {
    statusBar()->showMessage(text, 10000);
  });
  connect(queue, &TransferQueue::ItemChanged, this,
          [this](const TransferItem& t) {
            if (t.finished() && t.kind == TransferItem::Kind::kUpload &&
                page_ == Page::kFiles && t.parent == current_folder()) {
              files_->Reload();
              RefreshMe();
            }
          });

  files_ = new FileTableModel(&api_, this);
  tree_ = new FolderTreeModel(&api_, this);
  my_shares_ = new ShareTableModel(&api_, ShareTableModel::Kind::kMine, this);
  square_ = new ShareTableModel(&api_, ShareTableModel::Kind::kSquare, this);
  connect(files_, &FileTableModel::Failed, this, &MainWindow::ShowError);
  connect(tree_, &FolderTreeModel::Failed, this, &MainWindow::ShowError);
  connect(my_shares_, &ShareTableModel::Failed, this, &MainWindow::ShowError);
  connect(square_, &ShareTableModel::Failed, this, &MainWindow::ShowError);
  connect(my_shares_, &ShareTableModel::Loaded, this,
          [this] { files_->SetSharedNodes(my_shares_->SharedNodes()); });
  node_actions_ = new NodeActions(&api_, this);
  share_actions_ = new ShareActions(&api_, this);
  // Both report failures and notices the same way, and a change to the
  // drive's contents the same way.
  auto report = [this](auto* actions) {
    using Actions = std::remove_pointer_t<decltype(actions)>;
    connect(actions, &Actions::Failed, this, &MainWindow::ShowError);
    connect(actions, &Actions::Message, this, [this](const QString& text) {
      statusBar()->showMessage(text, 5000);
    });
  };
  report(node_actions_);
  report(share_actions_);
  auto drive_changed = [this] {
    files_->Reload();
    RefreshMe();
  };
  connect(node_actions_, &NodeActions::FolderChanged, this,
          [this](qint64 folder) {
            files_->Reload();
            tree_->Refresh(folder);
          });
  connect(node_actions_, &NodeActions::UsageChanged, this, drive_changed);
  connect(share_actions_, &ShareActions::SharesChanged, this,
          &MainWindow::RefreshShares);
  connect(share_actions_, &ShareActions::SquareChanged, square_,
          &ShareTableModel::Reload);
  connect(share_actions_, &ShareActions::DriveChanged, this, drive_changed);
  connect(share_actions_, &ShareActions::DownloadReady, this,
          [this](const QString& url, qint64 expires, const QString& name,
                 qint64 size, const QString& sha) {
            QString dir = DownloadDir();
            OnQueue([=](TransferQueue* q) {
              q->AddDownloadFromUrl(url, expires, name, size, sha, dir);
            });
          });
  BuildActions();
  BuildUi();
  setAcceptDrops(true);
  setWindowTitle(tr("Nimbus"));
  resize(1100, 720);
}

MainWindow::~MainWindow() {
  // Before this window's slots go: the queue saves itself as it goes.
  delete transfers_;
}

void MainWindow::OnQueue(std::function<void(TransferQueue*)> f) {
  transfers_->OnQueue(std::move(f));
}

TransferModel* MainWindow::transfers() const { return transfers_->model(); }
QTableView* MainWindow::transfer_view() const { return transfers_->view(); }
TransferQueue* MainWindow::queue() const { return transfers_->queue(); }

qint64 MainWindow::current_folder() const {
  return path_.isEmpty() ? 0 : path_.last().first;
}

QString MainWindow::DownloadDir() const {
  return settings_
      ->value("transfers/download_dir", QStandardPaths::writableLocation(
                                            QStandardPaths::DownloadLocation))
      .toString();
}

void MainWindow::BuildActions() {
  auto make = [this](const QString& text, QKeySequence key,
                     QStyle::StandardPixmap icon, void (MainWindow::*slot)()) {
    auto* a = new QAction(style()->standardIcon(icon), text, this);
    if (!key.isEmpty()) a->setShortcut(key);
    a->setShortcutContext(Qt::WindowShortcut);
    connect(a, &QAction::triggered, this, slot);
    addAction(a);
    return a;
  };
  upload_files_ = make(tr("&Upload files…"), QKeySequence("Ctrl+U"),
                       QStyle::SP_ArrowUp, &MainWindow::UploadFilesDialog);
  upload_folder_ =
      make(tr("Upload &folder…"), QKeySequence("Ctrl+Shift+U"),
           QStyle::SP_FileDialogNewFolder, &MainWindow::UploadFolderDialog);
  new_folder_ = make(tr("&New folder"), QKeySequence("Ctrl+Shift+N"),
                     QStyle::SP_FileDialogNewFolder, &MainWindow::NewFolder);
  download_ = make(tr("&Download"), QKeySequence("Ctrl+D"),
                   QStyle::SP_ArrowDown, &MainWindow::DownloadSelected);
  share_ = make(tr("&Share…"), QKeySequence("Ctrl+Shift+S"),
                QStyle::SP_DriveNetIcon, &MainWindow::ShareSelected);
  rename_ = make(tr("&Rename"), QKeySequence(Qt::Key_F2),
                 QStyle::SP_FileDialogDetailedView, &MainWindow::Rename);
  move_ = make(tr("&Move to…"), QKeySequence("Ctrl+M"),
               QStyle::SP_FileDialogToParent, &MainWindow::Move);
  delete_ = make(tr("De&lete"), QKeySequence::Delete, QStyle::SP_TrashIcon,
                 &MainWindow::Delete);
  restore_ = make(tr("&Restore"), QKeySequence("Ctrl+R"),
                  QStyle::SP_DialogResetButton, &MainWindow::Restore);
  purge_ = make(tr("Delete for &good"), QKeySequence("Shift+Del"),
                QStyle::SP_DialogDiscardButton, &MainWindow::Purge);
  empty_trash_ = make(tr("&Empty trash"), {}, QStyle::SP_TrashIcon,
                      &MainWindow::EmptyTrash);
  refresh_ = make(tr("Re&fresh"), QKeySequence::Refresh,
                  QStyle::SP_BrowserReload, &MainWindow::RefreshMe);
  connect(refresh_, &QAction::triggered, this, [this] {
    if (page_ == Page::kShares) return my_shares_->Reload();
    if (page_ == Page::kSquare) return square_->Reload();
    files_->Reload();
    tree_->Refresh(current_folder());
    RefreshShares();
  });
  up_ = new QAction(style()->standardIcon(QStyle::SP_FileDialogToParent),
                    tr("&Up"), this);
  up_->setShortcuts({QKeySequence("Alt+Up"), QKeySequence(Qt::Key_Backspace)});
  connect(up_, &QAction::triggered, this, [this] {
    if (page_ != Page::kFiles || path_.size() < 2) return;
    path_.removeLast();
    auto [id, name] = path_.last();
    path_.removeLast();
    OpenFolder(id, name);
  });
  addAction(up_);
  revoke_ = make(tr("Re&voke"), {}, QStyle::SP_DialogCancelButton,
                 &MainWindow::RevokeShare);
  copy_link_ = make(tr("&Copy link"), QKeySequence::Copy,
                    QStyle::SP_DialogSaveButton, &MainWindow::CopyShareLink);
  save_share_ = make(tr("Save to &my drive"), {}, QStyle::SP_DialogSaveButton,
                     &MainWindow::SaveSquareShare);
  download_share_ = make(tr("Download"), {}, QStyle::SP_ArrowDown,
                         &MainWindow::DownloadSquareShare);
  open_share_ = make(tr("Open a share &link…"), QKeySequence("Ctrl+L"),
                     QStyle::SP_DirLinkIcon, &MainWindow::OpenShareLink);
  settings_action_ =
      new QAction(style()->standardIcon(QStyle::SP_FileDialogInfoView),
                  tr("&Settings…"), this);
  connect(settings_action_, &QAction::triggered, this, [this] {
    SettingsDialog d(settings_, this);
    if (d.exec() == QDialog::Accepted) {
      int n = settings_->value("transfers/parallel", 3).toInt();
      OnQueue([n](TransferQueue* q) { q->SetMaxParallel(n); });
    }
  });
  sign_out_ = make(tr("Sign &out"), {}, QStyle::SP_DialogCloseButton,
                   &MainWindow::SignOut);
  quit_ = new QAction(tr("&Quit"), this);
  quit_->setShortcut(QKeySequence::Quit);
  connect(quit_, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::BuildUi() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addActions({upload_files_, upload_folder_, open_share_});
  file->addSeparator();
  file->addActions({settings_action_, sign_out_, quit_});
  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->addActions({new_folder_, rename_, move_, delete_, share_, download_});
  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->addActions({refresh_, up_});
  QToolBar* bar = addToolBar(tr("Files"));
  bar->setObjectName("files-toolbar");
  bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  bar->addActions({upload_files_, upload_folder_, new_folder_, download_,
                   share_, delete_, restore_, empty_trash_, revoke_,
                   save_share_, refresh_});
  search_ = new QLineEdit(this);
  search_->setPlaceholderText(tr("Search by name (Ctrl+F)"));
  search_->setClearButtonEnabled(true);
  search_->setMaximumWidth(260);
  auto* find = new QAction(this);
  find->setShortcut(QKeySequence::Find);
  connect(find, &QAction::triggered, search_, [this] {
    search_->setFocus();
    search_->selectAll();
  });
  addAction(find);
  bar->addSeparator();
  bar->addWidget(search_);
  connect(search_, &QLineEdit::returnPressed, this, [this] {
    QString q = search_->text().trimmed();
    if (q.isEmpty())
      return OpenFolder(current_folder(),
                        path_.isEmpty() ? tr("My files") : path_.last().second);
    ShowPage(Page::kFiles);
    files_->ShowSearch(q);
    path_.clear();
    UpdateBreadcrumbs();
  });

  nav_ = new QListWidget(this);
  nav_->addItem(new QListWidgetItem(
      style()->standardIcon(QStyle::SP_DirHomeIcon), tr("My files")));
  nav_->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_TrashIcon),
                                    tr("Trash")));
  nav_->addItem(new QListWidgetItem(
      style()->standardIcon(QStyle::SP_DriveNetIcon), tr("My shares")));
  nav_->addItem(new QListWidgetItem(
      style()->standardIcon(QStyle::SP_ComputerIcon), tr("Share square")));
  nav_->setMaximumHeight(4 * nav_->sizeHintForRow(0) + 8);
  connect(nav_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (row == 0) return OpenFolder(0, tr("My files"));
    ShowPage(static_cast<Page>(row));
  });
  tree_view_ = new QTreeView(this);
  tree_view_->setModel(tree_);
  tree_view_->setHeaderHidden(true);
  connect(tree_view_, &QTreeView::expanded, tree_, &FolderTreeModel::Expand);
  connect(tree_view_, &QTreeView::clicked, this, [this](const QModelIndex& i) {
    QVariant id = i.data(FolderTreeModel::kIdRole);
    if (id.isValid()) OpenFolder(id.toLongLong(), i.data().toString());
  });
  auto* left = new QWidget(this);
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  left_layout->addWidget(nav_);
  left_layout->addWidget(tree_view_);

  auto table = [this](QAbstractItemModel* model) {
    auto* v = new QTableView(this);
    v->setModel(model);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->verticalHeader()->hide();
    v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 8);
    v->setShowGrid(false);
    v->setAlternatingRowColors(true);
    v->setContextMenuPolicy(Qt::CustomContextMenu);
    v->horizontalHeader()->setHighlightSections(false);
    return v;
  };
  file_view_ = table(files_);
  file_view_->setSortingEnabled(true);
  file_view_->sortByColumn(FileTableModel::kName, Qt::AscendingOrder);
  file_view_->horizontalHeader()->setSectionResizeMode(FileTableModel::kName,
                                                       QHeaderView::Stretch);
  connect(file_view_, &QTableView::activated, this, &MainWindow::Activated);
  connect(file_view_->selectionModel(), &QItemSelectionModel::selectionChanged,
          this, &MainWindow::UpdateActions);
  connect(file_view_, &QWidget::customContextMenuRequested, this,
          [this](const QPoint& p) {
            QMenu m;
            if (page_ == Page::kTrash) {
              m.addActions({restore_, purge_});
              m.addSeparator();
              m.addAction(empty_trash_);
            } else {
              m.addActions({download_, share_});
              m.addSeparator();
              m.addActions({rename_, move_, delete_});
              m.addSeparator();
              m.addActions({new_folder_, upload_files_, upload_folder_});
            }
            m.exec(file_view_->viewport()->mapToGlobal(p));
          });
  share_view_ = table(my_shares_);
  share_view_->hideColumn(ShareTableModel::kRank);
  share_view_->horizontalHeader()->setSectionResizeMode(ShareTableModel::kName,
                                                        QHeaderView::Stretch);
  connect(share_view_, &QWidget::customContextMenuRequested, this,
          [this](const QPoint& p) {
            QMenu m;
            m.addActions({copy_link_, revoke_});
            m.exec(share_view_->viewport()->mapToGlobal(p));
          });
  square_view_ = table(square_);
  square_view_->hideColumn(ShareTableModel::kLimit);
  square_view_->horizontalHeader()->setSectionResizeMode(ShareTableModel::kName,
                                                         QHeaderView::Stretch);
  connect(square_view_, &QWidget::customContextMenuRequested, this,
          [this](const QPoint& p) {
            QMenu m;
            m.addActions({save_share_, download_share_});
            m.exec(square_view_->viewport()->mapToGlobal(p));
          });

  crumbs_ = new QWidget(this);
  crumbs_layout_ = new QHBoxLayout(crumbs_);
  crumbs_layout_->setContentsMargins(4, 2, 4, 2);
  auto* files_page = new QWidget(this);
  auto* files_layout = new QVBoxLayout(files_page);
  files_layout->setContentsMargins(0, 0, 0, 0);
  files_layout->addWidget(crumbs_);
  files_layout->addWidget(file_view_);
  stack_ = new QStackedWidget(this);
  stack_->addWidget(files_page);
  stack_->addWidget(share_view_);
  stack_->addWidget(square_view_);

  auto* right = new QSplitter(Qt::Vertical, this);
  right->addWidget(stack_);
  right->addWidget(transfers_);
  right->setStretchFactor(0, 3);
  right->setStretchFactor(1, 1);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(left);
  split->addWidget(right);
  split->setStretchFactor(1, 1);
  split->setSizes({230, 870});
  setCentralWidget(split);

  usage_ = new QLabel(this);
  activity_ = new QLabel(this);
  statusBar()->addPermanentWidget(activity_);
  statusBar()->addPermanentWidget(usage_);
  connect(files_, &FileTableModel::LoadingChanged, this, [this](bool on) {
    if (on) activity_->setText(tr("Loading…"));
  });
  connect(files_, &FileTableModel::PageLoaded, this, [this] {
    QString more = files_->canFetchMore({}) ? "+" : "";
    activity_->setText(tr("%n item(s)", nullptr, files_->rowCount()) + more);
  });
  UpdateActions();
}

bool MainWindow::SignIn() {
  if (auto saved = sessions_.Load()) {
    // Check the saved session before trusting it.
    api_.SetServer(QUrl(saved->server));
    api_.SetToken(saved->token);
    bool done = false, ok = false;
    api_.Call("GET", "/api/v1/me", {}, [&](const ApiResult& r) {
      ok = r.ok();
      done = true;
    });
    while (!done) QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    if (ok) {
      StartSession(saved->server, saved->user, saved->token);
      return true;
    }
  }
  LoginDialog d(&api_,
                settings_->value("server", "http://127.0.0.1:8090").toString(),
                settings_->value("user").toString(), this);
  if (d.exec() != QDialog::Accepted) return false;
  StartSession(d.server(), d.user(), d.token());
  return true;
}

void MainWindow::StartSession(const QString& server, const QString& user,
                              const QByteArray& token) {
  user_ = user;
  api_.SetServer(QUrl(server));
  api_.SetToken(token);
  settings_->setValue("server", server);
  settings_->setValue("user", user);
  QString error;
  if (!sessions_.Save({server, user, token}, &error)) {
    statusBar()->showMessage(
        tr("The session will not be remembered: %1").arg(error), 10000);
  }
  QUrl url(server);
  OnQueue([url, token](TransferQueue* q) { q->SetSession(url, token); });
  setWindowTitle(tr("Nimbus — %1").arg(user));
  tree_->Refresh(0);
  tree_view_->expand(tree_->RootIndex());
  nav_->blockSignals(true);
  nav_->setCurrentRow(0);
  nav_->blockSignals(false);
  OpenFolder(0, tr("My files"));
  RefreshMe();
  RefreshShares();
  Q_EMIT SessionStarted();
}

void MainWindow::SessionExpired() {
  if (asking_sign_in_) return;
  asking_sign_in_ = true;
  OnQueue([](TransferQueue* q) { q->SetSession(QUrl(), {}); });
  LoginDialog d(&api_, api_.server().toString(), user_, this);
  d.SetNotice(
      tr("Your session has expired. Sign in again; your transfers "
         "are kept and go on afterwards."));
  if (d.exec() == QDialog::Accepted) {
    StartSession(d.server(), d.user(), d.token());
  } else {
    statusBar()->showMessage(
        tr("Signed out. Transfers wait until you sign in."));
  }
  asking_sign_in_ = false;
}

void MainWindow::SignOut() {
  api_.Call("POST", "/api/v1/auth/logout", {}, {});
  sessions_.Clear();
  OnQueue([](TransferQueue* q) {
    q->PauseAll();
    q->SetSession(QUrl(), {});
  });
  api_.SetToken({});
  LoginDialog d(&api_, api_.server().toString(), user_, this);
  if (d.exec() == QDialog::Accepted) {
    StartSession(d.server(), d.user(), d.token());
  } else {
    close();
  }
}

void MainWindow::ShowError(const ApiResult& r) {
  if (r.session_expired()) return SessionExpired();
  statusBar()->showMessage(r.PlainWords(), 10000);
}

void MainWindow::RefreshMe() {
  api_.Call(
      "GET", "/api/v1/me", {},
      [this](const ApiResult& r) {
        if (!r.ok()) return ShowError(r);
        QJsonObject u = r.json.value("user").toObject();
        usage_->setText(tr("%1 — %2 of %3 used")
                            .arg(u.value("name").toString(),
                                 FileTableModel::HumanSize(
                                     u.value("used_bytes").toInteger()),
                                 FileTableModel::HumanSize(
                                     u.value("quota_bytes").toInteger())));
      },
      this);
}

void MainWindow::RefreshShares() { my_shares_->Reload(); }

void MainWindow::ShowPage(Page page) {
  if (api_.token().isEmpty()) return;  // not signed in yet
  page_ = page;
  switch (page) {
    case Page::kFiles:
      stack_->setCurrentIndex(0);
      break;
    case Page::kTrash:
      stack_->setCurrentIndex(0);
      path_.clear();
      files_->ShowTrash();
      UpdateBreadcrumbs();
      break;
    case Page::kShares:
      stack_->setCurrentIndex(1);
      my_shares_->Reload();
      break;
    case Page::kSquare:
      stack_->setCurrentIndex(2);
      square_->Reload();
      break;
  }
  nav_->blockSignals(true);
  nav_->setCurrentRow(static_cast<int>(page));
  nav_->blockSignals(false);
  UpdateActions();
}

void MainWindow::OpenFolder(qint64 id, const QString& name) {
  if (api_.token().isEmpty()) return;  // not signed in yet
  if (page_ != Page::kFiles) ShowPage(Page::kFiles);
  int at = -1;
  for (int i = 0; i < path_.size(); ++i) {
    if (path_[i].first == id) at = i;
  }
  if (id == 0) {
    path_ = {{0, tr("My files")}};
  } else if (at >= 0) {
    path_.resize(at + 1);
  } else {
    if (path_.isEmpty()) path_ = {{0, tr("My files")}};
    path_.append({id, name});
  }
  files_->ShowFolder(id);
  UpdateBreadcrumbs();
  UpdateActions();
}

void MainWindow::UpdateBreadcrumbs() {
  while (QLayoutItem* item = crumbs_layout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  if (page_ == Page::kTrash) {
    crumbs_layout_->addWidget(new QLabel(tr("Trash: items here still count "
                                            "against your quota."),
                                         crumbs_));
  } else if (path_.isEmpty()) {
    crumbs_layout_->addWidget(new QLabel(
        tr("Search results for “%1”").arg(search_->text()), crumbs_));
  }
  for (int i = 0; i < path_.size(); ++i) {
    if (i) crumbs_layout_->addWidget(new QLabel("›", crumbs_));
    auto* b = new QToolButton(crumbs_);
    b->setText(path_[i].second);
    b->setAutoRaise(true);
    auto [id, name] = path_[i];
    connect(b, &QToolButton::clicked, this,
            [this, id = id, name = name] { OpenFolder(id, name); });
    crumbs_layout_->addWidget(b);
  }
  crumbs_layout_->addStretch();
}

void MainWindow::UpdateActions() {
  bool files = page_ == Page::kFiles;
  bool trash = page_ == Page::kTrash;
  QVector<QJsonObject> sel = SelectedNodes();
  bool one = sel.size() == 1;
  bool one_file = one && sel[0].value("type").toString() == "file";
  bool in_folder = files && !path_.isEmpty();
  upload_files_->setEnabled(in_folder);
  upload_folder_->setEnabled(in_folder);
  new_folder_->setEnabled(in_folder);
  download_->setEnabled(files && !sel.isEmpty());
  share_->setEnabled(files && one_file);
  rename_->setEnabled(files && one);
  move_->setEnabled(files && !sel.isEmpty());
  delete_->setEnabled(files && !sel.isEmpty());
  restore_->setVisible(trash);
  purge_->setVisible(trash);
  empty_trash_->setVisible(trash);
  restore_->setEnabled(trash && !sel.isEmpty());
  purge_->setEnabled(trash && !sel.isEmpty());
  revoke_->setVisible(page_ == Page::kShares);
  copy_link_->setEnabled(page_ == Page::kShares);
  save_share_->setVisible(page_ == Page::kSquare);
  download_share_->setVisible(page_ == Page::kSquare);
  delete_->setVisible(!trash);
  share_->setVisible(!trash);
  download_->setVisible(!trash);
}

QVector<QJsonObject> MainWindow::SelectedNodes() const {
  QVector<QJsonObject> out;
  if (!file_view_->selectionModel()) return out;
  for (const QModelIndex& i : file_view_->selectionModel()->selectedRows()) {
    out.append(files_->NodeAt(i.row()));
  }
  return out;
}

void MainWindow::Activated(const QModelIndex& index) {
  const QJsonObject& n = files_->NodeAt(index.row());
  if (page_ == Page::kTrash) return;
  if (n.value("type").toString() == "folder") {
    if (path_.isEmpty()) path_ = {{0, tr("My files")}};  // from search
    OpenFolder(n.value("id").toInteger(), n.value("name").toString());
  } else {
    DownloadSelected();
  }
}

void MainWindow::UploadFilesDialog() {
  QStringList files = QFileDialog::getOpenFileNames(this, tr("Upload files"));
  UploadPaths(files);
}

void MainWindow::UploadFolderDialog() {
  QString dir = QFileDialog::getExistingDirectory(this, tr("Upload a folder"));
  if (!dir.isEmpty()) UploadPaths({dir});
}

void MainWindow::UploadPaths(const QStringList& paths) {
  qint64 parent = current_folder();
  for (const QString& p : paths) {
    if (QFileInfo(p).isDir()) {
      OnQueue([p, parent](TransferQueue* q) { q->AddUploadFolder(p, parent); });
    } else {
      OnQueue([p, parent](TransferQueue* q) { q->AddUpload(p, parent); });
    }
  }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  if (e->mimeData()->hasUrls() && page_ == Page::kFiles && !path_.isEmpty()) {
    e->acceptProposedAction();
  }
}

void MainWindow::dropEvent(QDropEvent* e) {
  QStringList paths;
  for (const QUrl& u : e->mimeData()->urls()) {
    if (u.isLocalFile()) paths.append(u.toLocalFile());
  }
  UploadPaths(paths);
  e->acceptProposedAction();
}

void MainWindow::DownloadSelected() {
  QString dir = DownloadDir();
  for (const QJsonObject& n : SelectedNodes()) {
    if (n.value("type").toString() == "folder") {
      qint64 id = n.value("id").toInteger();
      QString name = n.value("name").toString();
      OnQueue([=](TransferQueue* q) { q->AddDownloadFolder(id, name, dir); });
      continue;
    }
    qint64 id = n.value("id").toInteger();
    QString name = n.value("name").toString();
    qint64 size = n.value("size").toInteger();
    QString sha = n.value("sha256").toString();
    OnQueue(
        [=](TransferQueue* q) { q->AddDownload(id, name, size, sha, dir); });
  }
}

void MainWindow::ShareSelected() {
  QVector<QJsonObject> sel = SelectedNodes();
  if (sel.size() != 1 || sel[0].value("type").toString() != "file") return;
  auto* d = new ShareDialog(&api_, sel[0].value("id").toInteger(),
                            sel[0].value("name").toString(), this);
  d->setAttribute(Qt::WA_DeleteOnClose);
  connect(d, &ShareDialog::Created, this, [this] { RefreshShares(); });
  d->open();
}

void MainWindow::NewFolder() { node_actions_->NewFolder(current_folder()); }

void MainWindow::Rename() {
  QVector<QJsonObject> sel = SelectedNodes();
  if (sel.size() == 1) node_actions_->Rename(sel[0]);
}

void MainWindow::Move() {
  node_actions_->Move(SelectedNodes(), current_folder());
}

void MainWindow::Delete() {
  node_actions_->Trash(SelectedNodes(), current_folder());
}

void MainWindow::Restore() { node_actions_->Restore(SelectedNodes()); }

void MainWindow::Purge() { node_actions_->Purge(SelectedNodes()); }

void MainWindow::EmptyTrash() { node_actions_->EmptyTrash(); }

QString MainWindow::SelectedShareCode(QTableView* view,
                                      ShareTableModel* model) const {
  QModelIndexList rows = view->selectionModel()->selectedRows();
  if (rows.isEmpty()) return {};
  return model->ShareAt(rows[0].row()).value("code").toString();
}

void MainWindow::RevokeShare() {
  QStringList codes;
  for (const QModelIndex& i : share_view_->selectionModel()->selectedRows()) {
    codes.append(my_shares_->ShareAt(i.row()).value("code").toString());
  }
  share_actions_->Revoke(codes);
}

void MainWindow::CopyShareLink() {
  QString code = SelectedShareCode(share_view_, my_shares_);
  if (!code.isEmpty()) share_actions_->CopyLink(code);
}

void MainWindow::SaveSquareShare() {
  QString code = SelectedShareCode(square_view_, square_);
  if (!code.isEmpty()) share_actions_->SaveToDrive(code);
}

void MainWindow::DownloadSquareShare() {
  QModelIndexList rows = square_view_->selectionModel()->selectedRows();
  if (!rows.isEmpty())
    share_actions_->Download(square_->ShareAt(rows[0].row()));
}

void MainWindow::OpenShareLink() { share_actions_->OpenLink(current_folder()); }

}  // namespace nimbus::desktop
