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
#include "engine/audit_scan.h"
#include "engine/task_helpers.h"

namespace duckdb {
class DataChunk;
class DuckDB;
class LogicalType;
class QueryResult;
class SQLStatement;
class Connection;
class Value;
}  // namespace duckdb

namespace weir::access {
class Snapshot;
}

namespace weir::engine {

class SessionState;

// Parses SQL text into statements with DuckDB's parser (no execution, no
// catalog access). kSyntaxError on bad SQL.
Result<std::vector<std::unique_ptr<duckdb::SQLStatement>>> ParseSql(const std::string& sql);

// Converts the exception being handled (call inside a catch block) into a
// Status. The one place DuckDB's exceptions become Weir errors.
Status StatusFromCurrentException();

// A query's result, streamed in DuckDB chunks. Not thread-safe.
class RowStream {
 public:
  // `activity`, when held, tells the task helpers the statement is under way
  // until the stream is gone.
  explicit RowStream(std::unique_ptr<duckdb::QueryResult> result, TaskHelpers::Activity activity = {});
  ~RowStream();
  RowStream(const RowStream&) = delete;
  RowStream& operator=(const RowStream&) = delete;

  const std::vector<std::string>& names() const;
  const std::vector<duckdb::LogicalType>& types() const;
  // The next chunk, or nullptr at the end. Errors (runtime failures such as
  // a failing cast) surface here.
  Result<std::unique_ptr<duckdb::DataChunk>> Next();

 private:
  TaskHelpers::Activity activity_;  // declared first: ends after result_ is gone
  std::unique_ptr<duckdb::QueryResult> result_;
};

// What a query read, for the audit record.
struct ReadSet {
  std::vector<std::string> tables;   // "db.table"
  std::vector<std::string> columns;  // "db.table.column"
};

// What a statement returns and takes, known without running it.
struct StatementShape {
  std::vector<std::string> names;
  std::vector<duckdb::LogicalType> types;
  // Parameter $i's type at index i-1 (DuckDB's inference; VARCHAR when it
  // could not tell).
  std::vector<duckdb::LogicalType> parameter_types;
};

// How the catalog mirror presents column types to PostgreSQL clients: the
// server supplies its wire protocol's mapping. Without it, pg_attribute and
// pg_type show DuckDB's own type ids.
struct CatalogTypeRow {
  uint32_t oid = 0;
  std::string name;
  int16_t size = -1;
  uint32_t element_oid = 0;
  uint32_t array_oid = 0;
  char category = 'U';
};
struct CatalogTypes {
  // A column type's PostgreSQL OID and type modifier.
  std::function<std::pair<uint32_t, int32_t>(const duckdb::LogicalType&)> column_type;
  std::vector<CatalogTypeRow> types;  // pg_type's rows
};

struct EngineOptions {
  std::string lake_root;           // absolute; the only directory DuckDB may read
  std::string temp_root;           // absolute; each role instance spills into its own subdirectory
  int64_t memory_limit_bytes = 0;  // per role instance; 0 = DuckDB's default share
  // When set, one budget shared by all role instances: each gets an equal
  // share (at least kMinInstanceMemory), rebalanced as instances appear, so
  // many roles cannot together exhaust the machine. Overrides memory_limit_bytes.
  int64_t memory_budget_bytes = 0;
  // Threads that work on one statement: the session's own and threads - 1
  // task helpers shared by all instances; 0 = one per core.
  int threads = 0;
  CatalogTypes catalog_types;
  // The audit trail behind the weir_audit table, which only sessions whose
  // role is a data lake administrator can name (unqualified); for everyone
  // else the name is an unknown table like any other. Unset: no weir_audit.
  AuditReader audit_reader;
};

class Engine;

// True for the relations PostgreSQL clients read to learn the catalog:
// anything in pg_catalog or information_schema, and unqualified pg_* names.
bool IsCatalogReference(const std::string& catalog, const std::string& schema, const std::string& table);

// A session's connection to its role's catalog mirror: a DuckDB instance
// with no data whose catalog holds, as schemas and empty tables, exactly the
// databases, tables and columns the role can see at one snapshot version.
// PostgreSQL catalog queries (pg_catalog, information_schema; psql's \d,
// JDBC's metadata calls) run there, so they answer from those objects and
// nothing else. Statements still pass the parse gate; references to lake
// tables are refused. Use from one thread.
class CatalogConnection {
 public:
  ~CatalogConnection();
  CatalogConnection(const CatalogConnection&) = delete;
  CatalogConnection& operator=(const CatalogConnection&) = delete;

  int64_t version() const { return version_; }
  Result<std::unique_ptr<RowStream>> Run(std::unique_ptr<duckdb::SQLStatement> statement,
                                         const std::vector<duckdb::Value>* parameters);
  Result<StatementShape> Describe(std::unique_ptr<duckdb::SQLStatement> statement);
  // The session's open cursors (name, statement), for pg_catalog.pg_cursors.
  Status SetCursors(const std::vector<std::pair<std::string, std::string>>& cursors);

 private:
  friend class Engine;
  CatalogConnection(std::shared_ptr<duckdb::DuckDB> db, int64_t version);

  std::shared_ptr<duckdb::DuckDB> db_;
  std::unique_ptr<duckdb::Connection> connection_;
  int64_t version_;
  // What pg_cursors holds now (nullopt before the table exists).
  std::optional<std::vector<std::pair<std::string, std::string>>> cursors_;
};

// One DuckDB connection of a role's instance. Runs one statement at a time;
// use from one thread (Interrupt() excepted).
class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& role() const { return role_; }

  // Runs one user statement as this connection's role against `snapshot`:
  // the parse gate (fail-closed walk; table references resolved against
  // `current_database` and replaced by secure scans), then DuckDB binds and
  // plans it, the plan gate checks the physical plan, and the same statement
  // object executes. `reads` receives what the plan reads, even on error
  // when known.
  // `parameters`, when given, are the values of $1, $2, ... in order.
  //
  // A SELECT without parameters keeps its plan for reuse (a few per
  // connection, most recently used first): the same statement text, parsed
  // to an equal tree, run again against the same snapshot version and
  // current database, whose parse gate yields scans over the same files,
  // executes the kept plan instead of binding and planning again. Both gates
  // still run each time: the parse gate on the new statement, the plan gate
  // on the kept plan before it executes.
  Result<std::unique_ptr<RowStream>> Run(std::unique_ptr<duckdb::SQLStatement> statement,
                                         const access::Snapshot& snapshot, const std::string& current_database,
                                         ReadSet* reads, const std::vector<duckdb::Value>* parameters = nullptr);

  // Takes `statement` through the same gates and DuckDB's binder and
  // planner, without running it, and returns its result and parameter
  // types. Errors are those Run would give before execution.
  Result<StatementShape> Describe(std::unique_ptr<duckdb::SQLStatement> statement, const access::Snapshot& snapshot,
                                  const std::string& current_database);

  // Asks the running statement to stop (thread-safe).
  void Interrupt();

 private:
  friend class Engine;
  Connection(std::string role, std::shared_ptr<duckdb::DuckDB> db, std::string lake_root, AuditReader audit_reader,
             TaskHelpers* helpers);
  struct ScanFiles;   // the files one secure scan reads
  struct CachedPlan;  // a plan kept for reuse (see Run)
  // The parse gate: rewrites table references into secure scans and arms
  // the plan gate with them. `scan_files`, when given, receives each scan's files.
  Status Gate(duckdb::SQLStatement& statement, const access::Snapshot& snapshot, const std::string& current_database,
              std::vector<ScanFiles>* scan_files = nullptr);
  // The kept plan for `statement` (not gated yet) at this snapshot version
  // and current database, or nullptr.
  CachedPlan* FindPlan(const duckdb::SQLStatement& statement, int64_t snapshot_version,
                       const std::string& current_database);

  std::string role_;
  std::shared_ptr<duckdb::DuckDB> db_;  // keeps the role's instance alive
  std::unique_ptr<duckdb::Connection> connection_;
  SessionState* state_ = nullptr;  // owned by the connection's ClientContext
  std::string lake_root_;
  std::vector<std::unique_ptr<CachedPlan>> plans_;  // most recently used first
  AuditReader audit_reader_;
  TaskHelpers* helpers_;  // the engine's
};

// The execution engine: one hardened in-memory DuckDB instance per role
// (never shared between roles), created on first use and kept while the
// Engine lives, and the task helpers all of them share. Thread-safe.
class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Open(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // A new connection running as `role` (its instance is created on first use).
  Result<std::unique_ptr<Connection>> Connect(const std::string& role);

  // A connection to `role`'s catalog mirror at `snapshot`'s version (built
  // on first use per role and version).
  Result<std::unique_ptr<CatalogConnection>> ConnectCatalog(const std::string& role, const access::Snapshot& snapshot);

  // DuckDB's version string ("v1.4.4").
  static std::string DuckdbVersion();
  // The cores this process may use (CPU quotas included): what `threads` 0 means.
  static int Cores();

 private:
  explicit Engine(EngineOptions options);
  Result<std::shared_ptr<duckdb::DuckDB>> Instance(const std::string& role);

  // Splits memory_budget_bytes across the instances (mu_ held).
  void RebalanceMemory();

  EngineOptions options_;  // threads resolved
  std::unique_ptr<TaskHelpers> helpers_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<duckdb::DuckDB>> instances_;
  // role → (snapshot version, mirror instance)
  std::map<std::string, std::pair<int64_t, std::shared_ptr<duckdb::DuckDB>>> mirrors_;
};

}  // namespace weir::engine
