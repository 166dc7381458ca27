// A tus 1.0.0 client for one file: creates the upload (the first piece goes
// with the creation request), then sends 4 MiB PATCH pieces, each with an
// Upload-Checksum so a damaged or cut piece is discarded whole by the
// server. Start() after any interruption asks the server (HEAD) where to go
// on; an upload the server no longer knows (expired) is created anew, once.
#ifndef NIMBUS_DESKTOP_TUS_UPLOAD_H_
#define NIMBUS_DESKTOP_TUS_UPLOAD_H_

#include <QObject>
#include <QString>
#include <functional>

#include "desktop/api_client.h"
#include "desktop/transfer_item.h"

namespace nimbus::desktop {

class TusUpload : public QObject {
  Q_OBJECT
 public:
  static constexpr qint64 kPiece = 4 << 20;

  // `url` is the upload to resume, empty to create one. `parent` is the
  // folder the finished file goes into.
  TusUpload(ApiClient* api, QString path, qint64 length, QString name,
            qint64 parent, QString url, QObject* owner = nullptr);
  ~TusUpload() override;

  void Start();
  // Stops sending; the upload stays on the server for a later Start().
  void Stop();
  // Stops and deletes the upload on the server (tus termination).
  void Terminate(std::function<void()> done);

  const QString& url() const { return url_; }
  qint64 offset() const { return offset_; }
  void SetPieceSize(qint64 bytes) { piece_ = bytes; }

 Q_SIGNALS:
  // A new upload URL (or an empty one when the old upload expired): save it.
  void UrlChanged(const QString& url);
  // Bytes the server holds plus those of the piece in flight.
  void Progress(qint64 bytes);
  void Finished(qint64 node_id);
  void Failed(const nimbus::desktop::TransferError& error);

 private:
  HttpHeaders TusHeaders(HttpHeaders extra = {}) const;
  void Create();
  void Probe();
  void SendPiece();
  // Reads [offset_, offset_ + n) of the file; false when it changed size.
  bool ReadPiece(QByteArray* out);
  // The request carrying the next piece, with its checksum and progress;
  // false (after Fail) when the file cannot be read.
  bool PieceRequest(const QByteArray& method, const QString& url,
                    HttpHeaders headers, HttpRequest* req, HttpHandlers* h);
  // Handles an answer carrying Upload-Offset (and Nimbus-Node-Id when done).
  void Advance(const HttpResponse& r);
  void Gone(const ApiResult& r);
  void Fail(const TransferError& e);

  ApiClient* api_;
  QString path_;
  qint64 length_;
  QString name_;
  qint64 parent_;
  QString url_;
  qint64 offset_ = 0;
  qint64 piece_ = kPiece;
  HttpTransport::CallId call_ = 0;
  bool running_ = false;
  bool recreated_ = false;
  int resends_ = 0;  // checksum mismatches and offset conflicts in a row
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_TUS_UPLOAD_H_
