// ReadAhead: a per-connection receive buffer for servers. A request's
// header, its fixed body and small content usually arrive together; reading
// them with one recv into this buffer, rather than one recv per field, saves
// a system call per field. Every read of the connection must then go through
// the same ReadAhead (bytes it holds are no longer in the socket).
//
// Must be used from a coroutine on the socket's executor, one read at a time;
// the socket's io_context must be run by one thread (its reads' deadlines are
// kept by that context's Watchdog).
#ifndef NIMBUS_NET_READ_AHEAD_H_
#define NIMBUS_NET_READ_AHEAD_H_

#include <memory>

#include "net/timed_io.h"

namespace nimbus::net {

class ReadAhead {
 public:
  // `capacity`: the most read ahead of what was asked for. Reads of at
  // least this size go straight to the caller's buffer.
  explicit ReadAhead(size_t capacity) : capacity_(capacity) {}

  // Reads exactly `buf.size()` bytes: buffered ones first, then from `sock`
  // (timeout as net::ReadExact). Bytes of a frame already begun: a wait
  // acknowledges what has arrived first (net::AckReceived).
  asio::awaitable<std::error_code> ReadExact(Socket& sock,
                                             asio::mutable_buffer buf,
                                             Duration timeout) {
    return Read(sock, buf, timeout, true);
  }
  // The same for the first bytes of the next frame (a request's header):
  // waiting for a peer that has sent nothing since the last reply
  // acknowledges nothing, so a request that arrives whole costs no extra
  // system call or packet.
  asio::awaitable<std::error_code> ReadNextFrame(Socket& sock,
                                                 asio::mutable_buffer buf,
                                                 Duration timeout) {
    return Read(sock, buf, timeout, false);
  }
  // Bytes received and not yet handed out.
  size_t buffered() const { return end_ - pos_; }

 private:
  asio::awaitable<std::error_code> Read(Socket& sock, asio::mutable_buffer buf,
                                        Duration timeout, bool frame_begun);
  size_t TakeBuffered(asio::mutable_buffer* buf);

  const size_t capacity_;
  std::unique_ptr<char[]> data_;  // allocated on first use
  Watchdog* dog_ = nullptr;       // the socket's, found on first use
  size_t pos_ = 0, end_ = 0;
};

}  // namespace nimbus::net

#endif  // NIMBUS_NET_READ_AHEAD_H_
