#include "desktop/transfer_queue.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "desktop/download_job.h"
#include "desktop/folder_download.h"
#include "desktop/folder_upload.h"
#include "desktop/upload_job.h"

namespace nimbus::desktop {
namespace {

qint64 NowMs() { return QDateTime::currentMSecsSinceEpoch(); }

}  // namespace

TransferQueue::TransferQueue(HttpTransport* transport, QString state_path,
                             QObject* parent)
    : QObject(parent),
      api_(std::make_unique<ApiClient>(transport, QUrl())),
      state_path_(std::move(state_path)) {
  // Children, so that they move with the queue to its thread.
  retry_timer_.setParent(this);
  save_timer_.setParent(this);
  retry_timer_.setSingleShot(true);
  connect(&retry_timer_, &QTimer::timeout, this, [this] { Schedule(); });
  save_timer_.setSingleShot(true);
  save_timer_.setInterval(2000);
  connect(&save_timer_, &QTimer::timeout, this, [this] { Save(); });
}

TransferQueue::~TransferQueue() {
  for (auto& [id, e] : entries_) {
    if (e.job) e.job->Stop();
  }
  Save();
}

QList<TransferItem> TransferQueue::Items() const {
  QList<TransferItem> out;
  for (const auto& [id, e] : entries_) out.append(e.item);
  return out;
}

const TransferItem* TransferQueue::Find(qint64 id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second.item;
}

void TransferQueue::Load() {
  QFile f(state_path_);
  if (!f.open(QIODevice::ReadOnly)) return;
  QJsonParseError error;
  QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
  f.close();
  if (error.error != QJsonParseError::NoError || !doc.isObject()) {
    // Never overwrite what cannot be read: keep it aside for the user.
    QString aside = state_path_ + ".unreadable";
    QFile::remove(aside);
    QFile::rename(state_path_, aside);
    Q_EMIT Notice(tr("The saved transfer list could not be read (%1); it "
                     "was kept as %2.")
                      .arg(error.errorString(), aside));
    return;
  }
  int skipped = 0;
  for (const auto& v : doc.object().value("items").toArray()) {
    std::optional<TransferItem> t = TransferItem::FromJson(v.toObject());
    if (!t || entries_.count(t->id)) {
      ++skipped;
      continue;
    }
    if (t->state == TransferItem::State::kRunning) {
      t->state = TransferItem::State::kQueued;
    }
    next_id_ = std::max(next_id_, t->id + 1);
    Entry& e = entries_[t->id];
    e.item = *t;
    Q_EMIT ItemChanged(e.item);
  }
  if (skipped) {
    Q_EMIT Notice(
        tr("%n saved transfer(s) could not be read and were left "
           "out.",
           nullptr, skipped));
  }
  Schedule();
}

void TransferQueue::SetSession(const QUrl& server, const QByteArray& token) {
  api_->SetServer(server);
  api_->SetToken(token);
  session_lost_ = token.isEmpty();
  if (session_lost_) return;
  bool changed = false;
  for (auto& [id, e] : entries_) {
    if (e.item.waiting_for_sign_in) {
      e.item.waiting_for_sign_in = false;
      e.item.state = TransferItem::State::kQueued;
      e.item.message.clear();
      Emit(e);
      changed = true;
    }
  }
  if (changed) Save();
  Schedule();
}

void TransferQueue::SetMaxParallel(int n) {
  max_parallel_ = std::clamp(n, 1, 16);
  Schedule();
}

qint64 TransferQueue::Add(TransferItem item) {
  item.id = next_id_++;
  item.state = TransferItem::State::kQueued;
  Entry& e = entries_[item.id];
  e.item = std::move(item);
  Emit(e);
  Save();
  Schedule();
  return e.item.id;
}

qint64 TransferQueue::AddUpload(const QString& path, qint64 parent,
                                const QString& name) {
  QFileInfo fi(path);
  if (!fi.isFile()) {
    Q_EMIT Notice(tr("%1 is not a file that can be uploaded.").arg(path));
    return 0;
  }
  TransferItem t;
  t.kind = TransferItem::Kind::kUpload;
  t.local_path = fi.absoluteFilePath();
  t.name = name.isEmpty() ? fi.fileName() : name;
  t.size = fi.size();
  t.parent = parent;
  return Add(std::move(t));
}

void TransferQueue::AddUploadFolder(const QString& dir, qint64 parent) {
  auto* f = new FolderUpload(api_.get(), dir, parent, this);
  connect(f, &FolderUpload::FileFound, this,
          [this](const QString& path, qint64 p, const QString& name) {
            AddUpload(path, p, name);
          });
  connect(f, &FolderUpload::Finished, f, &QObject::deleteLater);
  connect(f, &FolderUpload::Failed, this,
          [this, f, dir](const TransferError& e) {
            Q_EMIT Notice(
                tr("Uploading the folder %1 stopped: %2").arg(dir, e.message));
            if (e.session_expired) Q_EMIT SessionExpired();
            f->deleteLater();
          });
  f->Start();
}

qint64 TransferQueue::AddDownload(qint64 node, const QString& name, qint64 size,
                                  const QString& sha256,
                                  const QString& dest_dir) {
  TransferItem t;
  t.kind = TransferItem::Kind::kDownload;
  t.node = node;
  t.name = name;
  t.size = size;
  t.sha256 = sha256;
  QString path = QDir(dest_dir).filePath(name);
  for (const auto& [id, e] : entries_) {
    // Another queued download already aims at that path.
    if (e.item.kind == TransferItem::Kind::kDownload &&
        e.item.local_path == path && !e.item.finished()) {
      path = QDir(dest_dir).filePath(QString::number(NowMs()) + " " + name);
    }
  }
  t.local_path = DownloadJob::FreePath(path);
  return Add(std::move(t));
}

void TransferQueue::AddDownloadFolder(qint64 id, const QString& name,
                                      const QString& dest_dir) {
  auto* f = new FolderDownload(api_.get(), id, name, dest_dir, this);
  connect(f, &FolderDownload::FileFound, this,
          [this](qint64 node, const QString& file, qint64 size,
                 const QString& sha256, const QString& dir) {
            AddDownload(node, file, size, sha256, dir);
          });
  connect(f, &FolderDownload::Finished, f, &QObject::deleteLater);
  connect(
      f, &FolderDownload::Failed, this,
      [this, f, name](const TransferError& e) {
        Q_EMIT Notice(
            tr("Downloading the folder %1 stopped: %2").arg(name, e.message));
        if (e.session_expired) Q_EMIT SessionExpired();
        f->deleteLater();
      });
  f->Start();
}

qint64 TransferQueue::AddDownloadFromUrl(const QString& url, qint64 expires,
                                         const QString& name, qint64 size,
                                         const QString& sha256,
                                         const QString& dest_dir) {
  TransferItem t;
  t.kind = TransferItem::Kind::kDownload;
  t.name = name;
  t.size = size;
  t.sha256 = sha256;
  t.download_url = url;
  t.url_expires = expires;
  t.local_path = DownloadJob::FreePath(QDir(dest_dir).filePath(name));
  return Add(std::move(t));
}

void TransferQueue::Pause(qint64 id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  if (e.item.finished()) return;
  StopJob(e);
  e.item.state = TransferItem::State::kPaused;
  Emit(e);
  Save();
  Schedule();
}

void TransferQueue::Resume(qint64 id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  if (e.item.finished() || e.item.state == TransferItem::State::kRunning) {
    return;
  }
  Requeue(e);
  Save();
  Schedule();
}

void TransferQueue::Cancel(qint64 id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  if (!e.item.finished()) {
    if (!e.job) e.job = MakeJob(e.item);
    // The job outlives the entry until the server has forgotten the upload.
    // Discard reads the item before it returns; the job itself lives on
    // until the server has forgotten the upload.
    TransferJob* job = e.job.release();
    job->disconnect(this);
    job->setParent(this);
    job->Discard([job] { job->deleteLater(); });
  }
  entries_.erase(it);
  Q_EMIT ItemRemoved(id);
  Save();
  Schedule();
}

void TransferQueue::PauseAll() {
  for (auto& [id, e] : entries_) {
    if (e.item.state == TransferItem::State::kQueued ||
        e.item.state == TransferItem::State::kRunning) {
      StopJob(e);
      e.item.state = TransferItem::State::kPaused;
      Emit(e);
    }
  }
  Save();
}

void TransferQueue::ResumeAll() {
  for (auto& [id, e] : entries_) {
    if (e.item.state == TransferItem::State::kPaused ||
        e.item.state == TransferItem::State::kFailed) {
      Requeue(e);
    }
  }
  Save();
  Schedule();
}

void TransferQueue::ClearFinished() {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.item.finished()) {
      qint64 id = it->first;
      it = entries_.erase(it);
      Q_EMIT ItemRemoved(id);
    } else {
      ++it;
    }
  }
  Save();
}

void TransferQueue::Schedule() {
  if (session_lost_ || api_->token().isEmpty()) return;
  int running = 0;
  for (const auto& [id, e] : entries_) {
    running += e.item.state == TransferItem::State::kRunning;
  }
  qint64 now = NowMs();
  qint64 next_retry = 0;
  for (auto& [id, e] : entries_) {
    if (running >= max_parallel_) break;
    if (e.item.state != TransferItem::State::kQueued) continue;
    if (e.item.retry_at_ms > now) {
      if (!next_retry || e.item.retry_at_ms < next_retry) {
        next_retry = e.item.retry_at_ms;
      }
      continue;
    }
    ++running;
    StartJob(e);
  }
  if (next_retry) {
    retry_timer_.start(static_cast<int>(std::max<qint64>(next_retry - now, 1)));
  }
}

std::unique_ptr<TransferJob> TransferQueue::MakeJob(TransferItem& item) {
  if (item.kind == TransferItem::Kind::kUpload) {
    return std::make_unique<UploadJob>(api_.get(), &item);
  }
  return std::make_unique<DownloadJob>(api_.get(), &item);
}

void TransferQueue::Requeue(Entry& e) {
  e.item.state = TransferItem::State::kQueued;
  e.item.attempts = 0;
  e.item.retry_at_ms = 0;
  e.item.message.clear();
  Emit(e);
}

void TransferQueue::StartJob(Entry& e) {
  qint64 id = e.item.id;
  e.item.state = TransferItem::State::kRunning;
  e.item.retry_at_ms = 0;
  e.speed_ms = NowMs();
  e.speed_bytes = e.item.done;
  if (!e.job) {
    e.job = MakeJob(e.item);
    TransferJob* job = e.job.get();
    connect(job, &TransferJob::Changed, this,
            [this, id](bool save) { OnChanged(id, save); });
    // Queued: a job may finish or fail inside Start().
    connect(
        job, &TransferJob::Finished, this, [this, id] { OnFinished(id); },
        Qt::QueuedConnection);
    connect(
        job, &TransferJob::Failed, this,
        [this, id](const TransferError& err) { OnFailed(id, err); },
        Qt::QueuedConnection);
  }
  Emit(e);
  Save();
  e.job->Start();
}

void TransferQueue::StopJob(Entry& e) {
  if (e.job) e.job->Stop();
  e.item.phase.clear();
  e.item.speed = 0;
}

void TransferQueue::OnChanged(qint64 id, bool save) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  qint64 now = NowMs();
  if (now - e.speed_ms >= 500) {
    double inst = (e.item.done - e.speed_bytes) * 1000.0 / (now - e.speed_ms);
    if (inst < 0) inst = 0;
    e.item.speed = e.item.speed == 0 ? inst : 0.6 * e.item.speed + 0.4 * inst;
    e.speed_ms = now;
    e.speed_bytes = e.item.done;
    if (e.item.done > 0 && e.item.attempts > 0) e.item.attempts = 0;
  }
  if (save) {
    Save();
  } else {
    SaveSoon();
  }
  if (save || now - e.last_emit_ms >= 100) Emit(e);
}

void TransferQueue::OnFinished(qint64 id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  e.item.state = TransferItem::State::kDone;
  e.item.done = e.item.size;
  e.item.speed = 0;
  e.item.message = e.item.instant ? tr("Instant upload: the server already "
                                       "had this content.")
                                  : QString();
  e.job.reset();
  Emit(e);
  Save();
  Schedule();
}

void TransferQueue::OnFailed(qint64 id, const TransferError& error) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  if (e.item.state != TransferItem::State::kRunning) return;
  e.item.speed = 0;
  e.item.message = error.message;
  if (error.session_expired) {
    e.item.state = TransferItem::State::kPaused;
    e.item.waiting_for_sign_in = true;
    e.item.message = tr("Waiting for you to sign in again.");
    if (!session_lost_) {
      session_lost_ = true;
      Q_EMIT SessionExpired();
    }
  } else if (error.transient && e.item.attempts < kMaxAutoRetries) {
    int delay = std::min<qint64>(
        static_cast<qint64>(retry_base_ms_) << e.item.attempts, retry_max_ms_);
    ++e.item.attempts;
    e.item.state = TransferItem::State::kQueued;
    e.item.retry_at_ms = NowMs() + delay;
    e.item.message =
        tr("%1 Retrying in %2 s.").arg(error.message).arg((delay + 999) / 1000);
  } else {
    e.item.state = TransferItem::State::kFailed;
  }
  Emit(e);
  Save();
  Schedule();
}

void TransferQueue::Emit(Entry& e) {
  e.last_emit_ms = NowMs();
  Q_EMIT ItemChanged(e.item);
}

void TransferQueue::SaveSoon() {
  if (!save_timer_.isActive()) save_timer_.start();
}

void TransferQueue::Save() {
  save_timer_.stop();
  if (state_path_.isEmpty()) return;
  QJsonArray items;
  for (const auto& [id, e] : entries_) items.append(e.item.ToJson());
  QDir().mkpath(QFileInfo(state_path_).absolutePath());
  QSaveFile f(state_path_);
  if (!f.open(QIODevice::WriteOnly)) {
    Q_EMIT Notice(tr("Cannot save the transfer list to %1: %2")
                      .arg(state_path_, f.errorString()));
    return;
  }
  f.write(QJsonDocument(QJsonObject{{"version", 1}, {"items", items}})
              .toJson(QJsonDocument::Compact));
  if (!f.commit()) {
    Q_EMIT Notice(tr("Cannot save the transfer list to %1: %2")
                      .arg(state_path_, f.errorString()));
  }
}

}  // namespace nimbus::desktop
