#include "common/status.h"

namespace weir {

namespace {

struct CodeInfo {
  StatusCode code;
  std::string_view name;
  std::string_view sqlstate;
};

// The one place a Status becomes a SQLSTATE.
constexpr CodeInfo kCodes[] = {
    {StatusCode::kOk, "ok", "00000"},
    {StatusCode::kInvalidArgument, "invalid_argument", "22023"},
    {StatusCode::kSyntaxError, "syntax_error", "42601"},
    {StatusCode::kNotFound, "not_found", "42704"},
    {StatusCode::kAlreadyExists, "already_exists", "42710"},
    {StatusCode::kPermissionDenied, "permission_denied", "42501"},
    {StatusCode::kUndefinedColumn, "undefined_column", "42703"},
    {StatusCode::kUndefinedDatabase, "undefined_database", "3D000"},
    {StatusCode::kFeatureNotSupported, "feature_not_supported", "0A000"},
    {StatusCode::kFailedPrecondition, "failed_precondition", "55000"},
    {StatusCode::kDataError, "data_error", "22000"},
    {StatusCode::kIoError, "io_error", "58030"},
    {StatusCode::kInternal, "internal", "XX000"},
    {StatusCode::kCancelled, "cancelled", "57014"},
    {StatusCode::kAuthenticationFailed, "authentication_failed", "28P01"},
    {StatusCode::kInvalidAuthorization, "invalid_authorization", "28000"},
    {StatusCode::kProtocolViolation, "protocol_violation", "08P01"},
    {StatusCode::kTransactionAborted, "transaction_aborted", "25P02"},
    {StatusCode::kNoActiveTransaction, "no_active_transaction", "25P01"},
    {StatusCode::kTooManyConnections, "too_many_connections", "53300"},
    {StatusCode::kInvalidCursor, "invalid_cursor", "34000"},
    {StatusCode::kInvalidStatementName, "invalid_statement_name", "26000"},
    {StatusCode::kDuplicateObject, "duplicate_object", "42P03"},
    {StatusCode::kAdminShutdown, "admin_shutdown", "57P01"},
    {StatusCode::kIdleTimeout, "idle_session_timeout", "57P05"},
    {StatusCode::kResourceExhausted, "resource_exhausted", "53000"},
    {StatusCode::kInvalidSavepoint, "invalid_savepoint_specification", "3B001"},
    {StatusCode::kActiveTransaction, "active_sql_transaction", "25001"},
};

const CodeInfo& Info(StatusCode code) {
  for (const auto& info : kCodes) {
    if (info.code == code) return info;
  }
  return kCodes[static_cast<int>(StatusCode::kInternal)];
}

}  // namespace

std::string_view SqlState(StatusCode code) { return Info(code).sqlstate; }

std::string_view StatusCodeName(StatusCode code) { return Info(code).name; }

std::optional<StatusCode> StatusCodeFromName(std::string_view name) {
  for (const auto& info : kCodes) {
    if (info.name == name) return info.code;
  }
  return std::nullopt;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace weir
