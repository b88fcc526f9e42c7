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

ResourceKind Grant::Resource() const {
  if (kind != ResourceKind::kTable) return kind;
  if (!filter.empty()) return ResourceKind::kDataCellsFilter;
  if (scope != ColumnScope::kAll) return ResourceKind::kTableWithColumns;
  return ResourceKind::kTable;
}

bool Grant::Covers(const std::string& db, const std::string& t) const {
  if (kind == ResourceKind::kTableWildcard) return database == db;
  return kind == ResourceKind::kTable && database == db && table == t;
}

bool Grant::GivesSelect() const {
  if (kind != ResourceKind::kTable && kind != ResourceKind::kTableWildcard && kind != ResourceKind::kLfTagPolicyTable) {
    return false;
  }
  return permissions.Has(Permission::kSelect) || permissions.Has(Permission::kAll);
}

std::string Grant::ResourceLabel() const {
  auto list = [](const std::vector<std::string>& names) {
    std::string out = "[";
    for (size_t i = 0; i < names.size(); i++) out += (i ? ", " : "") + names[i];
    return out + "]";
  };
  switch (Resource()) {
    case ResourceKind::kCatalog:
      return "catalog";
    case ResourceKind::kDatabase:
      return "database " + database;
    case ResourceKind::kTableWildcard:
      return "all tables of " + database;
    case ResourceKind::kTableWithColumns:
      return "table " + database + "." + table + (scope == ColumnScope::kInclude ? " columns " : " excluding ") +
             list(columns);
    case ResourceKind::kDataCellsFilter:
      return "filter " + filter + " on " + database + "." + table;
    case ResourceKind::kLfTag:
      return "LF-Tag " + ToString(expression);
    case ResourceKind::kLfTagPolicyDatabase:
      return "databases tagged " + ToString(expression);
    case ResourceKind::kLfTagPolicyTable:
      return "tables tagged " + ToString(expression);
    default:
      return "table " + database + "." + table;
  }
}

bool Grant::SameAs(const Grant& other) const {
  return role == other.role && kind == other.kind && database == other.database && table == other.table &&
         scope == other.scope && columns == other.columns && filter == other.filter && expression == other.expression;
}

bool IsTagKind(ResourceKind kind) {
  return kind == ResourceKind::kLfTag || kind == ResourceKind::kLfTagPolicyDatabase ||
         kind == ResourceKind::kLfTagPolicyTable;
}

PermissionSet TagPolicyPermissions(const PermissionSet& permissions, bool all_columns) {
  PermissionSet expanded = Expand(permissions, ResourceKind::kLfTagPolicyTable);
  if (all_columns) return expanded;
  PermissionSet out{Permission::kDescribe};
  // ALL expands to SELECT among the rest, so SELECT survives either way.
  if (expanded.Has(Permission::kSelect)) out.Add(Permission::kSelect);
  return out;
}

const char* GrantKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kCatalog:
      return "catalog";
    case ResourceKind::kDatabase:
      return "database";
    case ResourceKind::kTableWildcard:
      return "table_wildcard";
    case ResourceKind::kLfTag:
      return "lf_tag";
    case ResourceKind::kLfTagPolicyDatabase:
      return "lf_tag_policy_database";
    case ResourceKind::kLfTagPolicyTable:
      return "lf_tag_policy_table";
    default:
      return "table";
  }
}

bool ParseGrantKind(const std::string& text, ResourceKind* out) {
  for (auto kind : {ResourceKind::kCatalog, ResourceKind::kDatabase, ResourceKind::kTableWildcard, ResourceKind::kTable,
                    ResourceKind::kLfTag, ResourceKind::kLfTagPolicyDatabase, ResourceKind::kLfTagPolicyTable}) {
    if (text == GrantKindName(kind)) {
      *out = kind;
      return true;
    }
  }
  return false;
}

}  // namespace weir::access
