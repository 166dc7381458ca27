// The transfer queue: uploads and downloads, at most `max_parallel` at a
// time, in the order they were added. It lives on its own thread in the
// app (the UI only sees ItemChanged snapshots), saves itself to a JSON file
// on every change that matters, and on Load() picks up where the last run
// stopped. Transient failures (network, busy or failing server) are retried
// with growing pauses; a lost session pauses the affected transfers until
// SetSession() brings a new token. Nothing queued is dropped by an error:
// only Cancel() and ClearFinished() remove items.
#ifndef NIMBUS_DESKTOP_TRANSFER_QUEUE_H_
#define NIMBUS_DESKTOP_TRANSFER_QUEUE_H_

#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <map>
#include <memory>

#include "desktop/api_client.h"
#include "desktop/transfer_item.h"
#include "desktop/transfer_job.h"

namespace nimbus::desktop {

class TransferQueue : public QObject {
  Q_OBJECT
 public:
  static constexpr int kMaxAutoRetries = 8;

  // `state_path` is the file the queue is saved to.
  TransferQueue(HttpTransport* transport, QString state_path,
                QObject* parent = nullptr);
  ~TransferQueue() override;

  QList<TransferItem> Items() const;
  const TransferItem* Find(qint64 id) const;
  // Pauses between automatic retries: base * 2^attempt, at most `max`.
  void SetRetryDelays(int base_ms, int max_ms) {
    retry_base_ms_ = base_ms;
    retry_max_ms_ = max_ms;
  }

 public Q_SLOTS:
  // Reads the saved queue; transfers that were running are queued again.
  // Call it before adding anything: the first save replaces the file.
  void Load();
  void SetSession(const QUrl& server, const QByteArray& token);
  void SetMaxParallel(int n);
  qint64 AddUpload(const QString& path, qint64 parent,
                   const QString& name = QString());
  void AddUploadFolder(const QString& dir, qint64 parent);
  // The file goes to `dest_dir`/`name` (or "name (2)" when that is taken).
  qint64 AddDownload(qint64 node, const QString& name, qint64 size,
                     const QString& sha256, const QString& dest_dir);
  // Every file under the drive folder `id`, into `dest_dir`/`name`/...
  void AddDownloadFolder(qint64 id, const QString& name,
                         const QString& dest_dir);
  // A file of someone's share: `url` is the signed URL the share handed out.
  qint64 AddDownloadFromUrl(const QString& url, qint64 expires,
                            const QString& name, qint64 size,
                            const QString& sha256, const QString& dest_dir);
  void Pause(qint64 id);
  void Resume(qint64 id);
  void Retry(qint64 id) { Resume(id); }
  void Cancel(qint64 id);
  void PauseAll();
  void ResumeAll();
  void ClearFinished();
  // Writes the queue now (it is also written after every state change).
  void Save();

 Q_SIGNALS:
  void ItemChanged(const nimbus::desktop::TransferItem& item);
  void ItemRemoved(qint64 id);
  void SessionExpired();
  // Something the user should read that belongs to no single item.
  void Notice(const QString& text);

 private:
  struct Entry {
    TransferItem item;
    std::unique_ptr<TransferJob> job;
    qint64 last_emit_ms = 0;
    qint64 speed_ms = 0;
    qint64 speed_bytes = 0;
  };
  qint64 Add(TransferItem item);
  void Schedule();
  std::unique_ptr<TransferJob> MakeJob(TransferItem& item);
  // Back in line (a user's Resume/Retry): a fresh count of retries.
  void Requeue(Entry& e);
  void StartJob(Entry& e);
  void StopJob(Entry& e);
  void OnChanged(qint64 id, bool save);
  void OnFinished(qint64 id);
  void OnFailed(qint64 id, const TransferError& error);
  void Emit(Entry& e);
  void SaveSoon();

  std::unique_ptr<ApiClient> api_;
  QString state_path_;
  int max_parallel_ = 3;
  int retry_base_ms_ = 1000;
  int retry_max_ms_ = 60'000;
  qint64 next_id_ = 1;
  std::map<qint64, Entry> entries_;
  QTimer retry_timer_;
  QTimer save_timer_;
  bool session_lost_ = false;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_TRANSFER_QUEUE_H_
