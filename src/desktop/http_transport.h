// The one door nimbus-desktop uses to reach the network. The real one is
// QtHttpTransport (QNetworkAccessManager); tests put an in-memory server
// behind it so the tus client and the transfer queue can be driven through
// cut connections, expired uploads and busy answers deterministically.
#ifndef NIMBUS_DESKTOP_HTTP_TRANSPORT_H_
#define NIMBUS_DESKTOP_HTTP_TRANSPORT_H_

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <functional>

namespace nimbus::desktop {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest {
  QByteArray method = "GET";
  QUrl url;
  HttpHeaders headers;
  QByteArray body;
};

struct HttpResponse {
  // 0 when no HTTP answer arrived; then network_error says why.
  int status = 0;
  // Empty when the whole answer arrived. Set for refused or cut connections
  // and timeouts, even after a status line was read.
  QString network_error;
  QHash<QByteArray, QByteArray> headers;  // keys lower-case
  QByteArray body;

  QByteArray Header(const QByteArray& name) const {
    return headers.value(name.toLower());
  }
};

struct HttpHandlers {
  std::function<void(const HttpResponse&)> done;
  // Bytes of the request body sent so far.
  std::function<void(qint64 sent)> sent;
  // Streaming answers: when `data` is set the body is handed over piece by
  // piece (HttpResponse::body stays empty); `head` comes first, with the
  // status and headers. Either returning false stops the call, and `done`
  // then reports network_error "stopped".
  std::function<bool(const HttpResponse& head)> head;
  std::function<bool(const QByteArray& piece)> data;
};

class HttpTransport {
 public:
  using CallId = quint64;
  virtual ~HttpTransport() = default;
  // Answers arrive on the calling thread's event loop, never inside Send.
  virtual CallId Send(const HttpRequest& request, HttpHandlers handlers) = 0;
  // Stops a call; its `done` handler is not called. Unknown ids are ignored.
  virtual void Abort(CallId id) = 0;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_HTTP_TRANSPORT_H_
