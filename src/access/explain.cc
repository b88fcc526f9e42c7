#include "access/explain.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "access/grant.h"
#include "access/row_filter.h"
#include "access/snapshot.h"
#include "catalog/catalog.h"

namespace weir::access {

std::string GrantExplanation::Label() const {
  if (kind == Kind::kDataCellsFilter) return "filter " + filter;
  if (kind == Kind::kTableWildcard) return "all tables";
  if (kind == Kind::kLfTagPolicy) return "tags " + expression;
  return columns == "all" ? "table" : "table " + columns;
}

const char* GrantKindName(GrantExplanation::Kind kind) {
  switch (kind) {
    case GrantExplanation::Kind::kTable:
      return "table";
    case GrantExplanation::Kind::kDataCellsFilter:
      return "data_cells_filter";
    case GrantExplanation::Kind::kTableWildcard:
      return "table_wildcard";
    case GrantExplanation::Kind::kLfTagPolicy:
      return "lf_tag_policy";
  }
  return "table";
}

const ColumnExplanation* TableExplanation::FindColumn(const std::string& name) const {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  const ColumnExplanation* folded = nullptr;
  int folded_matches = 0;
  for (const auto& c : columns) {
    if (c.name == name) return &c;
    if (lower(c.name) == lower(name)) {
      folded = &c;
      folded_matches++;
    }
  }
  return folded_matches == 1 ? folded : nullptr;
}

namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); i++) out += (i ? ", " : "") + names[i];
  return out;
}

std::string DescribeColumns(ColumnScope scope, const std::vector<std::string>& columns) {
  if (scope == ColumnScope::kAll) return "all";
  std::string out = std::string(ColumnScopeName(scope)) + " [";
  for (size_t i = 0; i < columns.size(); i++) out += (i ? ", " : "") + columns[i];
  return out + "]";
}

std::string RowsToSql(const std::optional<FilterExpr>& rows) { return rows ? RowFilterToSql(*rows) : kAllRows; }
std::string CellsToSql(const std::optional<FilterExpr>& cells) { return cells ? RowFilterToSql(*cells) : kAlways; }

// One grant as Snapshot::Resolve sees it: the rows it covers and the columns
// it includes. Mirrors Resolve step for step (the tests hold them together).
struct Coverage {
  GrantExplanation explanation;
  bool all_rows = true;
  std::vector<bool> columns;
};

Coverage CoverageOf(const Snapshot& snapshot, const Grant& g, const catalog::Table& t) {
  Coverage out;
  out.explanation.grant_id = g.id;
  out.explanation.permissions = ToString(g.permissions);
  out.explanation.grantable = ToString(g.grantable);
  if (g.kind == ResourceKind::kTableWildcard) out.explanation.kind = GrantExplanation::Kind::kTableWildcard;
  if (auto mask = snapshot.TagPolicyColumns(g, t.database, t.name)) {
    out.explanation.kind = GrantExplanation::Kind::kLfTagPolicy;
    out.explanation.expression = ToString(g.expression);
    out.explanation.row_filter = kAllRows;
    out.columns = *mask;
    bool all = std::find(mask->begin(), mask->end(), false) == mask->end();
    out.explanation.effective = ToString(TagPolicyPermissions(g.permissions, all));
    std::vector<std::string> matched;
    for (size_t c = 0; c < t.columns.size(); c++) {
      if ((*mask)[c]) matched.push_back(t.columns[c].name);
    }
    out.explanation.columns = all ? "all" : "tagged [" + Join(matched) + "]";
    return out;
  }
  ColumnScope scope = g.scope;
  const std::vector<std::string>* listed = &g.columns;
  if (!g.filter.empty()) {
    out.explanation.kind = GrantExplanation::Kind::kDataCellsFilter;
    out.explanation.filter = g.filter;
    // Resolve's filter index is keyed by "db.table.name"; look it up the same way.
    const std::string key = t.QualifiedName() + "." + g.filter;
    const DataFilter* filter = nullptr;
    for (const auto& f : snapshot.filters()) {
      if (f.database + "." + f.table + "." + f.name == key) filter = &f;
    }
    if (filter == nullptr) {
      out.explanation.columns = "(unknown)";
      out.explanation.row_filter = "(unknown)";
      out.explanation.ignored_reason = "data cells filter " + g.filter + " does not exist";
      return out;
    }
    scope = filter->scope;
    listed = &filter->columns;
    if (!filter->row_filter.empty()) {
      auto parsed = ParseRowFilter(filter->row_filter);
      if (!parsed.ok()) {
        out.explanation.columns = DescribeColumns(scope, *listed);
        out.explanation.row_filter = filter->row_filter;
        out.explanation.ignored_reason = "the stored row filter of " + g.filter + " does not parse (" +
                                         parsed.status().message() + "); the grant admits nothing";
        return out;
      }
      out.all_rows = false;
      out.explanation.row_filter = RowFilterToSql(*parsed);
    }
  }
  if (out.all_rows) out.explanation.row_filter = kAllRows;
  out.explanation.columns = DescribeColumns(scope, *listed);
  out.columns.resize(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); c++) {
    bool in_list = std::find(listed->begin(), listed->end(), t.columns[c].name) != listed->end();
    out.columns[c] = scope == ColumnScope::kAll || (scope == ColumnScope::kInclude ? in_list : !in_list);
  }
  return out;
}

// Pads every cell of a column to the column's width (the last column is not padded).
std::vector<std::string> Align(const std::vector<std::vector<std::string>>& rows, const std::string& gap) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); i++) width[i] = std::max(width[i], row[i].size());
  }
  std::vector<std::string> lines;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); i++) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size(), ' ') + gap;
    }
    lines.push_back(line);
  }
  return lines;
}

std::string Labels(const TableExplanation& e, const std::vector<size_t>& indexes) {
  std::string out = "[";
  for (size_t i = 0; i < indexes.size(); i++) out += (i ? ", " : "") + e.grants[indexes[i]].Label();
  return out + "]";
}

std::vector<std::string> GrantRow(const GrantExplanation& g) {
  std::string kind = g.kind == GrantExplanation::Kind::kDataCellsFilter ? "filter " + g.filter
                     : g.kind == GrantExplanation::Kind::kTableWildcard ? "all tables"
                     : g.kind == GrantExplanation::Kind::kLfTagPolicy   ? "tags " + g.expression
                                                                        : "table";
  std::string permissions = g.permissions;
  if (!g.effective.empty() && g.effective != g.permissions) permissions += " (here " + g.effective + ")";
  if (!g.grantable.empty()) permissions += " (grantable " + g.grantable + ")";
  std::vector<std::string> row = {"#" + std::to_string(g.grant_id), kind, permissions, "columns " + g.columns,
                                  "rows " + g.row_filter};
  if (!g.ignored_reason.empty()) row.push_back("IGNORED: " + g.ignored_reason);
  return row;
}

nlohmann::ordered_json GrantList(const TableExplanation& e, const std::vector<size_t>& indexes) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (size_t i : indexes) out.push_back(ToJson(e.grants[i]));
  return out;
}

}  // namespace

Result<TableExplanation> ExplainTable(const Snapshot& snapshot, const std::string& role, const std::string& database,
                                      const std::string& table) {
  // The access itself comes from Resolve: what is explained is what is enforced.
  auto resolved = snapshot.Resolve(role, database, table);
  if (!resolved.ok()) return resolved.status();
  const TableAccess& access = *resolved;
  const catalog::Table& t = *access.table;

  TableExplanation out;
  out.role = role;
  out.database = t.database;
  out.table = t.name;
  out.row_predicate = RowsToSql(access.row_predicate);

  std::vector<Coverage> coverage;
  std::vector<size_t> contributing;  // indexes into out.grants
  for (const Grant& g : snapshot.grants()) {
    // The grants Resolve combines: SELECT (or ALL) on this table, on all
    // tables of its database, or through an LF-Tag policy its tags match.
    bool covers = g.Covers(t.database, t.name) || snapshot.TagPolicyColumns(g, t.database, t.name).has_value();
    if (g.role != role || !covers || !g.GivesSelect()) continue;
    coverage.push_back(CoverageOf(snapshot, g, t));
    if (coverage.back().explanation.ignored_reason.empty()) contributing.push_back(coverage.size() - 1);
    out.grants.push_back(coverage.back().explanation);
  }

  // An all-rows grant wins; otherwise every grant's row filter is OR-ed in.
  for (size_t i : contributing) {
    if (coverage[i].all_rows) out.rows_granted_by.push_back(i);
  }
  if (out.rows_granted_by.empty()) out.rows_granted_by = contributing;

  size_t next_visible = 0;
  for (size_t c = 0; c < t.columns.size(); c++) {
    ColumnExplanation column;
    column.name = t.columns[c].name;
    column.type = t.columns[c].type;
    for (size_t i : contributing) {
      if (coverage[i].columns[c]) column.granted_by.push_back(i);
    }
    column.visible = next_visible < access.visible_columns.size() && access.visible_columns[next_visible] == c;
    if (column.visible) {
      column.cell_condition = CellsToSql(access.cell_conditions[next_visible]);
      next_visible++;
    }
    // Attribution that disagrees with the enforced access would explain
    // something false: refuse rather than print it.
    if (column.visible == column.granted_by.empty()) {
      return Status::Internal("explain: column " + column.name + " of " + t.QualifiedName() +
                              " is attributed differently from the access Resolve grants role " + role);
    }
    out.columns.push_back(std::move(column));
  }
  return out;
}

std::vector<TableExplanation> ListAccess(const Snapshot& snapshot, const std::string& role) {
  std::vector<TableExplanation> out;
  for (const auto& t : snapshot.tables()) {
    auto explanation = ExplainTable(snapshot, role, t.database, t.name);
    if (explanation.ok()) out.push_back(std::move(explanation).value());
  }
  std::sort(out.begin(), out.end(), [](const TableExplanation& a, const TableExplanation& b) {
    return std::tie(a.database, a.table) < std::tie(b.database, b.table);
  });
  return out;
}

nlohmann::ordered_json ToJson(const GrantExplanation& grant) {
  nlohmann::ordered_json out;
  out["grant_id"] = grant.grant_id;
  out["kind"] = GrantKindName(grant.kind);
  if (grant.kind == GrantExplanation::Kind::kDataCellsFilter) out["filter"] = grant.filter;
  if (grant.kind == GrantExplanation::Kind::kLfTagPolicy) out["expression"] = grant.expression;
  out["permissions"] = grant.permissions;
  out["grantable"] = grant.grantable;
  out["columns"] = grant.columns;
  out["row_filter"] = grant.row_filter;
  if (grant.kind == GrantExplanation::Kind::kLfTagPolicy) out["effective_permissions"] = grant.effective;
  if (!grant.ignored_reason.empty()) out["ignored"] = grant.ignored_reason;
  return out;
}

nlohmann::ordered_json ToJson(const TableExplanation& explanation, const ColumnExplanation& column) {
  nlohmann::ordered_json out;
  out["name"] = column.name;
  if (!column.visible) {
    out["visible"] = false;
    return out;
  }
  out["type"] = column.type;
  out["visible"] = true;
  out["cell_condition"] = column.cell_condition;
  out["granted_by"] = GrantList(explanation, column.granted_by);
  return out;
}

nlohmann::ordered_json ToJson(const TableExplanation& explanation) {
  nlohmann::ordered_json out;
  out["role"] = explanation.role;
  out["table"] = explanation.QualifiedName();
  out["row_predicate"] = explanation.row_predicate;
  out["rows_granted_by"] = GrantList(explanation, explanation.rows_granted_by);
  out["columns"] = nlohmann::ordered_json::array();
  for (const auto& c : explanation.columns) out["columns"].push_back(ToJson(explanation, c));
  out["grants"] = nlohmann::ordered_json::array();
  for (const auto& g : explanation.grants) out["grants"].push_back(ToJson(g));
  return out;
}

std::string ToText(const TableExplanation& explanation) {
  const TableExplanation& e = explanation;
  std::ostringstream out;
  out << e.QualifiedName() << " as role " << e.role << "\n";
  out << "  rows:     " << e.row_predicate << "   " << Labels(e, e.rows_granted_by) << "\n";
  out << "  columns:\n";
  std::vector<std::vector<std::string>> rows;
  std::string hidden;
  for (const auto& c : e.columns) {
    if (c.visible) {
      rows.push_back({c.name, c.type, c.cell_condition, Labels(e, c.granted_by)});
    } else {
      hidden += (hidden.empty() ? "" : ", ") + c.name;
    }
  }
  for (const auto& line : Align(rows, "   ")) out << "    " << line << "\n";
  out << "  hidden:   " << (hidden.empty() ? "(none)" : hidden) << "\n";
  out << "  grants:\n";
  rows.clear();
  for (const auto& g : e.grants) rows.push_back(GrantRow(g));
  for (const auto& line : Align(rows, "   ")) out << "    " << line << "\n";
  return out.str();
}

std::string ToText(const TableExplanation& explanation, const ColumnExplanation& column) {
  const TableExplanation& e = explanation;
  std::ostringstream out;
  out << e.QualifiedName() << "." << column.name << " as role " << e.role << "\n";
  if (!column.visible) {
    out << "  visible:  no (no grant of the role includes it)\n";
    return out.str();
  }
  out << "  type:     " << column.type << "\n";
  out << "  rows:     " << e.row_predicate << "   " << Labels(e, e.rows_granted_by) << "\n";
  out << "  cells:    " << column.cell_condition << "\n";
  out << "  granted by:\n";
  std::vector<std::vector<std::string>> rows;
  for (size_t i : column.granted_by) rows.push_back(GrantRow(e.grants[i]));
  for (const auto& line : Align(rows, "   ")) out << "    " << line << "\n";
  return out.str();
}

nlohmann::ordered_json ListToJson(const std::string& role, const std::vector<TableExplanation>& tables) {
  nlohmann::ordered_json out;
  out["role"] = role;
  out["tables"] = nlohmann::ordered_json::array();
  for (const auto& t : tables) out["tables"].push_back(ToJson(t));
  return out;
}

std::string ListToText(const std::string& role, const std::vector<TableExplanation>& tables) {
  std::ostringstream out;
  if (tables.empty()) {
    out << "role " << role << " can read no tables\n";
    return out.str();
  }
  out << "role " << role << " can read " << tables.size() << (tables.size() == 1 ? " table" : " tables") << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : tables) {
    size_t visible = 0;
    std::string conditional;
    for (const auto& c : t.columns) {
      if (!c.visible) continue;
      visible++;
      if (c.cell_condition != kAlways) conditional += (conditional.empty() ? "" : ", ") + c.name;
    }
    std::vector<std::string> row = {t.QualifiedName(),
                                    std::to_string(visible) + " of " + std::to_string(t.columns.size()) + " columns",
                                    "rows " + t.row_predicate};
    if (!conditional.empty()) row.push_back("conditional cells: " + conditional);
    rows.push_back(std::move(row));
  }
  for (const auto& line : Align(rows, "   ")) out << "  " << line << "\n";
  return out.str();
}

}  // namespace weir::access
