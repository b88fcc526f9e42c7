#include "access/snapshot.h"

#include <algorithm>
#include <set>

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
      grants_(state.grants) {
  for (size_t i = 0; i < tables_.size(); i++) {
    table_index_[tables_[i].QualifiedName()] = i;
  }
  for (size_t i = 0; i < grants_.size(); i++) {
    const Grant& g = grants_[i];
    grants_by_role_[g.role][g.database + "." + g.table].push_back(i);
  }
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
  // Several grants union: a column is visible when any grant covers it.
  std::vector<bool> visible(t->columns.size(), false);
  for (size_t gi : grant_it->second) {
    const Grant& g = grants_[gi];
    for (size_t c = 0; c < t->columns.size(); c++) {
      const std::string& name = t->columns[c].name;
      bool listed = std::find(g.columns.begin(), g.columns.end(), name) != g.columns.end();
      switch (g.scope) {
        case ColumnScope::kAll:
          visible[c] = true;
          break;
        case ColumnScope::kInclude:
          visible[c] = visible[c] || listed;
          break;
        case ColumnScope::kExclude:
          visible[c] = visible[c] || !listed;
          break;
      }
    }
  }
  TableAccess access;
  access.table = t;
  for (size_t c = 0; c < visible.size(); c++) {
    if (visible[c]) access.visible_columns.push_back(c);
  }
  if (access.visible_columns.empty()) {
    return Status::PermissionDenied(TableDeniedMessage(database, table));
  }
  return access;
}

std::vector<std::string> Snapshot::VisibleDatabases(const std::string& role) const {
  std::set<std::string> result;
  auto role_it = grants_by_role_.find(role);
  if (role_it != grants_by_role_.end()) {
    for (const auto& [qualified, unused] : role_it->second) {
      result.insert(qualified.substr(0, qualified.find('.')));
    }
  }
  return {result.begin(), result.end()};
}

bool Snapshot::DatabaseVisible(const std::string& role, const std::string& database) const {
  auto dbs = VisibleDatabases(role);
  return std::find(dbs.begin(), dbs.end(), database) != dbs.end();
}

std::vector<std::string> Snapshot::VisibleTables(const std::string& role, const std::string& database) const {
  std::vector<std::string> result;
  auto role_it = grants_by_role_.find(role);
  if (role_it == grants_by_role_.end()) return result;
  for (const auto& [qualified, unused] : role_it->second) {
    auto dot = qualified.find('.');
    if (qualified.substr(0, dot) != database) continue;
    std::string name = qualified.substr(dot + 1);
    if (Resolve(role, database, name).ok()) result.push_back(name);
  }
  return result;
}

}  // namespace weir::access
