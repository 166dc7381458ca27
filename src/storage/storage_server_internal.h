// Definitions private to the StorageServer implementation files
// (storage_server.cc, sync_handlers.cc). Not part of any interface.
#ifndef NIMBUS_STORAGE_STORAGE_SERVER_INTERNAL_H_
#define NIMBUS_STORAGE_STORAGE_SERVER_INTERNAL_H_

#include <asio.hpp>
#include <chrono>
#include <ctime>
#include <optional>
#include <string>

#include "net/read_ahead.h"
#include "storage/storage_server.h"

namespace nimbus::storage {

// A new file's create time, as FastDFS names carry it.
inline uint32_t NowSeconds() {
  return static_cast<uint32_t>(std::time(nullptr));
}

struct StorageServer::Conn {
  explicit Conn(asio::ip::tcp::socket s) : sock(std::move(s)) {}
  asio::ip::tcp::socket sock;
  std::string peer_ip;
  std::string local_ip;
  std::chrono::seconds net_timeout{60};
  uint8_t cmd = 0;
  int64_t remaining = 0;    // request content not yet read
  std::string reply;        // response body, when not streamed
  bool reply_sent = false;  // the handler wrote the response itself
  // `reply` holds raw response bytes (header included) that a disk thread
  // could not send at once; the loop sends them as they are.
  bool reply_raw = false;
  bool close = false;  // the connection cannot continue
  // For the access log: the body size of a response the handler streamed
  // itself (-1: `reply`'s), and the last file name read after the body.
  int64_t reply_len = -1;
  std::string read_name;
  // Every read of `sock` goes through `in`: a small request arrives whole
  // in one recv.
  net::ReadAhead in{16 * 1024};
  std::string chunk;  // reusable transfer buffer
  std::string back;   // the chunk being written while `chunk` fills
  // Set by a handler that changed something; persisted before the reply.
  std::optional<Change> change;
  // Under group commit, replies to a peer's sync requests held back because
  // its next request had already arrived (the peer's sync worker keeps
  // several in flight): encoded responses, all successes so far, sent
  // together once one flush of every store path in `held_paths` made their
  // changes durable (StorageServer::ReleaseHeld). One flush then answers a
  // window of replicas instead of one each.
  std::string held;
  size_t held_count = 0;
  std::vector<uint32_t> held_paths;
};

class StorageServer::BusyGuard {
 public:
  BusyGuard(StorageServer* s, std::string full)
      : s_(s), full_(std::move(full)), held_(s->TryMarkBusy(full_)) {}
  ~BusyGuard() {
    if (held_) s_->ClearBusy(full_);
  }
  bool held() const { return held_; }

 private:
  StorageServer* s_;
  std::string full_;
  bool held_;
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_STORAGE_SERVER_INTERNAL_H_
