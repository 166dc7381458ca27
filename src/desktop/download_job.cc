#include "desktop/download_job.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include "desktop/file_hasher.h"

namespace nimbus::desktop {

DownloadJob::DownloadJob(ApiClient* api, TransferItem* item, QObject* owner)
    : TransferJob(item, owner), api_(api) {}

DownloadJob::~DownloadJob() { Stop(); }

QString DownloadJob::FreePath(const QString& path) {
  if (!QFileInfo::exists(path) && !QFileInfo::exists(PartPath(path))) {
    return path;
  }
  QFileInfo fi(path);
  QString base = fi.completeBaseName();
  QString suffix = fi.suffix().isEmpty() ? "" : "." + fi.suffix();
  if (base.isEmpty()) {  // ".bashrc"
    base = fi.fileName();
    suffix.clear();
  }
  for (int i = 2;; ++i) {
    QString p =
        fi.dir().filePath(QString("%1 (%2)%3").arg(base).arg(i).arg(suffix));
    if (!QFileInfo::exists(p) && !QFileInfo::exists(PartPath(p))) return p;
  }
}

void DownloadJob::Start() {
  if (running_) return;
  running_ = true;
  ++generation_;
  url_retried_ = false;
  QDir().mkpath(QFileInfo(item_->local_path).absolutePath());
  qint64 now = QDateTime::currentSecsSinceEpoch();
  if (item_->download_url.isEmpty() || item_->url_expires < now + 60) {
    return GetUrl();
  }
  Fetch();
}

void DownloadJob::Stop() {
  running_ = false;
  ++generation_;
  if (call_) api_->transport()->Abort(call_);
  call_ = 0;
  part_.reset();
}

void DownloadJob::Discard(std::function<void()> done) {
  Stop();
  QFile::remove(PartPath(item_->local_path));
  item_->done = 0;
  if (done) done();
}

void DownloadJob::GetUrl() {
  if (item_->node == 0) {
    return Fail(TransferError::Local(
        tr("The share's download link expired; open the share again.")));
  }
  item_->phase = "preparing";
  Q_EMIT Changed(false);
  quint64 gen = generation_;
  call_ = api_->Call(
      "GET", QString("/api/v1/nodes/%1/download").arg(item_->node), {},
      [this, gen](const ApiResult& r) {
        if (!Current(gen)) return;
        call_ = 0;
        if (!r.ok()) return Fail(TransferError::From(r));
        item_->download_url = r.json.value("url").toString();
        item_->url_expires = r.json.value("expires_at").toInteger();
        Q_EMIT Changed(true);
        Fetch();
      },
      this);
}

void DownloadJob::Fetch() {
  item_->phase = "downloading";
  QString part_path = PartPath(item_->local_path);
  part_ = std::make_unique<QFile>(part_path);
  if (!part_->open(QIODevice::ReadWrite)) {
    return Fail(TransferError::Local(
        tr("Cannot write %1: %2").arg(part_path, part_->errorString())));
  }
  qint64 have = part_->size();
  if (have > item_->size) {
    part_->resize(0);
    have = 0;
  }
  part_->seek(have);
  item_->done = have;
  Q_EMIT Changed(false);
  if (have == item_->size) {
    part_.reset();
    return Verify();
  }
  quint64 gen = generation_;
  HttpRequest req;
  req.url = QUrl(item_->download_url);
  if (have > 0) {
    req.headers.append(
        qMakePair(QByteArray("Range"),
                  QByteArray("bytes=" + QByteArray::number(have) + "-")));
  }
  HttpHandlers h;
  h.head = [this, have](const HttpResponse& head) {
    if (head.status == 200 && have > 0) {
      // The server ignored the Range: start over.
      part_->resize(0);
      part_->seek(0);
      item_->done = 0;
      return true;
    }
    if (head.status == 206) {
      return head.Header("content-range")
          .startsWith("bytes " + QByteArray::number(have) + "-");
    }
    return head.status == 200;
  };
  too_long_ = false;
  h.data = [this](const QByteArray& piece) {
    if (item_->done + piece.size() > item_->size) {
      too_long_ = true;
      return false;
    }
    if (part_->write(piece) != piece.size()) return false;
    item_->done += piece.size();
    Q_EMIT Changed(false);
    return true;
  };
  h.done = [this, gen](const HttpResponse& r) {
    if (!Current(gen)) return;
    call_ = 0;
    bool flushed = part_ && part_->flush();
    QString write_error = part_ ? part_->errorString() : QString();
    part_.reset();
    if (r.status == 403 || r.status == 410) {
      // The signed URL expired or was refused: a fresh one, once.
      item_->download_url.clear();
      if (!url_retried_) {
        url_retried_ = true;
        return GetUrl();
      }
    }
    if (r.status == 416 && !restarted_) {
      restarted_ = true;
      QFile::resize(PartPath(item_->local_path), 0);
      return Fetch();
    }
    if (too_long_) {
      QFile::resize(PartPath(item_->local_path), 0);
      item_->done = 0;
      return Fail(
          {tr("The server sent more bytes than the file has."), true, false});
    }
    if (!flushed) {
      return Fail(TransferError::Local(
          tr("Cannot write %1: %2")
              .arg(PartPath(item_->local_path), write_error)));
    }
    if (r.status != 200 && r.status != 206) {
      return Fail(TransferError::From(ApiResult::From(r)));
    }
    if (!r.network_error.isEmpty() || item_->done != item_->size) {
      ApiResult a = ApiResult::From(r);
      if (a.http.network_error.isEmpty() || a.http.network_error == "stopped") {
        a.http.network_error = tr("the download stopped early");
      }
      return Fail(TransferError::From(a));
    }
    Verify();
  };
  call_ = api_->transport()->Send(req, std::move(h));
}

void DownloadJob::Verify() {
  item_->phase = "verifying";
  Q_EMIT Changed(false);
  quint64 gen = generation_;
  QString part = PartPath(item_->local_path);
  qint64 size = item_->size;
  auto* watcher = new QFutureWatcher<std::optional<QString>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [=, this] {
    std::optional<QString> hex = watcher->result();
    watcher->deleteLater();
    if (!Current(gen)) return;
    if (!item_->sha256.isEmpty() && hex != item_->sha256) {
      QFile::remove(part);
      item_->done = 0;
      return Fail({tr("The downloaded data did not match the file's "
                      "checksum; it will be downloaded again."),
                   true, false});
    }
    QString final_path = item_->local_path;
    if (QFileInfo::exists(final_path)) final_path = FreePath(final_path);
    if (!QFile::rename(part, final_path)) {
      return Fail(TransferError::Local(
          tr("Cannot rename %1 to %2.").arg(part, final_path)));
    }
    item_->local_path = final_path;
    item_->phase.clear();
    running_ = false;
    Q_EMIT Finished();
  });
  watcher->setFuture(QtConcurrent::run(
      [part, size] { return FileHasher::Sha256Hex(part, size); }));
}

void DownloadJob::Fail(const TransferError& e) {
  running_ = false;
  part_.reset();
  item_->phase.clear();
  Q_EMIT Failed(e);
}

}  // namespace nimbus::desktop
