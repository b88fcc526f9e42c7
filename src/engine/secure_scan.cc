#include "engine/secure_scan.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include <sys/stat.h>

#include "duckdb.hpp"
#include "duckdb/catalog/catalog.hpp"
#include "duckdb/catalog/catalog_entry/scalar_function_catalog_entry.hpp"
#include "duckdb/catalog/catalog_entry/table_function_catalog_entry.hpp"
#include "duckdb/common/vector_operations/vector_operations.hpp"
#include "duckdb/execution/expression_executor.hpp"
#include "duckdb/function/table_function.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/planner/expression/list.hpp"
#include "duckdb/planner/filter/conjunction_filter.hpp"
#include "duckdb/planner/filter/constant_filter.hpp"
#include "duckdb/planner/table_filter.hpp"
#include "engine/parse_gate.h"
#include "engine/session_state.h"

namespace weir::engine {

namespace {

using duckdb::ClientContext;
using duckdb::ColumnIndex;
using duckdb::FunctionData;
using duckdb::GlobalTableFunctionState;
using duckdb::LocalTableFunctionState;
using duckdb::LogicalType;
using duckdb::TableFunction;
using duckdb::TableFunctionInitInput;
using duckdb::Value;

struct SecureScanBindData : public duckdb::TableFunctionData {
  ScanSpec spec;
  TableFunction inner;                          // DuckDB's read_parquet / read_csv
  duckdb::unique_ptr<FunctionData> inner_bind;  // its bind data over spec.files
  std::vector<duckdb::idx_t> outer_to_inner;    // visible column i → inner column
  duckdb::vector<std::string> inner_names;      // every column the files have
  duckdb::vector<LogicalType> inner_types;
  duckdb::virtual_column_map_t inner_virtual;  // the reader's virtual columns

  duckdb::unique_ptr<FunctionData> Copy() const override {
    auto copy = duckdb::make_uniq<SecureScanBindData>();
    copy->spec = spec;
    copy->inner = inner;
    copy->inner_bind = inner_bind ? inner_bind->Copy() : nullptr;
    copy->outer_to_inner = outer_to_inner;
    copy->inner_names = inner_names;
    copy->inner_types = inner_types;
    copy->inner_virtual = inner_virtual;
    return copy;
  }
  bool Equals(const FunctionData& other) const override { return this == &other; }
};

// The mask_condition of an output column no condition masks.
constexpr duckdb::idx_t kNotMasked = duckdb::DConstants::INVALID_INDEX;

struct SecureScanGlobalState : public GlobalTableFunctionState {
  duckdb::unique_ptr<GlobalTableFunctionState> inner;
  duckdb::vector<ColumnIndex> inner_columns;
  // Restricted scans only: the inner chunk holds the requested columns (same
  // positions as the output), then the extra columns the conditions read.
  bool restricted = false;
  duckdb::vector<LogicalType> chunk_types;
  duckdb::unique_ptr<duckdb::TableFilterSet> inner_filters;  // filters safe to run in the reader
  // Over the inner chunk: a conjunction of disjunctions (the row predicate
  // and the required conditions, their top-level ANDs flattened), each
  // alternative one expression.
  duckdb::vector<duckdb::vector<duckdb::unique_ptr<duckdb::Expression>>> predicate;
  // The distinct cell conditions of the requested columns, over the inner
  // chunk; each is evaluated once per chunk however many columns it masks.
  // A condition identical to the row predicate is not among them: it holds on
  // every row the predicate keeps.
  duckdb::vector<duckdb::unique_ptr<duckdb::Expression>> conditions;
  // Per output column: the index in `conditions` of the condition masking it,
  // or kNotMasked.
  duckdb::vector<duckdb::idx_t> mask_condition;
  // Set when a masked column has a nested type: masking by validity would
  // leave the hidden values in the child vectors, so such scans mask with
  // CASE expressions (per output column; null = pass through).
  duckdb::vector<duckdb::unique_ptr<duckdb::Expression>> case_masks;
  duckdb::unique_ptr<duckdb::Expression> post_filter;  // over the output chunk

  duckdb::idx_t MaxThreads() const override { return inner ? inner->MaxThreads() : 1; }
};

struct SecureScanLocalState : public LocalTableFunctionState {
  duckdb::unique_ptr<LocalTableFunctionState> inner;
  duckdb::DataChunk chunk;
  duckdb::vector<duckdb::vector<duckdb::unique_ptr<duckdb::ExpressionExecutor>>> predicate;
  duckdb::vector<duckdb::unique_ptr<duckdb::ExpressionExecutor>> conditions;
  duckdb::vector<duckdb::unique_ptr<duckdb::ExpressionExecutor>> case_masks;
  duckdb::unique_ptr<duckdb::ExpressionExecutor> post_filter;
  // Rows the predicate keeps end up in one of these two.
  duckdb::SelectionVector sel{STANDARD_VECTOR_SIZE};
  duckdb::SelectionVector other_sel{STANDARD_VECTOR_SIZE};
  // Scratch for the alternatives of a disjunction: the rows each passes, the
  // rows left for the next, and per chunk row whether one passed.
  duckdb::SelectionVector passed{STANDARD_VECTOR_SIZE};
  std::array<duckdb::SelectionVector, 2> left{duckdb::SelectionVector(STANDARD_VECTOR_SIZE),
                                              duckdb::SelectionVector(STANDARD_VECTOR_SIZE)};
  std::array<uint8_t, STANDARD_VECTOR_SIZE> passes;
  // Scratch for a condition (the rows where it holds, where it does not),
  // then for the post filter.
  duckdb::SelectionVector post_sel{STANDARD_VECTOR_SIZE};
  duckdb::SelectionVector hidden{STANDARD_VECTOR_SIZE};
  // Per condition, per chunk row: 1 where the condition holds; hidden_count
  // is how many kept rows it hides.
  duckdb::vector<std::array<uint8_t, STANDARD_VECTOR_SIZE>> visible;
  duckdb::vector<duckdb::idx_t> hidden_count;
};

bool IsIntegral(const LogicalType& type) {
  switch (type.id()) {
    case duckdb::LogicalTypeId::TINYINT:
    case duckdb::LogicalTypeId::SMALLINT:
    case duckdb::LogicalTypeId::INTEGER:
    case duckdb::LogicalTypeId::BIGINT:
    case duckdb::LogicalTypeId::HUGEINT:
    case duckdb::LogicalTypeId::UTINYINT:
    case duckdb::LogicalTypeId::USMALLINT:
    case duckdb::LogicalTypeId::UINTEGER:
    case duckdb::LogicalTypeId::UBIGINT:
    case duckdb::LogicalTypeId::UHUGEINT:
      return true;
    default:
      return false;
  }
}

// Builds DuckDB expressions for a validated row filter over a chunk whose
// columns are located by `position_of`. Comparisons use the column's own type
// when the constant converts to it exactly, else both sides as DOUBLE.
class FilterBinder {
 public:
  FilterBinder(ClientContext& context, std::function<duckdb::idx_t(const std::string&)> position_of,
               std::function<LogicalType(const std::string&)> type_of)
      : context_(context), position_of_(std::move(position_of)), type_of_(std::move(type_of)) {}

  duckdb::unique_ptr<duckdb::Expression> Bind(const access::FilterExpr& e) {
    using Kind = access::FilterExpr::Kind;
    using duckdb::ExpressionType;
    switch (e.kind) {
      case Kind::kAnd:
      case Kind::kOr: {
        auto result = duckdb::make_uniq<duckdb::BoundConjunctionExpression>(
            e.kind == Kind::kAnd ? ExpressionType::CONJUNCTION_AND : ExpressionType::CONJUNCTION_OR);
        for (const auto& child : e.children) result->children.push_back(Bind(child));
        return result;
      }
      case Kind::kNot:
        return Not(Bind(e.children.at(0)));
      case Kind::kIsNull: {
        auto result = duckdb::make_uniq<duckdb::BoundOperatorExpression>(
            e.negated ? ExpressionType::OPERATOR_IS_NOT_NULL : ExpressionType::OPERATOR_IS_NULL, LogicalType::BOOLEAN);
        result->children.push_back(Column(e.column));
        return result;
      }
      case Kind::kCompare:
        return Compare(e.column, CompareType(e.op), e.values.at(0));
      case Kind::kBetween: {
        auto both = duckdb::make_uniq<duckdb::BoundConjunctionExpression>(
            ExpressionType::CONJUNCTION_AND,
            Compare(e.column, ExpressionType::COMPARE_GREATERTHANOREQUALTO, e.values.at(0)),
            Compare(e.column, ExpressionType::COMPARE_LESSTHANOREQUALTO, e.values.at(1)));
        return e.negated ? Not(std::move(both)) : std::move(both);
      }
      case Kind::kIn: {
        auto any = duckdb::make_uniq<duckdb::BoundConjunctionExpression>(ExpressionType::CONJUNCTION_OR);
        for (const auto& v : e.values) any->children.push_back(Compare(e.column, ExpressionType::COMPARE_EQUAL, v));
        if (any->children.size() == 1) {
          auto only = std::move(any->children[0]);
          return e.negated ? Not(std::move(only)) : std::move(only);
        }
        return e.negated ? Not(std::move(any)) : std::move(any);
      }
      case Kind::kLike: {
        auto& entry = duckdb::Catalog::GetEntry<duckdb::ScalarFunctionCatalogEntry>(context_, SYSTEM_CATALOG,
                                                                                    DEFAULT_SCHEMA, "~~");
        auto function = entry.functions.GetFunctionByArguments(context_, {LogicalType::VARCHAR, LogicalType::VARCHAR});
        duckdb::vector<duckdb::unique_ptr<duckdb::Expression>> args;
        args.push_back(duckdb::BoundCastExpression::AddCastToType(context_, Column(e.column), LogicalType::VARCHAR));
        args.push_back(duckdb::make_uniq<duckdb::BoundConstantExpression>(duckdb::Value(e.values.at(0).text)));
        duckdb::unique_ptr<duckdb::Expression> like = duckdb::make_uniq<duckdb::BoundFunctionExpression>(
            LogicalType::BOOLEAN, function, std::move(args), nullptr);
        return e.negated ? Not(std::move(like)) : std::move(like);
      }
    }
    throw duckdb::InternalException("unknown row filter node");
  }

 private:
  static duckdb::ExpressionType CompareType(const std::string& op) {
    using duckdb::ExpressionType;
    if (op == "=") return ExpressionType::COMPARE_EQUAL;
    if (op == "<>") return ExpressionType::COMPARE_NOTEQUAL;
    if (op == "<") return ExpressionType::COMPARE_LESSTHAN;
    if (op == "<=") return ExpressionType::COMPARE_LESSTHANOREQUALTO;
    if (op == ">") return ExpressionType::COMPARE_GREATERTHAN;
    if (op == ">=") return ExpressionType::COMPARE_GREATERTHANOREQUALTO;
    throw duckdb::InternalException("unknown row filter operator %s", op);
  }

  static duckdb::unique_ptr<duckdb::Expression> Not(duckdb::unique_ptr<duckdb::Expression> child) {
    auto result =
        duckdb::make_uniq<duckdb::BoundOperatorExpression>(duckdb::ExpressionType::OPERATOR_NOT, LogicalType::BOOLEAN);
    result->children.push_back(std::move(child));
    return result;
  }

  duckdb::unique_ptr<duckdb::Expression> Column(const std::string& name) {
    return duckdb::make_uniq<duckdb::BoundReferenceExpression>(type_of_(name), position_of_(name));
  }

  duckdb::unique_ptr<duckdb::Expression> Compare(const std::string& column, duckdb::ExpressionType type,
                                                 const access::FilterLiteral& literal) {
    LogicalType column_type = type_of_(column);
    duckdb::Value constant;
    switch (literal.kind) {
      case access::FilterLiteral::Kind::kBoolean:
        constant = duckdb::Value::BOOLEAN(literal.text == "true");
        break;
      case access::FilterLiteral::Kind::kString:
        constant = duckdb::Value(literal.text);
        break;
      case access::FilterLiteral::Kind::kNumber:
        constant = duckdb::Value(literal.text);
        break;
    }
    duckdb::Value exact;
    std::string error;
    bool integral_literal = literal.text.find_first_of(".eE") == std::string::npos;
    bool fits = constant.DefaultTryCastAs(column_type, exact, &error, true);
    if (literal.kind == access::FilterLiteral::Kind::kNumber &&
        (!fits || (IsIntegral(column_type) && !integral_literal))) {
      // Compare numerically in DOUBLE when the constant has no exact form in the column's type.
      auto left = duckdb::BoundCastExpression::AddCastToType(context_, Column(column), LogicalType::DOUBLE);
      auto right = duckdb::make_uniq<duckdb::BoundConstantExpression>(constant.DefaultCastAs(LogicalType::DOUBLE));
      return duckdb::make_uniq<duckdb::BoundComparisonExpression>(type, std::move(left), std::move(right));
    }
    if (!fits) {
      throw duckdb::InvalidInputException("row filter constant %s does not fit column %s", literal.text, column);
    }
    return duckdb::make_uniq<duckdb::BoundComparisonExpression>(
        type, Column(column), duckdb::make_uniq<duckdb::BoundConstantExpression>(exact));
  }

  ClientContext& context_;
  std::function<duckdb::idx_t(const std::string&)> position_of_;
  std::function<LogicalType(const std::string&)> type_of_;
};

duckdb::unique_ptr<FunctionData> Bind(ClientContext& context, duckdb::TableFunctionBindInput& input,
                                      duckdb::vector<LogicalType>& return_types, duckdb::vector<std::string>& names) {
  auto state = context.registered_state->Get<SessionState>(SessionState::kKey);
  const ScanSpec* spec = nullptr;
  if (state && state->armed() && input.inputs.size() == 1 && !input.inputs[0].IsNull()) {
    spec = state->Scan(input.inputs[0].GetValue<int64_t>());
  }
  if (spec == nullptr) {
    throw duckdb::PermissionException("%s may only be produced by Weir's gate", kSecureScanFunction);
  }
  auto result = duckdb::make_uniq<SecureScanBindData>();
  result->spec = *spec;
  duckdb::vector<Value> inner_inputs;
  duckdb::named_parameter_map_t named;
  if (spec->audit_reader) {
    // The audit trail: the inner function reads the store, not files.
    result->inner = AuditTrailFunction(spec->audit_reader);
  } else {
    if (spec->files.empty()) {
      throw duckdb::InvalidInputException("table %s has no data files", spec->qualified_name);
    }
    const char* reader = spec->format == catalog::TableFormat::kCsv ? "read_csv" : "read_parquet";
    auto& entry =
        duckdb::Catalog::GetEntry<duckdb::TableFunctionCatalogEntry>(context, SYSTEM_CATALOG, DEFAULT_SCHEMA, reader);
    duckdb::vector<LogicalType> arg_types = {LogicalType::LIST(LogicalType::VARCHAR)};
    result->inner = entry.functions.GetFunctionByArguments(context, arg_types);

    duckdb::vector<Value> file_values;
    for (const auto& f : spec->files) file_values.emplace_back(f);
    inner_inputs.push_back(Value::LIST(LogicalType::VARCHAR, std::move(file_values)));
    named["hive_partitioning"] = Value::BOOLEAN(spec->hive_partitioning);
    if (spec->format == catalog::TableFormat::kCsv) named["header"] = Value::BOOLEAN(true);
  }
  duckdb::vector<LogicalType> input_table_types;
  duckdb::vector<std::string> input_table_names;
  duckdb::TableFunctionBindInput inner_input(inner_inputs, named, input_table_types, input_table_names,
                                             result->inner.function_info.get(), input.binder, result->inner, input.ref);
  duckdb::vector<LogicalType> inner_types;
  duckdb::vector<std::string> inner_names;
  result->inner_bind = result->inner.bind(context, inner_input, inner_types, inner_names);
  result->inner_names = inner_names;
  result->inner_types = inner_types;
  if (!spec->cell_conditions.empty() && spec->cell_conditions.size() != spec->visible_columns.size()) {
    throw duckdb::InternalException("secure scan of %s: cell conditions do not match the columns",
                                    spec->qualified_name);
  }

  for (const auto& column : spec->visible_columns) {
    auto it = std::find(inner_names.begin(), inner_names.end(), column);
    if (it == inner_names.end()) {
      throw duckdb::InvalidInputException("the files of table %s no longer contain column %s", spec->qualified_name,
                                          column);
    }
    auto index = static_cast<duckdb::idx_t>(it - inner_names.begin());
    result->outer_to_inner.push_back(index);
    return_types.push_back(inner_types[index]);
    names.push_back(column);
  }
  return result;
}

duckdb::vector<ColumnIndex> InnerColumns(const SecureScanBindData& bind, const duckdb::vector<ColumnIndex>& outer) {
  duckdb::vector<ColumnIndex> inner;
  for (const auto& c : outer) {
    if (c.IsVirtualColumn()) {
      if (c.GetPrimaryIndex() != duckdb::COLUMN_IDENTIFIER_EMPTY) {
        throw duckdb::PermissionException("secure scan of %s: virtual columns are not readable",
                                          bind.spec.qualified_name);
      }
      inner.push_back(c);
      continue;
    }
    auto primary = c.GetPrimaryIndex();
    if (primary >= bind.outer_to_inner.size()) {
      throw duckdb::PermissionException("secure scan of %s: column out of range", bind.spec.qualified_name);
    }
    // Keep nested child indexes (struct field pushdown) under the new primary.
    ColumnIndex mapped(bind.outer_to_inner[primary], c.GetChildIndexes());
    inner.push_back(std::move(mapped));
  }
  return inner;
}

// Whether `filter` rejects NULL (a NULL never passes it).
bool RejectsNull(const duckdb::TableFilter& filter) {
  using duckdb::TableFilterType;
  switch (filter.filter_type) {
    case TableFilterType::CONSTANT_COMPARISON:
      switch (filter.Cast<duckdb::ConstantFilter>().comparison_type) {
        case duckdb::ExpressionType::COMPARE_EQUAL:
        case duckdb::ExpressionType::COMPARE_NOTEQUAL:
        case duckdb::ExpressionType::COMPARE_LESSTHAN:
        case duckdb::ExpressionType::COMPARE_GREATERTHAN:
        case duckdb::ExpressionType::COMPARE_LESSTHANOREQUALTO:
        case duckdb::ExpressionType::COMPARE_GREATERTHANOREQUALTO:
          return true;
        default:
          return false;
      }
    case TableFilterType::IS_NOT_NULL:
    case TableFilterType::IN_FILTER:
      return true;
    case TableFilterType::CONJUNCTION_AND: {
      const auto& children = filter.Cast<duckdb::ConjunctionAndFilter>().child_filters;
      return std::any_of(children.begin(), children.end(), [](const auto& c) { return RejectsNull(*c); });
    }
    case TableFilterType::CONJUNCTION_OR: {
      const auto& children = filter.Cast<duckdb::ConjunctionOrFilter>().child_filters;
      return !children.empty() &&
             std::all_of(children.begin(), children.end(), [](const auto& c) { return RejectsNull(*c); });
    }
    default:
      return false;
  }
}

// A conjunct of the predicate comparing a column with a constant of its own
// type also goes to the reader, which can then skip row groups by their
// statistics and decode the other columns only for the rows that pass. Such
// a filter is Weir's, not the user's, and the reader reads the column anyway.
// The predicate still applies it: the scan does not rely on the reader.
void PushToReader(const duckdb::Expression& conjunct, const SecureScanBindData& bind, SecureScanGlobalState& state) {
  if (!bind.inner.filter_pushdown || conjunct.GetExpressionClass() != duckdb::ExpressionClass::BOUND_COMPARISON) {
    return;
  }
  const auto& comparison = conjunct.Cast<duckdb::BoundComparisonExpression>();
  if (comparison.left->GetExpressionClass() != duckdb::ExpressionClass::BOUND_REF ||
      comparison.right->GetExpressionClass() != duckdb::ExpressionClass::BOUND_CONSTANT) {
    return;  // compared as DOUBLE: not in the column's own type
  }
  const auto& column = comparison.left->Cast<duckdb::BoundReferenceExpression>();
  const auto& constant = comparison.right->Cast<duckdb::BoundConstantExpression>().value;
  if (constant.IsNull() || constant.type() != column.return_type) return;
  if (!state.inner_filters) state.inner_filters = duckdb::make_uniq<duckdb::TableFilterSet>();
  state.inner_filters->PushFilter(ColumnIndex(column.index),
                                  duckdb::make_uniq<duckdb::ConstantFilter>(comparison.GetExpressionType(), constant));
}

// Prepares a restricted scan: the extra columns the conditions read, the
// bound predicate and masks, and the split of pushed filters. Also used for
// readers that cannot take pushed filters, which then run here.
void PrepareRestricted(ClientContext& context, const SecureScanBindData& bind, TableFunctionInitInput& input,
                       SecureScanGlobalState& state) {
  const ScanSpec& spec = bind.spec;
  state.restricted = true;
  std::map<std::string, duckdb::idx_t> position;  // inner column name → chunk position
  for (duckdb::idx_t i = 0; i < input.column_indexes.size(); i++) {
    const auto& c = input.column_indexes[i];
    if (c.IsVirtualColumn()) {
      auto entry = bind.inner_virtual.find(c.GetPrimaryIndex());
      if (entry == bind.inner_virtual.end()) throw duckdb::InternalException("secure scan: unknown virtual column");
      state.chunk_types.push_back(entry->second.type);
      continue;
    }
    auto inner_index = bind.outer_to_inner[c.GetPrimaryIndex()];
    position.emplace(bind.inner_names[inner_index], i);
    state.chunk_types.push_back(bind.inner_types[inner_index]);
  }
  std::set<std::string> referenced;
  if (spec.row_predicate) {
    for (auto& name : access::RowFilterColumns(*spec.row_predicate)) referenced.insert(name);
  }
  for (const auto& condition : spec.cell_conditions) {
    if (!condition) continue;
    for (auto& name : access::RowFilterColumns(*condition)) referenced.insert(name);
  }
  for (const auto& name : referenced) {
    if (position.count(name) > 0) continue;
    auto it = std::find(bind.inner_names.begin(), bind.inner_names.end(), name);
    if (it == bind.inner_names.end()) {
      throw duckdb::InvalidInputException("the files of table %s no longer contain column %s", spec.qualified_name,
                                          name);
    }
    auto inner_index = static_cast<duckdb::idx_t>(it - bind.inner_names.begin());
    position.emplace(name, state.inner_columns.size());
    state.inner_columns.emplace_back(inner_index);
    state.chunk_types.push_back(bind.inner_types[inner_index]);
  }
  FilterBinder binder(
      context, [&](const std::string& name) { return position.at(name); },
      [&](const std::string& name) { return state.chunk_types[position.at(name)]; });
  // Masks: each distinct condition once; columns sharing it share its result.
  std::vector<const access::FilterExpr*> distinct;
  std::vector<bool> masked(input.column_indexes.size(), false);
  bool nested = false;
  for (duckdb::idx_t i = 0; i < input.column_indexes.size(); i++) {
    const auto& c = input.column_indexes[i];
    duckdb::idx_t index = kNotMasked;
    if (!c.IsVirtualColumn() && !spec.cell_conditions.empty()) {
      const auto& condition = spec.cell_conditions[c.GetPrimaryIndex()];
      if (condition) {
        masked[i] = true;
        if (state.chunk_types[i].IsNested()) nested = true;
        // Where the row predicate is the very same condition, every row it
        // keeps shows the cell.
        if (!(spec.row_predicate && *spec.row_predicate == *condition)) {
          auto same = std::find_if(distinct.begin(), distinct.end(), [&](auto* d) { return *d == *condition; });
          index = static_cast<duckdb::idx_t>(same - distinct.begin());
          if (same == distinct.end()) distinct.push_back(&*condition);
        }
      }
    }
    state.mask_condition.push_back(index);
  }
  std::vector<bool> required(distinct.size(), false);

  // Pushed filters: on unmasked columns the reader may apply them (they are
  // comparisons with constants and cannot fail); on masked columns they must
  // see the masked value, so they run after masking.
  if (input.filters) {
    state.inner_filters = duckdb::make_uniq<duckdb::TableFilterSet>();
    auto post = duckdb::make_uniq<duckdb::BoundConjunctionExpression>(duckdb::ExpressionType::CONJUNCTION_AND);
    for (auto& [pos, filter] : input.filters->filters) {
      // Readers without filter pushdown (read_csv) would drop the filter: run it here.
      if ((pos < masked.size() && masked[pos]) || !bind.inner.filter_pushdown) {
        duckdb::BoundReferenceExpression column(state.chunk_types[pos], pos);
        post->children.push_back(filter->ToExpression(column));
      } else {
        state.inner_filters->filters[pos] = filter->Copy();
      }
      // A filter rejecting NULL drops every row where the column is masked,
      // so only rows showing the cell can pass: its condition joins the
      // predicate. The filter then only ever sees the values the role may
      // see, and the rows it would reject for a masked NULL are gone before
      // it runs. (Conditions are Weir's own comparisons: they cannot fail.)
      if (pos < masked.size() && masked[pos] && RejectsNull(*filter)) {
        if (state.mask_condition[pos] != kNotMasked) required[state.mask_condition[pos]] = true;
      }
    }
    if (post->children.size() == 1) {
      state.post_filter = std::move(post->children[0]);
    } else if (!post->children.empty()) {
      state.post_filter = std::move(post);
    }
  }

  // The predicate: the row predicate and the required conditions. A required
  // condition that is one of the row predicate's alternatives (or the whole
  // of it) implies it, which is then left out.
  std::vector<const access::FilterExpr*> conjuncts;
  for (duckdb::idx_t k = 0; k < distinct.size(); k++) {
    if (required[k]) conjuncts.push_back(distinct[k]);
  }
  if (spec.row_predicate) {
    const auto& row = *spec.row_predicate;
    bool implied = std::any_of(conjuncts.begin(), conjuncts.end(), [&](const access::FilterExpr* c) {
      return *c == row || (row.kind == access::FilterExpr::Kind::kOr &&
                           std::any_of(row.children.begin(), row.children.end(),
                                       [&](const access::FilterExpr& alternative) { return alternative == *c; }));
    });
    if (!implied) conjuncts.insert(conjuncts.begin(), &row);
  }
  std::function<void(const access::FilterExpr&)> add = [&](const access::FilterExpr& c) {
    if (c.kind == access::FilterExpr::Kind::kAnd) {
      for (const auto& child : c.children) add(child);
      return;
    }
    duckdb::vector<duckdb::unique_ptr<duckdb::Expression>> alternatives;
    if (c.kind == access::FilterExpr::Kind::kOr) {
      for (const auto& child : c.children) alternatives.push_back(binder.Bind(child));
    } else {
      alternatives.push_back(binder.Bind(c));
      PushToReader(*alternatives[0], bind, state);
    }
    state.predicate.push_back(std::move(alternatives));
  };
  for (const auto* c : conjuncts) add(*c);
  // Required conditions hold on every kept row: nothing to mask. The others
  // are numbered anew.
  std::vector<duckdb::idx_t> renumbered(distinct.size(), kNotMasked);
  std::vector<const access::FilterExpr*> evaluated;
  for (duckdb::idx_t k = 0; k < distinct.size(); k++) {
    if (required[k]) continue;
    renumbered[k] = evaluated.size();
    evaluated.push_back(distinct[k]);
  }
  for (auto& k : state.mask_condition) {
    if (k != kNotMasked) k = renumbered[k];
  }
  if (nested) {
    for (duckdb::idx_t i = 0; i < state.mask_condition.size(); i++) {
      duckdb::unique_ptr<duckdb::Expression> mask;
      if (state.mask_condition[i] != kNotMasked) {
        auto type = state.chunk_types[i];
        mask = duckdb::make_uniq<duckdb::BoundCaseExpression>(
            binder.Bind(*evaluated[state.mask_condition[i]]),
            duckdb::make_uniq<duckdb::BoundReferenceExpression>(type, i),
            duckdb::make_uniq<duckdb::BoundConstantExpression>(duckdb::Value(type)));
      }
      state.case_masks.push_back(std::move(mask));
    }
  } else {
    for (const auto* condition : evaluated) state.conditions.push_back(binder.Bind(*condition));
  }
}

duckdb::unique_ptr<GlobalTableFunctionState> InitGlobal(ClientContext& context, TableFunctionInitInput& input) {
  auto& bind = input.bind_data->Cast<SecureScanBindData>();
  auto result = duckdb::make_uniq<SecureScanGlobalState>();
  result->inner_columns = InnerColumns(bind, input.column_indexes);
  bool unpushable_filters = input.filters && !input.filters->filters.empty() && !bind.inner.filter_pushdown;
  if (bind.spec.Restricted() || unpushable_filters) {
    PrepareRestricted(context, bind, input, *result);
    TableFunctionInitInput inner_input(bind.inner_bind.get(), result->inner_columns, input.projection_ids,
                                       result->inner_filters.get(), input.sample_options, input.op);
    result->inner = bind.inner.init_global(context, inner_input);
    return result;
  }
  // Filters are keyed by position in the column list, which the mapping
  // preserves, so they pass through unchanged. Without a row predicate their
  // order relative to it does not matter; the lake-permissions work applies
  // the predicate first and re-checks non-leakproof filters after it.
  TableFunctionInitInput inner_input(bind.inner_bind.get(), result->inner_columns, input.projection_ids, input.filters,
                                     input.sample_options, input.op);
  result->inner = bind.inner.init_global(context, inner_input);
  return result;
}

duckdb::unique_ptr<LocalTableFunctionState> InitLocal(duckdb::ExecutionContext& context, TableFunctionInitInput& input,
                                                      GlobalTableFunctionState* global_state) {
  auto& bind = input.bind_data->Cast<SecureScanBindData>();
  auto& global = global_state->Cast<SecureScanGlobalState>();
  auto result = duckdb::make_uniq<SecureScanLocalState>();
  auto* filters = global.restricted ? global.inner_filters.get() : input.filters.get();
  if (bind.inner.init_local) {
    TableFunctionInitInput inner_input(bind.inner_bind.get(), global.inner_columns, input.projection_ids, filters,
                                       input.sample_options, input.op);
    result->inner = bind.inner.init_local(context, inner_input, global.inner.get());
  }
  if (global.restricted) {
    auto& client = context.client;
    result->chunk.Initialize(client, global.chunk_types);
    for (const auto& alternatives : global.predicate) {
      auto& executors = result->predicate.emplace_back();
      for (const auto& e : alternatives) executors.push_back(duckdb::make_uniq<duckdb::ExpressionExecutor>(client, *e));
    }
    for (const auto& condition : global.conditions) {
      result->conditions.push_back(duckdb::make_uniq<duckdb::ExpressionExecutor>(client, *condition));
    }
    result->visible.resize(global.conditions.size());
    result->hidden_count.resize(global.conditions.size());
    for (const auto& mask : global.case_masks) {
      result->case_masks.push_back(mask ? duckdb::make_uniq<duckdb::ExpressionExecutor>(client, *mask) : nullptr);
    }
    if (global.post_filter) {
      result->post_filter = duckdb::make_uniq<duckdb::ExpressionExecutor>(client, *global.post_filter);
    }
  }
  return result;
}

// Selects the rows of the chunk (`count` of them) that pass the predicate:
// each conjunct looks only at the rows the previous ones kept, each
// alternative of a disjunction only at the rows the previous ones rejected.
// The kept rows are collected in chunk order from a flag per row (DuckDB's
// OR sorts its result instead). Returns their count; `rows` is left null
// when every row passes, else points at their selection.
duckdb::idx_t SelectRows(SecureScanLocalState& local, duckdb::idx_t count, duckdb::SelectionVector*& rows) {
  rows = nullptr;
  duckdb::idx_t kept = count;
  for (auto& alternatives : local.predicate) {
    duckdb::SelectionVector* out = rows == &local.sel ? &local.other_sel : &local.sel;
    if (alternatives.size() == 1) {
      kept = alternatives[0]->SelectExpression(local.chunk, *out, rows, kept);
    } else {
      std::fill_n(local.passes.begin(), count, uint8_t{0});
      duckdb::SelectionVector* remaining = rows;
      duckdb::idx_t remaining_count = kept;
      for (duckdb::idx_t a = 0; a < alternatives.size() && remaining_count > 0; a++) {
        duckdb::SelectionVector* rejected = &local.left[a % 2];
        duckdb::idx_t passed =
            alternatives[a]->SelectExpression(local.chunk, &local.passed, rejected, remaining, remaining_count);
        for (duckdb::idx_t j = 0; j < passed; j++) local.passes[local.passed.get_index(j)] = 1;
        remaining = rejected;
        remaining_count -= passed;
      }
      duckdb::idx_t passing = 0;
      for (duckdb::idx_t j = 0; j < kept; j++) {
        auto row = rows ? rows->get_index(j) : j;
        out->set_index(passing, row);
        passing += local.passes[row];
      }
      kept = passing;
    }
    rows = out;
    if (kept == 0) break;
  }
  return kept;
}

// Evaluates each distinct condition on the `kept` rows the predicate kept
// (`rows`; nullptr = all of them), recording per chunk row whether it holds.
void EvaluateConditions(SecureScanLocalState& local, duckdb::SelectionVector* rows, duckdb::idx_t kept) {
  for (duckdb::idx_t k = 0; k < local.conditions.size(); k++) {
    duckdb::idx_t shown =
        local.conditions[k]->SelectExpression(local.chunk, &local.post_sel, &local.hidden, rows, kept);
    auto& visible = local.visible[k];
    std::fill_n(visible.begin(), local.chunk.size(), uint8_t{1});
    for (duckdb::idx_t j = 0; j < kept - shown; j++) visible[local.hidden.get_index(j)] = 0;
    local.hidden_count[k] = kept - shown;
  }
}

// Output column `i` from the chunk's column `i`: the kept rows, as NULL where
// the column's condition does not hold.
void Materialize(const SecureScanGlobalState& global, SecureScanLocalState& local, const duckdb::SelectionVector* rows,
                 duckdb::idx_t kept, duckdb::idx_t i, duckdb::Vector& target) {
  auto& source = local.chunk.data[i];
  duckdb::idx_t k = global.mask_condition[i];
  if (k == kNotMasked || local.hidden_count[k] == 0) {
    if (rows) {
      target.Slice(source, *rows, kept);
    } else {
      target.Reference(source);
    }
    return;
  }
  if (local.hidden_count[k] == kept) {
    target.SetVectorType(duckdb::VectorType::CONSTANT_VECTOR);
    duckdb::ConstantVector::SetNull(target, true);
    return;
  }
  // A copy of the kept values (dictionary and constant vectors come out
  // flat), whose hidden cells are then marked NULL and zeroed: no hidden
  // value stays behind a NULL for an operator to stumble on. (Zero bytes
  // are a valid value of every non-nested type, an empty string included.)
  const auto& selection = rows ? *rows : *duckdb::FlatVector::IncrementalSelectionVector();
  duckdb::VectorOperations::Copy(source, target, selection, kept, 0, 0);
  auto& validity = duckdb::FlatVector::Validity(target);
  duckdb::data_ptr_t data = duckdb::FlatVector::GetData(target);
  const duckdb::idx_t width = duckdb::GetTypeIdSize(target.GetType().InternalType());
  const auto& visible = local.visible[k];
  for (duckdb::idx_t j = 0; j < kept; j++) {
    if (visible[rows ? rows->get_index(j) : j]) continue;
    validity.SetInvalid(j);
    std::memset(data + j * width, 0, width);
  }
}

void Scan(ClientContext& context, duckdb::TableFunctionInput& data, duckdb::DataChunk& output) {
  auto& bind = data.bind_data->Cast<SecureScanBindData>();
  auto& global = data.global_state->Cast<SecureScanGlobalState>();
  auto& local = data.local_state->Cast<SecureScanLocalState>();
  duckdb::TableFunctionInput inner(bind.inner_bind.get(), local.inner.get(), global.inner.get());
  if (!global.restricted) {
    // The output columns are exactly the inner scan's, in the same order.
    bind.inner.function(context, inner, output);
    return;
  }
  while (true) {
    output.Reset();
    local.chunk.Reset();
    bind.inner.function(context, inner, local.chunk);
    duckdb::idx_t count = local.chunk.size();
    if (count == 0) return;
    // Hidden rows go here, before anything else looks at them.
    duckdb::SelectionVector* rows = nullptr;
    duckdb::idx_t kept = SelectRows(local, count, rows);
    if (kept == 0) continue;
    if (kept == count) rows = nullptr;
    if (!local.case_masks.empty()) {
      if (rows) local.chunk.Slice(*rows, kept);
      for (duckdb::idx_t i = 0; i < output.ColumnCount(); i++) {
        if (local.case_masks[i]) {
          local.case_masks[i]->ExecuteExpression(local.chunk, output.data[i]);
        } else {
          output.data[i].Reference(local.chunk.data[i]);
        }
      }
    } else {
      // Conditions only on the kept rows: the hidden ones are gone.
      EvaluateConditions(local, rows, kept);
      for (duckdb::idx_t i = 0; i < output.ColumnCount(); i++) {
        Materialize(global, local, rows, kept, i, output.data[i]);
      }
    }
    output.SetCardinality(kept);
    if (local.post_filter) {
      duckdb::idx_t shown = local.post_filter->SelectExpression(output, local.post_sel);
      if (shown == 0) continue;
      if (shown < kept) output.Slice(local.post_sel, shown);
    }
    return;
  }
}

duckdb::unique_ptr<duckdb::NodeStatistics> Cardinality(ClientContext& context, const FunctionData* bind_data) {
  auto& bind = bind_data->Cast<SecureScanBindData>();
  return bind.inner.cardinality ? bind.inner.cardinality(context, bind.inner_bind.get()) : nullptr;
}

double Progress(ClientContext& context, const FunctionData* bind_data, const GlobalTableFunctionState* global_state) {
  auto& bind = bind_data->Cast<SecureScanBindData>();
  auto& global = global_state->Cast<SecureScanGlobalState>();
  if (!bind.inner.table_scan_progress) return -1;
  return bind.inner.table_scan_progress(context, bind.inner_bind.get(), global.inner.get());
}

duckdb::unique_ptr<duckdb::BaseStatistics> Statistics(ClientContext& context, const FunctionData* bind_data,
                                                      duckdb::column_t column) {
  auto& bind = bind_data->Cast<SecureScanBindData>();
  if (!bind.inner.statistics || column >= bind.outer_to_inner.size()) return nullptr;
  auto stats = bind.inner.statistics(context, bind.inner_bind.get(), bind.outer_to_inner[column]);
  // The files' statistics describe what the reader returns, not what the
  // scan does: a column with a cell condition reads NULL where the
  // condition is false, so it may hold NULLs the files do not have. Were
  // the optimizer told otherwise it would drop `c IS NULL` as impossible
  // and skip NULL checks on the masked cells. (Hidden rows only remove
  // values, so the files' bounds still hold.)
  bool masked = column < bind.spec.cell_conditions.size() && bind.spec.cell_conditions[column].has_value();
  if (stats && masked) stats->Set(duckdb::StatsInfo::CAN_HAVE_NULL_VALUES);
  return stats;
}

duckdb::virtual_column_map_t VirtualColumns(ClientContext& context, duckdb::optional_ptr<FunctionData> bind_data) {
  auto& bind = bind_data->Cast<SecureScanBindData>();
  duckdb::virtual_column_map_t result;
  if (!bind.inner.get_virtual_columns) return result;
  // The inner reader records its virtual columns in its bind data; keep only
  // the "empty" column (used by count(*)): file names and row numbers would
  // reveal the lake's layout.
  auto inner = bind.inner.get_virtual_columns(context, bind.inner_bind.get());
  bind.inner_virtual = inner;
  auto empty = inner.find(duckdb::COLUMN_IDENTIFIER_EMPTY);
  if (empty != inner.end()) result.insert(*empty);
  return result;
}

}  // namespace

bool ScanSpec::Restricted() const {
  return row_predicate.has_value() ||
         std::any_of(cell_conditions.begin(), cell_conditions.end(), [](const auto& c) { return c.has_value(); });
}

void RegisterSecureScan(duckdb::DatabaseInstance& db) {
  TableFunction function(kSecureScanFunction, {LogicalType::BIGINT}, Scan, Bind, InitGlobal, InitLocal);
  function.projection_pushdown = true;
  function.filter_pushdown = true;
  function.filter_prune = false;
  function.cardinality = Cardinality;
  function.table_scan_progress = Progress;
  function.statistics = Statistics;
  function.get_virtual_columns = VirtualColumns;
  duckdb::ExtensionLoader loader(db, "weir");
  loader.RegisterFunction(function);
}

const ScanSpec* SecureScanSpec(const FunctionData* bind_data) {
  auto* bind = dynamic_cast<const SecureScanBindData*>(bind_data);
  return bind ? &bind->spec : nullptr;
}

Result<ListedFiles> ListTableFiles(const std::string& lake_root, const std::string& location,
                                   catalog::TableFormat format) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::path(lake_root) / location, ec);
  if (ec || !fs::is_directory(root, ec)) {
    return Status::NotFound("table location " + location + " is not a directory under the lake");
  }
  fs::path lake = fs::weakly_canonical(lake_root, ec);
  auto inside = [](const fs::path& base, const fs::path& p) {
    auto rel = p.lexically_relative(base);
    return !rel.empty() && *rel.begin() != "..";
  };
  if (!inside(lake, root) && root != lake) {
    return Status::PermissionDenied("table location " + location + " resolves outside the lake");
  }
  std::string extension = format == catalog::TableFormat::kCsv ? ".csv" : ".parquet";
  ListedFiles result;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return Status::IoError("cannot list " + root.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError("cannot list " + root.string() + ": " + ec.message());
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.' || name[0] == '_') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory(ec)) {
      if (name.find('=') != std::string::npos) result.hive_partitioned = true;
      continue;
    }
    if (!it->is_regular_file(ec) || it->path().extension() != extension) continue;
    fs::path real = fs::canonical(it->path(), ec);
    if (ec || !inside(root, real)) {
      return Status::PermissionDenied("a file of table location " + location + " resolves outside it");
    }
    result.files.push_back(real.string());
  }
  std::sort(result.files.begin(), result.files.end());
  return result;
}

}  // namespace weir::engine
