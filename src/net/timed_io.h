// Coroutine socket I/O with a deadline. Errors are values: each function
// returns the error_code (asio::error::timed_out when the deadline passed,
// in which case the socket's pending operation has been cancelled and the
// caller must close the connection).
//
// Must be awaited from a coroutine running on the socket's executor.
#ifndef NIMBUS_NET_TIMED_IO_H_
#define NIMBUS_NET_TIMED_IO_H_

#include <asio.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <system_error>

#include "net/watchdog.h"

namespace nimbus::net {

using Socket = asio::ip::tcp::socket;
using Duration = std::chrono::steady_clock::duration;

// Acknowledges at once every byte `sock` has received (TCP_QUICKACK; a
// no-op elsewhere than Linux). The reads below call it before they wait for
// bytes of a frame that has begun: a peer with Nagle's algorithm on (FastDFS's
// C client never sets TCP_NODELAY) holds its next small write -- an upload's
// content after the header and prefix -- until its previous write is
// acknowledged, and Linux delays that acknowledgement by 40 ms or more on a
// connection it judges request/response (pingpong mode), whatever our own
// socket options. FastDFS's servers do the same after every read. One system
// call, made only when the read is about to wait anyway; the reads then try
// once more before they wait, since on loopback the bytes the acknowledgement
// released usually arrive within that call. docs/performance.md section 21.
void AckReceived(Socket& sock);

// Reads exactly `buf.size()` bytes. A wait acknowledges what has arrived
// first (the caller is inside a frame: a header it was sent, a body after
// its header).
asio::awaitable<std::error_code> ReadExact(Socket& sock,
                                           asio::mutable_buffer buf,
                                           Duration timeout);
// Reads at least `min` and at most `buf.size()` bytes (whatever has arrived
// once `min` have); `*got` is the count read. The deadline is kept by `dog`
// (the Watchdog of the socket's io_context) rather than by a timer of its
// own: for reads that usually wait, such as a server's wait for the next
// request. It is honoured within the watchdog's precision. A wait
// acknowledges what has arrived first (AckReceived) when `frame_begun`, or
// when this read itself got part of what it needs: a wait for the first
// byte of the next request has nothing to acknowledge that the reply did
// not carry.
asio::awaitable<std::error_code> ReadAtLeast(Socket& sock,
                                             asio::mutable_buffer buf,
                                             size_t min, size_t* got,
                                             Duration timeout, Watchdog& dog,
                                             bool frame_begun = true);
// Writes all of `buf`.
asio::awaitable<std::error_code> WriteAll(Socket& sock, asio::const_buffer buf,
                                          Duration timeout);
// Writes two buffers in one gather write (header + body).
asio::awaitable<std::error_code> WriteAll2(Socket& sock, asio::const_buffer a,
                                           asio::const_buffer b,
                                           Duration timeout);
// Reads into `buf` until it contains `delim` or holds `max` bytes
// (asio::error::not_found then). Bytes after `delim` may be read too.
asio::awaitable<std::error_code> ReadUntil(Socket& sock, std::string& buf,
                                           std::string_view delim, size_t max,
                                           Duration timeout);
// Connects to host:port (numeric or name). A non-empty `bind_ip` is the
// local address to connect from (multi-homed hosts).
asio::awaitable<std::error_code> Connect(Socket& sock, const std::string& host,
                                         uint16_t port, Duration timeout,
                                         const std::string& bind_ip = "");

}  // namespace nimbus::net

#endif  // NIMBUS_NET_TIMED_IO_H_
