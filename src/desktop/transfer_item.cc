#include "desktop/transfer_item.h"

namespace nimbus::desktop {
namespace {

const char* StateName(TransferItem::State s) {
  switch (s) {
    case TransferItem::State::kQueued:
      return "queued";
    case TransferItem::State::kRunning:
      return "running";
    case TransferItem::State::kPaused:
      return "paused";
    case TransferItem::State::kFailed:
      return "failed";
    case TransferItem::State::kDone:
      return "done";
  }
  return "queued";
}

}  // namespace

QJsonObject TransferItem::ToJson() const {
  return {
      {"id", id},
      {"kind", kind == Kind::kUpload ? "upload" : "download"},
      {"state", StateName(state)},
      {"name", name},
      {"local_path", local_path},
      {"size", size},
      {"done", done},
      {"parent", parent},
      {"node", node},
      {"sha256", sha256},
      {"source_mtime", source_mtime},
      {"upload_url", upload_url},
      {"download_url", download_url},
      {"url_expires", url_expires},
      {"instant", instant},
      {"waiting_for_sign_in", waiting_for_sign_in},
      {"message", message},
  };
}

std::optional<TransferItem> TransferItem::FromJson(const QJsonObject& o) {
  TransferItem t;
  t.id = o.value("id").toInteger();
  QString kind = o.value("kind").toString();
  if (t.id <= 0 || (kind != "upload" && kind != "download")) {
    return std::nullopt;
  }
  t.kind = kind == "upload" ? Kind::kUpload : Kind::kDownload;
  QString state = o.value("state").toString();
  for (State s : {State::kQueued, State::kRunning, State::kPaused,
                  State::kFailed, State::kDone}) {
    if (state == StateName(s)) t.state = s;
  }
  t.name = o.value("name").toString();
  t.local_path = o.value("local_path").toString();
  t.size = o.value("size").toInteger();
  t.done = o.value("done").toInteger();
  t.parent = o.value("parent").toInteger();
  t.node = o.value("node").toInteger();
  t.sha256 = o.value("sha256").toString();
  t.source_mtime = o.value("source_mtime").toInteger();
  t.upload_url = o.value("upload_url").toString();
  t.download_url = o.value("download_url").toString();
  t.url_expires = o.value("url_expires").toInteger();
  t.instant = o.value("instant").toBool();
  t.waiting_for_sign_in = o.value("waiting_for_sign_in").toBool();
  t.message = o.value("message").toString();
  if (t.name.isEmpty() || t.local_path.isEmpty() || t.size < 0 || t.done < 0 ||
      t.done > t.size) {
    return std::nullopt;
  }
  return t;
}

}  // namespace nimbus::desktop
