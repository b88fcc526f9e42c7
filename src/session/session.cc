#include "session/session.h"

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

namespace weir::session {

namespace {

// A small materialized result of VARCHAR columns (listings Weir answers itself).
class TextResultSet : public ResultSet {
 public:
  TextResultSet(std::vector<std::string> names, std::vector<std::vector<std::string>> rows)
      : names_(std::move(names)), types_(names_.size(), duckdb::LogicalType::VARCHAR), rows_(std::move(rows)) {}

  const std::vector<std::string>& names() const override { return names_; }
  const std::vector<duckdb::LogicalType>& types() const override { return types_; }
  Result<std::unique_ptr<duckdb::DataChunk>> Next() override {
    if (next_ >= rows_.size()) return std::unique_ptr<duckdb::DataChunk>();
    auto chunk = std::make_unique<duckdb::DataChunk>();
    chunk->Initialize(duckdb::Allocator::DefaultAllocator(),
                      duckdb::vector<duckdb::LogicalType>(types_.begin(), types_.end()));
    size_t count = std::min<size_t>(rows_.size() - next_, STANDARD_VECTOR_SIZE);
    for (size_t r = 0; r < count; r++) {
      for (size_t c = 0; c < names_.size(); c++) chunk->SetValue(c, r, duckdb::Value(rows_[next_ + r][c]));
    }
    chunk->SetCardinality(count);
    next_ += count;
    return chunk;
  }

 private:
  std::vector<std::string> names_;
  std::vector<duckdb::LogicalType> types_;
  std::vector<std::vector<std::string>> rows_;
  size_t next_ = 0;
};

// The engine's stream, counting rows for the audit record.
class EngineResultSet : public ResultSet {
 public:
  explicit EngineResultSet(std::unique_ptr<engine::RowStream> stream) : stream_(std::move(stream)) {}
  const std::vector<std::string>& names() const override { return stream_->names(); }
  const std::vector<duckdb::LogicalType>& types() const override { return stream_->types(); }
  Result<std::unique_ptr<duckdb::DataChunk>> Next() override {
    auto chunk = stream_->Next();
    if (chunk.ok() && *chunk) rows_ += static_cast<int64_t>((*chunk)->size());
    return chunk;
  }
  int64_t rows() const { return rows_; }

 private:
  std::unique_ptr<engine::RowStream> stream_;
  int64_t rows_ = 0;
};

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
      return "deny";
    default:
      return "error";
  }
}

}  // namespace

Session::Session(SessionContext context, Identity identity, std::unique_ptr<engine::Connection> connection)
    : context_(std::move(context)), identity_(std::move(identity)), connection_(std::move(connection)) {}

Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::Open(SessionContext context, Identity identity) {
  auto snapshot = context.snapshot();
  if (!snapshot->HasRole(identity.role)) {
    return Status::PermissionDenied("role " + identity.role + " does not exist");
  }
  WEIR_ASSIGN_OR_RETURN(auto connection, context.engine->Connect(identity.role));
  return std::unique_ptr<Session>(new Session(std::move(context), std::move(identity), std::move(connection)));
}

Status Session::Execute(const std::string& sql, const std::function<Status(StatementResult&)>& on_result) {
  auto snapshot = context_.snapshot();
  auto record = [&](const std::string& text, const Status& status, int64_t rows, int64_t micros,
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
  };

  auto parsed = engine::ParseSql(sql);
  if (!parsed.ok()) {
    record(sql, parsed.status(), 0, 0, {}, {});
    return parsed.status();
  }
  for (auto& statement : *parsed) {
    std::string text = sql.substr(statement->stmt_location, statement->stmt_length);
    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
      return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
    };
    std::vector<std::string> tables, columns;
    auto result = Run(std::move(statement), *snapshot, &tables, &columns);
    if (!result.ok()) {
      record(text, result.status(), 0, elapsed(), tables, columns);
      return result.status();
    }
    Status consumed = on_result(*result);
    int64_t rows = 0;
    if (auto* engine_rows = dynamic_cast<EngineResultSet*>(result->rows.get())) rows = engine_rows->rows();
    record(text, consumed, rows, elapsed(), tables, columns);
    WEIR_RETURN_IF_ERROR(consumed);
  }
  return Status::Ok();
}

Result<StatementResult> Session::Run(std::unique_ptr<duckdb::SQLStatement> statement, const access::Snapshot& snapshot,
                                     std::vector<std::string>* tables, std::vector<std::string>* columns) {
  using duckdb::StatementType;
  if (statement->type == StatementType::SET_STATEMENT) {
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
          return StatementResult{"SHOW", std::make_unique<TextResultSet>(std::vector<std::string>{"name"}, rows)};
        }
        if (show.table_name == "\"databases\"") {
          std::vector<std::vector<std::string>> rows;
          for (auto& d : snapshot.VisibleDatabases(identity_.role)) rows.push_back({d});
          return StatementResult{"SHOW",
                                 std::make_unique<TextResultSet>(std::vector<std::string>{"database_name"}, rows)};
        }
        if (show.table_name == "\"tables\"") {
          if (current_database_.empty()) {
            return Status::UndefinedDatabase("no database selected: USE one, or SHOW TABLES FROM a database");
          }
          std::vector<std::vector<std::string>> rows;
          for (auto& t : snapshot.VisibleTables(identity_.role, current_database_)) rows.push_back({t});
          return StatementResult{"SHOW", std::make_unique<TextResultSet>(std::vector<std::string>{"name"}, rows)};
        }
        if (show.table_name == "__show_tables_expanded") {
          std::vector<std::vector<std::string>> rows;
          for (auto& d : snapshot.VisibleDatabases(identity_.role)) {
            for (auto& t : snapshot.VisibleTables(identity_.role, d)) rows.push_back({d, t});
          }
          return StatementResult{"SHOW",
                                 std::make_unique<TextResultSet>(std::vector<std::string>{"database", "name"}, rows)};
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
                return Describe(duckdb::StringUtil::Lower(base.schema_name), duckdb::StringUtil::Lower(base.table_name),
                                snapshot);
              }
            }
          }
          return DescribeQuery(std::unique_ptr<duckdb::QueryNode>(show.query.release()), snapshot, tables, columns);
        }
        return Status::NotSupported("this SHOW, DESCRIBE or SUMMARIZE form is not supported");
      }
    }
  }
  engine::ReadSet reads;
  auto stream = connection_->Run(std::move(statement), snapshot, current_database_, &reads);
  *tables = std::move(reads.tables);
  *columns = std::move(reads.columns);
  if (!stream.ok()) return stream.status();
  return StatementResult{"SELECT", std::make_unique<EngineResultSet>(std::move(stream).value())};
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
  return StatementResult{
      "DESCRIBE", std::make_unique<TextResultSet>(
                      std::vector<std::string>{"column_name", "column_type", "null", "key", "default", "extra"}, rows)};
}

Result<StatementResult> Session::Use(const std::string& target, const access::Snapshot& snapshot) {
  std::string database = Unquote(target);
  if (database.find('.') != std::string::npos || !snapshot.DatabaseVisible(identity_.role, database)) {
    return Status::UndefinedDatabase("database " + database + " does not exist");
  }
  current_database_ = database;
  return StatementResult{"USE", nullptr};
}

Result<StatementResult> Session::Describe(const std::string& schema, const std::string& table,
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
  return StatementResult{
      "DESCRIBE", std::make_unique<TextResultSet>(
                      std::vector<std::string>{"column_name", "column_type", "null", "key", "default", "extra"}, rows)};
}

}  // namespace weir::session
