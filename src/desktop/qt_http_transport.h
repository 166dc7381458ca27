// HttpTransport over QNetworkAccessManager. Lives on one thread (the one
// that created it); every call has a transfer timeout so a silent server
// surfaces as a network error instead of a transfer stuck forever.
#ifndef NIMBUS_DESKTOP_QT_HTTP_TRANSPORT_H_
#define NIMBUS_DESKTOP_QT_HTTP_TRANSPORT_H_

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>

#include "desktop/http_transport.h"

class QNetworkReply;

namespace nimbus::desktop {

class QtHttpTransport : public QObject, public HttpTransport {
  Q_OBJECT
 public:
  explicit QtHttpTransport(QObject* parent = nullptr, int timeout_ms = 60'000);
  ~QtHttpTransport() override;

  CallId Send(const HttpRequest& request, HttpHandlers handlers) override;
  void Abort(CallId id) override;

 private:
  struct Call {
    QNetworkReply* reply = nullptr;
    HttpHandlers handlers;
    bool head_seen = false;
    bool stopped = false;
  };
  static HttpResponse Head(QNetworkReply* reply);
  void OnReadyRead(CallId id);
  void OnFinished(CallId id);

  QNetworkAccessManager nam_;
  int timeout_ms_;
  CallId next_id_ = 1;
  QHash<CallId, Call> calls_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_QT_HTTP_TRANSPORT_H_
