// Sending a short reply from a thread other than the socket's loop, without
// waiting: for a server whose worker thread has the reply ready while the
// connection's coroutine still waits for that worker (so nothing else uses
// the socket meanwhile), one thread wake-up sooner than handing the reply
// back to the loop.
#ifndef NIMBUS_NET_SEND_NOW_H_
#define NIMBUS_NET_SEND_NOW_H_

#include <string>
#include <string_view>

namespace nimbus::net {

// Sends `head` then `body` on socket `fd` with one non-blocking sendmsg.
// True when all of it went. Otherwise (a full socket buffer, or an error)
// `*rest` holds exactly the bytes that did not go, all of them on an error,
// for the socket's loop to send with its usual deadline; the loop then also
// meets the error, if any.
bool SendNowOrKeep(int fd, std::string_view head, std::string_view body,
                   std::string* rest);

}  // namespace nimbus::net

#endif  // NIMBUS_NET_SEND_NOW_H_
