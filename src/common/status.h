#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace weir {

// What went wrong, in the terms callers act on. The SQLSTATE a client sees
// is derived from the code alone, by SqlState() (one mapping, PostgreSQL's
// aclcheck_error idea): every denial is kPermissionDenied → 42501.
enum class StatusCode {
  kOk,
  kInvalidArgument,      // bad input from a user: flags, names, documents
  kSyntaxError,          // SQL that does not parse
  kNotFound,             // a named object does not exist (admin paths only)
  kAlreadyExists,        // creating what is there
  kPermissionDenied,     // a denial, or an object the caller cannot see
  kUndefinedColumn,      // a missing or hidden column
  kUndefinedDatabase,    // a missing or hidden database (USE, startup database)
  kFeatureNotSupported,  // valid SQL Weir refuses to run (not a denial)
  kFailedPrecondition,   // state forbids it: data directory locked, not initialized
  kDataError,            // a runtime error in a query (cast, division, error())
  kIoError,              // the file system or the store failed
  kInternal,             // our own bug
  kCancelled,            // interrupted on request (a cancel, a statement timeout)
  // The wire protocol's own conditions:
  kAuthenticationFailed,  // wrong user name or password
  kInvalidAuthorization,  // authenticated, but may not connect as asked (role)
  kProtocolViolation,     // malformed or out-of-order protocol messages
  kTransactionAborted,    // a statement in a failed transaction block
  kNoActiveTransaction,   // SAVEPOINT and friends outside a block
  kTooManyConnections,    // connection or concurrency limit reached
  kInvalidCursor,         // no such cursor or portal
  kInvalidStatementName,  // no such prepared statement
  kDuplicateObject,       // a cursor or prepared statement name in use
  kAdminShutdown,         // the server is shutting down
  kIdleTimeout,           // a session idle for too long
  kResourceExhausted,     // memory or result limits
  kInvalidSavepoint,      // ROLLBACK TO / RELEASE of a savepoint the block does not have
  kActiveTransaction,     // a statement that cannot run inside a transaction block
};

// Returns the PostgreSQL SQLSTATE for `code`.
std::string_view SqlState(StatusCode code);

// Returns a short stable name for `code` ("permission_denied", ...).
std::string_view StatusCodeName(StatusCode code);
// The code StatusCodeName() names; nullopt for another name.
std::optional<StatusCode> StatusCodeFromName(std::string_view name);

// A success, or an error code with a message meant for the person who sent
// the input. Cheap to copy; immutable.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status SyntaxError(std::string m) { return {StatusCode::kSyntaxError, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status UndefinedColumn(std::string m) { return {StatusCode::kUndefinedColumn, std::move(m)}; }
  static Status UndefinedDatabase(std::string m) { return {StatusCode::kUndefinedDatabase, std::move(m)}; }
  static Status NotSupported(std::string m) { return {StatusCode::kFeatureNotSupported, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status DataError(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status AuthenticationFailed(std::string m) { return {StatusCode::kAuthenticationFailed, std::move(m)}; }
  static Status InvalidAuthorization(std::string m) { return {StatusCode::kInvalidAuthorization, std::move(m)}; }
  static Status ProtocolViolation(std::string m) { return {StatusCode::kProtocolViolation, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string_view sqlstate() const { return SqlState(code_); }

  // "permission_denied: message", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none. Accessing value() of
// an error is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace weir

#define WEIR_CONCAT_INNER(a, b) a##b
#define WEIR_CONCAT(a, b) WEIR_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is an error.
#define WEIR_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::weir::Status weir_status_ = (expr);        \
    if (!weir_status_.ok()) return weir_status_; \
  } while (0)

// `WEIR_ASSIGN_OR_RETURN(auto x, F())`: binds the value or returns the error.
#define WEIR_ASSIGN_OR_RETURN(lhs, expr) WEIR_ASSIGN_OR_RETURN_IMPL(WEIR_CONCAT(weir_result_, __LINE__), lhs, expr)
#define WEIR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
