#include "net/send_now.h"

#include <sys/socket.h>
#include <sys/uio.h>

namespace nimbus::net {

bool SendNowOrKeep(int fd, std::string_view head, std::string_view body,
                   std::string* rest) {
  iovec iov[2] = {{const_cast<char*>(head.data()), head.size()},
                  {const_cast<char*>(body.data()), body.size()}};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = 2;
  const ssize_t n = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  const size_t total = head.size() + body.size();
  const size_t sent = n > 0 ? static_cast<size_t>(n) : 0;
  if (sent == total) return true;
  rest->clear();
  if (sent < head.size()) rest->append(head.substr(sent));
  rest->append(body.substr(sent > head.size() ? sent - head.size() : 0));
  return false;
}

}  // namespace nimbus::net
