#include "web/test_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

extern char** environ;

namespace nimbus::web {

Status TestProcess::Spawn(std::vector<std::string> args) {
  if (args.empty()) return Status::InvalidArgument("no program");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, args[0].c_str(), nullptr, nullptr, argv.data(),
                   environ) != 0) {
    return Status::IOError("cannot start " + args[0]);
  }
  pid_ = pid;
  return Status::OK();
}

bool TestProcess::Exited() {
  if (pid_ <= 0) return true;
  int st = 0;
  if (::waitpid(pid_, &st, WNOHANG) != pid_) return false;
  pid_ = -1;
  return true;
}

void TestProcess::Stop(int sig, int grace_ms) {
  if (pid_ <= 0) return;
  ::kill(pid_, sig);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (!Exited()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace nimbus::web
