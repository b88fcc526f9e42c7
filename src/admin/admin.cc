#include "admin/admin.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "access/row_filter.h"
#include "admin/data_dir.h"
#include "admin/transaction.h"
#include "audit/audit_log.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "engine/secure_scan.h"
#include "store/store.h"

namespace weir::admin {

namespace {

bool HasRole(const store::MetadataState& s, const std::string& name) {
  return std::any_of(s.roles.begin(), s.roles.end(), [&](const iam::Role& r) { return r.name == name; });
}
bool HasDatabase(const store::MetadataState& s, const std::string& name) {
  return std::any_of(s.databases.begin(), s.databases.end(),
                     [&](const catalog::Database& d) { return d.name == name; });
}
const catalog::Table* FindTable(const store::MetadataState& s, const std::string& db, const std::string& name) {
  for (const auto& t : s.tables) {
    if (t.database == db && t.name == name) return &t;
  }
  return nullptr;
}

Status CheckColumns(const catalog::Table& table, std::vector<std::string>* columns, access::ColumnScope scope) {
  if (scope == access::ColumnScope::kAll) {
    if (!columns->empty()) return Status::InvalidArgument("a grant on all columns takes no column list");
    return Status::Ok();
  }
  if (columns->empty()) return Status::InvalidArgument("an include or exclude grant needs at least one column");
  for (const auto& c : *columns) {
    bool found = std::any_of(table.columns.begin(), table.columns.end(),
                             [&](const catalog::Column& col) { return col.name == c; });
    if (!found) return Status::InvalidArgument("table " + table.QualifiedName() + " has no column " + c);
  }
  std::sort(columns->begin(), columns->end());
  columns->erase(std::unique(columns->begin(), columns->end()), columns->end());
  return Status::Ok();
}

nlohmann::json GrantDetail(const std::string& role, const std::string& db, const std::string& table,
                           access::ColumnScope scope, const std::vector<std::string>& columns,
                           const std::string& filter) {
  nlohmann::json detail = {{"role", role},
                           {"table", db + "." + table},
                           {"permission", "SELECT"},
                           {"columns", access::ColumnScopeName(scope)},
                           {"column_list", columns}};
  if (!filter.empty()) detail["filter"] = filter;
  return detail;
}

// Reads a table's schema from its files with an unrestricted DuckDB (the
// local administrator's own process; no user SQL reaches it).
Result<std::vector<catalog::Column>> InferColumns(const std::vector<std::string>& files, bool hive,
                                                  catalog::TableFormat format) {
  try {
    duckdb::DuckDB db(nullptr);
    duckdb::Connection connection(db);
    duckdb::vector<duckdb::Value> values;
    for (const auto& f : files) values.emplace_back(f);
    duckdb::named_parameter_map_t named;
    named["hive_partitioning"] = duckdb::Value::BOOLEAN(hive);
    const char* reader = "read_parquet";
    if (format == catalog::TableFormat::kCsv) {
      reader = "read_csv";
      named["header"] = duckdb::Value::BOOLEAN(true);
    }
    auto relation =
        connection.TableFunction(reader, {duckdb::Value::LIST(duckdb::LogicalType::VARCHAR, std::move(values))}, named);
    std::vector<catalog::Column> columns;
    for (const auto& def : relation->Columns()) {
      columns.push_back({def.Name(), def.Type().ToString(), false});
    }
    return columns;
  } catch (...) {
    return engine::StatusFromCurrentException();
  }
}

}  // namespace

Status Admin::Check(const Access& access) {
  if (caller_.local()) return Status::Ok();
  WEIR_ASSIGN_OR_RETURN(auto txn, dir_->store().Begin());
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, txn->Load());
  nlohmann::json detail = nlohmann::json::object();
  return AuthorizeInTransaction(dir_, *txn, state, caller_, InfoOf(access.operation).name, {access}, detail);
}

Status Admin::CreateRole(const std::string& name, const std::string& description) {
  WEIR_RETURN_IF_ERROR(CheckName("role", name));
  return InTransaction(dir_, caller_, "create_role", {{"role", name}},
                       std::vector<Access>{{Operation::kCreateRole, name}},
                       [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) {
                         return txn.CreateRole({name, description});
                       });
}

Status Admin::DeleteRole(const std::string& name) {
  if (name == iam::kClusterRoleName) {
    return Status::FailedPrecondition("the cluster role " + name + " belongs to the data directory");
  }
  return InTransaction(
      dir_, caller_, "delete_role", {{"role", name}}, std::vector<Access>{{Operation::kDeleteRole, name}},
      [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) { return txn.DeleteRole(name); });
}

Status Admin::CreateDatabase(const std::string& name, const std::string& description) {
  WEIR_RETURN_IF_ERROR(CheckName("database", name));
  return InTransaction(dir_, caller_, "create_database", {{"database", name}},
                       std::vector<Access>{{Operation::kCreateDatabase, name}},
                       [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) {
                         return txn.CreateDatabase({name, description});
                       });
}

Result<catalog::Table> Admin::RegisterTable(const std::string& database, const std::string& table,
                                            const std::string& location, catalog::TableFormat format,
                                            bool create_database) {
  WEIR_RETURN_IF_ERROR(CheckName("database", database));
  WEIR_RETURN_IF_ERROR(CheckName("table", table));
  std::filesystem::path loc(location);
  if (location.empty() || loc.is_absolute() ||
      std::any_of(loc.begin(), loc.end(), [](const std::filesystem::path& p) { return p == ".."; })) {
    return Status::InvalidArgument("table location must be a relative path under the lake root, without '..': " +
                                   location);
  }
  WEIR_ASSIGN_OR_RETURN(engine::ListedFiles listed, engine::ListTableFiles(dir_->lake_root(), location, format));
  if (listed.files.empty()) {
    return Status::InvalidArgument("no " + std::string(catalog::FormatName(format)) + " files under " +
                                   dir_->lake_root() + "/" + location);
  }
  WEIR_ASSIGN_OR_RETURN(auto columns, InferColumns(listed.files, listed.hive_partitioned, format));
  // Partition keys are the `key=` folder names between the location and the files.
  std::set<std::string> partition_keys;
  std::string root = std::filesystem::weakly_canonical(std::filesystem::path(dir_->lake_root()) / location).string();
  for (const auto& f : listed.files) {
    auto rel = std::filesystem::path(f).lexically_relative(root).parent_path();
    for (const auto& part : rel) {
      auto text = part.string();
      auto eq = text.find('=');
      if (eq != std::string::npos) partition_keys.insert(text.substr(0, eq));
    }
  }
  for (auto& c : columns) c.partition = partition_keys.count(c.name) > 0;

  catalog::Table result{database, table, loc.lexically_normal().string(), format, columns};
  while (!result.location.empty() && result.location.back() == '/') result.location.pop_back();
  nlohmann::json detail = {{"table", result.QualifiedName()},
                           {"location", result.location},
                           {"format", catalog::FormatName(format)},
                           {"columns", columns.size()}};
  WEIR_RETURN_IF_ERROR(InTransaction(
      dir_, caller_, "register_table", detail,
      [&](const store::MetadataState& state) {
        std::vector<Access> needed{{Operation::kRegisterTable, database, table}};
        if (create_database && !HasDatabase(state, database)) {
          needed.push_back({Operation::kCreateDatabase, database});
        }
        return needed;
      },
      [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) -> Status {
        if (!HasDatabase(state, database)) {
          if (!create_database) return Status::NotFound("database " + database + " does not exist");
          WEIR_RETURN_IF_ERROR(txn.CreateDatabase({database, ""}));
          d["created_database"] = true;
        }
        return txn.CreateTable(result);
      }));
  return result;
}

Status Admin::DropTable(const std::string& database, const std::string& table) {
  return InTransaction(dir_, caller_, "drop_table", {{"table", database + "." + table}},
                       std::vector<Access>{{Operation::kDropTable, database, table}},
                       [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) {
                         return txn.DeleteTable(database, table);
                       });
}

Status Admin::CreateFilter(const std::string& database, const std::string& table, const std::string& name,
                           const std::string& row_filter, access::ColumnScope scope, std::vector<std::string> columns) {
  WEIR_RETURN_IF_ERROR(CheckName("data filter", name));
  nlohmann::json detail = {{"table", database + "." + table}, {"filter", name}};
  return InTransaction(dir_, caller_, "create_data_filter", detail,
                       std::vector<Access>{{Operation::kCreateFilter, database, table}},
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) -> Status {
                         const catalog::Table* t = FindTable(state, database, table);
                         if (t == nullptr)
                           return Status::NotFound("table " + database + "." + table + " does not exist");
                         WEIR_RETURN_IF_ERROR(CheckColumns(*t, &columns, scope));
                         access::DataFilter filter{database, table, name, "", scope, columns};
                         if (!row_filter.empty()) {
                           WEIR_ASSIGN_OR_RETURN(access::FilterExpr expr, access::ParseRowFilter(row_filter));
                           WEIR_RETURN_IF_ERROR(access::ValidateRowFilter(&expr, *t));
                           filter.row_filter = access::RowFilterToSql(expr);
                         }
                         d["row_filter"] = filter.row_filter.empty() ? "all rows" : filter.row_filter;
                         d["columns"] = access::ColumnScopeName(scope);
                         d["column_list"] = columns;
                         return txn.CreateFilter(filter);
                       });
}

Status Admin::DeleteFilter(const std::string& database, const std::string& table, const std::string& name) {
  return InTransaction(dir_, caller_, "delete_data_filter", {{"table", database + "." + table}, {"filter", name}},
                       std::vector<Access>{{Operation::kDeleteFilter, database, table}},
                       [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) {
                         return txn.DeleteFilter(database, table, name);
                       });
}

Status Admin::Grant(const std::string& role, const std::string& database, const std::string& table,
                    access::ColumnScope scope, std::vector<std::string> columns, const std::string& filter) {
  return InTransaction(
      dir_, caller_, "grant", GrantDetail(role, database, table, scope, columns, filter),
      std::vector<Access>{{Operation::kGrant, database, table}},
      [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& detail) -> Status {
        if (!HasRole(state, role)) return Status::NotFound("role " + role + " does not exist");
        const catalog::Table* t = FindTable(state, database, table);
        if (t == nullptr) return Status::NotFound("table " + database + "." + table + " does not exist");
        if (!filter.empty()) {
          if (scope != access::ColumnScope::kAll || !columns.empty()) {
            return Status::InvalidArgument("a grant through a data filter takes its columns from the filter");
          }
          bool found = std::any_of(state.filters.begin(), state.filters.end(), [&](const access::DataFilter& f) {
            return f.database == database && f.table == table && f.name == filter;
          });
          if (!found) {
            return Status::NotFound("data filter " + filter + " does not exist on " + database + "." + table);
          }
        }
        WEIR_RETURN_IF_ERROR(CheckColumns(*t, &columns, scope));
        detail["column_list"] = columns;
        access::Grant grant{0, role, database, table, scope, columns, filter};
        for (const auto& g : state.grants) {
          if (g.SameAs(grant)) {
            detail["unchanged"] = true;
            return Status::Ok();
          }
        }
        return txn.AddGrant(grant).status();
      });
}

Status Admin::Revoke(const std::string& role, const std::string& database, const std::string& table,
                     access::ColumnScope scope, std::vector<std::string> columns, const std::string& filter) {
  return InTransaction(
      dir_, caller_, "revoke", GrantDetail(role, database, table, scope, columns, filter),
      std::vector<Access>{{Operation::kRevoke, database, table}},
      [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& detail) -> Status {
        std::sort(columns.begin(), columns.end());
        columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
        access::Grant wanted{0, role, database, table, scope, columns, filter};
        bool everything = scope == access::ColumnScope::kAll && columns.empty() && filter.empty();
        std::vector<int64_t> ids;
        for (const auto& g : state.grants) {
          bool same_table = g.role == role && g.database == database && g.table == table;
          if (same_table && (g.SameAs(wanted) || everything)) ids.push_back(g.id);
        }
        if (ids.empty()) {
          return Status::NotFound("role " + role + " holds no such SELECT grant on " + database + "." + table);
        }
        for (int64_t id : ids) WEIR_RETURN_IF_ERROR(txn.RemoveGrant(id));
        detail["revoked_grants"] = ids.size();
        return Status::Ok();
      });
}

}  // namespace weir::admin
