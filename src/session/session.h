#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace duckdb {
class DataChunk;
class LogicalType;
class QueryNode;
class SQLStatement;
}  // namespace duckdb

namespace weir::access {
class Snapshot;
}
namespace weir::audit {
class AuditLog;
}
namespace weir::engine {
class Connection;
class Engine;
class RowStream;
}  // namespace weir::engine

namespace weir::session {

// Rows of one statement's result, in DuckDB chunks. Not thread-safe.
class ResultSet {
 public:
  virtual ~ResultSet() = default;
  virtual const std::vector<std::string>& names() const = 0;
  virtual const std::vector<duckdb::LogicalType>& types() const = 0;
  // The next chunk, or nullptr at the end.
  virtual Result<std::unique_ptr<duckdb::DataChunk>> Next() = 0;
};

// The outcome of one statement: a command tag ("SELECT", "USE", ...) and,
// for statements that return rows, the rows (possibly streaming).
struct StatementResult {
  std::string tag;
  std::unique_ptr<ResultSet> rows;  // nullptr for statements without rows
};

// Who a session acts for. `actor` is recorded in audit records (a user name
// or "local:<os user>" for a local administrator's impersonation).
struct Identity {
  std::string actor;
  std::string source_identity;
  std::string role;
};

// What a session needs from the process: the engine, the current
// catalog-and-grants snapshot, and the audit log. Not owned.
struct SessionContext {
  engine::Engine* engine = nullptr;
  std::function<std::shared_ptr<const access::Snapshot>()> snapshot;
  audit::AuditLog* audit = nullptr;
};

// The session layer: owns the statements Weir answers itself (USE, SHOW
// DATABASES/TABLES, DESCRIBE; later SET ROLE, client SETs, transactions,
// cursors) and hands every other statement to the engine's gates. Every
// statement, answered or refused, produces one audit record.
//
// Not thread-safe: one session per client connection.
class Session {
 public:
  // kPermissionDenied when the role is unknown.
  static Result<std::unique_ptr<Session>> Open(SessionContext context, Identity identity);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs each statement of `sql` in order, handing each result to
  // `on_result` (which consumes its rows before returning). Stops at the
  // first error and returns it; statements before it have run.
  Status Execute(const std::string& sql, const std::function<Status(StatementResult&)>& on_result);

  const Identity& identity() const { return identity_; }
  const std::string& current_database() const { return current_database_; }

 private:
  Session(SessionContext context, Identity identity, std::unique_ptr<engine::Connection> connection);
  Result<StatementResult> Run(std::unique_ptr<duckdb::SQLStatement> statement, const access::Snapshot& snapshot,
                              std::vector<std::string>* tables, std::vector<std::string>* columns);
  Result<StatementResult> DescribeQuery(std::unique_ptr<duckdb::QueryNode> query, const access::Snapshot& snapshot,
                                        std::vector<std::string>* tables, std::vector<std::string>* columns);
  Result<StatementResult> Use(const std::string& target, const access::Snapshot& snapshot);
  Result<StatementResult> Describe(const std::string& schema, const std::string& table,
                                   const access::Snapshot& snapshot);

  SessionContext context_;
  Identity identity_;
  std::unique_ptr<engine::Connection> connection_;
  std::string current_database_;
};

}  // namespace weir::session
