// An in-memory nimbus-web for unit tests, behind the HttpTransport
// interface: tus uploads, instant upload, signed downloads with Range,
// folder listings with cursors. Faults are injected per call: cut a body
// part way, damage it, answer a given status, forget an upload.
#ifndef NIMBUS_DESKTOP_FAKE_TUS_SERVER_H_
#define NIMBUS_DESKTOP_FAKE_TUS_SERVER_H_

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include "desktop/http_transport.h"

namespace nimbus::desktop {

class FakeTusServer : public HttpTransport {
 public:
  struct Upload {
    qint64 length = 0;
    QByteArray data;
    QString name;
    qint64 parent = 0;
    qint64 node = 0;
  };

  CallId Send(const HttpRequest& request, HttpHandlers handlers) override;
  void Abort(CallId id) override { aborted_.insert(id); }

  // What the server holds.
  QHash<QString, Upload> uploads;
  QHash<qint64, QByteArray> files;  // node -> content
  QHash<qint64, QString> file_names;
  QSet<QString> known_sha256;  // content instant upload accepts
  qint64 next_node = 100;
  QByteArray token = "good";
  qint64 folder_size = 0;  // children of folder 0 (listing)

  // Faults, each used by the next matching call.
  int cut_patch_at = -1;     // the PATCH with this number is cut
  int forget_at_patch = -1;  // ...or finds its upload forgotten
  bool damage_next_patch = false;
  QList<int> next_statuses;  // answered instead of the real thing
  qint64 cut_download_after = -1;
  bool stall_patches = false;  // PATCHes get no answer (until aborted)

  // What happened.
  int creations = 0;
  int patches = 0;
  int heads = 0;
  int deletes = 0;
  int instant_uploads = 0;
  QList<QByteArray> ranges;  // Range headers of downloads
  QList<QString> listing_queries;
  int in_flight = 0;
  int max_in_flight = 0;

 private:
  void Answer(CallId id, HttpHandlers h, HttpResponse r, int delay_ms = 0);
  HttpResponse Handle(const HttpRequest& req, HttpHandlers& h);

  CallId next_id_ = 1;
  QSet<CallId> aborted_;
  // Pending answers die with the server.
  QObject context_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_FAKE_TUS_SERVER_H_
