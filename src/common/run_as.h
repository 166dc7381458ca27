// RunAs: the account a server runs under (FastDFS's run_by_group and
// run_by_user).
//
// A server started as root switches to that group and user before it
// creates a file or opens a socket, so everything it writes under base_path
// belongs to them. Started as anyone else it cannot switch: it starts only
// if it already runs as the configured user and group.
#ifndef NIMBUS_COMMON_RUN_AS_H_
#define NIMBUS_COMMON_RUN_AS_H_

#include <sys/types.h>

#include <string>

#include "common/result.h"

namespace nimbus {

class RunAs {
 public:
  // Empty names mean "as started". A user without a group takes the user's
  // primary group. NotFound names an unknown user or group.
  static Result<RunAs> Resolve(const std::string& group,
                               const std::string& user);

  bool changes_nothing() const { return !has_user_ && !has_group_; }
  // Switches the process (all of its threads: call it before starting any)
  // to the group, then the user, with the user's supplementary groups.
  // Permission when not root and not already running as them.
  Status Apply() const;
  // "user nimbus (uid 998), group nimbus (gid 998)" for the log.
  std::string Describe() const;

 private:
  bool has_user_ = false;
  bool has_group_ = false;
  std::string user_;
  std::string group_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
};

}  // namespace nimbus

#endif  // NIMBUS_COMMON_RUN_AS_H_
