// Exit codes of the `nimbus` CLI, stable for scripts (README.md):
//   0 success          1 other error        2 usage / invalid input
//   3 not found        4 no space           5 cluster unreachable / timeout
//   6 exists / busy
#ifndef NIMBUS_CLI_EXIT_CODE_H_
#define NIMBUS_CLI_EXIT_CODE_H_

#include "common/status.h"

namespace nimbus::cli {

inline int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return 0;
    case Status::Code::kInvalidArgument:
      return 2;
    case Status::Code::kNotFound:
      return 3;
    case Status::Code::kNoSpace:
      return 4;
    case Status::Code::kUnavailable:
    case Status::Code::kTimedOut:
      return 5;
    case Status::Code::kAlreadyExists:
    case Status::Code::kBusy:
      return 6;
    default:
      return 1;
  }
}

}  // namespace nimbus::cli

#endif  // NIMBUS_CLI_EXIT_CODE_H_
