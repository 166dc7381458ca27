#include "desktop/tus_upload.h"

#include <QCryptographicHash>
#include <QFile>

namespace nimbus::desktop {
namespace {

constexpr int kMaxResends = 5;

qint64 OffsetOf(const HttpResponse& r) {
  bool ok = false;
  qint64 v = r.Header("upload-offset").toLongLong(&ok);
  return ok ? v : -1;
}

}  // namespace

TusUpload::TusUpload(ApiClient* api, QString path, qint64 length, QString name,
                     qint64 parent, QString url, QObject* owner)
    : QObject(owner),
      api_(api),
      path_(std::move(path)),
      length_(length),
      name_(std::move(name)),
      parent_(parent),
      url_(std::move(url)) {}

TusUpload::~TusUpload() { Stop(); }

HttpHeaders TusUpload::TusHeaders(HttpHeaders extra) const {
  extra.append(qMakePair(QByteArray("Tus-Resumable"), QByteArray("1.0.0")));
  return api_->Headers(std::move(extra));
}

void TusUpload::Start() {
  if (running_) return;
  running_ = true;
  resends_ = 0;
  if (url_.isEmpty()) {
    Create();
  } else {
    Probe();
  }
}

void TusUpload::Stop() {
  running_ = false;
  if (call_) api_->transport()->Abort(call_);
  call_ = 0;
}

void TusUpload::Terminate(std::function<void()> done) {
  Stop();
  if (url_.isEmpty()) {
    if (done) done();
    return;
  }
  HttpRequest req;
  req.method = "DELETE";
  req.url = api_->Resolve(url_);
  req.headers = TusHeaders();
  HttpHandlers h;
  h.done = [done = std::move(done)](const HttpResponse&) {
    if (done) done();
  };
  api_->transport()->Send(req, std::move(h));
  url_.clear();
}

bool TusUpload::ReadPiece(QByteArray* out) {
  QFile f(path_);
  if (!f.open(QIODevice::ReadOnly) || f.size() != length_) return false;
  qint64 n = std::min(piece_, length_ - offset_);
  if (!f.seek(offset_)) return false;
  *out = f.read(n);
  return out->size() == n;
}

bool TusUpload::PieceRequest(const QByteArray& method, const QString& url,
                             HttpHeaders headers, HttpRequest* req,
                             HttpHandlers* h) {
  QByteArray piece;
  if (!ReadPiece(&piece)) {
    Fail(TransferError::Local(
        tr("The file %1 changed or cannot be read; add it again.").arg(path_)));
    return false;
  }
  headers.append(qMakePair(QByteArray("Content-Type"),
                           QByteArray("application/offset+octet-stream")));
  headers.append(qMakePair(
      QByteArray("Upload-Checksum"),
      "sha256 " + QCryptographicHash::hash(piece, QCryptographicHash::Sha256)
                      .toBase64()));
  req->method = method;
  req->url = api_->Resolve(url);
  req->headers = TusHeaders(std::move(headers));
  req->body = std::move(piece);
  h->sent = [this](qint64 sent) { Q_EMIT Progress(offset_ + sent); };
  return true;
}

void TusUpload::Create() {
  offset_ = 0;
  QByteArray metadata = "filename " + name_.toUtf8().toBase64() + ",parent " +
                        QByteArray::number(parent_).toBase64();
  HttpRequest req;
  HttpHandlers h;
  if (!PieceRequest("POST", "/api/v1/uploads",
                    {{"Upload-Length", QByteArray::number(length_)},
                     {"Upload-Metadata", metadata}},
                    &req, &h)) {
    return;
  }
  h.done = [this](const HttpResponse& r) {
    call_ = 0;
    ApiResult a = ApiResult::From(r);
    QByteArray location = r.Header("location");
    if (!location.isEmpty() && r.network_error.isEmpty() &&
        (r.status == 201 || r.status == 460 || r.status == 400)) {
      // Created, even if the piece that came with it was refused.
      url_ = QString::fromLatin1(location);
      Q_EMIT UrlChanged(url_);
      if (r.status == 201) return Advance(r);
      return Probe();
    }
    Fail(TransferError::From(a));
  };
  call_ = api_->transport()->Send(req, std::move(h));
}

void TusUpload::Probe() {
  HttpRequest req;
  req.method = "HEAD";
  req.url = api_->Resolve(url_);
  req.headers = TusHeaders();
  HttpHandlers h;
  h.done = [this](const HttpResponse& r) {
    call_ = 0;
    ApiResult a = ApiResult::From(r);
    if (r.network_error.isEmpty() && (r.status == 404 || r.status == 410)) {
      return Gone(a);
    }
    if (!a.ok() || OffsetOf(r) < 0) return Fail(TransferError::From(a));
    Advance(r);
  };
  call_ = api_->transport()->Send(req, std::move(h));
}

void TusUpload::Advance(const HttpResponse& r) {
  qint64 offset = OffsetOf(r);
  QByteArray node = r.Header("nimbus-node-id");
  if (!node.isEmpty()) {
    offset_ = length_;
    running_ = false;
    Q_EMIT Progress(offset_);
    Q_EMIT Finished(node.toLongLong());
    return;
  }
  if (offset < 0 || offset > length_) {
    return Fail(
        {tr("The server answered with a bad upload offset."), true, false});
  }
  if (offset > offset_) resends_ = 0;
  offset_ = offset;
  Q_EMIT Progress(offset_);
  if (offset_ == length_) {
    // Everything is there but the file was not announced: ask again.
    return Fail({tr("The server has not finished the file yet."), true, false});
  }
  SendPiece();
}

void TusUpload::SendPiece() {
  if (!running_) return;
  HttpRequest req;
  HttpHandlers h;
  if (!PieceRequest("PATCH", url_,
                    {{"Upload-Offset", QByteArray::number(offset_)}}, &req,
                    &h)) {
    return;
  }
  h.done = [this](const HttpResponse& r) {
    call_ = 0;
    ApiResult a = ApiResult::From(r);
    if (a.ok()) return Advance(r);
    if (!r.network_error.isEmpty()) return Fail(TransferError::From(a));
    if (r.status == 404 || r.status == 410) return Gone(a);
    if ((r.status == 409 || r.status == 460) && OffsetOf(r) >= 0 &&
        ++resends_ <= kMaxResends) {
      // 409: the server holds a different offset; 460: the piece was
      // damaged on the way. Either way, go on from where the server is.
      offset_ = OffsetOf(r);
      Q_EMIT Progress(offset_);
      return SendPiece();
    }
    Fail(TransferError::From(a));
  };
  call_ = api_->transport()->Send(req, std::move(h));
}

void TusUpload::Gone(const ApiResult& r) {
  // The server forgot the upload (expired or swept): start over, once.
  if (recreated_) return Fail(TransferError::From(r));
  recreated_ = true;
  url_.clear();
  Q_EMIT UrlChanged(url_);
  Create();
}

void TusUpload::Fail(const TransferError& e) {
  running_ = false;
  Q_EMIT Failed(e);
}

}  // namespace nimbus::desktop
