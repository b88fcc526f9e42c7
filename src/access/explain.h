#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"

namespace weir::access {

class Snapshot;

// "What can role R read of this table, and why": the access Snapshot::Resolve
// computes (and the secure scan enforces), rendered as text and attributed to
// the grants that produce it (Lake Formation issue item 7).
//
// The row predicate, the visible columns and their cell conditions are taken
// from Snapshot::Resolve itself, so an explanation cannot disagree with what
// a query sees; the attribution (which grant includes which column, which
// grants decide the rows) follows the same combination rules, and the unit
// tests check the two against each other.
//
// Explanations are plain values (copies; nothing points into the snapshot).
// The functions below only read the const snapshot, so they are thread-safe.

// What the grant text says when a grant covers every row, and what a cell
// condition says when a visible column's cells are visible in every visible row.
inline constexpr const char kAllRows[] = "all rows";
inline constexpr const char kAlways[] = "always";

// One grant that gives the role SELECT on the table: on the table itself,
// through a data cells filter, on all tables of its database, or an LF-Tag
// policy on tables whose expression the table's tags match.
struct GrantExplanation {
  enum class Kind { kTable, kDataCellsFilter, kTableWildcard, kLfTagPolicy };

  int64_t grant_id = 0;
  Kind kind = Kind::kTable;
  std::string permissions;  // "SELECT", "ALL,DESCRIBE": as granted (access::ToString)
  std::string grantable;    // the grantable subset; "" when none
  std::string filter;       // kDataCellsFilter: the filter's name; empty otherwise
  std::string expression;   // kLfTagPolicy: "k=v1,v2;k2=v3"; empty otherwise
  // kLfTagPolicy: what it gives on this table after the partial-column rule
  // (TagPolicyPermissions); empty otherwise.
  std::string effective;
  // "all", "include [a, b]", "exclude [a, b]", "tagged [a, b]" (the columns
  // an LF-Tag policy matches, when not all); "(unknown)" when the filter is missing
  std::string columns;
  std::string row_filter;  // canonical SQL (RowFilterToSql) or kAllRows; the stored text when it does not parse
  // Why Resolve leaves this grant out (its filter is missing or its stored row
  // filter no longer parses: it admits nothing); empty for a contributing grant.
  std::string ignored_reason;

  // A short name, unique among one role's grants on one table: "table",
  // "table include [a]", "table exclude [a, b]", "filter NAME", "all tables",
  // "tags k=v".
  std::string Label() const;
};

// "table" / "data_cells_filter" / "table_wildcard" / "lf_tag_policy".
const char* GrantKindName(GrantExplanation::Kind kind);

// One column of the table, in table order.
struct ColumnExplanation {
  std::string name;
  std::string type;  // filled for hidden columns too; ToJson and ToText withhold it
  bool visible = false;
  // Visible columns only (empty when hidden): the condition under which the
  // cell reads as its value in a row the role sees (elsewhere it reads as
  // NULL): canonical SQL, or kAlways.
  std::string cell_condition;
  // Indexes into TableExplanation::grants of the contributing grants that
  // include this column, in grant order; empty exactly when hidden.
  std::vector<size_t> granted_by;
};

struct TableExplanation {
  std::string role;
  std::string database;
  std::string table;
  // The rows that exist for the role: canonical SQL, or kAllRows.
  std::string row_predicate;
  // Indexes into `grants` of the grants that decide the rows: the all-rows
  // grants when there is one (it wins), otherwise every contributing grant
  // (their row filters are OR-ed).
  std::vector<size_t> rows_granted_by;
  // Every column of the table, visible or hidden, in table order.
  std::vector<ColumnExplanation> columns;
  // Every grant the role holds on the table, in grant id order; the ones
  // Resolve leaves out carry an ignored_reason.
  std::vector<GrantExplanation> grants;

  std::string QualifiedName() const { return database + "." + table; }
  // The column named exactly `name`, else the only one matching it
  // case-insensitively; nullptr when there is none (or several).
  const ColumnExplanation* FindColumn(const std::string& name) const;
};

// Explains what `role` may read of database.table in `snapshot`. When
// Snapshot::Resolve denies (no such role or table, no grant, or grants that
// admit no column), returns exactly its kPermissionDenied status, so a hidden
// table and a missing one are still indistinguishable. Should the attribution
// ever disagree with Resolve (a bug in Weir), returns kInternal rather than
// explain something false. Never throws.
Result<TableExplanation> ExplainTable(const Snapshot& snapshot, const std::string& role, const std::string& database,
                                      const std::string& table);

// Explanations of every table `role` can read, sorted by database then
// table. Empty for a role that does not exist or can read nothing. A table
// ExplainTable fails on with kInternal is left out, like a denied one.
std::vector<TableExplanation> ListAccess(const Snapshot& snapshot, const std::string& role);

// {"grant_id": 7, "kind": "table", "columns": "all", "row_filter": "all rows"},
// or for a filter grant {"grant_id": 9, "kind": "data_cells_filter",
// "filter": "electronics", "columns": "exclude [i_supplier]",
// "row_filter": "(\"i_category\" = 'Electronics')"}; an LF-Tag policy adds
// "expression" and "effective_permissions"; an ignored grant also has
// "ignored": "<reason>".
nlohmann::ordered_json ToJson(const GrantExplanation& grant);

// The column object: {"name", "type", "visible": true, "cell_condition",
// "granted_by": [grant objects]} for a visible column, {"name", "visible":
// false} for a hidden one (its type is withheld along with it).
nlohmann::ordered_json ToJson(const TableExplanation& explanation, const ColumnExplanation& column);

// {"role", "table": "db.table", "row_predicate", "rows_granted_by": [grant
// objects], "columns": [column objects, hidden ones included, table order],
// "grants": [grant objects]}.
nlohmann::ordered_json ToJson(const TableExplanation& explanation);

// The human rendering, aligned, ending in a newline:
//   tpc.item as role electronics
//     rows:     ("i_category" = 'Electronics')   [filter electronics]
//     columns:
//       i_item_id   BIGINT    always   [filter electronics]
//       ...
//     hidden:   i_supplier
//     grants:
//       #3   filter electronics   exclude [i_supplier]   ("i_category" = 'Electronics')
std::string ToText(const TableExplanation& explanation);

// One column of `explanation` (which must hold it), for a visible column:
//   tpc.item.i_price as role electronics
//     type:     BIGINT
//     rows:     ("i_category" = 'Electronics')   [filter electronics]
//     cells:    always
//     granted by:
//       #3   filter electronics   columns exclude [i_supplier]   rows ("i_category" = 'Electronics')
// A hidden column renders as "... visible: no" without grants.
std::string ToText(const TableExplanation& explanation, const ColumnExplanation& column);

// {"role": R, "tables": [ToJson(explanation), ...]} for ListAccess's result.
nlohmann::ordered_json ListToJson(const std::string& role, const std::vector<TableExplanation>& tables);

// One aligned line per table, under a heading:
//   role electronics can read 2 tables
//     hr.people   3 of 3 columns   rows all rows
//     tpc.item    3 of 4 columns   rows ("i_category" = 'Electronics')   conditional cells: i_price
// or "role R can read no tables".
std::string ListToText(const std::string& role, const std::vector<TableExplanation>& tables);

}  // namespace weir::access
