#include "engine/secure_scan.h"

#include <algorithm>
#include <filesystem>

#include <sys/stat.h>

#include "duckdb.hpp"
#include "duckdb/catalog/catalog.hpp"
#include "duckdb/catalog/catalog_entry/table_function_catalog_entry.hpp"
#include "duckdb/function/table_function.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
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

  duckdb::unique_ptr<FunctionData> Copy() const override {
    auto copy = duckdb::make_uniq<SecureScanBindData>();
    copy->spec = spec;
    copy->inner = inner;
    copy->inner_bind = inner_bind ? inner_bind->Copy() : nullptr;
    copy->outer_to_inner = outer_to_inner;
    return std::move(copy);
  }
  bool Equals(const FunctionData& other) const override { return this == &other; }
};

struct SecureScanGlobalState : public GlobalTableFunctionState {
  duckdb::unique_ptr<GlobalTableFunctionState> inner;
  duckdb::vector<ColumnIndex> inner_columns;
  duckdb::idx_t MaxThreads() const override { return inner ? inner->MaxThreads() : 1; }
};

struct SecureScanLocalState : public LocalTableFunctionState {
  duckdb::unique_ptr<LocalTableFunctionState> inner;
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
  if (spec->files.empty()) {
    throw duckdb::InvalidInputException("table %s has no data files", spec->qualified_name);
  }

  auto result = duckdb::make_uniq<SecureScanBindData>();
  result->spec = *spec;
  const char* reader = spec->format == catalog::TableFormat::kCsv ? "read_csv" : "read_parquet";
  auto& entry =
      duckdb::Catalog::GetEntry<duckdb::TableFunctionCatalogEntry>(context, SYSTEM_CATALOG, DEFAULT_SCHEMA, reader);
  duckdb::vector<LogicalType> arg_types = {LogicalType::LIST(LogicalType::VARCHAR)};
  result->inner = entry.functions.GetFunctionByArguments(context, arg_types);

  duckdb::vector<Value> file_values;
  for (const auto& f : spec->files) file_values.emplace_back(f);
  duckdb::vector<Value> inner_inputs = {Value::LIST(LogicalType::VARCHAR, std::move(file_values))};
  duckdb::named_parameter_map_t named;
  named["hive_partitioning"] = Value::BOOLEAN(spec->hive_partitioning);
  if (spec->format == catalog::TableFormat::kCsv) named["header"] = Value::BOOLEAN(true);
  duckdb::vector<LogicalType> input_table_types;
  duckdb::vector<std::string> input_table_names;
  duckdb::TableFunctionBindInput inner_input(inner_inputs, named, input_table_types, input_table_names,
                                             result->inner.function_info.get(), input.binder, result->inner, input.ref);
  duckdb::vector<LogicalType> inner_types;
  duckdb::vector<std::string> inner_names;
  result->inner_bind = result->inner.bind(context, inner_input, inner_types, inner_names);

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
  return std::move(result);
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

duckdb::unique_ptr<GlobalTableFunctionState> InitGlobal(ClientContext& context, TableFunctionInitInput& input) {
  auto& bind = input.bind_data->Cast<SecureScanBindData>();
  auto result = duckdb::make_uniq<SecureScanGlobalState>();
  result->inner_columns = InnerColumns(bind, input.column_indexes);
  // Filters are keyed by position in the column list, which the mapping
  // preserves, so they pass through unchanged. Without a row predicate their
  // order relative to it does not matter; the lake-permissions work applies
  // the predicate first and re-checks non-leakproof filters after it.
  TableFunctionInitInput inner_input(bind.inner_bind.get(), result->inner_columns, input.projection_ids, input.filters,
                                     input.sample_options, input.op);
  result->inner = bind.inner.init_global(context, inner_input);
  return std::move(result);
}

duckdb::unique_ptr<LocalTableFunctionState> InitLocal(duckdb::ExecutionContext& context, TableFunctionInitInput& input,
                                                      GlobalTableFunctionState* global_state) {
  auto& bind = input.bind_data->Cast<SecureScanBindData>();
  auto& global = global_state->Cast<SecureScanGlobalState>();
  auto result = duckdb::make_uniq<SecureScanLocalState>();
  if (bind.inner.init_local) {
    TableFunctionInitInput inner_input(bind.inner_bind.get(), global.inner_columns, input.projection_ids, input.filters,
                                       input.sample_options, input.op);
    result->inner = bind.inner.init_local(context, inner_input, global.inner.get());
  }
  return std::move(result);
}

void Scan(ClientContext& context, duckdb::TableFunctionInput& data, duckdb::DataChunk& output) {
  auto& bind = data.bind_data->Cast<SecureScanBindData>();
  auto& global = data.global_state->Cast<SecureScanGlobalState>();
  auto& local = data.local_state->Cast<SecureScanLocalState>();
  // The output columns are exactly the inner scan's, in the same order.
  duckdb::TableFunctionInput inner(bind.inner_bind.get(), local.inner.get(), global.inner.get());
  bind.inner.function(context, inner, output);
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
  return bind.inner.statistics(context, bind.inner_bind.get(), bind.outer_to_inner[column]);
}

duckdb::virtual_column_map_t VirtualColumns(ClientContext& context, duckdb::optional_ptr<FunctionData> bind_data) {
  auto& bind = bind_data->Cast<SecureScanBindData>();
  duckdb::virtual_column_map_t result;
  if (!bind.inner.get_virtual_columns) return result;
  // The inner reader records its virtual columns in its bind data; keep only
  // the "empty" column (used by count(*)): file names and row numbers would
  // reveal the lake's layout.
  auto inner = bind.inner.get_virtual_columns(context, bind.inner_bind.get());
  auto empty = inner.find(duckdb::COLUMN_IDENTIFIER_EMPTY);
  if (empty != inner.end()) result.insert(*empty);
  return result;
}

}  // namespace

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
