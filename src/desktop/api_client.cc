#include "desktop/api_client.h"

#include <QJsonDocument>
#include <QObject>

namespace nimbus::desktop {

QString ApiClient::ChildrenPath(qint64 folder, const QString& query,
                                const QString& cursor) {
  QString path =
      QString("/api/v1/folders/%1/children?%2").arg(folder).arg(query);
  if (!cursor.isEmpty()) {
    path += "&cursor=" + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
  }
  return path;
}

QUrl ApiClient::Resolve(const QString& path_and_query) const {
  QUrl u(path_and_query);
  if (u.isRelative()) return server_.resolved(u);
  return u;
}

HttpHeaders ApiClient::Headers(HttpHeaders extra) const {
  if (!token_.isEmpty())
    extra.append(
        qMakePair(QByteArray("Authorization"), QByteArray("Bearer " + token_)));
  return extra;
}

HttpTransport::CallId ApiClient::Call(const QByteArray& method,
                                      const QString& path_and_query,
                                      const QJsonObject& body, Callback done,
                                      QObject* context) {
  HttpRequest req;
  req.method = method;
  req.url = Resolve(path_and_query);
  req.headers = Headers();
  if (!body.isEmpty()) {
    req.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    req.headers.append(
        qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
  }
  QPointer<QObject> guard(context);
  bool guarded = context != nullptr;
  HttpHandlers h;
  h.done = [guard, guarded, done = std::move(done)](const HttpResponse& r) {
    if (guarded && !guard) return;
    if (done) done(ApiResult::From(r));
  };
  return transport_->Send(req, std::move(h));
}

}  // namespace nimbus::desktop
