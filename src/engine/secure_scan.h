#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "access/row_filter.h"
#include "catalog/catalog.h"
#include "common/status.h"
#include "engine/audit_scan.h"

namespace duckdb {
class DatabaseInstance;
class FunctionData;
}  // namespace duckdb

namespace weir::engine {

// Everything a secure scan needs, prepared by Weir from the catalog and the
// role's access: the files it may read (resolved and checked by Weir, never
// named by the user) and the columns the role may see.
struct ScanSpec {
  std::string qualified_name;  // "db.table", for errors and audit
  catalog::TableFormat format = catalog::TableFormat::kParquet;
  std::vector<std::string> files;  // absolute paths inside the table's location
  bool hive_partitioning = false;
  std::vector<std::string> visible_columns;  // in table order
  // Rows outside it do not exist for the role (nullopt = every row). May
  // reference columns that are not visible.
  std::optional<access::FilterExpr> row_predicate;
  // Per visible column (same order): where it is false the cell reads NULL.
  // Empty, or one entry per visible column.
  std::vector<std::optional<access::FilterExpr>> cell_conditions;
  // Set for the weir_audit table: the scan reads the audit trail through it
  // (AuditTrailFunction) instead of files; `files` is then empty and
  // visible_columns are AuditColumnNames().
  AuditReader audit_reader;

  // True when rows or cells are restricted (the scan must evaluate conditions).
  bool Restricted() const;
};

// Registers the secure scan table function in `db`. The function takes one
// BIGINT: the id of a ScanSpec the parse gate placed in the calling
// connection's session state (see session_state.h); an id the state does not
// hold fails binding. It wraps DuckDB's own Parquet/CSV readers: it binds
// them over exactly the spec's files and exposes only the visible columns.
//
// A restricted scan applies the row predicate and the cell conditions inside
// the scan, so no operator above it — no user predicate, function or cast —
// ever sees a hidden row or a hidden cell's value (a security barrier). Filters
// DuckDB pushes into the scan are passed to the reader only for columns
// without cell conditions (they are plain comparisons with constants, which
// cannot fail); filters on masked columns are evaluated after masking. A
// pushed filter that rejects NULL on a masked column adds the column's
// condition to the row predicate (no row where the cell is masked could pass
// it), so it runs only on rows where the cell is visible.
void RegisterSecureScan(duckdb::DatabaseInstance& db);

// For the plan gate: when `bind_data` belongs to a secure scan, the spec it
// was bound from; nullptr otherwise.
const ScanSpec* SecureScanSpec(const duckdb::FunctionData* bind_data);

// Lists the data files of a table under `lake_root`/`location`: regular
// files with the format's extension, recursively (Hive partition folders),
// skipping names starting with '.' or '_'; sorted. Symlinks that resolve
// outside the table's directory are refused. kNotFound when the directory is
// missing; kPermissionDenied for an escaping link.
struct ListedFiles {
  std::vector<std::string> files;
  bool hive_partitioned = false;
};
Result<ListedFiles> ListTableFiles(const std::string& lake_root, const std::string& location,
                                   catalog::TableFormat format);
}  // namespace weir::engine
