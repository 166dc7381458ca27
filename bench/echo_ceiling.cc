#include "echo_ceiling.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

namespace nimbus::bench {
namespace {

constexpr size_t kMsg = 10;

bool IoAll(int fd, char* buf, size_t n, bool write) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = write ? ::send(fd, buf + done, n - done, MSG_NOSIGNAL)
                      : ::recv(fd, buf + done, n - done, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

void NoDelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

Result<double> EchoCeiling::Measure(int concurrency,
                                    std::chrono::milliseconds duration) {
  int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0) return Status::FromErrno(errno, "socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      ::listen(lfd, 1024) != 0 ||
      ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    int err = errno;
    ::close(lfd);
    return Status::FromErrno(err, "echo server bind/listen");
  }
  std::vector<std::thread> servers;
  std::vector<int> server_fds;
  std::vector<int> client_fds;
  Status failed;
  for (int i = 0; i < concurrency && failed.ok(); ++i) {
    int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0 ||
        ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      failed = Status::FromErrno(errno, "echo connect");
      if (c >= 0) ::close(c);
      break;
    }
    int s = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (s < 0) {
      failed = Status::FromErrno(errno, "echo accept");
      ::close(c);
      break;
    }
    NoDelay(c);
    NoDelay(s);
    client_fds.push_back(c);
    server_fds.push_back(s);
    servers.emplace_back([s] {
      char buf[kMsg];
      while (IoAll(s, buf, kMsg, false) && IoAll(s, buf, kMsg, true)) {
      }
    });
  }
  ::close(lfd);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> total{0};
  std::vector<std::thread> clients;
  auto start = std::chrono::steady_clock::now();
  if (failed.ok()) {
    for (int c : client_fds) {
      clients.emplace_back([c, &stop, &total] {
        char buf[kMsg] = {};
        int64_t n = 0;
        while (!stop.load(std::memory_order_relaxed) &&
               IoAll(c, buf, kMsg, true) && IoAll(c, buf, kMsg, false)) {
          ++n;
        }
        total += n;
      });
    }
    std::this_thread::sleep_for(duration);
  }
  stop = true;
  for (auto& t : clients) t.join();
  auto elapsed = std::chrono::steady_clock::now() - start;
  for (int c : client_fds) ::shutdown(c, SHUT_RDWR);
  for (auto& t : servers) t.join();
  for (int c : client_fds) ::close(c);
  for (int s : server_fds) ::close(s);
  if (!failed.ok()) return failed;
  return static_cast<double>(total.load()) /
         std::chrono::duration<double>(elapsed).count();
}

}  // namespace nimbus::bench
