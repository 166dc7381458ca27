#include "direct_request.h"

#include <chrono>
#include <thread>

#include "net/blocking_connection.h"
#include "proto/command.h"
#include "proto/header.h"
#include "proto/storage_messages.h"
#include "proto/tracker_messages.h"

namespace nimbus::test {

Direct Ask(const std::string& ip, uint16_t port, uint8_t cmd,
           const std::string& body, std::chrono::milliseconds reply_timeout) {
  Direct d;
  auto c = net::BlockingConnection::Connect(
      ip, port, std::chrono::milliseconds(2000), reply_timeout);
  if (!c.ok()) return d;
  std::string frame;
  proto::AppendHeader(&frame, static_cast<int64_t>(body.size()), cmd);
  if (!(*c)->Write2(frame, body).ok()) return d;
  char h[proto::kHeaderSize];
  if (!(*c)->ReadExact(h, sizeof(h)).ok()) return d;
  proto::Header hdr = proto::DecodeHeader(h);
  d.body.resize(static_cast<size_t>(hdr.pkg_len));
  if (!d.body.empty() && !(*c)->ReadExact(d.body.data(), d.body.size()).ok()) {
    return d;
  }
  d.status = hdr.status;
  return d;
}

std::string GroupOf(const std::string& id) {
  return id.substr(0, id.find('/'));
}

std::string NameOf(const std::string& id) {
  return id.substr(id.find('/') + 1);
}

Direct Fetch(const std::string& ip, uint16_t port, const std::string& id) {
  return Ask(ip, port, proto::kDownloadFile,
             proto::EncodeDownloadRequest({0, 0, GroupOf(id), NameOf(id)}));
}

Direct Meta(const std::string& ip, uint16_t port, const std::string& id) {
  return Ask(ip, port, proto::kGetMetadata,
             proto::EncodeGroupAndName(GroupOf(id), NameOf(id)));
}

bool OnBothStorages(const std::function<bool(const std::string& ip)>& pred) {
  for (int i = 0; i < 300; ++i) {
    if (pred("127.0.0.1") && pred("127.0.0.2")) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace nimbus::test
