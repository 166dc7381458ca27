#include "desktop/fake_tus_server.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUrlQuery>

namespace nimbus::desktop {
namespace {

HttpResponse Json(int status, const QJsonObject& o) {
  HttpResponse r;
  r.status = status;
  r.body = QJsonDocument(o).toJson(QJsonDocument::Compact);
  return r;
}

HttpResponse Error(int status, const char* code) {
  return Json(status,
              {{"error", QJsonObject{{"code", code}, {"message", code}}}});
}

QByteArray HeaderOf(const HttpRequest& req, const QByteArray& name) {
  for (const auto& [k, v] : req.headers) {
    if (k.toLower() == name.toLower()) return v;
  }
  return {};
}

}  // namespace

HttpTransport::CallId FakeTusServer::Send(const HttpRequest& request,
                                          HttpHandlers handlers) {
  CallId id = next_id_++;
  ++in_flight;
  max_in_flight = std::max(max_in_flight, in_flight);
  if (request.method == "PATCH" && stall_patches) {
    // Never answered; Abort() ends it.
    QTimer::singleShot(0, &context_, [this, id] {
      if (aborted_.contains(id)) --in_flight;
    });
    return id;
  }
  HttpResponse r = Handle(request, handlers);
  Answer(id, std::move(handlers), std::move(r));
  return id;
}

void FakeTusServer::Answer(CallId id, HttpHandlers h, HttpResponse r,
                           int delay_ms) {
  QTimer::singleShot(delay_ms, &context_,
                     [this, id, h = std::move(h), r]() mutable {
                       --in_flight;
                       if (aborted_.contains(id)) return;
                       if (h.data) {
                         // Streamed: hand over the body in 64 KiB pieces.
                         HttpResponse head = r;
                         head.body.clear();
                         if (h.head && !h.head(head)) {
                           head.network_error = "stopped";
                           if (h.done) h.done(head);
                           return;
                         }
                         for (qint64 at = 0; at < r.body.size(); at += 65536) {
                           if (!h.data(r.body.mid(at, 65536))) {
                             head.network_error = "stopped";
                             if (h.done) h.done(head);
                             return;
                           }
                         }
                         if (h.done) h.done(head);
                         return;
                       }
                       if (h.sent) h.sent(0);
                       if (h.done) h.done(r);
                     });
}

HttpResponse FakeTusServer::Handle(const HttpRequest& req, HttpHandlers& h) {
  QString path = req.url.path();
  if (!next_statuses.isEmpty() && path != "/blob") {
    int s = next_statuses.takeFirst();
    HttpResponse r = Error(s, "injected");
    if (s == 0) {
      r.status = 0;
      r.network_error = "Connection refused";
    }
    return r;
  }
  if (!path.startsWith("/blob/") &&
      HeaderOf(req, "Authorization") != "Bearer " + token) {
    return Error(401, "unauthorized");
  }
  if (req.method == "POST" && path == "/api/v1/uploads") {
    ++creations;
    QString id = QString("u%1").arg(creations);
    Upload u;
    u.length = HeaderOf(req, "Upload-Length").toLongLong();
    for (const QByteArray& kv : HeaderOf(req, "Upload-Metadata").split(',')) {
      QList<QByteArray> p = kv.trimmed().split(' ');
      if (p.size() != 2) continue;
      if (p[0] == "filename")
        u.name = QString::fromUtf8(QByteArray::fromBase64(p[1]));
      if (p[0] == "parent")
        u.parent = QByteArray::fromBase64(p[1]).toLongLong();
    }
    uploads.insert(id, u);
    HttpResponse r;
    r.status = 201;
    r.headers.insert("location", "/api/v1/uploads/" + id.toLatin1());
    r.headers.insert("upload-offset", "0");
    if (!req.body.isEmpty()) {
      HttpRequest patch = req;
      patch.method = "PATCH";
      patch.url = QUrl("http://fake/api/v1/uploads/" + id);
      patch.headers.append(
          qMakePair(QByteArray("Upload-Offset"), QByteArray("0")));
      --patches;  // counted as part of the creation
      HttpResponse p = Handle(patch, h);
      if (p.status != 204) {
        r.headers.insert("upload-offset",
                         QByteArray::number(uploads[id].data.size()));
        return r;
      }
      for (auto it = p.headers.begin(); it != p.headers.end(); ++it) {
        r.headers.insert(it.key(), it.value());
      }
    }
    return r;
  }
  if (path.startsWith("/api/v1/uploads/")) {
    QString id = path.section('/', -1);
    auto it = uploads.find(id);
    if (req.method == "DELETE") {
      ++deletes;
      uploads.remove(id);
      HttpResponse r;
      r.status = 204;
      return r;
    }
    if (req.method == "PATCH" && patches + 1 == forget_at_patch) {
      ++patches;
      forget_at_patch = -1;
      uploads.erase(it);
      return Error(404, "not_found");
    }
    if (it == uploads.end()) return Error(404, "not_found");
    HttpResponse r;
    if (req.method == "HEAD") {
      ++heads;
      r.status = 200;
      r.headers.insert("upload-offset", QByteArray::number(it->data.size()));
      r.headers.insert("upload-length", QByteArray::number(it->length));
      if (it->node)
        r.headers.insert("nimbus-node-id", QByteArray::number(it->node));
      return r;
    }
    if (req.method == "PATCH") {
      ++patches;
      qint64 offset = HeaderOf(req, "Upload-Offset").toLongLong();
      if (offset != it->data.size()) {
        r = Error(409, "conflict");
        r.headers.insert("upload-offset", QByteArray::number(it->data.size()));
        return r;
      }
      QByteArray body = req.body;
      if (damage_next_patch && !body.isEmpty()) {
        damage_next_patch = false;
        body[0] = static_cast<char>(body[0] ^ 0x55);
      }
      if (patches == cut_patch_at) {
        // The connection drops part way; the checksummed piece is dropped.
        cut_patch_at = -1;
        r.status = 0;
        r.network_error = "Connection closed";
        return r;
      }
      QByteArray want = HeaderOf(req, "Upload-Checksum");
      QByteArray got =
          "sha256 " +
          QCryptographicHash::hash(body, QCryptographicHash::Sha256).toBase64();
      if (!want.isEmpty() && want != got) {
        r = Error(460, "checksum_mismatch");
        r.headers.insert("upload-offset", QByteArray::number(it->data.size()));
        return r;
      }
      if (it->data.size() + body.size() > it->length)
        return Error(413, "too_large");
      it->data.append(body);
      r.status = 204;
      r.headers.insert("upload-offset", QByteArray::number(it->data.size()));
      if (it->data.size() == it->length) {
        it->node = next_node++;
        files.insert(it->node, it->data);
        file_names.insert(it->node, it->name);
        r.headers.insert("nimbus-node-id", QByteArray::number(it->node));
      }
      return r;
    }
  }
  QJsonObject body = QJsonDocument::fromJson(req.body).object();
  if (req.method == "POST" && path == "/api/v1/files/instant/challenge") {
    if (!known_sha256.contains(body.value("sha256").toString())) {
      return Error(404, "unknown_content");
    }
    return Json(201, {{"challenge", "c1"},
                      {"offset", 0},
                      {"length", 16},
                      {"nonce", "nonce"},
                      {"expires_at", 0}});
  }
  if (req.method == "POST" && path == "/api/v1/files/instant") {
    ++instant_uploads;
    qint64 node = next_node++;
    files.insert(node, {});
    return Json(201, {{"node", QJsonObject{{"id", node}}}, {"instant", true}});
  }
  if (req.method == "POST" && path == "/api/v1/files") {
    qint64 node = next_node++;
    files.insert(node, req.body);
    file_names.insert(node, QUrlQuery(req.url).queryItemValue("name"));
    return Json(201, {{"node", QJsonObject{{"id", node}}}});
  }
  if (req.method == "GET" && path.startsWith("/api/v1/nodes/") &&
      path.endsWith("/download")) {
    qint64 node = path.section('/', 4, 4).toLongLong();
    if (!files.contains(node)) return Error(404, "not_found");
    return Json(200, {{"url", QString("http://fake/blob/%1").arg(node)},
                      {"expires_at", qint64{4102444800}}});
  }
  if (req.method == "GET" && path.startsWith("/blob/")) {
    qint64 node = path.section('/', -1).toLongLong();
    QByteArray range = HeaderOf(req, "Range");
    ranges.append(range);
    QByteArray all = files.value(node);
    qint64 from = 0;
    HttpResponse r;
    r.status = 200;
    if (range.startsWith("bytes=")) {
      from = range.mid(6, range.indexOf('-') - 6).toLongLong();
      r.status = 206;
      r.headers.insert("content-range",
                       "bytes " + QByteArray::number(from) + "-" +
                           QByteArray::number(all.size() - 1) + "/" +
                           QByteArray::number(all.size()));
    }
    r.body = all.mid(from);
    if (cut_download_after >= 0) {
      r.body = r.body.left(cut_download_after);
      r.network_error = "Connection closed";
      cut_download_after = -1;
    }
    return r;
  }
  if (req.method == "GET" && path.startsWith("/api/v1/folders/")) {
    QUrlQuery q(req.url);
    listing_queries.append(req.url.query());
    qint64 limit = q.queryItemValue("limit").toLongLong();
    qint64 from = q.queryItemValue("cursor").toLongLong();
    bool desc = q.queryItemValue("order") == "desc";
    QJsonArray items;
    for (qint64 i = from; i < std::min(folder_size, from + limit); ++i) {
      qint64 n = desc ? folder_size - 1 - i : i;
      items.append(QJsonObject{
          {"id", n + 1},
          {"parent", 0},
          {"name", QString("file-%1.txt").arg(n, 5, 10, QChar('0'))},
          {"type", "file"},
          {"size", n},
          {"downloads", 0},
          {"updated_at", 1764250000}});
    }
    qint64 next = from + limit;
    return Json(200, {{"items", items},
                      {"next_cursor", next < folder_size
                                          ? QJsonValue(QString::number(next))
                                          : QJsonValue()}});
  }
  return Error(404, "not_found");
}

}  // namespace nimbus::desktop
