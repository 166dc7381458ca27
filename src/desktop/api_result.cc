#include "desktop/api_result.h"

#include <QCoreApplication>
#include <QJsonDocument>

namespace nimbus::desktop {
ApiResult ApiResult::From(const HttpResponse& r) {
  ApiResult a;
  a.http = r;
  QJsonDocument doc = QJsonDocument::fromJson(r.body);
  if (doc.isObject()) a.json = doc.object();
  QJsonObject err = a.json.value("error").toObject();
  a.code = err.value("code").toString();
  a.message = err.value("message").toString();
  return a;
}

bool ApiResult::transient() const {
  if (network_down()) return http.network_error != "stopped";
  int s = http.status;
  return s == 408 || s == 423 || s == 429 || s == 500 || s == 502 || s == 503 ||
         s == 504;
}

QString ApiResult::PlainWords() const {
  if (network_down()) {
    return QCoreApplication::translate(
               "ApiResult",
               "Cannot reach the server. Check your network connection and "
               "the server address.") +
           " (" + http.network_error + ")";
  }
  switch (http.status) {
    case 400:
      return QCoreApplication::translate("ApiResult",
                                         "The server refused the request: %1")
          .arg(message);
    case 401:
      return QCoreApplication::translate(
          "ApiResult", "Your session has expired. Please sign in again.");
    case 403:
      if (message.contains("password"))
        return QCoreApplication::translate("ApiResult", "Wrong password.");
      if (message.contains("registration")) {
        return QCoreApplication::translate(
            "ApiResult", "This server does not accept new accounts.");
      }
      return QCoreApplication::translate("ApiResult",
                                         "You are not allowed to do that.");
    case 404:
      return QCoreApplication::translate(
          "ApiResult", "It no longer exists: it was deleted or moved.");
    case 409:
      return QCoreApplication::translate(
          "ApiResult", "An item with that name already exists here.");
    case 410:
      return QCoreApplication::translate(
          "ApiResult", "The link has expired or reached its download limit.");
    case 413:
      return QCoreApplication::translate(
          "ApiResult", "The file is larger than this server accepts.");
    case 423:
      return QCoreApplication::translate(
          "ApiResult", "The server is busy with this transfer; retrying.");
    case 429: {
      QString wait = QString::fromLatin1(http.Header("retry-after"));
      return wait.isEmpty()
                 ? QCoreApplication::translate(
                       "ApiResult", "Too many attempts. Please wait a moment.")
                 : QCoreApplication::translate(
                       "ApiResult",
                       "Too many attempts. Try again in %1 seconds.")
                       .arg(wait);
    }
    case 460:
      return QCoreApplication::translate(
          "ApiResult",
          "The data was damaged on the way; it will be sent again.");
    case 507:
      return QCoreApplication::translate(
          "ApiResult", "Not enough space: this does not fit in your quota.");
    default:
      break;
  }
  if (http.status >= 500) {
    return QCoreApplication::translate(
               "ApiResult",
               "The server has a problem (error %1). Try again later.")
        .arg(http.status);
  }
  return QCoreApplication::translate(
             "ApiResult", "Unexpected answer from the server (HTTP %1).")
      .arg(http.status);
}

}  // namespace nimbus::desktop
