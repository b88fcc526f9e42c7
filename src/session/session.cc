#include "session/session.h"

#include <algorithm>
#include <chrono>

#include "access/snapshot.h"
#include "audit/audit_log.h"
#include "duckdb.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/expression/star_expression.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/statement/set_statement.hpp"
#include "duckdb/parser/tableref/basetableref.hpp"
#include "duckdb/parser/tableref/showref.hpp"
#include "engine/engine.h"
#include "engine/parse_gate.h"
#include "session/session_internal.h"
#include "session/settings.h"
#include "session/sql_text.h"

namespace weir::session {

namespace {

// "tpc", "\"tpc\"" → tpc. A dotted name ("db.schema") is returned as is.
std::string Unquote(const std::string& name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < name.size(); i++) {
      if (name[i] == '"' && i + 2 < name.size() && name[i + 1] == '"') i++;
      out.push_back(name[i]);
    }
    return out;
  }
  return duckdb::StringUtil::Lower(name);
}

const char* DecisionFor(const Status& status) {
  if (status.ok()) return "allow";
  switch (status.code()) {
    case StatusCode::kPermissionDenied:
    case StatusCode::kFeatureNotSupported:
    case StatusCode::kUndefinedDatabase:
    case StatusCode::kInvalidAuthorization:
      return "deny";
    default:
      return "error";
  }
}

}  // namespace

// --- StatementResult ---------------------------------------------------------

StatementResult::StatementResult() = default;
StatementResult::StatementResult(std::string t, std::unique_ptr<ResultSet> r) : tag(std::move(t)), rows(std::move(r)) {}
StatementResult::StatementResult(StatementResult&&) noexcept = default;
StatementResult& StatementResult::operator=(StatementResult&&) noexcept = default;
StatementResult::~StatementResult() = default;

// --- Audited rows -------------------------------------------------------------

// Wraps a statement's rows: counts what the caller fetched and writes the
// statement's audit record when the rows are dropped. A fetch error fails
// the open transaction block, as the statement failing would.
class Session::Audited : public ResultSet {
 public:
  Audited(Session* session, std::unique_ptr<ResultSet> inner, std::string text,
          std::chrono::steady_clock::time_point start, std::vector<std::string> tables,
          std::vector<std::string> columns)
      : session_(session),
        inner_(std::move(inner)),
        text_(std::move(text)),
        start_(start),
        tables_(std::move(tables)),
        columns_(std::move(columns)) {}
  ~Audited() override {
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count();
    session_->Record(text_, status_, rows_, micros, std::move(tables_), std::move(columns_));
  }
  const std::vector<std::string>& names() const override { return inner_->names(); }
  const std::vector<duckdb::LogicalType>& types() const override { return inner_->types(); }
  Result<std::unique_ptr<duckdb::DataChunk>> Next() override {
    auto chunk = inner_->Next();
    if (!chunk.ok()) {
      if (status_.ok()) status_ = chunk.status();
      session_->FailTransaction();
    } else if (*chunk) {
      rows_ += static_cast<int64_t>((*chunk)->size());
    }
    return chunk;
  }

 private:
  Session* session_;
  std::unique_ptr<ResultSet> inner_;
  std::string text_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::string> tables_, columns_;
  Status status_;
  int64_t rows_ = 0;
};

// --- Session --------------------------------------------------------------------

Session::Session(SessionContext context, Identity identity, std::unique_ptr<engine::Connection> connection)
    : context_(std::move(context)), identity_(std::move(identity)), connection_(std::move(connection)) {
  initial_role_ = identity_.role;
  for (const auto& def : SettingDefinitions()) settings_[def.key] = def.default_value;
  settings_["session_authorization"] = identity_.source_identity;
  reported_.clear();
}

Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::Open(SessionContext context, Identity identity) {
  auto snapshot = context.snapshot();
  if (!snapshot->HasRole(identity.role)) {
    return Status::PermissionDenied("role " + identity.role + " does not exist");
  }
  WEIR_ASSIGN_OR_RETURN(auto connection, context.engine->Connect(identity.role));
  return std::unique_ptr<Session>(new Session(std::move(context), std::move(identity), std::move(connection)));
}

void Session::Interrupt() {
  std::lock_guard<std::mutex> lock(interrupt_mu_);
  connection_->Interrupt();
}

char Session::transaction_status() const {
  if (!block_) return 'I';
  return failed_ ? 'E' : 'T';
}

void Session::FailTransaction() {
  if (block_) failed_ = true;
}

void Session::Record(const std::string& text, const Status& status, int64_t rows, int64_t micros,
                     std::vector<std::string> tables, std::vector<std::string> columns) {
  if (context_.audit == nullptr) return;
  audit::Record r;
  r.kind = "query";
  r.action = "query";
  r.actor = identity_.actor;
  r.source_identity = identity_.source_identity;
  r.role = identity_.role;
  r.statement = text;
  r.decision = DecisionFor(status);
  r.rows = rows;
  r.duration_us = micros;
  r.tables = std::move(tables);
  r.columns = std::move(columns);
  if (!status.ok()) r.error = std::string(status.sqlstate()) + ": " + status.message();
  context_.audit->RecordQuery(std::move(r));
}

void Session::RecordAssumption(const std::string& role, const char* via, const Status& status) {
  if (context_.audit == nullptr) return;
  audit::Record r;
  r.kind = "session";
  r.action = "assume_role";
  r.actor = identity_.actor;
  r.source_identity = identity_.source_identity;
  r.role = role;
  r.decision = DecisionFor(status);
  r.detail = {{"via", via}, {"from_role", identity_.role}};
  if (!identity_.session_name.empty()) r.detail["session_name"] = identity_.session_name;
  if (!status.ok()) r.error = std::string(status.sqlstate()) + ": " + status.message();
  context_.audit->RecordQuery(std::move(r));
}

Status Session::Execute(const std::string& sql, const std::function<Status(StatementResult&)>& on_result) {
  // As PostgreSQL parses a whole simple-query message first, a syntax error
  // anywhere in it runs nothing.
  auto statements = SplitStatements(sql);
  for (const auto& statement : statements) {
    Status syntax = CheckSyntax(statement.text);
    if (!syntax.ok()) {
      FailTransaction();
      Record(sql, syntax, 0, 0, {}, {});
      return syntax;
    }
  }
  for (const auto& statement : statements) {
    static const std::vector<duckdb::Value> kNoParameters;
    auto result = ExecuteOne(statement.text, kNoParameters);
    if (!result.ok()) return result.status();
    Status consumed = on_result(*result);
    WEIR_RETURN_IF_ERROR(consumed);
  }
  return Status::Ok();
}

Result<StatementResult> Session::ExecuteOne(const std::string& sql, const std::vector<duckdb::Value>& parameters) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  };
  std::vector<std::string> tables, columns;
  Result<StatementResult> result = Status::Internal("unreachable");
  auto statements = SplitStatements(sql);
  if (statements.size() > 1) {
    result = Status::SyntaxError("cannot insert multiple commands into a prepared statement");
  } else if (statements.empty()) {
    result = StatementResult("EMPTY", nullptr);
  } else {
    result = RunText(statements[0].text, parameters.empty() ? nullptr : &parameters, &tables, &columns);
  }
  if (!result.ok()) {
    FailTransaction();
    Record(sql, result.status(), 0, elapsed(), std::move(tables), std::move(columns));
    return result.status();
  }
  if (result->rows) {
    result->rows =
        std::make_unique<Audited>(this, std::move(result->rows), sql, start, std::move(tables), std::move(columns));
  } else if (result->tag != "EMPTY") {
    Record(sql, Status::Ok(), 0, elapsed(), std::move(tables), std::move(columns));
  }
  return result;
}

Status Session::CheckSyntax(const std::string& sql) {
  WEIR_RETURN_IF_ERROR(CheckTerminated(sql));
  auto statements = SplitStatements(sql);
  if (statements.size() > 1) return Status::SyntaxError("cannot insert multiple commands into a prepared statement");
  if (statements.empty()) return Status::Ok();
  auto words = Tokenize(statements[0].text, 1);
  if (words[0].kind == TokenKind::kWord && (IsSessionVerb(words[0].text) || words[0].text == "copy")) {
    return Status::Ok();
  }
  return Parse(statements[0].text).status();
}

Result<std::unique_ptr<duckdb::SQLStatement>> Session::Parse(const std::string& text) {
  // The extended protocol checks a statement at Parse and runs it at
  // Execute (often several times): parse once, hand out copies.
  if (parse_cache_ && parse_cache_text_ == text) {
    return std::unique_ptr<duckdb::SQLStatement>(parse_cache_->Copy().release());
  }
  WEIR_ASSIGN_OR_RETURN(auto parsed, engine::ParseSql(NormalizeCatalogSyntax(text)));
  if (parsed.size() != 1) return Status::SyntaxError("expected one statement");
  parse_cache_text_ = text;
  parse_cache_ = std::unique_ptr<duckdb::SQLStatement>(parsed[0]->Copy().release());
  return std::move(parsed[0]);
}

Result<StatementShape> Session::Describe(const std::string& sql) {
  auto statements = SplitStatements(sql);
  if (statements.size() > 1) return Status::SyntaxError("cannot insert multiple commands into a prepared statement");
  StatementShape shape;
  if (statements.empty()) return shape;
  const std::string& text = statements[0].text;
  auto words = Tokenize(text, 3);
  if (!words.empty() && words[0].kind == TokenKind::kWord) {
    const std::string& verb = words[0].text;
    if (verb == "show" || verb == "select") {
      // SHOW of a setting and SELECT current_role read nothing and change
      // nothing: their result is their shape. Other forms go to the parser.
      if (auto own = RunSessionStatement(text)) {
        WEIR_ASSIGN_OR_RETURN(auto result, std::move(*own));
        shape.returns_rows = result.rows != nullptr;
        if (result.rows) {
          shape.names = result.rows->names();
          shape.types = result.rows->types();
        }
        return shape;
      }
    } else if (verb == "fetch") {
      // PostgreSQL describes FETCH by its cursor (named last).
      auto tokens = Tokenize(text);
      auto cursor = cursors_.find(tokens.back().text);
      if (cursor != cursors_.end()) {
        shape.returns_rows = true;
        shape.names = cursor->second->rows->names();
        shape.types = cursor->second->rows->types();
      }
      return shape;
    } else if (verb == "copy" || IsSessionVerb(verb)) {
      return shape;  // no row description; running them is Execute's job
    }
  }
  WEIR_ASSIGN_OR_RETURN(auto statement, Parse(text));
  if (statement->type == duckdb::StatementType::SET_STATEMENT) return shape;  // USE: describing must not switch
  auto snapshot = context_.snapshot();
  if (statement->type == duckdb::StatementType::SELECT_STATEMENT) {
    auto& select = statement->Cast<duckdb::SelectStatement>();
    bool show = select.node->type == duckdb::QueryNodeType::SELECT_NODE &&
                select.node->Cast<duckdb::SelectNode>().from_table &&
                select.node->Cast<duckdb::SelectNode>().from_table->type == duckdb::TableReferenceType::SHOW_REF;
    if (!show) {
      WEIR_ASSIGN_OR_RETURN(bool catalog_only, ReadsCatalog(*statement));
      engine::StatementShape engine_shape;
      if (catalog_only) {
        WEIR_ASSIGN_OR_RETURN(auto* catalog, Catalog(*snapshot));
        WEIR_ASSIGN_OR_RETURN(engine_shape, catalog->Describe(std::move(statement)));
      } else {
        WEIR_ASSIGN_OR_RETURN(engine_shape, connection_->Describe(std::move(statement), *snapshot, current_database_));
      }
      shape.returns_rows = true;
      shape.names = std::move(engine_shape.names);
      shape.types = std::move(engine_shape.types);
      shape.parameter_types = std::move(engine_shape.parameter_types);
      return shape;
    }
  }
  // SHOW/DESCRIBE/USE: answered by running (they read no data).
  std::vector<std::string> tables, columns;
  WEIR_ASSIGN_OR_RETURN(auto result, RunParsed(std::move(statement), nullptr, *snapshot, &tables, &columns));
  if (result.rows) {
    shape.returns_rows = true;
    shape.names = result.rows->names();
    shape.types = result.rows->types();
  }
  return shape;
}

Result<StatementResult> Session::RunText(const std::string& text, const std::vector<duckdb::Value>* parameters,
                                         std::vector<std::string>* tables, std::vector<std::string>* columns) {
  auto first = Tokenize(text, 1);
  if (failed_) {
    bool ends_block = !first.empty() && (IsWord(first[0], "rollback") || IsWord(first[0], "abort") ||
                                         IsWord(first[0], "commit") || IsWord(first[0], "end"));
    if (!ends_block) {
      return Status(StatusCode::kTransactionAborted,
                    "current transaction is aborted, commands ignored until end of transaction block");
    }
  }
  if (!first.empty() && IsWord(first[0], "copy")) return Copy(text, parameters, tables, columns);
  if (auto own = RunSessionStatement(text)) return std::move(*own);
  auto snapshot = context_.snapshot();
  WEIR_ASSIGN_OR_RETURN(auto parsed, Parse(text));
  return RunParsed(std::move(parsed), parameters, *snapshot, tables, columns);
}

Result<StatementResult> Session::RunParsed(std::unique_ptr<duckdb::SQLStatement> statement,
                                           const std::vector<duckdb::Value>* parameters,
                                           const access::Snapshot& snapshot, std::vector<std::string>* tables,
                                           std::vector<std::string>* columns) {
  using duckdb::StatementType;
  if (statement->type == StatementType::SET_STATEMENT) {
    // USE db arrives as SET schema.
    auto& set = statement->Cast<duckdb::SetStatement>();
    if (set.set_type == duckdb::SetType::SET && (set.name == "schema" || set.name == "search_path")) {
      auto& value = set.Cast<duckdb::SetVariableStatement>().value;
      if (value && value->GetExpressionClass() == duckdb::ExpressionClass::CONSTANT) {
        return Use(value->Cast<duckdb::ConstantExpression>().value.ToString(), snapshot);
      }
    }
    return Status::NotSupported("SET " + set.name + " is not allowed: engine settings are managed by Weir");
  }
  if (statement->type == StatementType::SELECT_STATEMENT) {
    auto& select = statement->Cast<duckdb::SelectStatement>();
    if (select.node->type == duckdb::QueryNodeType::SELECT_NODE) {
      auto& node = select.node->Cast<duckdb::SelectNode>();
      if (node.from_table && node.from_table->type == duckdb::TableReferenceType::SHOW_REF) {
        auto& show = node.from_table->Cast<duckdb::ShowRef>();
        if (show.show_type == duckdb::ShowType::SHOW_FROM) {
          std::string database = Unquote(show.schema_name);
          if (!show.catalog_name.empty() || !snapshot.DatabaseVisible(identity_.role, database)) {
            return Status::UndefinedDatabase("database " + database + " does not exist");
          }
          std::vector<std::vector<std::string>> rows;
          for (auto& t : snapshot.VisibleTables(identity_.role, database)) rows.push_back({t});
          return Rows("SHOW", {"name"}, rows);
        }
        if (show.table_name == "\"databases\"") {
          std::vector<std::vector<std::string>> rows;
          for (auto& d : snapshot.VisibleDatabases(identity_.role)) rows.push_back({d});
          return Rows("SHOW", {"database_name"}, rows);
        }
        if (show.table_name == "\"tables\"") {
          if (current_database_.empty()) {
            return Status::UndefinedDatabase("no database selected: USE one, or SHOW TABLES FROM a database");
          }
          std::vector<std::vector<std::string>> rows;
          for (auto& t : snapshot.VisibleTables(identity_.role, current_database_)) rows.push_back({t});
          return Rows("SHOW", {"name"}, rows);
        }
        if (show.table_name == "__show_tables_expanded") {
          std::vector<std::vector<std::string>> rows;
          for (auto& d : snapshot.VisibleDatabases(identity_.role)) {
            for (auto& t : snapshot.VisibleTables(identity_.role, d)) rows.push_back({d, t});
          }
          return Rows("SHOW", {"database", "name"}, rows);
        }
        if (show.show_type == duckdb::ShowType::DESCRIBE && show.query) {
          if (show.query->type == duckdb::QueryNodeType::SELECT_NODE) {
            // DESCRIBE t arrives as DESCRIBE SELECT * FROM t.
            auto& inner = show.query->Cast<duckdb::SelectNode>();
            bool plain = inner.select_list.size() == 1 &&
                         inner.select_list[0]->GetExpressionClass() == duckdb::ExpressionClass::STAR &&
                         inner.select_list[0]->Cast<duckdb::StarExpression>().relation_name.empty() &&
                         !inner.where_clause && inner.modifiers.empty() && inner.cte_map.map.empty() &&
                         inner.groups.group_expressions.empty();
            if (plain && inner.from_table && inner.from_table->type == duckdb::TableReferenceType::BASE_TABLE) {
              auto& base = inner.from_table->Cast<duckdb::BaseTableRef>();
              if (base.catalog_name.empty()) {
                return DescribeTable(duckdb::StringUtil::Lower(base.schema_name),
                                     duckdb::StringUtil::Lower(base.table_name), snapshot);
              }
            }
          }
          return DescribeQuery(std::unique_ptr<duckdb::QueryNode>(show.query.release()), snapshot, tables, columns);
        }
        return Status::NotSupported("this SHOW, DESCRIBE or SUMMARIZE form is not supported");
      }
    }
  }
  WEIR_ASSIGN_OR_RETURN(bool catalog_only, ReadsCatalog(*statement));
  if (catalog_only) {
    WEIR_ASSIGN_OR_RETURN(auto* catalog, Catalog(snapshot));
    WEIR_ASSIGN_OR_RETURN(auto rows, catalog->Run(std::move(statement), parameters));
    return StatementResult("SELECT", std::make_unique<StreamRows>(std::move(rows)));
  }
  engine::ReadSet reads;
  auto stream = connection_->Run(std::move(statement), snapshot, current_database_, &reads, parameters);
  *tables = std::move(reads.tables);
  *columns = std::move(reads.columns);
  if (!stream.ok()) return stream.status();
  return StatementResult("SELECT", std::make_unique<StreamRows>(std::move(stream).value()));
}

Result<bool> Session::ReadsCatalog(duckdb::SQLStatement& statement) const {
  if (statement.type != duckdb::StatementType::SELECT_STATEMENT) return false;  // the gate refuses it
  // Most statements cannot name a catalog relation at all: skip the walk.
  std::string text = duckdb::StringUtil::Lower(statement.query);
  if (!text.empty() && text.find("pg_") == std::string::npos && text.find("information_schema") == std::string::npos) {
    return false;
  }
  // A resolver that only keeps references leaves the tree as it was.
  bool catalog = false, lake = false;
  Status walked = engine::GateStatement(
      statement, [&](const std::string& c, const std::string& s, const std::string& t) -> Result<int64_t> {
        if (engine::IsCatalogReference(c, s, t)) {
          catalog = true;
        } else {
          lake = true;
        }
        return engine::kKeepReference;
      });
  if (!walked.ok()) return false;  // the real gate reports it
  if (catalog && lake) {
    return Status::NotSupported(
        "catalog relations (pg_catalog, information_schema) cannot be combined with lake "
        "tables in one query");
  }
  return catalog;
}

Result<engine::CatalogConnection*> Session::Catalog(const access::Snapshot& snapshot) {
  if (!catalog_ || catalog_->version() != snapshot.version()) {
    WEIR_ASSIGN_OR_RETURN(catalog_, context_.engine->ConnectCatalog(identity_.role, snapshot));
  }
  std::vector<std::pair<std::string, std::string>> open;
  for (auto& [name, cursor] : cursors_) open.emplace_back(name, "");
  WEIR_RETURN_IF_ERROR(catalog_->SetCursors(open));
  return catalog_.get();
}

Result<StatementResult> Session::DescribeQuery(std::unique_ptr<duckdb::QueryNode> query,
                                               const access::Snapshot& snapshot, std::vector<std::string>* tables,
                                               std::vector<std::string>* columns) {
  // The query goes through the gates like any other; its result's shape is
  // the answer (the rows are never fetched).
  auto select = duckdb::make_uniq<duckdb::SelectStatement>();
  select->node = duckdb::unique_ptr<duckdb::QueryNode>(query.release());
  engine::ReadSet reads;
  auto stream =
      connection_->Run(std::unique_ptr<duckdb::SQLStatement>(select.release()), snapshot, current_database_, &reads);
  *tables = std::move(reads.tables);
  *columns = std::move(reads.columns);
  if (!stream.ok()) return stream.status();
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < (*stream)->names().size(); i++) {
    rows.push_back({(*stream)->names()[i], (*stream)->types()[i].ToString(), "YES", "", "", ""});
  }
  return Rows("DESCRIBE", {"column_name", "column_type", "null", "key", "default", "extra"}, rows);
}

Result<StatementResult> Session::Use(const std::string& target, const access::Snapshot& snapshot) {
  std::string database = Unquote(target);
  if (database.find('.') != std::string::npos || !snapshot.DatabaseVisible(identity_.role, database)) {
    return Status::UndefinedDatabase("database " + database + " does not exist");
  }
  current_database_ = database;
  if (block_) block_->local_restore.erase("search_path");  // a plain change outlives SET LOCAL
  return StatementResult("USE", nullptr);
}

Result<StatementResult> Session::DescribeTable(const std::string& schema, const std::string& table,
                                               const access::Snapshot& snapshot) {
  std::string database = schema.empty() ? current_database_ : schema;
  if (database.empty()) {
    return Status::PermissionDenied(access::Snapshot::TableDeniedMessage("", table));
  }
  WEIR_ASSIGN_OR_RETURN(access::TableAccess access, snapshot.Resolve(identity_.role, database, table));
  std::vector<std::vector<std::string>> rows;
  for (size_t c : access.visible_columns) {
    const auto& column = access.table->columns[c];
    rows.push_back({column.name, column.type, "YES", "", "", column.partition ? "partition" : ""});
  }
  return Rows("DESCRIBE", {"column_name", "column_type", "null", "key", "default", "extra"}, rows);
}

}  // namespace weir::session
