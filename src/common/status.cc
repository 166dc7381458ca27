#include "common/status.h"

#include <cerrno>

namespace nimbus {

Status Status::FromErrno(int err, std::string_view msg) {
  switch (err) {
    case 0:
      return Status();
    case ENOENT:
      return NotFound(msg);
    case EINVAL:
      return InvalidArgument(msg);
    case ENOSPC:
      return NoSpace(msg);
    case EEXIST:
      return AlreadyExists(msg);
    case EBUSY:
      return Busy(msg);
    case EOPNOTSUPP:
      return NotSupported(msg);
    case ETIMEDOUT:
      return TimedOut(msg);
    case ECONNREFUSED:
    case ENOTCONN:
    case ECONNRESET:
      return Unavailable(msg);
    case EBADMSG:
      return Corruption(msg);
    case EACCES:
    case EPERM:
      return Permission(msg);
    case EALREADY:
      return Already(msg);
    default:
      return IOError(msg);
  }
}

int Status::ToErrno() const {
  switch (code_) {
    case Code::kOk:
      return 0;
    case Code::kNotFound:
      return ENOENT;
    case Code::kInvalidArgument:
      return EINVAL;
    case Code::kIOError:
      return EIO;
    case Code::kNoSpace:
      return ENOSPC;
    case Code::kAlreadyExists:
      return EEXIST;
    case Code::kBusy:
      return EBUSY;
    case Code::kNotSupported:
      return EOPNOTSUPP;
    case Code::kTimedOut:
      return ETIMEDOUT;
    case Code::kUnavailable:
      return ECONNREFUSED;
    case Code::kCorruption:
      return EBADMSG;
    case Code::kPermission:
      return EACCES;
    case Code::kAlready:
      return EALREADY;
  }
  return EIO;
}

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      name = "NotFound";
      break;
    case Code::kInvalidArgument:
      name = "InvalidArgument";
      break;
    case Code::kIOError:
      name = "IOError";
      break;
    case Code::kNoSpace:
      name = "NoSpace";
      break;
    case Code::kAlreadyExists:
      name = "AlreadyExists";
      break;
    case Code::kBusy:
      name = "Busy";
      break;
    case Code::kNotSupported:
      name = "NotSupported";
      break;
    case Code::kTimedOut:
      name = "TimedOut";
      break;
    case Code::kUnavailable:
      name = "Unavailable";
      break;
    case Code::kCorruption:
      name = "Corruption";
      break;
    case Code::kPermission:
      name = "Permission";
      break;
    case Code::kAlready:
      name = "Already";
      break;
  }
  std::string out(name);
  if (!msg_.empty()) {
    out += ": ";
    out += msg_;
  }
  return out;
}

}  // namespace nimbus
