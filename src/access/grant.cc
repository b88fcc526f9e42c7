#include "access/grant.h"

namespace weir::access {

const char* ColumnScopeName(ColumnScope scope) {
  switch (scope) {
    case ColumnScope::kAll:
      return "all";
    case ColumnScope::kInclude:
      return "include";
    case ColumnScope::kExclude:
      return "exclude";
  }
  return "all";
}

bool ParseColumnScope(const std::string& text, ColumnScope* out) {
  if (text == "all") {
    *out = ColumnScope::kAll;
  } else if (text == "include") {
    *out = ColumnScope::kInclude;
  } else if (text == "exclude") {
    *out = ColumnScope::kExclude;
  } else {
    return false;
  }
  return true;
}

bool Grant::SameAs(const Grant& other) const {
  return role == other.role && database == other.database && table == other.table && scope == other.scope &&
         columns == other.columns && filter == other.filter;
}

}  // namespace weir::access
