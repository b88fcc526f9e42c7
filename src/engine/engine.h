#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

namespace duckdb {
class DataChunk;
class DuckDB;
class LogicalType;
class QueryResult;
class SQLStatement;
class Connection;
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
  explicit RowStream(std::unique_ptr<duckdb::QueryResult> result);
  ~RowStream();
  RowStream(const RowStream&) = delete;
  RowStream& operator=(const RowStream&) = delete;

  const std::vector<std::string>& names() const;
  const std::vector<duckdb::LogicalType>& types() const;
  // The next chunk, or nullptr at the end. Errors (runtime failures such as
  // a failing cast) surface here.
  Result<std::unique_ptr<duckdb::DataChunk>> Next();

 private:
  std::unique_ptr<duckdb::QueryResult> result_;
};

// What a query read, for the audit record.
struct ReadSet {
  std::vector<std::string> tables;   // "db.table"
  std::vector<std::string> columns;  // "db.table.column"
};

struct EngineOptions {
  std::string lake_root;           // absolute; the only directory DuckDB may read
  std::string temp_root;           // absolute; each role instance spills into its own subdirectory
  int64_t memory_limit_bytes = 0;  // per role instance; 0 = DuckDB's default share
  int threads = 0;                 // per role instance; 0 = DuckDB's default
};

class Engine;

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
  Result<std::unique_ptr<RowStream>> Run(std::unique_ptr<duckdb::SQLStatement> statement,
                                         const access::Snapshot& snapshot, const std::string& current_database,
                                         ReadSet* reads);

  // Asks the running statement to stop (thread-safe).
  void Interrupt();

 private:
  friend class Engine;
  Connection(std::string role, std::shared_ptr<duckdb::DuckDB> db, std::string lake_root);

  std::string role_;
  std::shared_ptr<duckdb::DuckDB> db_;  // keeps the role's instance alive
  std::unique_ptr<duckdb::Connection> connection_;
  SessionState* state_ = nullptr;  // owned by the connection's ClientContext
  std::string lake_root_;
};

// The execution engine: one hardened in-memory DuckDB instance per role
// (never shared between roles), created on first use and kept while the
// Engine lives. Thread-safe.
class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Open(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // A new connection running as `role` (its instance is created on first use).
  Result<std::unique_ptr<Connection>> Connect(const std::string& role);

  // DuckDB's version string ("v1.4.4").
  static std::string DuckdbVersion();

 private:
  explicit Engine(EngineOptions options);
  Result<std::shared_ptr<duckdb::DuckDB>> Instance(const std::string& role);

  EngineOptions options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<duckdb::DuckDB>> instances_;
};

}  // namespace weir::engine
