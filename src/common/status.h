// Status: the outcome of an operation, as a value (leveldb style).
//
// An ok Status carries nothing; an error carries a code and a message. The code
// maps one-to-one onto the errno value that the FastDFS protocol puts in a
// response's status byte, so a server can answer any failure without a table
// of its own. Thread-safety: a Status is a value; copies are independent.
#ifndef NIMBUS_COMMON_STATUS_H_
#define NIMBUS_COMMON_STATUS_H_

#include <string>
#include <string_view>

namespace nimbus {

class Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,         // ENOENT
    kInvalidArgument,  // EINVAL
    kIOError,          // EIO
    kNoSpace,          // ENOSPC
    kAlreadyExists,    // EEXIST
    kBusy,             // EBUSY
    kNotSupported,     // EOPNOTSUPP
    kTimedOut,         // ETIMEDOUT
    kUnavailable,      // ECONNREFUSED: the peer could not be reached
    kCorruption,  // EBADMSG: a peer sent something that breaks the protocol
    kPermission,  // EACCES
    kAlready,     // EALREADY: the change asked for was made before
  };

  Status() = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) {
    return {Code::kNotFound, msg};
  }
  static Status InvalidArgument(std::string_view msg) {
    return {Code::kInvalidArgument, msg};
  }
  static Status IOError(std::string_view msg) { return {Code::kIOError, msg}; }
  static Status NoSpace(std::string_view msg) { return {Code::kNoSpace, msg}; }
  static Status AlreadyExists(std::string_view msg) {
    return {Code::kAlreadyExists, msg};
  }
  static Status Busy(std::string_view msg) { return {Code::kBusy, msg}; }
  static Status NotSupported(std::string_view msg) {
    return {Code::kNotSupported, msg};
  }
  static Status TimedOut(std::string_view msg) {
    return {Code::kTimedOut, msg};
  }
  static Status Unavailable(std::string_view msg) {
    return {Code::kUnavailable, msg};
  }
  static Status Corruption(std::string_view msg) {
    return {Code::kCorruption, msg};
  }
  static Status Permission(std::string_view msg) {
    return {Code::kPermission, msg};
  }
  static Status Already(std::string_view msg) { return {Code::kAlready, msg}; }
  // Builds a Status from an errno value (as found in a FastDFS response).
  static Status FromErrno(int err, std::string_view msg);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  const std::string& message() const { return msg_; }

  // The errno value for this status (0 when ok). Used for the status byte.
  int ToErrno() const;
  // "NotFound: group1/M00/... does not exist".
  std::string ToString() const;

 private:
  Status(Code code, std::string_view msg) : code_(code), msg_(msg) {}

  Code code_ = Code::kOk;
  std::string msg_;
};

}  // namespace nimbus

#endif  // NIMBUS_COMMON_STATUS_H_
