#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace duckdb {
class DataChunk;
class LogicalType;
class QueryNode;
class SQLStatement;
class Value;
}  // namespace duckdb

namespace weir::access {
class Snapshot;
}
namespace weir::audit {
class AuditLog;
}
namespace weir::engine {
class CatalogConnection;
class Connection;
class Engine;
}  // namespace weir::engine

namespace weir::session {

class Session;
struct Token;

// Rows of one statement's result, in DuckDB chunks. Not thread-safe.
class ResultSet {
 public:
  virtual ~ResultSet() = default;
  virtual const std::vector<std::string>& names() const = 0;
  virtual const std::vector<duckdb::LogicalType>& types() const = 0;
  // The next chunk, or nullptr at the end.
  virtual Result<std::unique_ptr<duckdb::DataChunk>> Next() = 0;
};

// COPY (query) TO STDOUT's options, as PostgreSQL names them.
struct CopySpec {
  enum class Format { kText, kCsv, kBinary };
  Format format = Format::kText;
  std::optional<char> delimiter;           // default: tab (text), ',' (csv)
  std::optional<std::string> null_string;  // default: \N (text), "" (csv)
  bool header = false;
  std::optional<char> quote;
  std::optional<char> escape;
  std::vector<std::string> force_quote;  // column names; "*" = all
};

// The outcome of one statement: a command tag ("SELECT", "SET", ...) and,
// for statements that return rows, the rows (streaming). The statement's
// audit record is written when the result is destroyed, with the rows the
// caller fetched and the error fetching met, if any.
struct StatementResult {
  StatementResult();
  StatementResult(std::string tag, std::unique_ptr<ResultSet> rows);
  StatementResult(StatementResult&&) noexcept;
  StatementResult& operator=(StatementResult&&) noexcept;
  ~StatementResult();

  std::string tag;
  std::unique_ptr<ResultSet> rows;  // nullptr for statements without rows
  // Set for COPY (query) TO STDOUT: `rows` are to be sent in this format.
  std::optional<CopySpec> copy;
  // Set by DEALLOCATE name / DEALLOCATE ALL / DISCARD ALL ("" = all): the
  // protocol layer drops those prepared statements.
  std::optional<std::string> deallocate;
};

// Who a session acts for. `actor` is recorded in audit records (a user name
// or "local:<os user>" for a local administrator's impersonation).
struct Identity {
  std::string actor;
  std::string source_identity;
  std::string role;
  std::string session_name;  // shows in audit records; may be empty
};

// What a session needs from the process: the engine, the current
// catalog-and-grants snapshot, and the audit log. Not owned.
struct SessionContext {
  engine::Engine* engine = nullptr;
  std::function<std::shared_ptr<const access::Snapshot>()> snapshot;
  audit::AuditLog* audit = nullptr;
  // SET ROLE's check: whether this session's user may act as `role` (a
  // name or ARN). Returns the role's name, or the error to report
  // (kInvalidAuthorization naming the failed check). Unset: any existing
  // role (a local administrator's impersonation).
  std::function<Result<std::string>(const std::string& role)> assume_role;
};

// What a statement returns and takes, without running it.
struct StatementShape {
  bool returns_rows = false;
  std::vector<std::string> names;
  std::vector<duckdb::LogicalType> types;
  std::vector<duckdb::LogicalType> parameter_types;  // $1 at index 0
};

// The session layer: owns the statements Weir answers itself — USE, SHOW
// DATABASES/TABLES, DESCRIBE, SET/SHOW/RESET of session settings, SET ROLE,
// transaction blocks (BEGIN/COMMIT/ROLLBACK/SAVEPOINT, with PostgreSQL's
// failed-block semantics), cursors (DECLARE/FETCH/MOVE/CLOSE) — and hands
// every other statement to the engine's gates. Every statement, answered or
// refused, produces one audit record.
//
// Client settings never reach DuckDB's configuration: they are Weir's own.
// Transactions have no effect on data (Weir only reads); a block groups
// statements, undoes SET and SET ROLE on ROLLBACK, and bounds cursors
// declared WITHOUT HOLD.
//
// Not thread-safe: one session per client connection (Interrupt() excepted).
class Session {
 public:
  // kPermissionDenied when the role is unknown.
  static Result<std::unique_ptr<Session>> Open(SessionContext context, Identity identity);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs each statement of `sql` in order, handing each result to
  // `on_result` (which consumes its rows before returning). Stops at the
  // first error and returns it; statements before it have run. An empty
  // `sql` runs nothing.
  Status Execute(const std::string& sql, const std::function<Status(StatementResult&)>& on_result);

  // Runs exactly one statement with `parameters` as $1, $2, ... The result
  // streams; fetch errors surface from its ResultSet. kSyntaxError when
  // `sql` holds several statements.
  Result<StatementResult> ExecuteOne(const std::string& sql, const std::vector<duckdb::Value>& parameters);

  // The shape of one statement (extended protocol Describe), through the
  // same gates as running it.
  Result<StatementShape> Describe(const std::string& sql);

  // The columns of an open cursor (a DECLAREd cursor is also a portal to
  // the protocol's Describe); nullopt when there is no such cursor.
  std::optional<StatementShape> CursorShape(const std::string& name) const;

  // Checks that `sql` is one statement that parses (extended protocol Parse).
  Status CheckSyntax(const std::string& sql);

  // Asks the running statement to stop (thread-safe).
  void Interrupt();

  // 'I' idle, 'T' in a transaction block, 'E' in a failed block.
  char transaction_status() const;
  // Marks the open block failed (a statement's rows failed mid-stream).
  void FailTransaction();

  const Identity& identity() const { return identity_; }
  const std::string& current_database() const { return current_database_; }

  // Session settings: names are case-insensitive ("DateStyle" == "datestyle").
  std::string Setting(const std::string& name) const;
  // The settings PostgreSQL reports to clients with ParameterStatus, in
  // their display names, and those changed since the last call.
  std::vector<std::pair<std::string, std::string>> ReportedSettings() const;
  std::vector<std::pair<std::string, std::string>> TakeChangedReports();
  // statement_timeout in milliseconds; 0 = none.
  int64_t statement_timeout_ms() const;

  // A setting from the connection's startup packet (application_name,
  // DateStyle, options' -c name=value, the database as search_path, ...);
  // validated like SET. It becomes the setting's reset value, as in
  // PostgreSQL: RESET, SET ... TO DEFAULT and DISCARD ALL return to it.
  Status ApplyStartupSetting(const std::string& name, const std::string& value);

 private:
  struct Cursor;
  struct BlockState;
  class Audited;

  Session(SessionContext context, Identity identity, std::unique_ptr<engine::Connection> connection);

  // One statement's text: Weir's own statements or the engine's.
  Result<StatementResult> RunText(const std::string& text, const std::vector<duckdb::Value>* parameters,
                                  std::vector<std::string>* tables, std::vector<std::string>* columns);
  Result<StatementResult> RunParsed(std::unique_ptr<duckdb::SQLStatement> statement,
                                    const std::vector<duckdb::Value>* parameters, const access::Snapshot& snapshot,
                                    std::vector<std::string>* tables, std::vector<std::string>* columns);
  Result<StatementResult> DescribeQuery(std::unique_ptr<duckdb::QueryNode> query, const access::Snapshot& snapshot,
                                        std::vector<std::string>* tables, std::vector<std::string>* columns);
  Result<StatementResult> Use(const std::string& target, const access::Snapshot& snapshot);
  Result<StatementResult> DescribeTable(const std::string& schema, const std::string& table,
                                        const access::Snapshot& snapshot);
  Result<StatementResult> Copy(const std::string& text, const std::vector<duckdb::Value>* parameters,
                               std::vector<std::string>* tables, std::vector<std::string>* columns);

  // True when a query reads PostgreSQL catalog relations only (answered by
  // the role's catalog mirror); kFeatureNotSupported when it mixes them with
  // lake tables. Leaves the statement unchanged.
  Result<bool> ReadsCatalog(duckdb::SQLStatement& statement) const;
  Result<engine::CatalogConnection*> Catalog(const access::Snapshot& snapshot);

  // One statement, parsed by DuckDB's parser (after NormalizeCatalogSyntax);
  // the last one parsed is cached.
  Result<std::unique_ptr<duckdb::SQLStatement>> Parse(const std::string& text);

  // Weir's own statements: nullopt when `text` is not one of them.
  std::optional<Result<StatementResult>> RunSessionStatement(const std::string& text);
  Result<StatementResult> Set(const std::string& name, const std::string& value, bool local);
  Result<StatementResult> Show(const std::string& name);
  // SET ROLE: checks that the session's user may act as `role` ("none" =
  // the role the session started with), then switches. Either way the
  // attempt is audited (RecordAssumption).
  Status SwitchRoleChecked(const std::string& role);
  Status SwitchRole(const std::string& role);
  Result<StatementResult> Transaction(const std::vector<Token>& words);
  Result<StatementResult> Declare(const std::string& text);
  Result<StatementResult> Fetch(const std::vector<Token>& words, bool move);
  Result<StatementResult> CloseCursor(const std::string& name);
  void EndBlock(bool commit);
  void CloseCursors(bool only_without_hold);
  Status ValidateSetting(const std::string& name, const std::string& value, std::string* canonical);
  // What RESET restores for `key` (lower case): the startup value, else the
  // built-in default ("" for a placeholder such as myapp.x).
  std::string ResetValue(const std::string& key) const;
  // search_path's reset value as SET takes it: the startup database (when
  // the role still sees it), else none.
  std::string ResetSearchPath() const;
  // RESET ALL (and DISCARD ALL's share of it): every writable setting, the
  // placeholders and the current database back to their reset values.
  void ResetAll();

  void Record(const std::string& text, const Status& status, int64_t rows, int64_t micros,
              std::vector<std::string> tables, std::vector<std::string> columns);
  // An "assume_role" record: the session's user taking `role` (as asked
  // for) through `via` ("set_role", "reset_role"), allowed or denied.
  void RecordAssumption(const std::string& role, const char* via, const Status& status);

  SessionContext context_;
  Identity identity_;
  std::string initial_role_;
  std::unique_ptr<engine::Connection> connection_;
  std::string current_database_;
  std::map<std::string, std::string> settings_;          // lower-case name → value
  std::map<std::string, std::string> startup_settings_;  // lower-case name → value set at connect
  std::string startup_database_;                         // the current database chosen at connect
  std::map<std::string, std::string> reported_;          // display name → last reported value
  // settings_ when reported_ was last brought up to date (reported values
  // come from settings_ alone), so an unchanged session skips the comparison.
  std::map<std::string, std::string> reported_from_;
  // A transaction block: the state to restore on ROLLBACK, and savepoints.
  std::unique_ptr<BlockState> block_;
  bool failed_ = false;
  // Shared with the FETCH results reading them, so CLOSE while a result is
  // still being read cannot leave it dangling.
  std::map<std::string, std::shared_ptr<Cursor>> cursors_;  // erase through DropCursor
  std::unique_ptr<engine::CatalogConnection> catalog_;
  std::string parse_cache_text_;
  std::unique_ptr<duckdb::SQLStatement> parse_cache_;
  std::mutex interrupt_mu_;  // guards connection_ against Interrupt() while it is replaced
};

}  // namespace weir::session
