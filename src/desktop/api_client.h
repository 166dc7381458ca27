// JSON calls to nimbus-web's /api/v1 with the session token. One ApiClient
// per thread: it uses that thread's HttpTransport.
#ifndef NIMBUS_DESKTOP_API_CLIENT_H_
#define NIMBUS_DESKTOP_API_CLIENT_H_

#include <QJsonObject>
#include <QPointer>
#include <QUrl>
#include <functional>

#include "desktop/api_result.h"
#include "desktop/http_transport.h"

class QObject;

namespace nimbus::desktop {

class ApiClient {
 public:
  using Callback = std::function<void(const ApiResult&)>;

  ApiClient(HttpTransport* transport, QUrl server) noexcept
      : transport_(transport), server_(std::move(server)) {}

  void SetServer(const QUrl& server) { server_ = server; }
  const QUrl& server() const { return server_; }
  void SetToken(const QByteArray& token) { token_ = token; }
  const QByteArray& token() const { return token_; }
  HttpTransport* transport() const { return transport_; }

  // `path_and_query` starts with "/api/v1/". An empty body sends none. When
  // `context` is given and has been destroyed by the time the answer
  // arrives, `done` is not called.
  HttpTransport::CallId Call(const QByteArray& method,
                             const QString& path_and_query,
                             const QJsonObject& body, Callback done,
                             QObject* context = nullptr);
  // GET path of a folder's children: `query` (e.g. "sort=name&limit=1000")
  // plus the cursor of the page to fetch, if any.
  static QString ChildrenPath(qint64 folder, const QString& query,
                              const QString& cursor);
  // Resolves a server-relative path, or passes an absolute URL through.
  QUrl Resolve(const QString& path_and_query) const;
  // Authorization (when signed in) plus any extra headers.
  HttpHeaders Headers(HttpHeaders extra = {}) const;

 private:
  HttpTransport* transport_;
  QUrl server_;
  QByteArray token_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_API_CLIENT_H_
