// BlockingConnection: a client-side TCP connection with per-operation
// deadlines, for callers that are not coroutines (the client library, CLI,
// tests). Connecting runs a private io_context; after that the socket is in
// blocking mode with the kernel's send and receive timeouts (SO_SNDTIMEO,
// SO_RCVTIMEO) standing for the deadline, so a reply costs one system call
// rather than a failed read, a poll() and a read. Reads go through a small
// buffer owned by the connection: a reply's header and a small body arrive in
// one call. Each Write/ReadExact must finish within the network timeout (to
// within 100 ms when a peer trickles bytes). On timeout or error the
// connection is marked broken and must be discarded.
//
// Thread-safety: one thread at a time (a pool hands a connection to one user).
#ifndef NIMBUS_NET_BLOCKING_CONNECTION_H_
#define NIMBUS_NET_BLOCKING_CONNECTION_H_

#include <sys/uio.h>

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace nimbus::net {

class BlockingConnection {
 public:
  static Result<std::unique_ptr<BlockingConnection>> Connect(
      const std::string& host, uint16_t port,
      std::chrono::milliseconds connect_timeout,
      std::chrono::milliseconds network_timeout);

  Status Write(std::string_view data);
  // Gather write of a header and a body.
  Status Write2(std::string_view a, std::string_view b);
  Status ReadExact(char* dst, size_t n);
  void Close();
  // False when the peer has closed the connection (or sent unexpected
  // bytes) while it sat idle, buffered bytes included; checked without
  // blocking.
  bool LooksAlive();

  bool broken() const { return broken_; }
  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  // The local address of this connection (how the peer sees us).
  std::string LocalAddress() const;
  std::chrono::steady_clock::time_point last_used() const { return last_used_; }

 private:
  BlockingConnection(std::string host, uint16_t port,
                     std::chrono::milliseconds network_timeout);
  template <typename Start>
  Status Run(Start start, std::chrono::milliseconds timeout, const char* what);
  // Sends (`reading` false) or receives every byte `iov` describes within
  // the network timeout; `iov` is consumed.
  Status Transfer(bool reading, struct iovec* iov, int iovcnt,
                  const char* what);
  Status Fail(int err, const char* what);
  // Sets the kernel timeout of one direction when it differs from the one
  // armed; false (and the connection broken) if setsockopt fails.
  bool Arm(bool reading, std::chrono::milliseconds timeout);
  Status TimedOut(const char* what);

  // Bytes received but not yet consumed are rbuf_[rpos_, rend_).
  static constexpr size_t kReadBuffer = 16 * 1024;

  asio::io_context io_;
  asio::ip::tcp::socket sock_;
  std::string host_;
  uint16_t port_;
  std::chrono::milliseconds network_timeout_;
  bool broken_ = false;
  std::chrono::milliseconds armed_[2] = {std::chrono::milliseconds(0),
                                         std::chrono::milliseconds(0)};
  std::unique_ptr<char[]> rbuf_;
  size_t rpos_ = 0, rend_ = 0;
  std::chrono::steady_clock::time_point last_used_;
};

}  // namespace nimbus::net

#endif  // NIMBUS_NET_BLOCKING_CONNECTION_H_
