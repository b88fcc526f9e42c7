#include "engine/audit_scan.h"

#include <memory>
#include <mutex>
#include <utility>

#include <nlohmann/json.hpp>

#include "duckdb.hpp"
#include "duckdb/function/table_function.hpp"

namespace weir::engine {

namespace {

using duckdb::LogicalType;
using duckdb::Value;

// Records per reader call: one output chunk's worth.
constexpr size_t kBatch = STANDARD_VECTOR_SIZE;

struct AuditColumn {
  const char* name;
  LogicalType type;
};

const std::vector<AuditColumn>& Columns() {
  static const std::vector<AuditColumn> columns = {
      {"seq", LogicalType::BIGINT},
      {"time", LogicalType::TIMESTAMP_TZ},
      {"kind", LogicalType::VARCHAR},
      {"actor", LogicalType::VARCHAR},
      {"source_identity", LogicalType::VARCHAR},
      {"role", LogicalType::VARCHAR},
      {"action", LogicalType::VARCHAR},
      {"decision", LogicalType::VARCHAR},
      {"statement", LogicalType::VARCHAR},
      {"tables", LogicalType::LIST(LogicalType::VARCHAR)},
      {"columns", LogicalType::LIST(LogicalType::VARCHAR)},
      {"rows", LogicalType::BIGINT},
      {"duration_us", LogicalType::BIGINT},
      {"error", LogicalType::VARCHAR},
      {"detail", LogicalType::VARCHAR},
      {"prev_hash", LogicalType::VARCHAR},
      {"hash", LogicalType::VARCHAR},
  };
  return columns;
}

Value Strings(const std::vector<std::string>& items) {
  duckdb::vector<Value> values;
  for (const auto& item : items) values.emplace_back(item);
  return Value::LIST(LogicalType::VARCHAR, std::move(values));
}

// Column `index` of `record`.
Value Cell(const audit::Record& record, size_t index) {
  switch (index) {
    case 0:
      return Value::BIGINT(record.seq);
    case 1:
      return Value::TIMESTAMPTZ(duckdb::timestamp_tz_t(record.time_us));
    case 2:
      return Value(record.kind);
    case 3:
      return Value(record.actor);
    case 4:
      return Value(record.source_identity);
    case 5:
      return Value(record.role);
    case 6:
      return Value(record.action);
    case 7:
      return Value(record.decision);
    case 8:
      return Value(record.statement);
    case 9:
      return Strings(record.tables);
    case 10:
      return Strings(record.columns);
    case 11:
      return Value::BIGINT(record.rows);
    case 12:
      return Value::BIGINT(record.duration_us);
    case 13:
      return Value(record.error);
    case 14:
      return Value(record.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    case 15:
      return Value(record.prev_hash);
    case 16:
      return Value(record.hash);
    default:
      throw duckdb::InternalException("weir_audit has no column %llu", static_cast<unsigned long long>(index));
  }
}

struct AuditInfo : public duckdb::TableFunctionInfo {
  explicit AuditInfo(AuditReader r) : reader(std::move(r)) {}
  AuditReader reader;
};

struct AuditBindData : public duckdb::TableFunctionData {
  AuditReader reader;
};

struct AuditGlobalState : public duckdb::GlobalTableFunctionState {
  std::mutex mu;
  duckdb::vector<duckdb::column_t> column_ids;
  int64_t after_seq = 0;
  bool done = false;

  duckdb::idx_t MaxThreads() const override { return 1; }
};

duckdb::unique_ptr<duckdb::FunctionData> Bind(duckdb::ClientContext&, duckdb::TableFunctionBindInput& input,
                                              duckdb::vector<LogicalType>& return_types,
                                              duckdb::vector<std::string>& names) {
  if (input.info == nullptr) throw duckdb::InternalException("weir_audit bound without its reader");
  auto result = duckdb::make_uniq<AuditBindData>();
  result->reader = input.info->Cast<AuditInfo>().reader;
  for (const auto& column : Columns()) {
    names.emplace_back(column.name);
    return_types.push_back(column.type);
  }
  return result;
}

duckdb::unique_ptr<duckdb::GlobalTableFunctionState> InitGlobal(duckdb::ClientContext&,
                                                                duckdb::TableFunctionInitInput& input) {
  auto state = duckdb::make_uniq<AuditGlobalState>();
  state->column_ids = input.column_ids;
  return state;
}

void Scan(duckdb::ClientContext&, duckdb::TableFunctionInput& data, duckdb::DataChunk& output) {
  auto& bind = data.bind_data->Cast<AuditBindData>();
  auto& state = data.global_state->Cast<AuditGlobalState>();
  std::lock_guard<std::mutex> lock(state.mu);
  if (state.done) return;
  Result<std::vector<audit::Record>> records = bind.reader(state.after_seq, kBatch);
  if (!records.ok()) throw duckdb::IOException("reading the audit trail: %s", records.status().ToString());
  if (records->size() < kBatch) state.done = true;
  if (records->empty()) return;
  for (duckdb::idx_t row = 0; row < records->size(); row++) {
    const audit::Record& record = (*records)[row];
    for (duckdb::idx_t col = 0; col < state.column_ids.size(); col++) {
      duckdb::column_t id = state.column_ids[col];
      // The "empty" virtual column (count(*)) carries no value.
      output.SetValue(col, row, id < Columns().size() ? Cell(record, id) : Value(LogicalType::BOOLEAN));
    }
  }
  output.SetCardinality(records->size());
  state.after_seq = records->back().seq;
}

duckdb::virtual_column_map_t VirtualColumns(duckdb::ClientContext&, duckdb::optional_ptr<duckdb::FunctionData>) {
  duckdb::virtual_column_map_t result;
  result.insert(std::make_pair(duckdb::COLUMN_IDENTIFIER_EMPTY, duckdb::TableColumn("", LogicalType::BOOLEAN)));
  return result;
}

}  // namespace

std::vector<std::string> AuditColumnNames() {
  std::vector<std::string> names;
  for (const auto& column : Columns()) names.emplace_back(column.name);
  return names;
}

duckdb::TableFunction AuditTrailFunction(AuditReader reader) {
  duckdb::TableFunction function(kAuditTableName, {}, Scan, Bind, InitGlobal);
  function.projection_pushdown = true;
  function.filter_pushdown = false;
  function.get_virtual_columns = VirtualColumns;
  function.function_info = duckdb::make_shared_ptr<AuditInfo>(std::move(reader));
  return function;
}

}  // namespace weir::engine
