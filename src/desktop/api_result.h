// The outcome of one /api/v1 call, and its explanation in plain words for
// the person at the screen.
#ifndef NIMBUS_DESKTOP_API_RESULT_H_
#define NIMBUS_DESKTOP_API_RESULT_H_

#include <QJsonObject>
#include <QString>

#include "desktop/http_transport.h"

namespace nimbus::desktop {

struct ApiResult {
  HttpResponse http;
  QJsonObject json;  // the parsed body when it was a JSON object
  QString code;      // error.code from the server, e.g. "quota_exceeded"
  QString message;   // error.message from the server (English)

  static ApiResult From(const HttpResponse& r);

  bool ok() const {
    return http.network_error.isEmpty() && http.status >= 200 &&
           http.status < 300;
  }
  int status() const { return http.status; }
  bool network_down() const { return !http.network_error.isEmpty(); }
  // Worth trying again by itself later: the network, a busy or failing
  // server, a rate limit. Everything else needs the user to act.
  bool transient() const;
  // True when the session is gone and the user must sign in again.
  bool session_expired() const { return http.status == 401; }
  // A sentence for the user, translated (context "ApiResult").
  QString PlainWords() const;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_API_RESULT_H_
