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
      lake_admins_(state.lake_admins),
      lf_tags_(state.lf_tags),
      tag_assignments_(state.tag_assignments) {
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
  // Effective tags, once per database, table and (where a column has tags
  // of its own) column, so that matching an expression costs O(tags).
  const TagIndex tag_index(tag_assignments_);
  for (const auto& d : databases_) {
    auto tags = tag_index.Effective(d.name);
    if (!tags.empty()) database_tags_[d.name] = std::move(tags);
  }
  std::set<std::string> column_tagged;  // "db.table" of tables with a column tag
  for (const auto& a : tag_assignments_) {
    if (!a.resource.column.empty()) column_tagged.insert(a.resource.database + "." + a.resource.table);
  }
  table_tags_.resize(tables_.size());
  column_tags_.resize(tables_.size());
  for (size_t i = 0; i < tables_.size(); i++) {
    const catalog::Table& t = tables_[i];
    table_tags_[i] = tag_index.Effective(t.database, t.name);
    if (column_tagged.count(t.QualifiedName()) == 0) continue;
    column_tags_[i].reserve(t.columns.size());
    for (const auto& c : t.columns) column_tags_[i].push_back(tag_index.Effective(t.database, t.name, c.name));
  }
  // An all-tables grant expands to the tables its database holds in this
  // snapshot, so a table created after the grant is covered from the next
  // snapshot on. LF-Tag policies on tables are matched when resolving
  // (MatchTagPolicy); policies on databases against the few databases here.
  std::map<std::string, std::vector<std::string>> tables_of;
  for (const auto& t : tables_) tables_of[t.database].push_back(t.QualifiedName());
  for (size_t i = 0; i < grants_.size(); i++) {
    const Grant& g = grants_[i];
    if (g.kind == ResourceKind::kDatabase || g.kind == ResourceKind::kTableWildcard) {
      databases_by_role_[g.role].insert(g.database);
    }
    if (g.kind == ResourceKind::kLfTagPolicyDatabase) {
      for (const auto& [database, tags] : database_tags_) {
        if (Matches(g.expression, tags)) databases_by_role_[g.role].insert(database);
      }
    }
    if (g.kind == ResourceKind::kLfTagPolicyTable) tag_grants_by_role_[g.role].push_back(i);
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

bool Snapshot::MatchTagPolicy(const Grant& grant, size_t index, std::vector<bool>* columns) const {
  if (grant.kind != ResourceKind::kLfTagPolicyTable) return false;
  const catalog::Table& t = tables_[index];
  if (column_tags_[index].empty()) {
    // Every column carries the table's tags: one match decides them all.
    bool match = Matches(grant.expression, table_tags_[index]);
    columns->assign(t.columns.size(), match);
    return match;
  }
  columns->assign(t.columns.size(), false);
  bool any = false;
  for (size_t c = 0; c < t.columns.size(); c++) {
    (*columns)[c] = Matches(grant.expression, column_tags_[index][c]);
    any = any || (*columns)[c];
  }
  return any;
}

bool Snapshot::TaggedForRole(const std::string& role, size_t index) const {
  auto it = tag_grants_by_role_.find(role);
  if (it == tag_grants_by_role_.end()) return false;
  std::vector<bool> columns;
  for (size_t gi : it->second) {
    if (MatchTagPolicy(grants_[gi], index, &columns)) return true;
  }
  return false;
}

std::vector<EffectiveTag> Snapshot::DatabaseTags(const std::string& database) const {
  auto it = database_tags_.find(database);
  return it == database_tags_.end() ? std::vector<EffectiveTag>{} : it->second;
}

std::vector<EffectiveTag> Snapshot::TableTags(const std::string& database, const std::string& table) const {
  auto it = table_index_.find(database + "." + table);
  return it == table_index_.end() ? std::vector<EffectiveTag>{} : table_tags_[it->second];
}

std::vector<EffectiveTag> Snapshot::ColumnTags(const std::string& database, const std::string& table,
                                               const std::string& column) const {
  auto it = table_index_.find(database + "." + table);
  if (it == table_index_.end()) return {};
  const catalog::Table& t = tables_[it->second];
  for (size_t c = 0; c < t.columns.size(); c++) {
    if (t.columns[c].name != column) continue;
    // No column of the table has tags of its own: each carries the table's.
    return column_tags_[it->second].empty() ? table_tags_[it->second] : column_tags_[it->second][c];
  }
  return {};
}

std::optional<std::vector<bool>> Snapshot::TagPolicyColumns(const Grant& grant, const std::string& database,
                                                            const std::string& table) const {
  auto it = table_index_.find(database + "." + table);
  if (it == table_index_.end()) return std::nullopt;
  std::vector<bool> columns;
  if (!MatchTagPolicy(grant, it->second, &columns)) return std::nullopt;
  return columns;
}

const LfTag* Snapshot::FindLfTag(const std::string& key) const {
  auto it = std::lower_bound(lf_tags_.begin(), lf_tags_.end(), key,
                             [](const LfTag& t, const std::string& k) { return t.key < k; });
  return it != lf_tags_.end() && it->key == key ? &*it : nullptr;
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
  auto index = table_index_.find(database + "." + table);
  if (index == table_index_.end()) return Status::PermissionDenied(TableDeniedMessage(database, table));
  const catalog::Table* t = &tables_[index->second];
  static const std::vector<size_t> kNone;
  const std::vector<size_t>* named = &kNone;
  auto role_it = grants_by_role_.find(role);
  if (role_it != grants_by_role_.end()) {
    auto grant_it = role_it->second.find(index->first);
    if (grant_it != role_it->second.end()) named = &grant_it->second;
  }
  auto tagged = tag_grants_by_role_.find(role);
  if (named->empty() && tagged == tag_grants_by_role_.end()) {
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
  for (size_t gi : *named) {
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
  if (tagged != tag_grants_by_role_.end()) {
    // LF-Tag policies: all rows, the columns whose tags match.
    for (size_t gi : tagged->second) {
      const Grant& g = grants_[gi];
      Part part{&kAllRows, {}};
      if (!g.GivesSelect() || !MatchTagPolicy(g, index->second, &part.columns)) continue;
      access.sources.push_back("tags " + ToString(g.expression));
      parts.push_back(std::move(part));
    }
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
  // A table an LF-Tag policy covers is visible (readable or described), and so its database.
  if (tag_grants_by_role_.count(role) > 0) {
    for (size_t i = 0; i < tables_.size(); i++) {
      if (result.count(tables_[i].database) == 0 && TaggedForRole(role, i)) result.insert(tables_[i].database);
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
  for (size_t i = 0; i < tables_.size(); i++) {
    const catalog::Table& t = tables_[i];
    if (t.database != database) continue;
    if (admin || (described != described_by_role_.end() && described->second.count(t.QualifiedName()) > 0) ||
        TaggedForRole(role, i)) {
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
