#include "engine/session_state.h"

#include "duckdb/common/enums/physical_operator_type.hpp"
#include "duckdb/execution/operator/projection/physical_tableinout_function.hpp"
#include "duckdb/execution/operator/scan/physical_table_scan.hpp"
#include "duckdb/execution/physical_operator.hpp"
#include "duckdb/main/prepared_statement_data.hpp"
#include "engine/parse_gate.h"

namespace weir::engine {

using duckdb::PhysicalOperatorType;

void SessionState::Arm(std::vector<ScanSpec> scans) {
  scans_ = std::move(scans);
  tables_read_.clear();
  columns_read_.clear();
  armed_ = true;
}

void SessionState::Disarm() {
  armed_ = false;
  scans_.clear();
}

const ScanSpec* SessionState::Scan(int64_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= scans_.size()) return nullptr;
  return &scans_[static_cast<size_t>(id)];
}

duckdb::RebindQueryInfo SessionState::OnFinalizePrepare(duckdb::ClientContext& context,
                                                        duckdb::PreparedStatementData& prepared,
                                                        duckdb::PreparedStatementMode mode) {
  // Unarmed: statements Weir issues itself on this connection (setup), never user text.
  if (armed_) CheckPlan(prepared);
  return duckdb::RebindQueryInfo::DO_NOT_REBIND;
}

duckdb::RebindQueryInfo SessionState::OnExecutePrepared(duckdb::ClientContext& context,
                                                        duckdb::PreparedStatementCallbackInfo& info,
                                                        duckdb::RebindQueryInfo current_rebind) {
  if (armed_ && current_rebind != duckdb::RebindQueryInfo::ATTEMPT_TO_REBIND) CheckPlan(info.prepared_statement);
  return current_rebind;
}

void SessionState::CheckPlan(duckdb::PreparedStatementData& prepared) {
  if (prepared.statement_type != duckdb::StatementType::SELECT_STATEMENT ||
      !prepared.properties.modified_databases.empty()) {
    throw duckdb::PermissionException("only read-only queries may run");
  }
  tables_read_.clear();
  columns_read_.clear();
  // Without a physical plan (parameters not yet bound) nothing runs: DuckDB
  // prepares again with the values, and this check runs then.
  if (prepared.physical_plan) CheckOperator(prepared.physical_plan->Root());
}

void SessionState::CheckOperator(const duckdb::PhysicalOperator& op) {
  switch (op.type) {
    case PhysicalOperatorType::TABLE_SCAN: {
      auto& scan = op.Cast<duckdb::PhysicalTableScan>();
      const ScanSpec* spec = SecureScanSpec(scan.bind_data.get());
      if (scan.function.name == kSecureScanFunction) {
        if (spec == nullptr) throw duckdb::PermissionException("unrecognized secure scan");
        tables_read_.insert(spec->qualified_name);
        for (const auto& column : scan.column_ids) {
          if (column.IsVirtualColumn()) {
            if (column.GetPrimaryIndex() != duckdb::COLUMN_IDENTIFIER_EMPTY) {
              throw duckdb::PermissionException("virtual columns of %s are not readable", spec->qualified_name);
            }
            continue;
          }
          if (column.GetPrimaryIndex() >= spec->visible_columns.size()) {
            throw duckdb::PermissionException("column outside the grant on %s", spec->qualified_name);
          }
          columns_read_.insert(spec->qualified_name + "." + spec->visible_columns[column.GetPrimaryIndex()]);
        }
      } else if (!TableFunctionAllowed(scan.function.name)) {
        throw duckdb::PermissionException("table function %s is not allowed", scan.function.name);
      }
      break;
    }
    case PhysicalOperatorType::INOUT_FUNCTION: {
      // The function is private to the operator; its printed parameters name it.
      auto params = op.ParamsToString();
      auto name = params.find("Name");
      if (name == params.end() || !TableFunctionAllowed(name->second)) {
        throw duckdb::PermissionException("this table function is not allowed");
      }
      break;
    }
    // Read-only relational operators.
    case PhysicalOperatorType::ORDER_BY:
    case PhysicalOperatorType::LIMIT:
    case PhysicalOperatorType::STREAMING_LIMIT:
    case PhysicalOperatorType::LIMIT_PERCENT:
    case PhysicalOperatorType::TOP_N:
    case PhysicalOperatorType::WINDOW:
    case PhysicalOperatorType::UNNEST:
    case PhysicalOperatorType::UNGROUPED_AGGREGATE:
    case PhysicalOperatorType::HASH_GROUP_BY:
    case PhysicalOperatorType::PERFECT_HASH_GROUP_BY:
    case PhysicalOperatorType::PARTITIONED_AGGREGATE:
    case PhysicalOperatorType::FILTER:
    case PhysicalOperatorType::PROJECTION:
    case PhysicalOperatorType::RESERVOIR_SAMPLE:
    case PhysicalOperatorType::STREAMING_SAMPLE:
    case PhysicalOperatorType::STREAMING_WINDOW:
    case PhysicalOperatorType::PIVOT:
    case PhysicalOperatorType::DUMMY_SCAN:
    case PhysicalOperatorType::COLUMN_DATA_SCAN:
    case PhysicalOperatorType::CHUNK_SCAN:
    case PhysicalOperatorType::RECURSIVE_CTE_SCAN:
    case PhysicalOperatorType::RECURSIVE_RECURRING_CTE_SCAN:
    case PhysicalOperatorType::CTE_SCAN:
    case PhysicalOperatorType::DELIM_SCAN:
    case PhysicalOperatorType::EXPRESSION_SCAN:
    case PhysicalOperatorType::POSITIONAL_SCAN:
    case PhysicalOperatorType::BLOCKWISE_NL_JOIN:
    case PhysicalOperatorType::NESTED_LOOP_JOIN:
    case PhysicalOperatorType::HASH_JOIN:
    case PhysicalOperatorType::CROSS_PRODUCT:
    case PhysicalOperatorType::PIECEWISE_MERGE_JOIN:
    case PhysicalOperatorType::IE_JOIN:
    case PhysicalOperatorType::LEFT_DELIM_JOIN:
    case PhysicalOperatorType::RIGHT_DELIM_JOIN:
    case PhysicalOperatorType::POSITIONAL_JOIN:
    case PhysicalOperatorType::ASOF_JOIN:
    case PhysicalOperatorType::UNION:
    case PhysicalOperatorType::RECURSIVE_CTE:
    case PhysicalOperatorType::RECURSIVE_KEY_CTE:
    case PhysicalOperatorType::CTE:
    case PhysicalOperatorType::EMPTY_RESULT:
    case PhysicalOperatorType::RESULT_COLLECTOR:
      break;
    default:
      throw duckdb::PermissionException("operator %s is not allowed", duckdb::PhysicalOperatorToString(op.type));
  }
  for (auto& child : op.GetChildren()) CheckOperator(child.get());
}

}  // namespace weir::engine
