// Requests sent straight to one storage server, bypassing the tracker and
// the client library: what a test uses to see what each replica holds.
#ifndef NIMBUS_TESTS_SYSTEM_DIRECT_REQUEST_H_
#define NIMBUS_TESTS_SYSTEM_DIRECT_REQUEST_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace nimbus::test {

struct Direct {
  int status = -1;  // -1: no answer (connection failed or cut)
  std::string body;
};

// One request `cmd` with `body` to ip:port; the reply's status and body,
// or status -1 when no whole reply came within `reply_timeout`.
Direct Ask(
    const std::string& ip, uint16_t port, uint8_t cmd, const std::string& body,
    std::chrono::milliseconds reply_timeout = std::chrono::milliseconds(5000));

std::string GroupOf(const std::string& id);
std::string NameOf(const std::string& id);  // without the group

// The whole file `id` as that server has it.
Direct Fetch(const std::string& ip, uint16_t port, const std::string& id);
// Its packed metadata there.
Direct Meta(const std::string& ip, uint16_t port, const std::string& id);

// Polls `pred` for the two storages of a test group (127.0.0.1 and
// 127.0.0.2) until it holds for both or 15 s pass.
bool OnBothStorages(const std::function<bool(const std::string& ip)>& pred);

}  // namespace nimbus::test

#endif  // NIMBUS_TESTS_SYSTEM_DIRECT_REQUEST_H_
