// Result<T>: a value or the Status that explains why there is none.
//
// Call sites read:
//   Result<FileId> id = ParseFileId(text);
//   if (!id.ok()) return id.status();
//   Use(*id);
#ifndef NIMBUS_COMMON_RESULT_H_
#define NIMBUS_COMMON_RESULT_H_

#include <cassert>
#include <optional>
#include <utility>

#include "common/status.h"

namespace nimbus {

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit on purpose: `return value;` and `return status;` both read well.
  Result(T value) : value_(std::move(value)) {}         // NOLINT
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "a Result built from a Status must be an error");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace nimbus

// Evaluates `expr` (a Result); returns its Status on error, else assigns.
#define NIMBUS_ASSIGN_OR_RETURN(lhs, expr)          \
  do {                                              \
    auto _nimbus_r = (expr);                        \
    if (!_nimbus_r.ok()) return _nimbus_r.status(); \
    lhs = std::move(*_nimbus_r);                    \
  } while (0)

#endif  // NIMBUS_COMMON_RESULT_H_
