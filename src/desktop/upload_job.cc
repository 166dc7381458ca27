#include "desktop/upload_job.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include "desktop/file_hasher.h"

namespace nimbus::desktop {

UploadJob::UploadJob(ApiClient* api, TransferItem* item, QObject* owner)
    : TransferJob(item, owner), api_(api) {}

UploadJob::~UploadJob() { Stop(); }

void UploadJob::Start() {
  if (running_) return;
  running_ = true;
  ++generation_;
  QFileInfo fi(item_->local_path);
  if (!fi.isFile() || !fi.isReadable()) {
    return Fail(TransferError::Local(
        tr("The file %1 no longer exists or cannot be read.")
            .arg(item_->local_path)));
  }
  qint64 mtime = fi.lastModified().toMSecsSinceEpoch();
  if (fi.size() != item_->size ||
      (!item_->sha256.isEmpty() && mtime != item_->source_mtime)) {
    // Changed since it was queued: what was sent so far is worthless.
    if (!item_->upload_url.isEmpty()) {
      TusUpload old(api_, item_->local_path, item_->size, item_->name,
                    item_->parent, item_->upload_url);
      old.Terminate({});
      item_->upload_url.clear();
    }
    item_->size = fi.size();
    item_->sha256.clear();
    item_->done = 0;
    tus_.reset();
    Q_EMIT Changed(true);
  }
  if (item_->size == 0) return SendEmpty();
  if (item_->sha256.isEmpty()) return Hash();
  if (!item_->upload_url.isEmpty() || instant_tried_) return SendBytes();
  AskChallenge();
}

void UploadJob::Stop() {
  running_ = false;
  ++generation_;
  if (stop_hash_) stop_hash_->store(true);
  stop_hash_.reset();
  if (call_) api_->transport()->Abort(call_);
  call_ = 0;
  if (tus_) tus_->Stop();
}

void UploadJob::Discard(std::function<void()> done) {
  Stop();
  if (!tus_ && !item_->upload_url.isEmpty()) {
    tus_ = std::make_unique<TusUpload>(api_, item_->local_path, item_->size,
                                       item_->name, item_->parent,
                                       item_->upload_url);
  }
  item_->upload_url.clear();
  if (tus_) {
    tus_->Terminate(std::move(done));
  } else if (done) {
    done();
  }
}

void UploadJob::Hash() {
  item_->phase = "hashing";
  Q_EMIT Changed(false);
  stop_hash_ = std::make_shared<std::atomic<bool>>(false);
  auto stop = stop_hash_;
  QString path = item_->local_path;
  qint64 size = item_->size;
  quint64 gen = generation_;
  auto* watcher = new QFutureWatcher<std::optional<QString>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [=, this] {
    std::optional<QString> hex = watcher->result();
    watcher->deleteLater();
    if (!Current(gen)) return;
    if (!hex) {
      return Fail(TransferError::Local(
          tr("The file %1 changed while it was being read; add it again.")
              .arg(path)));
    }
    item_->sha256 = *hex;
    item_->source_mtime = QFileInfo(path).lastModified().toMSecsSinceEpoch();
    Q_EMIT Changed(true);
    AskChallenge();
  });
  watcher->setFuture(QtConcurrent::run([path, size, stop] {
    return FileHasher::Sha256Hex(path, size, stop.get());
  }));
}

void UploadJob::AskChallenge() {
  instant_tried_ = true;
  item_->phase = "checking";
  Q_EMIT Changed(false);
  quint64 gen = generation_;
  QJsonObject body{{"sha256", item_->sha256},
                   {"size", item_->size},
                   {"name", item_->name},
                   {"parent", item_->parent}};
  call_ = api_->Call(
      "POST", "/api/v1/files/instant/challenge", body,
      [this, gen](const ApiResult& r) {
        if (!Current(gen)) return;
        call_ = 0;
        if (r.ok()) return AnswerChallenge(r.json);
        // Unknown content, or a name taken here (tus picks a free name).
        if (r.status() == 404 || r.status() == 409) return SendBytes();
        Fail(TransferError::From(r));
      },
      this);
}

void UploadJob::AnswerChallenge(const QJsonObject& c) {
  quint64 gen = generation_;
  QString path = item_->local_path;
  QByteArray nonce = c.value("nonce").toString().toLatin1();
  qint64 offset = c.value("offset").toInteger();
  qint64 length = c.value("length").toInteger();
  QString id = c.value("challenge").toString();
  auto* watcher = new QFutureWatcher<std::optional<QString>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [=, this] {
    std::optional<QString> answer = watcher->result();
    watcher->deleteLater();
    if (!Current(gen)) return;
    if (!answer) return SendBytes();
    call_ = api_->Call(
        "POST", "/api/v1/files/instant",
        QJsonObject{{"challenge", id}, {"answer", *answer}},
        [this, gen](const ApiResult& r) {
          if (!Current(gen)) return;
          call_ = 0;
          if (r.ok()) {
            item_->instant = true;
            return Done(
                r.json.value("node").toObject().value("id").toInteger());
          }
          if (r.status() == 403 || r.status() == 404 || r.status() == 409 ||
              r.status() == 410) {
            return SendBytes();
          }
          Fail(TransferError::From(r));
        },
        this);
  });
  watcher->setFuture(QtConcurrent::run([path, nonce, offset, length] {
    return FileHasher::ChallengeAnswer(path, nonce, offset, length);
  }));
}

void UploadJob::SendBytes() {
  item_->phase = "uploading";
  Q_EMIT Changed(false);
  if (!tus_) {
    tus_ = std::make_unique<TusUpload>(api_, item_->local_path, item_->size,
                                       item_->name, item_->parent,
                                       item_->upload_url);
    connect(tus_.get(), &TusUpload::UrlChanged, this, [this](const QString& u) {
      item_->upload_url = u;
      if (u.isEmpty()) item_->done = 0;
      Q_EMIT Changed(true);
    });
    connect(tus_.get(), &TusUpload::Progress, this, [this](qint64 bytes) {
      item_->done = std::min(bytes, item_->size);
      Q_EMIT Changed(false);
    });
    connect(tus_.get(), &TusUpload::Finished, this,
            [this](qint64 node) { Done(node); });
    connect(tus_.get(), &TusUpload::Failed, this,
            [this](const TransferError& e) {
              if (tus_) item_->done = tus_->offset();
              Fail(e);
            });
  }
  tus_->Start();
}

void UploadJob::SendEmpty() {
  item_->phase = "uploading";
  Q_EMIT Changed(false);
  quint64 gen = generation_;
  HttpRequest req;
  req.method = "POST";
  req.url = api_->Resolve(
      QString("/api/v1/files?parent=%1&name=%2")
          .arg(item_->parent)
          .arg(QString::fromLatin1(QUrl::toPercentEncoding(item_->name))));
  req.headers = api_->Headers({{"Content-Type", "application/octet-stream"}});
  HttpHandlers h;
  h.done = [this, gen](const HttpResponse& resp) {
    if (!Current(gen)) return;
    call_ = 0;
    ApiResult r = ApiResult::From(resp);
    if (!r.ok()) return Fail(TransferError::From(r));
    Done(r.json.value("node").toObject().value("id").toInteger());
  };
  call_ = api_->transport()->Send(req, std::move(h));
}

void UploadJob::Done(qint64 node) {
  running_ = false;
  item_->node = node;
  item_->done = item_->size;
  item_->upload_url.clear();
  item_->phase.clear();
  Q_EMIT Finished();
}

void UploadJob::Fail(const TransferError& e) {
  running_ = false;
  item_->phase.clear();
  Q_EMIT Failed(e);
}

}  // namespace nimbus::desktop
