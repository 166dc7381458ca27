#include "desktop/transfer_panel.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QStyle>
#include <QTableView>
#include <QThread>
#include <QToolBar>
#include <QVBoxLayout>

#include "desktop/progress_delegate.h"
#include "desktop/qt_http_transport.h"
#include "desktop/transfer_model.h"
#include "desktop/transfer_queue.h"

namespace nimbus::desktop {

TransferPanel::TransferPanel(const QString& state_path, int max_parallel,
                             QWidget* parent)
    : QWidget(parent) {
  qRegisterMetaType<TransferItem>();
  worker_ = new QThread(this);
  worker_->setObjectName("transfers");
  transport_ = new QtHttpTransport(nullptr, 120'000);
  queue_ = new TransferQueue(transport_, state_path);
  transport_->moveToThread(worker_);
  queue_->moveToThread(worker_);
  worker_->start();
  model_ = new TransferModel(this);
  connect(queue_, &TransferQueue::ItemChanged, model_, &TransferModel::Update);
  connect(queue_, &TransferQueue::ItemRemoved, model_, &TransferModel::Remove);
  OnQueue([max_parallel](TransferQueue* q) {
    q->SetMaxParallel(max_parallel);
    q->Load();
  });

  auto queue_action = [this](const QString& text, QStyle::StandardPixmap icon,
                             void (TransferQueue::*op)(qint64)) {
    auto* a = new QAction(style()->standardIcon(icon), text, this);
    connect(a, &QAction::triggered, this, [this, op] {
      for (qint64 id : Selected()) {
        OnQueue([id, op](TransferQueue* q) { (q->*op)(id); });
      }
    });
    return a;
  };
  pause_ =
      queue_action(tr("Pause"), QStyle::SP_MediaPause, &TransferQueue::Pause);
  resume_ =
      queue_action(tr("Resume"), QStyle::SP_MediaPlay, &TransferQueue::Resume);
  cancel_ =
      queue_action(tr("Cancel"), QStyle::SP_MediaStop, &TransferQueue::Cancel);
  retry_ = queue_action(tr("Retry"), QStyle::SP_BrowserReload,
                        &TransferQueue::Retry);
  clear_done_ = new QAction(tr("Clear finished"), this);
  connect(clear_done_, &QAction::triggered, this,
          [this] { OnQueue([](TransferQueue* q) { q->ClearFinished(); }); });

  view_ = new QTableView(this);
  view_->setModel(model_);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->verticalHeader()->hide();
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() +
                                                 8);
  view_->setShowGrid(false);
  view_->setAlternatingRowColors(true);
  view_->setContextMenuPolicy(Qt::CustomContextMenu);
  view_->horizontalHeader()->setHighlightSections(false);
  view_->setItemDelegateForColumn(TransferModel::kProgress,
                                  new ProgressDelegate(this));
  view_->horizontalHeader()->setSectionResizeMode(TransferModel::kStatus,
                                                  QHeaderView::Stretch);
  view_->setColumnWidth(TransferModel::kName, 220);
  view_->setColumnWidth(TransferModel::kProgress, 200);
  connect(view_, &QWidget::customContextMenuRequested, this,
          [this](const QPoint& p) {
            QMenu m;
            m.addActions({pause_, resume_, retry_, cancel_});
            m.addSeparator();
            m.addAction(clear_done_);
            m.exec(view_->viewport()->mapToGlobal(p));
          });
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QToolBar(this);
  bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  bar->addWidget(new QLabel(tr("Transfers") + "  ", this));
  bar->addActions({pause_, resume_, retry_, cancel_, clear_done_});
  layout->addWidget(bar);
  layout->addWidget(view_);
}

TransferPanel::~TransferPanel() {
  QMetaObject::invokeMethod(
      queue_,
      [q = queue_, t = transport_] {
        delete q;
        delete t;
      },
      Qt::BlockingQueuedConnection);
  worker_->quit();
  worker_->wait();
}

void TransferPanel::OnQueue(std::function<void(TransferQueue*)> f) {
  QMetaObject::invokeMethod(queue_, [q = queue_, f = std::move(f)] { f(q); });
}

QVector<qint64> TransferPanel::Selected() const {
  QVector<qint64> out;
  for (const QModelIndex& i : view_->selectionModel()->selectedRows()) {
    out.append(model_->ItemAt(i.row()).id);
  }
  return out;
}

}  // namespace nimbus::desktop
