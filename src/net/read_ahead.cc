#include "net/read_ahead.h"

#include <algorithm>
#include <cstring>

namespace nimbus::net {

size_t ReadAhead::TakeBuffered(asio::mutable_buffer* buf) {
  size_t take = std::min(buf->size(), end_ - pos_);
  if (take > 0) {
    std::memcpy(buf->data(), data_.get() + pos_, take);
    pos_ += take;
    *buf += take;
  }
  return take;
}

asio::awaitable<std::error_code> ReadAhead::Read(Socket& sock,
                                                 asio::mutable_buffer buf,
                                                 Duration timeout,
                                                 bool frame_begun) {
  if (TakeBuffered(&buf) > 0) frame_begun = true;
  if (buf.size() == 0) co_return std::error_code();
  if (buf.size() >= capacity_) {
    // Only bodies are this large: the frame has begun.
    co_return co_await net::ReadExact(sock, buf, timeout);
  }
  if (!data_) data_ = std::make_unique<char[]>(capacity_);
  pos_ = end_ = 0;
  size_t got = 0;
  if (dog_ == nullptr) dog_ = &Watchdog::Of(sock);
  std::error_code ec =
      co_await ReadAtLeast(sock, asio::buffer(data_.get(), capacity_),
                           buf.size(), &got, timeout, *dog_, frame_begun);
  end_ = got;
  if (ec) co_return ec;
  TakeBuffered(&buf);
  co_return std::error_code();
}

}  // namespace nimbus::net
