// TransferPanel: the transfer queue under the drive: its table (with a
// progress bar per transfer), the pause / resume / retry / cancel / clear
// actions on the selected rows, and the TransferQueue itself, which runs
// with its own network on a thread of its own so that transfers never wait
// for the UI (nor the UI for them). The panel only sends the queue
// commands (OnQueue) and shows its snapshots (model()).
#ifndef NIMBUS_DESKTOP_TRANSFER_PANEL_H_
#define NIMBUS_DESKTOP_TRANSFER_PANEL_H_

#include <QVector>
#include <QWidget>
#include <functional>

class QAction;
class QTableView;
class QThread;

namespace nimbus::desktop {

class QtHttpTransport;
class TransferModel;
class TransferQueue;

class TransferPanel : public QWidget {
  Q_OBJECT
 public:
  // `state_path`: where the queue is saved (and loaded from now), so that
  // transfers survive a restart. `max_parallel`: transfers running at once.
  TransferPanel(const QString& state_path, int max_parallel,
                QWidget* parent = nullptr);
  // Saves and deletes the queue on its thread, then stops the thread.
  ~TransferPanel() override;

  // Runs `f` on the transfer thread (queued).
  void OnQueue(std::function<void(TransferQueue*)> f);

  // Lives on the transfer thread: connect to its signals (queued), call it
  // only through OnQueue.
  TransferQueue* queue() const { return queue_; }
  TransferModel* model() const { return model_; }
  QTableView* view() const { return view_; }

 private:
  QVector<qint64> Selected() const;

  QThread* worker_;
  QtHttpTransport* transport_;  // transfer thread
  TransferQueue* queue_;        // transfer thread
  TransferModel* model_;
  QTableView* view_;
  QAction *pause_, *resume_, *retry_, *cancel_, *clear_done_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_TRANSFER_PANEL_H_
