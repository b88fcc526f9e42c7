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

// Role → SELECT on one table. Several grants on one table union.
struct Grant {
  int64_t id = 0;  // assigned by the store
  std::string role;
  std::string database;
  std::string table;
  ColumnScope scope = ColumnScope::kAll;
  std::vector<std::string> columns;  // empty for kAll; sorted, unique otherwise

  // Same role, table, scope and columns (ignores id).
  bool SameAs(const Grant& other) const;
};

}  // namespace weir::access
