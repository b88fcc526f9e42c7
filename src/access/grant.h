#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace weir::access {

// Which columns a SELECT grant covers, as in Lake Formation's
// TableWithColumns: every column, the listed ones, or all but the listed.
enum class ColumnScope { kAll, kInclude, kExclude };

// "all" / "include" / "exclude".
const char* ColumnScopeName(ColumnScope scope);
bool ParseColumnScope(const std::string& text, ColumnScope* out);

// A data cells filter, as in Lake Formation: a named view of one table that
// limits the rows (a row filter expression, or all rows) and the columns
// (all, an include list or an exclude list). Granting SELECT on a filter
// gives row-, column- or cell-level access.
struct DataFilter {
  std::string database;
  std::string table;
  std::string name;
  std::string row_filter;  // canonical text (access::RowFilterToSql); empty = all rows
  ColumnScope scope = ColumnScope::kAll;
  std::vector<std::string> columns;  // empty for kAll; sorted, unique otherwise

  bool operator==(const DataFilter&) const = default;
};

// Role → SELECT on one table, directly (all rows; columns by scope) or
// through a data cells filter on it. Several grants on one table union.
struct Grant {
  int64_t id = 0;  // assigned by the store
  std::string role;
  std::string database;
  std::string table;
  ColumnScope scope = ColumnScope::kAll;
  std::vector<std::string> columns;  // empty for kAll; sorted, unique otherwise
  std::string filter;                // a DataFilter of this table; then scope is kAll and columns empty

  // Same role, table, scope and columns (ignores id).
  bool SameAs(const Grant& other) const;
};

}  // namespace weir::access
