// One upload or download in the transfer queue: what it moves, how far it
// got and what it needs to resume. Everything but the live figures is
// saved, so a transfer survives the app being closed.
#ifndef NIMBUS_DESKTOP_TRANSFER_ITEM_H_
#define NIMBUS_DESKTOP_TRANSFER_ITEM_H_

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <optional>

#include "desktop/api_result.h"

namespace nimbus::desktop {

// Why a transfer stopped, in plain words, and what may be done about it.
struct TransferError {
  QString message;
  bool transient = false;        // retry by itself after a pause
  bool session_expired = false;  // sign in again, then it goes on

  static TransferError From(const ApiResult& r) {
    return {r.PlainWords(), r.transient(), r.session_expired()};
  }
  static TransferError Local(QString message) {
    return {message, false, false};
  }
};

struct TransferItem {
  enum class Kind { kUpload, kDownload };
  enum class State { kQueued, kRunning, kPaused, kFailed, kDone };

  qint64 id = 0;
  Kind kind = Kind::kUpload;
  State state = State::kQueued;
  QString name;        // the name in the drive
  QString local_path;  // upload: the source; download: the destination
  qint64 size = 0;
  qint64 done = 0;          // bytes confirmed (uploads) or written (downloads)
  qint64 parent = 0;        // upload: destination folder
  qint64 node = 0;          // download: the file; upload: the file it became
  QString sha256;           // upload: of the source; download: expected
  qint64 source_mtime = 0;  // upload: the source's mtime when hashed (ms)
  QString upload_url;       // tus upload, once created
  QString download_url;     // signed URL, reused until it expires
  qint64 url_expires = 0;
  bool instant = false;  // uploaded without sending the bytes (秒传)
  bool waiting_for_sign_in = false;
  int attempts = 0;  // automatic retries since the last progress
  QString message;   // last error or note, plain words

  // Live figures, not saved.
  QString phase;     // "hashing", "uploading", "verifying"...
  double speed = 0;  // bytes per second
  qint64 retry_at_ms = 0;

  bool finished() const { return state == State::kDone; }
  QJsonObject ToJson() const;
  static std::optional<TransferItem> FromJson(const QJsonObject& o);
};

}  // namespace nimbus::desktop

Q_DECLARE_METATYPE(nimbus::desktop::TransferItem)
Q_DECLARE_METATYPE(nimbus::desktop::TransferError)

#endif  // NIMBUS_DESKTOP_TRANSFER_ITEM_H_
