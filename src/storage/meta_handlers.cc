// StorageServer: metadata and file information commands (SET_METADATA,
// GET_METADATA, QUERY_FILE_INFO). Split from storage_server.cc to keep each
// file to one concern; same class.
#include "proto/constants.h"
#include "proto/file_name.h"
#include "proto/metadata.h"
#include "proto/storage_messages.h"
#include "proto/tracker_messages.h"
#include "storage/storage_server.h"
#include "storage/storage_server_internal.h"

namespace nimbus::storage {

asio::awaitable<Status> StorageServer::HandleSetMeta(Conn& c,
                                                     std::string_view body,
                                                     uint8_t status) {
  auto req = proto::DecodeSetMetaRequest(body);
  if (!req.ok()) co_return req.status();
  auto t = ResolveTarget(req->group, req->name);
  if (!t.ok()) co_return t.status();
  // A merge applied by two members at once would leave each with the
  // other's whole metadata once replicated.
  if (auto source = UpdateSource(t->fields.source_ip)) {
    co_return co_await ForwardUpdate(c, *source, status, body);
  }
  BusyGuard guard(this, t->full + "-m");
  if (!guard.held()) co_return Status::Busy("metadata is being updated");
  Status s = co_await disks_[t->logic.store_path_index]->Run([&] {
    Status r = store_.WriteMetadata(*t, req->op, req->meta);
    return r.ok() ? AppendBinlog('U', t->logic.ToString()) : r;
  });
  if (s.ok()) Changed(c, t->logic.store_path_index, t->full, false, true);
  Count(proto::kTotalSetMetaCount, proto::kSuccessSetMetaCount, s);
  co_return s;
}

asio::awaitable<Status> StorageServer::HandleGetMeta(Conn& c,
                                                     std::string_view body,
                                                     uint8_t) {
  auto req = proto::DecodeGroupAndName(body);
  if (!req.ok()) co_return req.status();
  auto t = ResolveTarget(req->group, req->name);
  if (!t.ok()) co_return t.status();
  Status s = co_await disks_[t->logic.store_path_index]->Run([&]() -> Status {
    auto meta = store_.ReadMetadata(*t);
    if (!meta.ok()) return meta.status();
    c.reply = std::move(*meta);
    return Status::OK();
  });
  Count(proto::kTotalGetMetaCount, proto::kSuccessGetMetaCount, s);
  co_return s;
}

asio::awaitable<Status> StorageServer::HandleQueryInfo(Conn& c,
                                                       std::string_view body,
                                                       uint8_t flags) {
  auto req = proto::DecodeGroupAndName(body);
  if (!req.ok()) co_return req.status();
  auto t = ResolveTarget(req->group, req->name);
  if (!t.ok()) co_return t.status();
  proto::FileInfoReply info;
  info.create_time = t->fields.create_time;
  info.source_ip = SourceAddress(t->fields.source_ip);
  bool derived = t->fields.IsAppender() || t->logic.IsSlave(t->fields);
  Status s = co_await disks_[t->logic.store_path_index]->Run([&]() -> Status {
    auto st = store_.StatFile(*t);
    if (!st.ok()) return Status::NotFound("file does not exist");
    if (!derived) {
      info.file_size = t->fields.EncodedSize();
      info.crc32 = t->fields.crc32;
      return Status::OK();
    }
    // Appender and slave files: the name does not describe the content.
    info.file_size = static_cast<int64_t>(st->size);
    if ((flags & proto::kQueryInfoNoCrc) == 0) {
      auto crc = store_.Crc32Of(t->full, st->size);
      if (!crc.ok()) return crc.status();
      info.crc32 = *crc;
    }
    return Status::OK();
  });
  if (!s.ok()) co_return s;
  c.reply = proto::EncodeFileInfoReply(info);
  co_return Status::OK();
}

}  // namespace nimbus::storage
