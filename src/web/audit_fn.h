// How the API classes record an action in the audit log (WebService::Audit:
// the audit table and the log). A failure to record is logged, never
// returned: the action itself has already happened.
#ifndef NIMBUS_WEB_AUDIT_FN_H_
#define NIMBUS_WEB_AUDIT_FN_H_

#include <cstdint>
#include <functional>
#include <string>

namespace nimbus::web {

using AuditFn = std::function<void(int64_t user_id, const std::string& action,
                                   const std::string& detail)>;

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_AUDIT_FN_H_
