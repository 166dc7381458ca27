#include "common/run_as.h"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace nimbus {
namespace {

using GroupEntry = struct ::group;

// getpwnam_r / getgrnam_r with a buffer that grows while ERANGE.
template <typename Entry, typename Fn>
Result<Entry> Lookup(const std::string& name, const char* what, Fn fn) {
  std::vector<char> buf(1024);
  for (;;) {
    Entry e{};
    Entry* found = nullptr;
    int rc = fn(name.c_str(), &e, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc != 0) {
      return Status::IOError(
          fmt::format("cannot look up {} `{}`: {}", what, name, strerror(rc)));
    }
    if (found == nullptr) {
      return Status::NotFound(fmt::format("no {} named `{}`", what, name));
    }
    return e;
  }
}

}  // namespace

Result<RunAs> RunAs::Resolve(const std::string& group,
                             const std::string& user) {
  RunAs r;
  if (!user.empty()) {
    NIMBUS_LET_OR_RETURN(
        passwd pw, Lookup<passwd>(user, "user (run_by_user)", getpwnam_r));
    r.has_user_ = true;
    r.user_ = user;
    r.uid_ = pw.pw_uid;
    r.gid_ = pw.pw_gid;
    r.has_group_ = true;
    r.group_ = std::to_string(pw.pw_gid);
  }
  if (!group.empty()) {
    NIMBUS_LET_OR_RETURN(
        GroupEntry gr,
        Lookup<GroupEntry>(group, "group (run_by_group)", getgrnam_r));
    r.has_group_ = true;
    r.group_ = group;
    r.gid_ = gr.gr_gid;
  }
  return r;
}

Status RunAs::Apply() const {
  if (changes_nothing()) return Status::OK();
  const bool want_user = has_user_ && geteuid() != uid_;
  const bool want_group = has_group_ && getegid() != gid_;
  if (!want_user && !want_group) return Status::OK();
  if (geteuid() != 0) {
    return Status::Permission(
        fmt::format("configured to run as {}, but started as uid {} gid {} "
                    "(only root can switch)",
                    Describe(), geteuid(), getegid()));
  }
  if (has_user_ && initgroups(user_.c_str(), gid_) != 0) {
    return Status::FromErrno(errno,
                             "initgroups: " + std::string(strerror(errno)));
  }
  if (!has_user_ && setgroups(0, nullptr) != 0) {
    return Status::FromErrno(errno,
                             "setgroups: " + std::string(strerror(errno)));
  }
  if (setgid(gid_) != 0) {
    return Status::FromErrno(errno, "setgid: " + std::string(strerror(errno)));
  }
  if (has_user_ && setuid(uid_) != 0) {
    return Status::FromErrno(errno, "setuid: " + std::string(strerror(errno)));
  }
  return Status::OK();
}

std::string RunAs::Describe() const {
  std::string out;
  if (has_user_) out = fmt::format("user {} (uid {})", user_, uid_);
  if (has_group_) {
    out += fmt::format("{}group {} (gid {})", out.empty() ? "" : ", ", group_,
                       gid_);
  }
  return out.empty() ? "the starting account" : out;
}

}  // namespace nimbus
