#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "access/lf_tag.h"
#include "access/permission.h"

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

// Role → permissions on one resource, as Lake Formation's GrantPermissions
// records it: `permissions` and, separately, `grantable` (its
// PermissionsWithGrantOption, always a subset of `permissions`).
//
// The resource is `kind` with its names:
//   kCatalog        the account's catalog (database and table empty);
//   kDatabase       `database` (table empty);
//   kTableWildcard  every table of `database`, including tables created
//                   after the grant (table empty);
//   kTable          `database`.`table`: all columns, or a column list by
//                   `scope` (a table with columns), or through the data cells
//                   filter `filter` (then scope is kAll and columns empty);
//   kLfTag          the LF-Tag `expression[0].key`, its values
//                   `expression[0].values` (empty = every value);
//   kLfTagPolicyDatabase / kLfTagPolicyTable
//                   every database / table whose effective LF-Tags match
//                   `expression` (lf_tag.h), including ones tagged later.
// Database and table are empty for the LF-Tag kinds. Several grants on one
// table union, named and tag-based alike. Grants stored before permissions
// existed read as SELECT on their table.
struct Grant {
  int64_t id = 0;  // assigned by the store
  std::string role;
  std::string database;
  std::string table;
  ColumnScope scope = ColumnScope::kAll;
  std::vector<std::string> columns;          // empty for kAll; sorted, unique otherwise
  std::string filter;                        // a DataFilter of this table; then scope is kAll and columns empty
  ResourceKind kind = ResourceKind::kTable;  // kCatalog, kDatabase, kTableWildcard, kTable or an LF-Tag kind
  TagExpression expression;                  // the LF-Tag kinds only; normalized (lf_tag.h)
  PermissionSet permissions{Permission::kSelect};
  PermissionSet grantable;

  // The precise resource kind: kTableWithColumns for a column list,
  // kDataCellsFilter for a grant through a filter, otherwise `kind`.
  ResourceKind Resource() const;
  // Whether the grant is on database.table: a table-level grant on it or a
  // table wildcard of its database. (Which tables an LF-Tag policy covers
  // depends on the tags: Snapshot::TagPolicyColumns.)
  bool Covers(const std::string& database, const std::string& table) const;
  // Whether it lets the role read rows of the tables it covers: SELECT, or
  // ALL (which implies SELECT), on a table-level resource or an LF-Tag
  // policy on tables.
  bool GivesSelect() const;
  // Its permissions with what they imply on its resource (ALL → the rest,
  // anything → DESCRIBE).
  PermissionSet Effective() const { return Expand(permissions, Resource()); }
  // "catalog", "database db", "all tables of db", "table db.t",
  // "table db.t columns [a, b]", "table db.t excluding [a]", "filter F on db.t",
  // "LF-Tag k=v1,v2", "tables tagged k=v1;k2=v2", "databases tagged k=v".
  std::string ResourceLabel() const;

  // Same role and resource: kind, table, scope, columns, filter and
  // expression (ignores id and permissions).
  bool SameAs(const Grant& other) const;
};

// Whether `kind` is one of the LF-Tag kinds (kLfTag, kLfTagPolicyDatabase,
// kLfTagPolicyTable), whose resource is an expression rather than names.
bool IsTagKind(ResourceKind kind);

// What an LF-Tag policy on tables with `permissions` gives on one table,
// after Lake Formation's partial-column rule: on every column, its
// permissions (expanded); on only some columns, ALTER, DROP, INSERT and
// DELETE (which need every column) become DESCRIBE, and ALL becomes SELECT
// and DESCRIBE.
PermissionSet TagPolicyPermissions(const PermissionSet& permissions, bool all_columns);

// The resource kind of a grant as stored and recorded: "catalog",
// "database", "table_wildcard", "table", "lf_tag", "lf_tag_policy_database",
// "lf_tag_policy_table".
const char* GrantKindName(ResourceKind kind);
// Its inverse; false for any other text.
bool ParseGrantKind(const std::string& text, ResourceKind* out);

}  // namespace weir::access
