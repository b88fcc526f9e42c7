// SqliteStore: the metadata store in one SQLite file of the data directory.
//
// Two connections: one for writes, owned by whichever transaction holds
// `write_mu_` (writers serialize in this process; BEGIN IMMEDIATE plus the
// busy timeout serialize them against other processes), and one read-only
// connection for Store::Load() and ReadAudit(). WAL lets the reader see the
// last commit without waiting for a writer.
//
// Every value reaches SQL through a bound parameter. The only text we format
// into SQL is `PRAGMA user_version = N` with N from our own migration list,
// because PRAGMA arguments cannot be bound.
//
// Known limitations: a thread that holds a Transaction and calls Begin() or
// Store::AppendAudit() on the same store deadlocks (writers serialize on one
// mutex). The Store must outlive its transactions.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "store/store.h"

namespace weir::store {

namespace {

constexpr int kBusyTimeoutMs = 5000;

// Schema migrations, applied in order at open, each in its own transaction
// that also sets PRAGMA user_version to its 1-based position. Never edit a
// shipped entry; append a new one.
constexpr const char* kMigrations[] = {
    // 1: metadata, catalog, grants and the audit table.
    R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY NOT NULL,
  value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('version', 0);

CREATE TABLE roles (
  name TEXT PRIMARY KEY NOT NULL,
  description TEXT NOT NULL
);

CREATE TABLE databases (
  name TEXT PRIMARY KEY NOT NULL,
  description TEXT NOT NULL
);

-- columns: JSON [{"name": ..., "type": ..., "partition": bool}] in SELECT * order.
CREATE TABLE tables (
  "database" TEXT NOT NULL REFERENCES databases (name),
  name TEXT NOT NULL,
  location TEXT NOT NULL,
  format TEXT NOT NULL,
  columns TEXT NOT NULL,
  PRIMARY KEY ("database", name)
);

-- columns: JSON array of column names.
CREATE TABLE grants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
  "database" TEXT NOT NULL,
  table_name TEXT NOT NULL,
  scope TEXT NOT NULL,
  columns TEXT NOT NULL,
  FOREIGN KEY ("database", table_name) REFERENCES tables ("database", name) ON DELETE CASCADE
);
CREATE INDEX grants_by_role ON grants (role);
CREATE INDEX grants_by_table ON grants ("database", table_name);

-- record: the whole audit::Record as ToJson() renders it.
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_us INTEGER NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  decision TEXT NOT NULL,
  record TEXT NOT NULL
);
)sql",
    // 2: data cells filters; grants through a filter.
    R"sql(
-- columns: JSON array of column names; row_filter: canonical text, '' = all rows.
CREATE TABLE data_filters (
  "database" TEXT NOT NULL,
  table_name TEXT NOT NULL,
  name TEXT NOT NULL,
  row_filter TEXT NOT NULL,
  scope TEXT NOT NULL,
  columns TEXT NOT NULL,
  PRIMARY KEY ("database", table_name, name),
  FOREIGN KEY ("database", table_name) REFERENCES tables ("database", name) ON DELETE CASCADE
);
ALTER TABLE grants ADD COLUMN filter_name TEXT NOT NULL DEFAULT '';
)sql",
    // 3: IAM principals: role documents, users, managed policies, the cluster.
    R"sql(
-- doc: iam::ToJson(Role) without name and description.
ALTER TABLE roles ADD COLUMN doc TEXT NOT NULL DEFAULT '{}';

-- doc: iam::ToJson(User) without the name.
CREATE TABLE users (
  name TEXT PRIMARY KEY NOT NULL,
  execution_role TEXT NOT NULL REFERENCES roles (name),
  doc TEXT NOT NULL
);

CREATE TABLE managed_policies (
  name TEXT PRIMARY KEY NOT NULL,
  description TEXT NOT NULL,
  document TEXT NOT NULL
);

-- key 'cluster': iam::ToJson(Cluster).
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
)sql",
    // 4: Lake Formation permissions: a grant is on a catalog, a database,
    // every table of a database or a table, and carries permissions and
    // grantable permissions. Existing grants become SELECT on their table.
    R"sql(
-- kind: catalog | database | table_wildcard | table. table_name is NULL
-- unless kind is table (so the foreign key to tables applies only then).
-- permissions, grantable: comma-separated names ("SELECT,DESCRIBE"), '' = none.
CREATE TABLE grants_v4 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  "database" TEXT NOT NULL,
  table_name TEXT,
  scope TEXT NOT NULL,
  columns TEXT NOT NULL,
  filter_name TEXT NOT NULL DEFAULT '',
  permissions TEXT NOT NULL,
  grantable TEXT NOT NULL,
  FOREIGN KEY ("database", table_name) REFERENCES tables ("database", name) ON DELETE CASCADE
);
INSERT INTO grants_v4 (id, role, kind, "database", table_name, scope, columns, filter_name, permissions, grantable)
  SELECT id, role, 'table', "database", table_name, scope, columns, filter_name, 'SELECT', '' FROM grants;
DROP TABLE grants;
ALTER TABLE grants_v4 RENAME TO grants;
CREATE INDEX grants_by_role ON grants (role);
CREATE INDEX grants_by_table ON grants ("database", table_name);
)sql",
    // 5: LF-Tags: keys with their values, their assignments to databases,
    // tables and columns, and tag-expression grants.
    R"sql(
-- tag_values: JSON array of the allowed values, sorted.
CREATE TABLE lf_tags (
  tag_key TEXT PRIMARY KEY NOT NULL,
  tag_values TEXT NOT NULL
);
-- table_name is NULL for a database's tag (so the foreign key to tables
-- applies only to table and column tags); column_name is '' unless a column's.
CREATE TABLE lf_tag_assignments (
  "database" TEXT NOT NULL REFERENCES databases (name) ON DELETE CASCADE,
  table_name TEXT,
  column_name TEXT NOT NULL,
  tag_key TEXT NOT NULL REFERENCES lf_tags (tag_key) ON DELETE CASCADE,
  tag_value TEXT NOT NULL,
  FOREIGN KEY ("database", table_name) REFERENCES tables ("database", name) ON DELETE CASCADE
);
CREATE UNIQUE INDEX lf_tag_assignments_by_resource
  ON lf_tag_assignments ("database", IFNULL(table_name, ''), column_name, tag_key);
-- expression: JSON [{"key": ..., "values": [...]}] for the LF-Tag kinds
-- (lf_tag, lf_tag_policy_database, lf_tag_policy_table), '' otherwise.
ALTER TABLE grants ADD COLUMN expression TEXT NOT NULL DEFAULT '';
)sql",
    // 6: the audit hash chain. hash: the record's audit::ChainHash, also
    // inside `record` with prev_hash. Existing records are chained by
    // ChainExistingAudit() in the same transaction.
    R"sql(
ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT '';
)sql",
};

// The migration after which ChainExistingAudit() runs.
constexpr int64_t kAuditChainMigration = 6;

constexpr int64_t kSchemaVersion = static_cast<int64_t>(std::size(kMigrations));

// Names and column lists may carry bytes that are not UTF-8 (column names
// come from files); replace them rather than let dump() throw.
std::string DumpJson(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status SqliteError(sqlite3* db, std::string_view what) {
  return Status::IoError("sqlite: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

Status Corrupt(std::string what) { return Status::IoError("metadata store is corrupt: " + std::move(what)); }

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

// A prepared statement, finalized when destroyed.
class Statement {
 public:
  static Result<Statement> Prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return SqliteError(db, "prepare");
    }
    return Statement(db, stmt);
  }

  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), rc_(other.rc_) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Binds `args` to parameters 1..n.
  template <typename... Args>
  Status Bind(const Args&... args) {
    int index = 0;
    Status status;
    ((status = status.ok() ? BindOne(++index, args) : status), ...);
    return status;
  }

  // True for a row, false when done. On error, rc() tells which.
  Result<bool> Step() {
    rc_ = sqlite3_step(stmt_);
    if (rc_ == SQLITE_ROW) return true;
    if (rc_ == SQLITE_DONE) return false;
    return SqliteError(db_, "step");
  }

  // Runs a statement that returns no rows.
  Status Run() {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    return Status::Ok();
  }

  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  // The extended result code of the last Step().
  int rc() const { return rc_; }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
  }

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  Status BindOne(int index, int64_t value) { return Check(sqlite3_bind_int64(stmt_, index, value)); }
  Status BindOne(int index, const std::string& value) {
    return Check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  Status Check(int rc) { return rc == SQLITE_OK ? Status::Ok() : SqliteError(db_, "bind"); }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int rc_ = SQLITE_OK;
};

// Runs SQL text without parameters (transaction control, PRAGMAs, migrations).
Status Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string message = error != nullptr ? error : sqlite3_errmsg(db);
  sqlite3_free(error);
  return Status::IoError("sqlite: " + message);
}

// The single integer a statement such as `PRAGMA user_version` returns.
Result<int64_t> QueryInt(sqlite3* db, std::string_view sql) {
  WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql));
  WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::IoError("sqlite: no result for " + std::string(sql));
  return stmt.Int(0);
}

// ---- JSON columns ----

std::string ColumnsToJson(const std::vector<catalog::Column>& columns) {
  nlohmann::json json = nlohmann::json::array();
  for (const auto& column : columns) {
    json.push_back({{"name", column.name}, {"type", column.type}, {"partition", column.partition}});
  }
  return DumpJson(json);
}

Result<std::vector<catalog::Column>> ColumnsFromJson(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return Corrupt("table columns are not a JSON array");
  std::vector<catalog::Column> columns;
  columns.reserve(json.size());
  for (const auto& item : json) {
    if (!item.is_object()) return Corrupt("table column is not an object");
    auto name = item.find("name");
    auto type = item.find("type");
    auto partition = item.find("partition");
    if (name == item.end() || !name->is_string() || type == item.end() || !type->is_string() ||
        partition == item.end() || !partition->is_boolean()) {
      return Corrupt("table column lacks name, type or partition");
    }
    columns.push_back({name->get<std::string>(), type->get<std::string>(), partition->get<bool>()});
  }
  return columns;
}

std::string NamesToJson(const std::vector<std::string>& names) { return DumpJson(nlohmann::json(names)); }

Result<std::vector<std::string>> NamesFromJson(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return Corrupt("grant columns are not a JSON array");
  std::vector<std::string> names;
  names.reserve(json.size());
  for (const auto& item : json) {
    if (!item.is_string()) return Corrupt("grant column is not a string");
    names.push_back(item.get<std::string>());
  }
  return names;
}

std::string ExpressionToJson(const access::TagExpression& expression) {
  if (expression.empty()) return "";
  nlohmann::json json = nlohmann::json::array();
  for (const auto& c : expression) json.push_back({{"key", c.key}, {"values", c.values}});
  return DumpJson(json);
}

Result<access::TagExpression> ExpressionFromJson(const std::string& text, int64_t grant_id) {
  access::TagExpression expression;
  if (text.empty()) return expression;
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const Status bad = Corrupt("grant " + std::to_string(grant_id) + " has a bad LF-Tag expression");
  if (!json.is_array()) return bad;
  for (const auto& item : json) {
    if (!item.is_object() || !item.contains("key") || !item["key"].is_string() || !item.contains("values") ||
        !item["values"].is_array()) {
      return bad;
    }
    access::TagCondition condition{item["key"].get<std::string>(), {}};
    for (const auto& v : item["values"]) {
      if (!v.is_string()) return bad;
      condition.values.push_back(v.get<std::string>());
    }
    expression.push_back(std::move(condition));
  }
  return expression;
}

Result<access::PermissionSet> PermissionsFromText(const std::string& text, int64_t grant_id) {
  if (text.empty()) return access::PermissionSet();
  auto parsed = access::ParsePermissions(text);
  if (!parsed.ok()) return Corrupt("grant " + std::to_string(grant_id) + ": " + parsed.status().message());
  return parsed;
}

// ---- Reads shared by the store and its transactions ----

// Reads the whole state. The caller provides the transaction that makes the
// reads one consistent snapshot.
Result<MetadataState> LoadState(sqlite3* db) {
  MetadataState state;
  {
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, "SELECT value FROM meta WHERE key = 'version'"));
    WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Corrupt("meta.version is missing");
    state.version = stmt.Int(0);
  }
  {
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db, "SELECT name, description, doc FROM roles ORDER BY name"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      iam::Role role{stmt.Text(0), stmt.Text(1)};
      auto doc = nlohmann::json::parse(stmt.Text(2), nullptr, false);
      if (doc.is_discarded() || !iam::FromJson(doc, &role)) return Corrupt("role " + role.name + " has a bad document");
      state.roles.push_back(std::move(role));
    }
  }
  {
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, "SELECT name, doc FROM users ORDER BY name"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      iam::User user;
      user.name = stmt.Text(0);
      auto doc = nlohmann::json::parse(stmt.Text(1), nullptr, false);
      if (doc.is_discarded() || !iam::FromJson(doc, &user)) return Corrupt("user " + user.name + " has a bad document");
      state.users.push_back(std::move(user));
    }
  }
  {
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db, "SELECT name, description, document FROM managed_policies ORDER BY name"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      state.policies.push_back({stmt.Text(0), stmt.Text(1), stmt.Text(2)});
    }
  }
  {
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, "SELECT key, value FROM settings"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      std::string key = stmt.Text(0);
      if (key == "cluster") {
        auto doc = nlohmann::json::parse(stmt.Text(1), nullptr, false);
        if (doc.is_discarded() || !iam::FromJson(doc, &state.cluster)) return Corrupt("the cluster record is bad");
      } else if (key.rfind("secret:", 0) == 0) {
        state.secrets[key.substr(7)] = stmt.Text(1);
      } else if (key == "lake_admins") {
        WEIR_ASSIGN_OR_RETURN(state.lake_admins, NamesFromJson(stmt.Text(1)));
      } else if (key.rfind("stack:", 0) == 0) {
        state.stacks[key.substr(6)] = stmt.Text(1);
      }
    }
  }
  {
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db, "SELECT name, description FROM databases ORDER BY name"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      state.databases.push_back({stmt.Text(0), stmt.Text(1)});
    }
  }
  {
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(
            db, R"(SELECT "database", name, location, format, columns FROM tables ORDER BY "database", name)"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      catalog::Table table;
      table.database = stmt.Text(0);
      table.name = stmt.Text(1);
      table.location = stmt.Text(2);
      if (!catalog::ParseFormat(stmt.Text(3), &table.format)) {
        return Corrupt("table " + table.QualifiedName() + " has unknown format '" + stmt.Text(3) + "'");
      }
      WEIR_ASSIGN_OR_RETURN(table.columns, ColumnsFromJson(stmt.Text(4)));
      state.tables.push_back(std::move(table));
    }
  }
  {
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(
            db, R"(SELECT id, role, "database", table_name, scope, columns, filter_name, kind, permissions, grantable,
                          expression
                   FROM grants ORDER BY id)"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      access::Grant grant;
      grant.id = stmt.Int(0);
      grant.role = stmt.Text(1);
      grant.database = stmt.Text(2);
      grant.table = stmt.Text(3);
      if (!access::ParseColumnScope(stmt.Text(4), &grant.scope)) {
        return Corrupt("grant " + std::to_string(grant.id) + " has unknown scope '" + stmt.Text(4) + "'");
      }
      WEIR_ASSIGN_OR_RETURN(grant.columns, NamesFromJson(stmt.Text(5)));
      grant.filter = stmt.Text(6);
      if (!access::ParseGrantKind(stmt.Text(7), &grant.kind)) {
        return Corrupt("grant " + std::to_string(grant.id) + " has unknown kind '" + stmt.Text(7) + "'");
      }
      WEIR_ASSIGN_OR_RETURN(grant.permissions, PermissionsFromText(stmt.Text(8), grant.id));
      WEIR_ASSIGN_OR_RETURN(grant.grantable, PermissionsFromText(stmt.Text(9), grant.id));
      WEIR_ASSIGN_OR_RETURN(grant.expression, ExpressionFromJson(stmt.Text(10), grant.id));
      state.grants.push_back(std::move(grant));
    }
  }
  {
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db, R"(SELECT "database", table_name, name, row_filter, scope, columns
                                                    FROM data_filters ORDER BY "database", table_name, name)"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      access::DataFilter filter;
      filter.database = stmt.Text(0);
      filter.table = stmt.Text(1);
      filter.name = stmt.Text(2);
      filter.row_filter = stmt.Text(3);
      if (!access::ParseColumnScope(stmt.Text(4), &filter.scope)) {
        return Corrupt("data filter " + filter.name + " has unknown scope '" + stmt.Text(4) + "'");
      }
      WEIR_ASSIGN_OR_RETURN(filter.columns, NamesFromJson(stmt.Text(5)));
      state.filters.push_back(std::move(filter));
    }
  }
  {
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db, "SELECT tag_key, tag_values FROM lf_tags ORDER BY tag_key"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      access::LfTag tag;
      tag.key = stmt.Text(0);
      WEIR_ASSIGN_OR_RETURN(tag.values, NamesFromJson(stmt.Text(1)));
      state.lf_tags.push_back(std::move(tag));
    }
  }
  {
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db, R"(SELECT "database", IFNULL(table_name, ''), column_name, tag_key, tag_value
                                  FROM lf_tag_assignments
                                  ORDER BY "database", IFNULL(table_name, ''), column_name, tag_key)"));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      state.tag_assignments.push_back({{stmt.Text(0), stmt.Text(1), stmt.Text(2)}, stmt.Text(3), stmt.Text(4)});
    }
  }
  return state;
}

// The hash of the newest audit record (the chain head), or the genesis
// value when there is none. Called inside the write transaction, so no
// other writer can move the head before the caller appends.
Result<std::string> AuditHead(sqlite3* db) {
  WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1"));
  WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Text(0) : std::string(audit::kGenesisHash);
}

// Inserts audit records with one pair of prepared statements, chaining each
// to the one before. The record column holds the JSON including the seq and
// the hash, which are only known after the insert, hence the update.
class AuditWriter {
 public:
  // Call inside the write transaction.
  static Result<AuditWriter> Prepare(sqlite3* db) {
    WEIR_ASSIGN_OR_RETURN(Statement insert,
                          Statement::Prepare(db,
                                             "INSERT INTO audit (time_us, kind, actor, role, action, decision, record) "
                                             "VALUES (?, ?, ?, ?, ?, ?, '')"));
    WEIR_ASSIGN_OR_RETURN(Statement update,
                          Statement::Prepare(db, "UPDATE audit SET record = ?, hash = ? WHERE seq = ?"));
    WEIR_ASSIGN_OR_RETURN(std::string head, AuditHead(db));
    return AuditWriter(db, std::move(insert), std::move(update), std::move(head));
  }

  Result<int64_t> Append(const audit::Record& record) {
    insert_.Reset();
    WEIR_RETURN_IF_ERROR(
        insert_.Bind(record.time_us, record.kind, record.actor, record.role, record.action, record.decision));
    WEIR_RETURN_IF_ERROR(insert_.Run());
    int64_t seq = sqlite3_last_insert_rowid(db_);
    audit::Record stored = record;
    stored.seq = seq;
    std::string line = audit::ChainToLine(head_, &stored);
    update_.Reset();
    WEIR_RETURN_IF_ERROR(update_.Bind(line, stored.hash, seq));
    WEIR_RETURN_IF_ERROR(update_.Run());
    // On any error the caller rolls the transaction back, so head_ only
    // moves with a record that commits.
    head_ = stored.hash;
    return seq;
  }

 private:
  AuditWriter(sqlite3* db, Statement insert, Statement update, std::string head)
      : db_(db), insert_(std::move(insert)), update_(std::move(update)), head_(std::move(head)) {}

  sqlite3* db_;
  Statement insert_;
  Statement update_;
  std::string head_;
};

// Migration 5: chains the records written before the hash chain existed, in
// seq order from the genesis value, rewriting their JSON with prev_hash and
// hash. Runs in the migration's transaction.
Status ChainExistingAudit(sqlite3* db) {
  WEIR_ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db, "SELECT seq, record FROM audit ORDER BY seq"));
  WEIR_ASSIGN_OR_RETURN(Statement update,
                        Statement::Prepare(db, "UPDATE audit SET record = ?, hash = ? WHERE seq = ?"));
  std::string head = audit::kGenesisHash;
  while (true) {
    WEIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return Status::Ok();
    int64_t seq = select.Int(0);
    nlohmann::json json = nlohmann::json::parse(select.Text(1), nullptr, /*allow_exceptions=*/false);
    if (json.is_object()) {
      json["prev_hash"] = "";
      json["hash"] = "";
    }
    audit::Record record;
    if (!audit::FromJson(json, &record)) return Corrupt("audit record " + std::to_string(seq) + " is malformed");
    record.seq = seq;
    audit::Chain(head, &record);
    update.Reset();
    WEIR_RETURN_IF_ERROR(update.Bind(DumpJson(audit::ToJson(record)), record.hash, seq));
    WEIR_RETURN_IF_ERROR(update.Run());
    head = record.hash;
  }
}

// Rolls back the connection's open transaction unless disarmed.
class RollbackGuard {
 public:
  explicit RollbackGuard(sqlite3* db) : db_(db) {}
  ~RollbackGuard() {
    if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void Disarm() { db_ = nullptr; }
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;

 private:
  sqlite3* db_;
};

Result<DbPtr> OpenConnection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    std::string message = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return Status::IoError("sqlite: cannot open " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db.get(), 1);
  if (sqlite3_busy_timeout(db.get(), kBusyTimeoutMs) != SQLITE_OK) return SqliteError(db.get(), "busy_timeout");
  return db;
}

Status CheckSchemaVersion(int64_t version, const std::string& path) {
  if (version > kSchemaVersion) {
    return Status::FailedPrecondition("metadata store " + path + " has schema version " + std::to_string(version) +
                                      ", newer than this build knows (" + std::to_string(kSchemaVersion) +
                                      "); use a newer Weir");
  }
  if (version < 0) return Corrupt("negative schema version " + std::to_string(version));
  return Status::Ok();
}

// Applies the migrations the file lacks, one transaction each. The version
// is re-read inside each transaction so two processes opening the same file
// do not apply a migration twice.
Status Migrate(sqlite3* db, const std::string& path) {
  while (true) {
    WEIR_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
    RollbackGuard guard(db);
    WEIR_ASSIGN_OR_RETURN(int64_t version, QueryInt(db, "PRAGMA user_version"));
    WEIR_RETURN_IF_ERROR(CheckSchemaVersion(version, path));
    if (version == kSchemaVersion) {
      WEIR_RETURN_IF_ERROR(Exec(db, "COMMIT"));
      guard.Disarm();
      return Status::Ok();
    }
    WEIR_RETURN_IF_ERROR(Exec(db, kMigrations[version]));
    if (version + 1 == kAuditChainMigration) WEIR_RETURN_IF_ERROR(ChainExistingAudit(db));
    std::string set_version = "PRAGMA user_version = " + std::to_string(version + 1);
    WEIR_RETURN_IF_ERROR(Exec(db, set_version.c_str()));
    WEIR_RETURN_IF_ERROR(Exec(db, "COMMIT"));
    guard.Disarm();
  }
}

// Audit records with seq > after_seq, oldest first, at most `limit`.
Result<std::vector<audit::Record>> ReadAuditRecords(sqlite3* db, int64_t after_seq, size_t limit) {
  std::vector<audit::Record> records;
  if (limit == 0) return records;
  auto bound = static_cast<int64_t>(std::min<size_t>(limit, std::numeric_limits<int64_t>::max()));
  WEIR_ASSIGN_OR_RETURN(Statement stmt,
                        Statement::Prepare(db, "SELECT seq, record FROM audit WHERE seq > ? ORDER BY seq LIMIT ?"));
  WEIR_RETURN_IF_ERROR(stmt.Bind(after_seq, bound));
  while (true) {
    WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    int64_t seq = stmt.Int(0);
    nlohmann::json json = nlohmann::json::parse(stmt.Text(1), nullptr, /*allow_exceptions=*/false);
    audit::Record record;
    if (!audit::FromJson(json, &record)) return Corrupt("audit record " + std::to_string(seq) + " is malformed");
    // The column is authoritative (the chain covers it: a record moved to
    // another seq no longer matches its hash).
    record.seq = seq;
    records.push_back(std::move(record));
  }
  return records;
}

// ---- Transaction ----

class SqliteTransaction final : public Transaction {
 public:
  // `lock` holds the store's writer mutex; BEGIN IMMEDIATE has run on `db`.
  SqliteTransaction(std::unique_lock<std::mutex> lock, sqlite3* db) : lock_(std::move(lock)), db_(db) {}

  ~SqliteTransaction() override {
    if (!done_ && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  Result<MetadataState> Load() override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    return LoadState(db_);
  }

  Status CreateRole(const iam::Role& role) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, "INSERT INTO roles (name, description, doc) VALUES (?, ?, ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(role.name, role.description, DumpJson(iam::ToJson(role))));
    Status status = stmt.Run();
    if (stmt.rc() == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Status::AlreadyExists("role '" + role.name + "' already exists");
    }
    return status;
  }

  Status UpdateRole(const iam::Role& role) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, "UPDATE roles SET description = ?, doc = ? WHERE name = ?"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(role.description, DumpJson(iam::ToJson(role)), role.name));
    WEIR_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Status::NotFound("role '" + role.name + "' does not exist");
    return Status::Ok();
  }

  Status DeleteRole(const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(bool used, Exists("SELECT 1 FROM users WHERE execution_role = ?", name));
    if (used) return Status::FailedPrecondition("role '" + name + "' is a user's execution role");
    // ON DELETE CASCADE removes the role's grants.
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, "DELETE FROM roles WHERE name = ?"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(name));
    WEIR_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Status::NotFound("role '" + name + "' does not exist");
    return Status::Ok();
  }

  Status CreateUser(const iam::User& user) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(bool role_exists, Exists("SELECT 1 FROM roles WHERE name = ?", user.execution_role));
    if (!role_exists) return Status::NotFound("role '" + user.execution_role + "' does not exist");
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, "INSERT INTO users (name, execution_role, doc) VALUES (?, ?, ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(user.name, user.execution_role, DumpJson(iam::ToJson(user))));
    Status status = stmt.Run();
    if (stmt.rc() == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Status::AlreadyExists("user '" + user.name + "' already exists");
    }
    return status;
  }

  Status UpdateUser(const iam::User& user) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(bool role_exists, Exists("SELECT 1 FROM roles WHERE name = ?", user.execution_role));
    if (!role_exists) return Status::NotFound("role '" + user.execution_role + "' does not exist");
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, "UPDATE users SET execution_role = ?, doc = ? WHERE name = ?"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(user.execution_role, DumpJson(iam::ToJson(user)), user.name));
    WEIR_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Status::NotFound("user '" + user.name + "' does not exist");
    return Status::Ok();
  }

  Status DeleteUser(const std::string& name) override {
    return DeleteByName("DELETE FROM users WHERE name = ?", name, "user");
  }

  Status CreatePolicy(const iam::ManagedPolicy& policy) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_, "INSERT INTO managed_policies (name, description, document) VALUES (?, ?, ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(policy.name, policy.description, policy.document));
    Status status = stmt.Run();
    if (stmt.rc() == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Status::AlreadyExists("policy '" + policy.name + "' already exists");
    }
    return status;
  }

  Status UpdatePolicy(const iam::ManagedPolicy& policy) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_, "UPDATE managed_policies SET description = ?, document = ? WHERE name = ?"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(policy.description, policy.document, policy.name));
    WEIR_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Status::NotFound("policy '" + policy.name + "' does not exist");
    return Status::Ok();
  }

  Status DeletePolicy(const std::string& name) override {
    return DeleteByName("DELETE FROM managed_policies WHERE name = ?", name, "policy");
  }

  Status PutCluster(const iam::Cluster& cluster) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt, Statement::Prepare(db_, "INSERT OR REPLACE INTO settings (key, value) VALUES ('cluster', ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(DumpJson(iam::ToJson(cluster))));
    return stmt.Run();
  }

  Status PutSecret(const std::string& name, const std::string& value) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind("secret:" + name, value));
    return stmt.Run();
  }

  Status PutLakeAdmins(const std::vector<std::string>& principals) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_, "INSERT OR REPLACE INTO settings (key, value) VALUES ('lake_admins', ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(NamesToJson(principals)));
    return stmt.Run();
  }

  Status PutStack(const std::string& name, const std::string& record) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind("stack:" + name, record));
    return stmt.Run();
  }

  Status DeleteStack(const std::string& name) override {
    return DeleteByName("DELETE FROM settings WHERE key = 'stack:' || ?", name, "stack");
  }

  // Deletes the resource's value of `key`; sqlite3_changes tells whether there was one.
  Status UnassignIfPresent(const access::TagResource& r, const std::string& key) {
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, R"(DELETE FROM lf_tag_assignments WHERE "database" = ?
                                                     AND IFNULL(table_name, '') = ? AND column_name = ? AND tag_key = ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(r.database, r.table, r.column, key));
    return stmt.Run();
  }

  Status DeleteByName(const char* sql, const std::string& name, const char* kind) {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, sql));
    WEIR_RETURN_IF_ERROR(stmt.Bind(name));
    WEIR_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Status::NotFound(std::string(kind) + " '" + name + "' does not exist");
    return Status::Ok();
  }

  Status CreateDatabase(const catalog::Database& database) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, "INSERT INTO databases (name, description) VALUES (?, ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(database.name, database.description));
    Status status = stmt.Run();
    if (stmt.rc() == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Status::AlreadyExists("database '" + database.name + "' already exists");
    }
    return status;
  }

  Status DeleteDatabase(const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, "DELETE FROM databases WHERE name = ?"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(name));
    Status status = stmt.Run();
    // tables.database has no ON DELETE action, so a database with tables
    // fails the foreign key check at the end of the statement.
    if (stmt.rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::FailedPrecondition("database '" + name + "' still holds tables");
    }
    WEIR_RETURN_IF_ERROR(status);
    if (sqlite3_changes(db_) == 0) return Status::NotFound("database '" + name + "' does not exist");
    // Database and all-tables grants have no foreign key to the database.
    WEIR_ASSIGN_OR_RETURN(
        Statement grants,
        Statement::Prepare(db_,
                           R"(DELETE FROM grants WHERE "database" = ? AND kind IN ('database', 'table_wildcard'))"));
    WEIR_RETURN_IF_ERROR(grants.Bind(name));
    return grants.Run();
  }

  Status CreateTable(const catalog::Table& table) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(
            db_, R"(INSERT INTO tables ("database", name, location, format, columns) VALUES (?, ?, ?, ?, ?))"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(table.database, table.name, table.location,
                                   std::string(catalog::FormatName(table.format)), ColumnsToJson(table.columns)));
    Status status = stmt.Run();
    if (stmt.rc() == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Status::AlreadyExists("table '" + table.QualifiedName() + "' already exists");
    }
    if (stmt.rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::NotFound("database '" + table.database + "' does not exist");
    }
    return status;
  }

  Status DeleteTable(const std::string& database, const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    // ON DELETE CASCADE removes the table's grants.
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, R"(DELETE FROM tables WHERE "database" = ? AND name = ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(database, name));
    WEIR_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Status::NotFound("table '" + database + "." + name + "' does not exist");
    return Status::Ok();
  }

  Result<int64_t> AddGrant(const access::Grant& grant) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    // Checked first only to say which side is missing; the foreign keys
    // enforce it regardless for roles and tables.
    WEIR_ASSIGN_OR_RETURN(bool role_exists, Exists("SELECT 1 FROM roles WHERE name = ?", grant.role));
    if (!role_exists) return Status::NotFound("role '" + grant.role + "' does not exist");
    bool on_table = grant.kind == access::ResourceKind::kTable;
    if (grant.kind == access::ResourceKind::kDatabase || grant.kind == access::ResourceKind::kTableWildcard) {
      WEIR_ASSIGN_OR_RETURN(bool db_exists, Exists("SELECT 1 FROM databases WHERE name = ?", grant.database));
      if (!db_exists) return Status::NotFound("database '" + grant.database + "' does not exist");
    }
    if (on_table) {
      WEIR_ASSIGN_OR_RETURN(bool table_exists, Exists(R"(SELECT 1 FROM tables WHERE "database" = ? AND name = ?)",
                                                      grant.database, grant.table));
      if (!table_exists) return Status::NotFound("table '" + grant.database + "." + grant.table + "' does not exist");
    }
    if (on_table && !grant.filter.empty()) {
      WEIR_ASSIGN_OR_RETURN(bool filter_exists,
                            Exists(R"(SELECT 1 FROM data_filters WHERE "database" = ? AND table_name = ? AND name = ?)",
                                   grant.database, grant.table, grant.filter));
      if (!filter_exists) return Status::NotFound("data filter '" + grant.filter + "' does not exist");
    }

    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, R"(INSERT INTO grants (role, kind, "database", table_name, scope,
                                                     columns, filter_name, permissions, grantable, expression)
                                                     VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?))"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(grant.role, std::string(access::GrantKindName(grant.kind)),
                                   grant.kind == access::ResourceKind::kCatalog ? std::string() : grant.database,
                                   on_table ? grant.table : std::string(),
                                   std::string(access::ColumnScopeName(grant.scope)), NamesToJson(grant.columns),
                                   grant.filter, access::ToString(grant.permissions), access::ToString(grant.grantable),
                                   ExpressionToJson(grant.expression)));
    Status status = stmt.Run();
    if (stmt.rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::NotFound("role or table of the grant does not exist");
    }
    WEIR_RETURN_IF_ERROR(status);
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Status CreateFilter(const access::DataFilter& filter) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(bool table_exists, Exists(R"(SELECT 1 FROM tables WHERE "database" = ? AND name = ?)",
                                                    filter.database, filter.table));
    if (!table_exists) return Status::NotFound("table '" + filter.database + "." + filter.table + "' does not exist");
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, R"(INSERT INTO data_filters ("database", table_name, name, row_filter,
                                                     scope, columns) VALUES (?, ?, ?, ?, ?, ?))"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(filter.database, filter.table, filter.name, filter.row_filter,
                                   std::string(access::ColumnScopeName(filter.scope)), NamesToJson(filter.columns)));
    Status status = stmt.Run();
    if (stmt.rc() == SQLITE_CONSTRAINT_PRIMARYKEY || stmt.rc() == SQLITE_CONSTRAINT_UNIQUE) {
      return Status::AlreadyExists("data filter '" + filter.name + "' already exists on " + filter.database + "." +
                                   filter.table);
    }
    return status;
  }

  Status DeleteFilter(const std::string& database, const std::string& table, const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_, R"(DELETE FROM data_filters WHERE "database" = ? AND table_name = ? AND name = ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(database, table, name));
    WEIR_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Status::NotFound("data filter '" + name + "' does not exist");
    WEIR_ASSIGN_OR_RETURN(
        Statement grants,
        Statement::Prepare(db_, R"(DELETE FROM grants WHERE "database" = ? AND table_name = ? AND filter_name = ?)"));
    WEIR_RETURN_IF_ERROR(grants.Bind(database, table, name));
    return grants.Run();
  }

  Status RemoveGrant(int64_t id) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, "DELETE FROM grants WHERE id = ?"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(id));
    WEIR_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Status::NotFound("grant " + std::to_string(id) + " does not exist");
    return Status::Ok();
  }

  Status CreateLfTag(const access::LfTag& tag) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, "INSERT INTO lf_tags (tag_key, tag_values) VALUES (?, ?)"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(tag.key, NamesToJson(tag.values)));
    Status status = stmt.Run();
    if (stmt.rc() == SQLITE_CONSTRAINT_PRIMARYKEY)
      return Status::AlreadyExists("LF-Tag '" + tag.key + "' already exists");
    return status;
  }

  Status UpdateLfTag(const access::LfTag& tag) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, "UPDATE lf_tags SET tag_values = ? WHERE tag_key = ?"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(NamesToJson(tag.values), tag.key));
    WEIR_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Status::NotFound("LF-Tag '" + tag.key + "' does not exist");
    return Status::Ok();
  }

  Status DeleteLfTag(const std::string& key) override {
    // ON DELETE CASCADE removes the tag's assignments.
    return DeleteByName("DELETE FROM lf_tags WHERE tag_key = ?", key, "LF-Tag");
  }

  Status AssignLfTag(const access::TagAssignment& a) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    // Checked first only to say which is missing; the foreign keys enforce it regardless.
    WEIR_ASSIGN_OR_RETURN(bool tag_exists, Exists("SELECT 1 FROM lf_tags WHERE tag_key = ?", a.key));
    if (!tag_exists) return Status::NotFound("LF-Tag '" + a.key + "' does not exist");
    WEIR_ASSIGN_OR_RETURN(bool db_exists, Exists("SELECT 1 FROM databases WHERE name = ?", a.resource.database));
    if (!db_exists) return Status::NotFound("database '" + a.resource.database + "' does not exist");
    if (!a.resource.table.empty()) {
      WEIR_ASSIGN_OR_RETURN(bool table_exists, Exists(R"(SELECT 1 FROM tables WHERE "database" = ? AND name = ?)",
                                                      a.resource.database, a.resource.table));
      if (!table_exists) {
        return Status::NotFound("table '" + a.resource.database + "." + a.resource.table + "' does not exist");
      }
    }
    WEIR_RETURN_IF_ERROR(UnassignIfPresent(a.resource, a.key));
    WEIR_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db_, R"(INSERT INTO lf_tag_assignments ("database", table_name,
                                                     column_name, tag_key, tag_value)
                                                     VALUES (?, NULLIF(?, ''), ?, ?, ?))"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(a.resource.database, a.resource.table, a.resource.column, a.key, a.value));
    return stmt.Run();
  }

  Status UnassignLfTag(const access::TagResource& resource, const std::string& key) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_RETURN_IF_ERROR(UnassignIfPresent(resource, key));
    if (sqlite3_changes(db_) == 0) return Status::NotFound(resource.Label() + " has no LF-Tag '" + key + "'");
    return Status::Ok();
  }

  Result<int64_t> AppendAudit(const audit::Record& record) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    WEIR_ASSIGN_OR_RETURN(AuditWriter writer, AuditWriter::Prepare(db_));
    return writer.Append(record);
  }

  Status Commit() override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    done_ = true;
    Status status = CommitLocked();
    // Committed or rolled back: either way other writers may go on.
    lock_.unlock();
    return status;
  }

 private:
  Status CommitLocked() {
    RollbackGuard guard(db_);
    WEIR_ASSIGN_OR_RETURN(Statement bump,
                          Statement::Prepare(db_, "UPDATE meta SET value = value + 1 WHERE key = 'version'"));
    WEIR_RETURN_IF_ERROR(bump.Run());
    if (sqlite3_changes(db_) != 1) return Corrupt("meta.version is missing");
    // synchronous=FULL: COMMIT returns after the WAL is fsync'd.
    WEIR_RETURN_IF_ERROR(Exec(db_, "COMMIT"));
    guard.Disarm();
    return Status::Ok();
  }

  // Some errors (I/O, disk full, out of memory) make SQLite roll back the
  // whole transaction by itself; the connection is then in autocommit mode
  // and further statements would each commit on their own. Refuse them.
  Status CheckOpen() {
    if (done_) return Status::FailedPrecondition("transaction already finished");
    if (sqlite3_get_autocommit(db_) != 0) {
      return Status::IoError("sqlite: transaction was rolled back after an earlier error");
    }
    return Status::Ok();
  }

  template <typename... Args>
  Result<bool> Exists(const char* sql, const Args&... args) {
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, sql));
    WEIR_RETURN_IF_ERROR(stmt.Bind(args...));
    return stmt.Step();
  }

  std::unique_lock<std::mutex> lock_;
  sqlite3* db_;
  bool done_ = false;
};

// ---- Store ----

class SqliteStore final : public Store {
 public:
  SqliteStore(DbPtr write_db, DbPtr read_db) : write_db_(std::move(write_db)), read_db_(std::move(read_db)) {}

  Result<MetadataState> Load() override {
    std::lock_guard lock(read_mu_);
    sqlite3* db = read_db_.get();
    // One read transaction, so every SELECT sees the same commit.
    WEIR_RETURN_IF_ERROR(Exec(db, "BEGIN"));
    RollbackGuard guard(db);
    WEIR_ASSIGN_OR_RETURN(MetadataState state, LoadState(db));
    WEIR_RETURN_IF_ERROR(Exec(db, "COMMIT"));
    guard.Disarm();
    return state;
  }

  Result<std::unique_ptr<Transaction>> Begin() override {
    std::unique_lock lock(write_mu_);
    WEIR_RETURN_IF_ERROR(Exec(write_db_.get(), "BEGIN IMMEDIATE"));
    return std::unique_ptr<Transaction>(std::make_unique<SqliteTransaction>(std::move(lock), write_db_.get()));
  }

  Status AppendAudit(const std::vector<audit::Record>& records) override {
    if (records.empty()) return Status::Ok();
    std::lock_guard lock(write_mu_);
    sqlite3* db = write_db_.get();
    WEIR_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
    RollbackGuard guard(db);
    WEIR_ASSIGN_OR_RETURN(AuditWriter writer, AuditWriter::Prepare(db));
    for (const auto& record : records) {
      Result<int64_t> seq = writer.Append(record);
      if (!seq.ok()) return seq.status();
    }
    WEIR_RETURN_IF_ERROR(Exec(db, "COMMIT"));
    guard.Disarm();
    return Status::Ok();
  }

  Result<std::vector<audit::Record>> ReadAudit(int64_t after_seq, size_t limit) override {
    std::lock_guard lock(read_mu_);
    return ReadAuditRecords(read_db_.get(), after_seq, limit);
  }

  Result<std::vector<AuditLine>> ReadAuditLines(int64_t after_seq, size_t limit) override {
    std::lock_guard lock(read_mu_);
    std::vector<AuditLine> lines;
    if (limit == 0) return lines;
    auto bound = static_cast<int64_t>(std::min<size_t>(limit, std::numeric_limits<int64_t>::max()));
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(read_db_.get(),
                                                             "SELECT seq, record FROM audit WHERE seq > ? ORDER BY "
                                                             "seq LIMIT ?"));
    WEIR_RETURN_IF_ERROR(stmt.Bind(after_seq, bound));
    while (true) {
      WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      lines.push_back({stmt.Int(0), stmt.Text(1)});
    }
    return lines;
  }

 private:
  std::mutex write_mu_;  // held for the lifetime of a write transaction
  DbPtr write_db_;
  std::mutex read_mu_;  // guards read_db_
  DbPtr read_db_;
};

// A store opened read-only: Load() and ReadAudit() work while another
// process writes; writes fail with kFailedPrecondition.
class ReadOnlySqliteStore final : public Store {
 public:
  ReadOnlySqliteStore(DbPtr db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  Result<MetadataState> Load() override {
    std::lock_guard lock(mu_);
    WEIR_RETURN_IF_ERROR(Exec(db_.get(), "BEGIN"));
    RollbackGuard guard(db_.get());
    WEIR_ASSIGN_OR_RETURN(MetadataState state, LoadState(db_.get()));
    WEIR_RETURN_IF_ERROR(Exec(db_.get(), "COMMIT"));
    guard.Disarm();
    return state;
  }
  Result<std::unique_ptr<Transaction>> Begin() override { return ReadOnly(); }
  Status AppendAudit(const std::vector<audit::Record>&) override { return ReadOnly(); }
  Result<std::vector<audit::Record>> ReadAudit(int64_t after_seq, size_t limit) override {
    std::lock_guard lock(mu_);
    return ReadAuditRecords(db_.get(), after_seq, limit);
  }

 private:
  Status ReadOnly() const { return Status::FailedPrecondition("metadata store " + path_ + " is open read-only"); }

  std::mutex mu_;  // guards db_
  DbPtr db_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  WEIR_ASSIGN_OR_RETURN(DbPtr write_db, OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  sqlite3* db = write_db.get();

  // Refuse a newer schema before changing anything in the file.
  WEIR_ASSIGN_OR_RETURN(int64_t version, QueryInt(db, "PRAGMA user_version"));
  WEIR_RETURN_IF_ERROR(CheckSchemaVersion(version, path));

  {
    WEIR_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, "PRAGMA journal_mode=WAL"));
    WEIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row || stmt.Text(0) != "wal") {
      return Status::IoError("sqlite: cannot switch " + path + " to WAL journal mode");
    }
  }
  WEIR_RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=FULL"));
  WEIR_RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys=ON"));
  WEIR_RETURN_IF_ERROR(Migrate(db, path));

  // Opened after the migrations so it never sees a half-built schema.
  WEIR_ASSIGN_OR_RETURN(DbPtr read_db, OpenConnection(path, SQLITE_OPEN_READWRITE));
  WEIR_RETURN_IF_ERROR(Exec(read_db.get(), "PRAGMA query_only=ON"));

  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(write_db), std::move(read_db)));
}

Result<std::unique_ptr<Store>> OpenSqliteStoreReadOnly(const std::string& path) {
  WEIR_ASSIGN_OR_RETURN(DbPtr db, OpenConnection(path, SQLITE_OPEN_READONLY));
  WEIR_ASSIGN_OR_RETURN(int64_t version, QueryInt(db.get(), "PRAGMA user_version"));
  WEIR_RETURN_IF_ERROR(CheckSchemaVersion(version, path));
  if (version < kSchemaVersion) {
    // A read-only open cannot migrate; the next writer will.
    return Status::FailedPrecondition("metadata store " + path + " has schema version " + std::to_string(version) +
                                      " and needs migrating: open it once with a command that writes (weir serve, "
                                      "or any admin verb)");
  }
  return std::unique_ptr<Store>(std::make_unique<ReadOnlySqliteStore>(std::move(db), path));
}

}  // namespace weir::store
