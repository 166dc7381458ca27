#include "desktop/qt_http_transport.h"

#include <QNetworkReply>
#include <QNetworkRequest>

namespace nimbus::desktop {

QtHttpTransport::QtHttpTransport(QObject* parent, int timeout_ms)
    : QObject(parent), nam_(this), timeout_ms_(timeout_ms) {}

QtHttpTransport::~QtHttpTransport() {
  for (auto& call : calls_) {
    call.reply->disconnect(this);
    call.reply->abort();
    call.reply->deleteLater();
  }
}

HttpTransport::CallId QtHttpTransport::Send(const HttpRequest& request,
                                            HttpHandlers handlers) {
  QNetworkRequest req(request.url);
  req.setTransferTimeout(timeout_ms_);
  for (const auto& [name, value] : request.headers) {
    req.setRawHeader(name, value);
  }
  QNetworkReply* reply;
  if (request.method == "GET") {
    reply = nam_.get(req);
  } else if (request.method == "HEAD") {
    reply = nam_.head(req);
  } else {
    reply = nam_.sendCustomRequest(req, request.method, request.body);
  }
  CallId id = next_id_++;
  Call call;
  call.reply = reply;
  call.handlers = std::move(handlers);
  calls_.insert(id, std::move(call));
  connect(reply, &QNetworkReply::uploadProgress, this,
          [this, id](qint64 sent, qint64) {
            auto it = calls_.find(id);
            if (it != calls_.end() && it->handlers.sent)
              it->handlers.sent(sent);
          });
  connect(reply, &QNetworkReply::readyRead, this,
          [this, id] { OnReadyRead(id); });
  connect(reply, &QNetworkReply::finished, this,
          [this, id] { OnFinished(id); });
  return id;
}

void QtHttpTransport::Abort(CallId id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  QNetworkReply* reply = it->reply;
  calls_.erase(it);
  reply->disconnect(this);
  reply->abort();
  reply->deleteLater();
}

HttpResponse QtHttpTransport::Head(QNetworkReply* reply) {
  HttpResponse r;
  r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  for (const auto& [name, value] : reply->rawHeaderPairs()) {
    r.headers.insert(name.toLower(), value);
  }
  return r;
}

void QtHttpTransport::OnReadyRead(CallId id) {
  auto it = calls_.find(id);
  if (it == calls_.end() || !it->handlers.data || it->stopped) return;
  QNetworkReply* reply = it->reply;
  if (!it->head_seen) {
    it->head_seen = true;
    if (it->handlers.head && !it->handlers.head(Head(reply))) {
      it->stopped = true;
      reply->abort();
      return;
    }
    it = calls_.find(id);  // the handler may have started other calls
    if (it == calls_.end()) return;
  }
  QByteArray piece = reply->readAll();
  if (!piece.isEmpty() && !it->handlers.data(piece)) {
    it = calls_.find(id);
    if (it == calls_.end()) return;
    it->stopped = true;
    reply->abort();
  }
}

void QtHttpTransport::OnFinished(CallId id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  QNetworkReply* reply = it->reply;
  if (it->handlers.data && !it->stopped) OnReadyRead(id);
  it = calls_.find(id);
  if (it == calls_.end()) return;
  Call call = std::move(*it);
  calls_.erase(it);
  HttpResponse r = Head(reply);
  QNetworkReply::NetworkError e = reply->error();
  // Errors 201-299 and 401-499 are Qt's names for HTTP 4xx and 5xx answers:
  // the status says it all. The rest mean the exchange itself failed.
  bool http_error = (e >= 201 && e <= 299) || (e >= 401 && e <= 499);
  if (call.stopped) {
    r.network_error = "stopped";
  } else if (e != QNetworkReply::NoError && !(http_error && r.status > 0)) {
    r.network_error = reply->errorString();
  }
  if (!call.handlers.data) r.body = reply->readAll();
  reply->deleteLater();
  if (call.handlers.done) call.handlers.done(r);
}

}  // namespace nimbus::desktop
