#include "engine/parse_gate.h"

#include <algorithm>
#include <set>
#include <vector>

#include "duckdb/common/string_util.hpp"
#include "duckdb/parser/common_table_expression_info.hpp"
#include "duckdb/parser/expression/list.hpp"
#include "duckdb/parser/query_node/list.hpp"
#include "duckdb/parser/result_modifier.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/tableref/list.hpp"

namespace weir::engine {

namespace {

using duckdb::ExpressionClass;
using duckdb::ParsedExpression;
using duckdb::QueryNode;
using duckdb::QueryNodeType;
using duckdb::TableRef;
using duckdb::TableReferenceType;

// Table functions with no access to files, settings or other sessions.
const std::set<std::string> kAllowedTableFunctions = {"range", "generate_series", "unnest"};

// Scalar functions that would read engine state (settings, variables,
// sequences) or write to instance-wide logs.
const std::set<std::string> kDeniedScalarFunctions = {
    "current_setting", "getvariable", "write_log", "nextval", "currval", "setval", "json_execute_serialized_sql",
};

Status Refuse(const std::string& what) {
  return Status::PermissionDenied("permission denied: " + what + " is not allowed");
}

class Walker {
 public:
  explicit Walker(const TableResolver& resolve) : resolve_(resolve) {}

  Status Statement(duckdb::SQLStatement& statement) {
    if (statement.type != duckdb::StatementType::SELECT_STATEMENT) {
      return Refuse(std::string("statement type ") + duckdb::StatementTypeToString(statement.type));
    }
    auto& select = statement.Cast<duckdb::SelectStatement>();
    WEIR_RETURN_IF_ERROR(Node(select.node));
    // `db.table.column` names a rewritten scan, which is bound by its alias
    // (the table name): drop the database part so the reference still binds.
    for (auto* column : qualified_columns_) {
      auto& names = column->column_names;
      std::string key = duckdb::StringUtil::Lower(names[0]) + "." + duckdb::StringUtil::Lower(names[1]);
      if (default_aliases_.count(key) > 0) names.erase(names.begin());
    }
    return Status::Ok();
  }

 private:
  // CTE scoping follows DuckDB's binder (and SQL): a CTE's body sees the
  // CTEs defined before it in the same WITH, not itself (a recursive CTE's
  // node adds its own name) and not later ones; the query body sees them
  // all. A name out of scope is a table reference and goes through the
  // resolver, so it can never bind to one of DuckDB's own catalog objects.
  Status Node(duckdb::unique_ptr<QueryNode>& node) {
    if (!node) return Status::Ok();
    std::set<std::string> names;
    for (auto& entry : node->cte_map.map) {
      auto& info = *entry.second;
      if (!info.query) return Refuse("an empty common table expression");
      scopes_.push_back(names);
      Status status = Status::Ok();
      for (auto& e : info.key_targets) {
        if (status.ok()) status = Expr(e);
      }
      if (status.ok()) status = Node(info.query->node);
      scopes_.pop_back();
      WEIR_RETURN_IF_ERROR(status);
      names.insert(duckdb::StringUtil::Lower(entry.first));
    }
    // DuckDB 1.4 also represents each CTE as a CTENode (its body and the rest
    // of the query); that node scopes its own name, so the copy in cte_map
    // must not put the name in scope for the CTENode's body.
    if (node->type == QueryNodeType::CTE_NODE) return NodeBody(*node);
    scopes_.push_back(names);
    Status status = NodeBody(*node);
    scopes_.pop_back();
    return status;
  }

  Status NodeBody(QueryNode& node) {
    for (auto& modifier : node.modifiers) WEIR_RETURN_IF_ERROR(Modifier(*modifier));
    switch (node.type) {
      case QueryNodeType::SELECT_NODE: {
        auto& select = node.Cast<duckdb::SelectNode>();
        for (auto& e : select.select_list) WEIR_RETURN_IF_ERROR(Expr(e));
        WEIR_RETURN_IF_ERROR(Ref(select.from_table));
        WEIR_RETURN_IF_ERROR(Expr(select.where_clause));
        for (auto& e : select.groups.group_expressions) WEIR_RETURN_IF_ERROR(Expr(e));
        WEIR_RETURN_IF_ERROR(Expr(select.having));
        WEIR_RETURN_IF_ERROR(Expr(select.qualify));
        return Status::Ok();
      }
      case QueryNodeType::SET_OPERATION_NODE: {
        auto& setop = node.Cast<duckdb::SetOperationNode>();
        WEIR_RETURN_IF_ERROR(Node(setop.left));
        return Node(setop.right);
      }
      case QueryNodeType::RECURSIVE_CTE_NODE: {
        auto& cte = node.Cast<duckdb::RecursiveCTENode>();
        scopes_.push_back({duckdb::StringUtil::Lower(cte.ctename)});
        Status status = Node(cte.left);
        if (status.ok()) status = Node(cte.right);
        for (auto& e : cte.key_targets) {
          if (status.ok()) status = Expr(e);
        }
        scopes_.pop_back();
        return status;
      }
      case QueryNodeType::CTE_NODE: {
        auto& cte = node.Cast<duckdb::CTENode>();
        WEIR_RETURN_IF_ERROR(Node(cte.query));
        scopes_.push_back({duckdb::StringUtil::Lower(cte.ctename)});
        Status status = Node(cte.child);
        scopes_.pop_back();
        return status;
      }
      default:
        return Refuse("this query form");
    }
  }

  Status Modifier(duckdb::ResultModifier& modifier) {
    switch (modifier.type) {
      case duckdb::ResultModifierType::ORDER_MODIFIER:
        for (auto& order : modifier.Cast<duckdb::OrderModifier>().orders) WEIR_RETURN_IF_ERROR(Expr(order.expression));
        return Status::Ok();
      case duckdb::ResultModifierType::LIMIT_MODIFIER: {
        auto& limit = modifier.Cast<duckdb::LimitModifier>();
        WEIR_RETURN_IF_ERROR(Expr(limit.limit));
        return Expr(limit.offset);
      }
      case duckdb::ResultModifierType::LIMIT_PERCENT_MODIFIER: {
        auto& limit = modifier.Cast<duckdb::LimitPercentModifier>();
        WEIR_RETURN_IF_ERROR(Expr(limit.limit));
        return Expr(limit.offset);
      }
      case duckdb::ResultModifierType::DISTINCT_MODIFIER:
        for (auto& e : modifier.Cast<duckdb::DistinctModifier>().distinct_on_targets) WEIR_RETURN_IF_ERROR(Expr(e));
        return Status::Ok();
      default:
        return Refuse("this result modifier");
    }
  }

  bool IsCteInScope(const std::string& name) const {
    std::string lower = duckdb::StringUtil::Lower(name);
    return std::any_of(scopes_.begin(), scopes_.end(), [&](const auto& s) { return s.count(lower) > 0; });
  }

  Status Ref(duckdb::unique_ptr<TableRef>& ref) {
    if (!ref) return Status::Ok();
    switch (ref->type) {
      case TableReferenceType::BASE_TABLE:
        return BaseTable(ref);
      case TableReferenceType::SUBQUERY: {
        auto& subquery = ref->Cast<duckdb::SubqueryRef>();
        if (!subquery.subquery) return Refuse("an empty subquery");
        return Node(subquery.subquery->node);
      }
      case TableReferenceType::JOIN: {
        auto& join = ref->Cast<duckdb::JoinRef>();
        WEIR_RETURN_IF_ERROR(Ref(join.left));
        WEIR_RETURN_IF_ERROR(Ref(join.right));
        WEIR_RETURN_IF_ERROR(Expr(join.condition));
        for (auto& e : join.duplicate_eliminated_columns) WEIR_RETURN_IF_ERROR(Expr(e));
        return Status::Ok();
      }
      case TableReferenceType::TABLE_FUNCTION:
        return TableFunction(ref->Cast<duckdb::TableFunctionRef>());
      case TableReferenceType::EXPRESSION_LIST:
        for (auto& row : ref->Cast<duckdb::ExpressionListRef>().values) {
          for (auto& e : row) WEIR_RETURN_IF_ERROR(Expr(e));
        }
        return Status::Ok();
      case TableReferenceType::EMPTY_FROM:
        return Status::Ok();
      case TableReferenceType::PIVOT: {
        auto& pivot = ref->Cast<duckdb::PivotRef>();
        WEIR_RETURN_IF_ERROR(Ref(pivot.source));
        for (auto& e : pivot.aggregates) WEIR_RETURN_IF_ERROR(Expr(e));
        for (auto& column : pivot.pivots) {
          if (column.subquery) return Refuse("a PIVOT with a subquery");
          for (auto& e : column.pivot_expressions) WEIR_RETURN_IF_ERROR(Expr(e));
          for (auto& entry : column.entries) WEIR_RETURN_IF_ERROR(Expr(entry.expr));
        }
        return Status::Ok();
      }
      case TableReferenceType::SHOW_REF:
        return Refuse("DESCRIBE, SHOW or SUMMARIZE inside a query");
      default:
        // CTE, COLUMN_DATA, DELIM_GET, BOUND_TABLE_REF, INVALID: not producible
        // by the parser from user text; refuse rather than guess.
        return Refuse("this table reference");
    }
  }

  Status BaseTable(duckdb::unique_ptr<TableRef>& ref) {
    auto& base = ref->Cast<duckdb::BaseTableRef>();
    if (base.at_clause) return Refuse("time travel (AT)");
    if (base.catalog_name.empty() && base.schema_name.empty() && IsCteInScope(base.table_name)) {
      return Status::Ok();  // binds to the CTE, which the walker has checked
    }
    auto id = resolve_(base.catalog_name, base.schema_name, base.table_name);
    if (!id.ok()) return id.status();
    if (*id == kKeepReference) return Status::Ok();
    if (*id == kSessionTableReference) {
      base.catalog_name = "temp";
      base.schema_name = "main";
      return Status::Ok();
    }
    auto scan = duckdb::make_uniq<duckdb::TableFunctionRef>();
    duckdb::vector<duckdb::unique_ptr<ParsedExpression>> args;
    args.push_back(duckdb::make_uniq<duckdb::ConstantExpression>(duckdb::Value::BIGINT(*id)));
    scan->function = duckdb::make_uniq<duckdb::FunctionExpression>(kSecureScanFunction, std::move(args));
    scan->alias = base.alias.empty() ? base.table_name : base.alias;
    if (base.alias.empty() && !base.schema_name.empty()) {
      default_aliases_.insert(duckdb::StringUtil::Lower(base.schema_name) + "." +
                              duckdb::StringUtil::Lower(base.table_name));
    }
    scan->column_name_alias = base.column_name_alias;
    scan->sample = std::move(base.sample);
    scan->query_location = base.query_location;
    ref = std::move(scan);
    return Status::Ok();
  }

  Status TableFunction(duckdb::TableFunctionRef& ref) {
    if (!ref.function || ref.function->GetExpressionClass() != ExpressionClass::FUNCTION) {
      return Refuse("this table function call");
    }
    auto& function = ref.function->Cast<duckdb::FunctionExpression>();
    std::string name = duckdb::StringUtil::Lower(function.function_name);
    if (!function.catalog.empty() || !function.schema.empty() || !TableFunctionAllowed(name)) {
      return Refuse("table function " + function.function_name);
    }
    if (ref.subquery) return Refuse("a table function over a subquery");
    for (auto& e : function.children) WEIR_RETURN_IF_ERROR(Expr(e));
    return Status::Ok();
  }

  Status Function(duckdb::FunctionExpression& function) {
    std::string name = duckdb::StringUtil::Lower(function.function_name);
    std::string schema = duckdb::StringUtil::Lower(function.schema);
    if (!function.catalog.empty() || (!schema.empty() && schema != "pg_catalog" && schema != "main")) {
      return Refuse("qualified function " + function.ToString());
    }
    if (kDeniedScalarFunctions.count(name) > 0 || name == kSecureScanFunction) {
      return Refuse("function " + function.function_name);
    }
    if (function.export_state) return Refuse("EXPORT_STATE");
    for (auto& e : function.children) WEIR_RETURN_IF_ERROR(Expr(e));
    WEIR_RETURN_IF_ERROR(Expr(function.filter));
    if (function.order_bys) WEIR_RETURN_IF_ERROR(Modifier(*function.order_bys));
    return Status::Ok();
  }

  Status Expr(duckdb::unique_ptr<ParsedExpression>& expr) {
    if (!expr) return Status::Ok();
    switch (expr->GetExpressionClass()) {
      case ExpressionClass::COLUMN_REF: {
        auto& column = expr->Cast<duckdb::ColumnRefExpression>();
        if (column.column_names.size() == 3) qualified_columns_.push_back(&column);
        return Status::Ok();
      }
      case ExpressionClass::CONSTANT:
      case ExpressionClass::PARAMETER:
      case ExpressionClass::POSITIONAL_REFERENCE:
      case ExpressionClass::LAMBDA_REF:
        return Status::Ok();
      case ExpressionClass::CASE: {
        auto& c = expr->Cast<duckdb::CaseExpression>();
        for (auto& check : c.case_checks) {
          WEIR_RETURN_IF_ERROR(Expr(check.when_expr));
          WEIR_RETURN_IF_ERROR(Expr(check.then_expr));
        }
        return Expr(c.else_expr);
      }
      case ExpressionClass::CAST:
        return Expr(expr->Cast<duckdb::CastExpression>().child);
      case ExpressionClass::COLLATE:
        return Expr(expr->Cast<duckdb::CollateExpression>().child);
      case ExpressionClass::COMPARISON: {
        auto& c = expr->Cast<duckdb::ComparisonExpression>();
        WEIR_RETURN_IF_ERROR(Expr(c.left));
        return Expr(c.right);
      }
      case ExpressionClass::CONJUNCTION:
        for (auto& e : expr->Cast<duckdb::ConjunctionExpression>().children) WEIR_RETURN_IF_ERROR(Expr(e));
        return Status::Ok();
      case ExpressionClass::OPERATOR:
        for (auto& e : expr->Cast<duckdb::OperatorExpression>().children) WEIR_RETURN_IF_ERROR(Expr(e));
        return Status::Ok();
      case ExpressionClass::BETWEEN: {
        auto& b = expr->Cast<duckdb::BetweenExpression>();
        WEIR_RETURN_IF_ERROR(Expr(b.input));
        WEIR_RETURN_IF_ERROR(Expr(b.lower));
        return Expr(b.upper);
      }
      case ExpressionClass::FUNCTION:
        return Function(expr->Cast<duckdb::FunctionExpression>());
      case ExpressionClass::WINDOW: {
        auto& w = expr->Cast<duckdb::WindowExpression>();
        if (!w.catalog.empty() || !w.schema.empty()) return Refuse("qualified window function");
        if (kDeniedScalarFunctions.count(duckdb::StringUtil::Lower(w.function_name)) > 0) {
          return Refuse("function " + w.function_name);
        }
        for (auto& e : w.children) WEIR_RETURN_IF_ERROR(Expr(e));
        for (auto& e : w.partitions) WEIR_RETURN_IF_ERROR(Expr(e));
        for (auto& o : w.orders) WEIR_RETURN_IF_ERROR(Expr(o.expression));
        for (auto& o : w.arg_orders) WEIR_RETURN_IF_ERROR(Expr(o.expression));
        WEIR_RETURN_IF_ERROR(Expr(w.filter_expr));
        WEIR_RETURN_IF_ERROR(Expr(w.start_expr));
        WEIR_RETURN_IF_ERROR(Expr(w.end_expr));
        WEIR_RETURN_IF_ERROR(Expr(w.offset_expr));
        return Expr(w.default_expr);
      }
      case ExpressionClass::STAR: {
        auto& s = expr->Cast<duckdb::StarExpression>();
        for (auto& entry : s.replace_list) WEIR_RETURN_IF_ERROR(Expr(entry.second));
        return Expr(s.expr);
      }
      case ExpressionClass::SUBQUERY: {
        auto& s = expr->Cast<duckdb::SubqueryExpression>();
        WEIR_RETURN_IF_ERROR(Expr(s.child));
        if (!s.subquery) return Refuse("an empty subquery");
        return Node(s.subquery->node);
      }
      case ExpressionClass::LAMBDA: {
        auto& l = expr->Cast<duckdb::LambdaExpression>();
        WEIR_RETURN_IF_ERROR(Expr(l.lhs));
        return Expr(l.expr);
      }
      default:
        // DEFAULT, AGGREGATE (parser never emits it), bound classes, and
        // anything newer: refuse.
        return Refuse(std::string("expression ") + duckdb::ExpressionClassToString(expr->GetExpressionClass()));
    }
  }

  const TableResolver& resolve_;
  std::vector<std::set<std::string>> scopes_;
  std::set<std::string> default_aliases_;                        // "db.table" scans named by their table
  std::vector<duckdb::ColumnRefExpression*> qualified_columns_;  // three-part column references
};

}  // namespace

bool TableFunctionAllowed(const std::string& name) {
  return kAllowedTableFunctions.count(duckdb::StringUtil::Lower(name)) > 0;
}

Status GateStatement(duckdb::SQLStatement& statement, const TableResolver& resolve) {
  Walker walker(resolve);
  return walker.Statement(statement);
}

}  // namespace weir::engine
