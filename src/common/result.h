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

// Declares `decl` (e.g. `User u`) from `expr` (a Result), or returns its
// Status on error. Unlike NIMBUS_ASSIGN_OR_RETURN this is not one
// statement: use it directly in a block, never as the body of an if.
#define NIMBUS_LET_OR_RETURN(decl, expr) \
  NIMBUS_LET_OR_RETURN_IMPL_(NIMBUS_CONCAT_(_nimbus_let_, __LINE__), decl, expr)
#define NIMBUS_LET_OR_RETURN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  decl = std::move(*tmp)
#define NIMBUS_CONCAT_(a, b) NIMBUS_CONCAT2_(a, b)
#define NIMBUS_CONCAT2_(a, b) a##b

#endif  // NIMBUS_COMMON_RESULT_H_
