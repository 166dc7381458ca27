// For tests: one child process (a database or cache server the test
// starts), spawned from argv[0] on PATH and stopped for sure: a signal,
// then SIGKILL if it has not exited within the grace period.
#ifndef NIMBUS_WEB_TEST_PROCESS_H_
#define NIMBUS_WEB_TEST_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace nimbus::web {

class TestProcess {
 public:
  TestProcess() = default;
  TestProcess(const TestProcess&) = delete;
  TestProcess& operator=(const TestProcess&) = delete;
  ~TestProcess() { Stop(9, 0); }

  // args[0] is looked up on PATH.
  Status Spawn(std::vector<std::string> args);
  // True when it has exited (it is then reaped).
  bool Exited();
  // Sends `sig`, waits up to `grace_ms` for the exit, then SIGKILLs.
  void Stop(int sig, int grace_ms);
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_TEST_PROCESS_H_
