#include "access/snapshot.h"

#include <algorithm>
#include <set>

#include "iam/assume.h"
#include "iam/scram.h"
#include "store/store.h"

namespace weir::access {

bool TableAccess::ColumnVisible(size_t index) const {
  return std::binary_search(visible_columns.begin(), visible_columns.end(), index);
}

Snapshot::Snapshot(const store::MetadataState& state)
    : version_(state.version),
      roles_(state.roles),
      databases_(state.databases),
      tables_(state.tables),
      grants_(state.grants),
      filters_(state.filters),
      lake_admins_(state.lake_admins) {
  directory_ = std::make_shared<const iam::Directory>(state);
  auto key = state.secrets.find("sts_key");
  if (key != state.secrets.end() && !iam::Base64Decode(key->second, &session_key_)) session_key_.clear();
  for (const auto& f : filters_) {
    std::string key = f.database + "." + f.table + "." + f.name;
    filter_index_[key] = &f;
    if (f.row_filter.empty()) {
      filter_rows_[key] = std::nullopt;
      continue;
    }
    // A stored filter that no longer parses (a corrupted store) is left out:
    // a grant on it then admits nothing (fail closed).
    auto parsed = ParseRowFilter(f.row_filter);
    if (parsed.ok()) filter_rows_[key] = std::move(parsed).value();
  }
  for (size_t i = 0; i < tables_.size(); i++) {
    table_index_[tables_[i].QualifiedName()] = i;
  }
  // An all-tables grant expands to the tables its database holds in this
  // snapshot, so a table created after the grant is covered from the next
  // snapshot on.
  std::map<std::string, std::vector<std::string>> tables_of;
  for (const auto& t : tables_) tables_of[t.database].push_back(t.QualifiedName());
  for (size_t i = 0; i < grants_.size(); i++) {
    const Grant& g = grants_[i];
    if (g.kind == ResourceKind::kDatabase || g.kind == ResourceKind::kTableWildcard) {
      databases_by_role_[g.role].insert(g.database);
    }
    std::vector<std::string> covered;
    if (g.kind == ResourceKind::kTable) {
      covered.push_back(g.database + "." + g.table);
    } else if (g.kind == ResourceKind::kTableWildcard) {
      auto it = tables_of.find(g.database);
      if (it != tables_of.end()) covered = it->second;
    }
    bool describes = !g.permissions.Minus(PermissionSet{Permission::kSelect}).empty();
    for (const auto& qualified : covered) {
      if (g.GivesSelect()) grants_by_role_[g.role][qualified].push_back(i);
      // A grant on a data cells filter describes the filter, not the table.
      if (describes && g.Resource() != ResourceKind::kDataCellsFilter) described_by_role_[g.role].insert(qualified);
    }
  }
}

bool Snapshot::IsLakeAdmin(const std::string& principal) const {
  return std::binary_search(lake_admins_.begin(), lake_admins_.end(), principal);
}

bool Snapshot::HasRole(const std::string& role) const {
  return std::any_of(roles_.begin(), roles_.end(), [&](const iam::Role& r) { return r.name == role; });
}

bool Snapshot::HasDatabase(const std::string& database) const {
  return std::any_of(databases_.begin(), databases_.end(),
                     [&](const catalog::Database& d) { return d.name == database; });
}

const catalog::Table* Snapshot::FindTable(const std::string& database, const std::string& table) const {
  auto it = table_index_.find(database + "." + table);
  return it == table_index_.end() ? nullptr : &tables_[it->second];
}

std::string Snapshot::TableDeniedMessage(const std::string& database, const std::string& table) {
  return "permission denied for table " + database + "." + table + ", or it does not exist";
}

namespace {

// The OR of `parts` (nullopt when any part is nullopt: all rows).
std::optional<FilterExpr> AnyOf(const std::vector<const std::optional<FilterExpr>*>& parts) {
  std::vector<FilterExpr> children;
  for (const auto* p : parts) {
    if (!p->has_value()) return std::nullopt;
    if (std::find(children.begin(), children.end(), **p) == children.end()) children.push_back(**p);
  }
  if (children.size() == 1) return children[0];
  FilterExpr any;
  any.kind = FilterExpr::Kind::kOr;
  any.children = std::move(children);
  return any;
}

}  // namespace

Result<TableAccess> Snapshot::Resolve(const std::string& role, const std::string& database,
                                      const std::string& table) const {
  const catalog::Table* t = FindTable(database, table);
  auto role_it = grants_by_role_.find(role);
  if (t == nullptr || role_it == grants_by_role_.end()) {
    return Status::PermissionDenied(TableDeniedMessage(database, table));
  }
  auto grant_it = role_it->second.find(t->QualifiedName());
  if (grant_it == role_it->second.end()) {
    return Status::PermissionDenied(TableDeniedMessage(database, table));
  }
  // One part per grant: the rows it covers and the columns it includes.
  struct Part {
    const std::optional<FilterExpr>* rows;
    std::vector<bool> columns;
  };
  static const std::optional<FilterExpr> kAllRows;
  std::vector<Part> parts;
  TableAccess access;
  access.table = t;
  for (size_t gi : grant_it->second) {
    const Grant& g = grants_[gi];
    ColumnScope scope = g.scope;
    const std::vector<std::string>* listed = &g.columns;
    const std::optional<FilterExpr>* rows = &kAllRows;
    if (!g.filter.empty()) {
      std::string key = t->QualifiedName() + "." + g.filter;
      auto f = filter_index_.find(key);
      auto parsed = filter_rows_.find(key);
      if (f == filter_index_.end() || parsed == filter_rows_.end()) continue;
      scope = f->second->scope;
      listed = &f->second->columns;
      rows = &parsed->second;
      access.sources.push_back("filter " + g.filter);
    } else if (g.kind == ResourceKind::kTableWildcard) {
      access.sources.push_back("all tables");
    } else {
      access.sources.push_back(scope == ColumnScope::kAll ? "table" : std::string(ColumnScopeName(scope)) + " columns");
    }
    Part part{rows, std::vector<bool>(t->columns.size(), false)};
    for (size_t c = 0; c < t->columns.size(); c++) {
      bool in_list = std::find(listed->begin(), listed->end(), t->columns[c].name) != listed->end();
      part.columns[c] = scope == ColumnScope::kAll || (scope == ColumnScope::kInclude ? in_list : !in_list);
    }
    parts.push_back(std::move(part));
  }
  std::vector<const std::optional<FilterExpr>*> all_rows;
  for (const auto& p : parts) all_rows.push_back(p.rows);
  for (size_t c = 0; c < t->columns.size(); c++) {
    std::vector<const std::optional<FilterExpr>*> covering;
    for (const auto& p : parts) {
      if (p.columns[c]) covering.push_back(p.rows);
    }
    if (covering.empty()) continue;
    access.visible_columns.push_back(c);
    // Covered by every grant: the row predicate already says it all.
    access.cell_conditions.push_back(covering.size() == parts.size() ? std::nullopt : AnyOf(covering));
  }
  if (access.visible_columns.empty()) {
    return Status::PermissionDenied(TableDeniedMessage(database, table));
  }
  access.row_predicate = AnyOf(all_rows);
  return access;
}

std::vector<std::string> Snapshot::VisibleDatabases(const std::string& role) const {
  std::set<std::string> result;
  if (IsLakeAdmin("role/" + role)) {
    for (const auto& d : databases_) result.insert(d.name);
    return {result.begin(), result.end()};
  }
  auto granted = databases_by_role_.find(role);
  if (granted != databases_by_role_.end()) {
    for (const auto& d : granted->second) {
      if (HasDatabase(d)) result.insert(d);
    }
  }
  auto described = described_by_role_.find(role);
  if (described != described_by_role_.end()) {
    for (const auto& qualified : described->second) {
      auto dot = qualified.find('.');
      if (FindTable(qualified.substr(0, dot), qualified.substr(dot + 1)) != nullptr) {
        result.insert(qualified.substr(0, dot));
      }
    }
  }
  auto role_it = grants_by_role_.find(role);
  if (role_it != grants_by_role_.end()) {
    for (const auto& [qualified, unused] : role_it->second) {
      auto dot = qualified.find('.');
      std::string database = qualified.substr(0, dot);
      if (result.count(database) == 0 && Resolve(role, database, qualified.substr(dot + 1)).ok()) {
        result.insert(database);
      }
    }
  }
  return {result.begin(), result.end()};
}

bool Snapshot::DatabaseVisible(const std::string& role, const std::string& database) const {
  auto dbs = VisibleDatabases(role);
  return std::find(dbs.begin(), dbs.end(), database) != dbs.end();
}

std::vector<std::string> Snapshot::VisibleTables(const std::string& role, const std::string& database) const {
  std::set<std::string> result;
  bool admin = IsLakeAdmin("role/" + role);
  auto described = described_by_role_.find(role);
  for (const auto& t : tables_) {
    if (t.database != database) continue;
    if (admin || (described != described_by_role_.end() && described->second.count(t.QualifiedName()) > 0)) {
      result.insert(t.name);
    }
  }
  auto role_it = grants_by_role_.find(role);
  if (role_it != grants_by_role_.end()) {
    for (const auto& [qualified, unused] : role_it->second) {
      auto dot = qualified.find('.');
      if (qualified.substr(0, dot) != database) continue;
      std::string name = qualified.substr(dot + 1);
      if (Resolve(role, database, name).ok()) result.insert(name);
    }
  }
  return {result.begin(), result.end()};
}

}  // namespace weir::access
