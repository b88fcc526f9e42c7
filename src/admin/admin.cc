#include "admin/admin.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "access/row_filter.h"
#include "admin/data_dir.h"
#include "admin/grant_option.h"
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

// Lake Formation's creator permissions: the execution role of a user that
// creates a database or table receives ALL with grant option on it. The
// local administrator is nobody's role, so it receives nothing.
Status GrantToCreator(store::Transaction& txn, const store::MetadataState& state, const Caller& caller,
                      access::ResourceKind kind, const std::string& database, const std::string& table,
                      nlohmann::json& detail) {
  if (caller.local()) return Status::Ok();
  std::string role;
  for (const auto& u : state.users) {
    if (u.name == *caller.user) role = u.execution_role;
  }
  if (role.empty()) return Status::Ok();
  access::Grant g;
  g.role = role;
  g.kind = kind;
  g.database = database;
  g.table = table;
  g.permissions = {access::Permission::kAll};
  g.grantable = {access::Permission::kAll};
  WEIR_RETURN_IF_ERROR(txn.AddGrant(g).status());
  detail[kind == access::ResourceKind::kDatabase ? "creator_database_grant" : "creator_table_grant"] = role;
  return Status::Ok();
}

}  // namespace

Status Admin::Check(const Access& access) {
  if (caller_.local()) return Status::Ok();
  std::unique_ptr<store::Transaction> own;
  store::Transaction* txn = BatchTransaction(dir_);
  if (txn == nullptr) {
    WEIR_ASSIGN_OR_RETURN(own, dir_->store().Begin());
    txn = own.get();
  }
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, txn->Load());
  nlohmann::json detail = nlohmann::json::object();
  return AuthorizeInTransaction(dir_, *txn, state, caller_, InfoOf(access.operation).name, {access}, detail);
}

Status Admin::Batch(const std::function<Status()>& body) {
  if (BatchTransaction(dir_) != nullptr) return body();
  WEIR_ASSIGN_OR_RETURN(auto txn, dir_->store().Begin());
  Status status;
  std::vector<audit::Record> denials;
  {
    BatchScope scope(dir_, txn.get());
    status = body();
    denials = scope.TakeDenials();
  }
  bool committed = false;
  if (status.ok()) {
    status = txn->Commit();
    committed = status.ok();
  }
  txn.reset();  // rolls back unless committed
  if (!denials.empty()) {
    // The batch changed nothing; its denials are still audited.
    WEIR_ASSIGN_OR_RETURN(auto deny, dir_->store().Begin());
    for (auto& record : denials) WEIR_RETURN_IF_ERROR(deny->AppendAudit(record).status());
    WEIR_RETURN_IF_ERROR(deny->Commit());
    committed = true;
  }
  if (committed) {
    WEIR_RETURN_IF_ERROR(dir_->audit().ExportCommitted());
    WEIR_RETURN_IF_ERROR(dir_->Reload());
  }
  return status;
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
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) {
                         WEIR_RETURN_IF_ERROR(txn.CreateDatabase({name, description}));
                         return GrantToCreator(txn, state, caller_, access::ResourceKind::kDatabase, name, "", d);
                       });
}

Status Admin::DeleteDatabase(const std::string& name) {
  return InTransaction(dir_, caller_, "delete_database", {{"database", name}},
                       std::vector<Access>{{Operation::kDeleteDatabase, name}},
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json&) -> Status {
                         for (const auto& t : state.tables) {
                           if (t.database == name) {
                             return Status::FailedPrecondition("database " + name + " still holds table " + t.name);
                           }
                         }
                         return txn.DeleteDatabase(name);
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
          WEIR_RETURN_IF_ERROR(GrantToCreator(txn, state, caller_, access::ResourceKind::kDatabase, database, "", d));
        }
        WEIR_RETURN_IF_ERROR(txn.CreateTable(result));
        return GrantToCreator(txn, state, caller_, access::ResourceKind::kTable, database, table, d);
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
  return Grant(access::Grant{0, role, database, table, scope, std::move(columns), filter});
}

Status Admin::Revoke(const std::string& role, const std::string& database, const std::string& table,
                     access::ColumnScope scope, std::vector<std::string> columns, const std::string& filter) {
  return Revoke(access::Grant{0, role, database, table, scope, std::move(columns), filter});
}

namespace {

using access::Permission;
using access::PermissionSet;
using LfResource = access::ResourceKind;

nlohmann::json RequestDetail(const access::Grant& g) {
  nlohmann::json detail = {{"role", g.role},
                           {"resource", access::ResourceKindName(g.Resource())},
                           {"permissions", access::ToString(g.permissions)}};
  if (!g.grantable.empty()) detail["grantable"] = access::ToString(g.grantable);
  if (access::IsTagKind(g.kind)) {
    detail["expression"] = access::ToString(g.expression);
    return detail;
  }
  if (g.kind != LfResource::kCatalog) detail["database"] = g.database;
  if (g.kind == LfResource::kTable) {
    detail["table"] = g.database + "." + g.table;
    detail["columns"] = access::ColumnScopeName(g.scope);
    detail["column_list"] = g.columns;
    if (!g.filter.empty()) detail["filter"] = g.filter;
  }
  return detail;
}

// The IAM side of a grant or revoke: a table's ARN, the database's for
// database and all-tables grants, the catalog's for catalog and LF-Tag grants.
Access GrantAccess(Operation operation, const access::Grant& g) {
  switch (g.kind) {
    case LfResource::kCatalog:
    case LfResource::kLfTag:
    case LfResource::kLfTagPolicyDatabase:
    case LfResource::kLfTagPolicyTable:
      return {operation, "", ""};
    case LfResource::kDatabase:
    case LfResource::kTableWildcard:
      return {operation, g.database, ""};
    default:
      return {operation, g.database, g.table};
  }
}

// Normalizes the expression of an LF-Tag request (lower-cased, sorted); a
// grant on an LF-Tag names one key and, optionally, some of its values.
Status NormalizeTagRequest(access::Grant* g) {
  if (!access::IsTagKind(g->kind)) return Status::Ok();
  g->database.clear();
  g->table.clear();
  if (g->kind != LfResource::kLfTag) return access::NormalizeTagExpression(&g->expression);
  if (g->expression.size() != 1) return Status::InvalidArgument("a grant on an LF-Tag names exactly one key");
  WEIR_ASSIGN_OR_RETURN(g->expression[0].key, access::NormalizeTagKey(g->expression[0].key));
  WEIR_ASSIGN_OR_RETURN(g->expression[0].values, access::NormalizeTagValues(g->expression[0].values, true));
  return Status::Ok();
}

// Checks the shape of a request's resource and normalizes its column list.
Status CheckResource(const store::MetadataState& state, access::Grant* g) {
  if (!HasRole(state, g->role)) return Status::NotFound("role " + g->role + " does not exist");
  switch (g->kind) {
    case LfResource::kCatalog:
      g->database.clear();
      g->table.clear();
      break;
    case LfResource::kDatabase:
    case LfResource::kTableWildcard:
      if (!HasDatabase(state, g->database)) return Status::NotFound("database " + g->database + " does not exist");
      g->table.clear();
      break;
    case LfResource::kTable: {
      const catalog::Table* t = FindTable(state, g->database, g->table);
      if (t == nullptr) return Status::NotFound("table " + g->database + "." + g->table + " does not exist");
      if (!g->filter.empty()) {
        if (g->scope != access::ColumnScope::kAll || !g->columns.empty()) {
          return Status::InvalidArgument("a grant through a data filter takes its columns from the filter");
        }
        bool found = std::any_of(state.filters.begin(), state.filters.end(), [&](const access::DataFilter& f) {
          return f.database == g->database && f.table == g->table && f.name == g->filter;
        });
        if (!found) {
          return Status::NotFound("data filter " + g->filter + " does not exist on " + g->database + "." + g->table);
        }
      }
      return CheckColumns(*t, &g->columns, g->scope);
    }
    case LfResource::kLfTag:
    case LfResource::kLfTagPolicyDatabase:
    case LfResource::kLfTagPolicyTable:
      WEIR_RETURN_IF_ERROR(NormalizeTagRequest(g));
      for (const auto& c : g->expression) {
        const access::LfTag* tag = nullptr;
        for (const auto& t : state.lf_tags) {
          if (t.key == c.key) tag = &t;
        }
        if (tag == nullptr) return Status::NotFound("LF-Tag " + c.key + " does not exist");
        for (const auto& v : c.values) {
          if (!tag->Allows(v)) return Status::NotFound("LF-Tag " + c.key + " has no value " + v);
        }
      }
      break;
    default:
      return Status::NotSupported(std::string("grants on a ") + access::ResourceKindName(g->kind) +
                                  " are not supported yet");
  }
  if (g->scope != access::ColumnScope::kAll || !g->columns.empty() || !g->filter.empty()) {
    return Status::InvalidArgument(std::string("a grant on a ") + access::ResourceKindName(g->kind) +
                                   " takes no columns or filter");
  }
  return Status::Ok();
}

// Lake Formation's limit of LF-Tag expressions granted to one principal.
Status CheckTagExpressionLimit(const store::MetadataState& state, const access::Grant& request) {
  if (request.kind != LfResource::kLfTagPolicyDatabase && request.kind != LfResource::kLfTagPolicyTable) {
    return Status::Ok();
  }
  std::set<std::string> expressions;
  for (const auto& g : state.grants) {
    if (g.role == request.role &&
        (g.kind == LfResource::kLfTagPolicyDatabase || g.kind == LfResource::kLfTagPolicyTable)) {
      expressions.insert(access::ToString(g.expression));
    }
  }
  if (expressions.count(access::ToString(request.expression)) > 0 ||
      expressions.size() < access::kMaxTagExpressionsPerRole) {
    return Status::Ok();
  }
  return Status::InvalidArgument("role " + request.role + " already holds " + std::to_string(expressions.size()) +
                                 " LF-Tag expressions, the limit; grant through an existing expression instead");
}

}  // namespace

Status Admin::Grant(const access::Grant& request_in) {
  access::Grant request = request_in;
  return InTransaction(
      dir_, caller_, "grant", RequestDetail(request), std::vector<Access>{GrantAccess(Operation::kGrant, request)},
      [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& detail) -> Status {
        WEIR_RETURN_IF_ERROR(CheckResource(state, &request));
        WEIR_RETURN_IF_ERROR(access::CheckValid(request.permissions, request.Resource()));
        if (!request.permissions.Contains(request.grantable)) {
          return Status::InvalidArgument("grantable permissions " + access::ToString(request.grantable) +
                                         " must be among the granted permissions " +
                                         access::ToString(request.permissions));
        }
        if (!request.grantable.empty() && request.Resource() == LfResource::kTableWithColumns &&
            request.scope == access::ColumnScope::kExclude) {
          return Status::InvalidArgument(
              "SELECT with grant option on a column list needs an include list (--columns), not an exclude list");
        }
        WEIR_RETURN_IF_ERROR(CheckTagExpressionLimit(state, request));
        Status grantor = CheckGrantor(caller_, state, request, "grant");
        if (!grantor.ok()) return Deny(dir_, txn, caller_, state, "grant", detail, grantor);
        detail["column_list"] = request.columns;
        for (const auto& g : state.grants) {
          if (!g.SameAs(request)) continue;
          access::Grant merged = g;
          merged.permissions = g.permissions | request.permissions;
          merged.grantable = g.grantable | request.grantable;
          if (merged.permissions == g.permissions && merged.grantable == g.grantable) {
            detail["unchanged"] = true;
            return Status::Ok();
          }
          WEIR_RETURN_IF_ERROR(txn.RemoveGrant(g.id));
          return txn.AddGrant(merged).status();
        }
        return txn.AddGrant(request).status();
      });
}

Status Admin::Revoke(const access::Grant& request_in) {
  access::Grant request = request_in;
  return InTransaction(
      dir_, caller_, "revoke", RequestDetail(request), std::vector<Access>{GrantAccess(Operation::kRevoke, request)},
      [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& detail) -> Status {
        WEIR_RETURN_IF_ERROR(NormalizeTagRequest(&request));
        if (request.kind == LfResource::kTable) {
          std::sort(request.columns.begin(), request.columns.end());
          request.columns.erase(std::unique(request.columns.begin(), request.columns.end()), request.columns.end());
        }
        PermissionSet named = request.permissions | request.grantable;
        if (named.empty()) return Status::InvalidArgument("no permissions given");
        WEIR_RETURN_IF_ERROR(access::CheckValid(named, request.Resource()));
        Status grantor = CheckGrantor(caller_, state, request, "revoke");
        if (!grantor.ok()) return Deny(dir_, txn, caller_, state, "revoke", detail, grantor);
        bool whole_table = request.Resource() == LfResource::kTable;
        size_t changed = 0;
        for (const auto& g : state.grants) {
          bool target = g.role == request.role &&
                        (g.SameAs(request) || (whole_table && g.kind == LfResource::kTable &&
                                               g.database == request.database && g.table == request.table));
          if (!target) continue;
          access::Grant left = g;
          left.permissions = g.permissions.Minus(request.permissions);
          left.grantable = g.grantable.Minus(named) & left.permissions;
          if (left.permissions == g.permissions && left.grantable == g.grantable) continue;
          WEIR_RETURN_IF_ERROR(txn.RemoveGrant(g.id));
          if (!left.permissions.empty()) WEIR_RETURN_IF_ERROR(txn.AddGrant(left).status());
          changed++;
        }
        if (changed == 0) {
          return Status::NotFound("role " + request.role + " holds no such " + access::ToString(named) + " grant on " +
                                  request.ResourceLabel());
        }
        detail["revoked_grants"] = changed;
        return Status::Ok();
      });
}

namespace {

Status CheckPrincipal(const store::MetadataState& state, const std::string& principal) {
  if (principal.rfind("role/", 0) == 0) {
    if (!HasRole(state, principal.substr(5)))
      return Status::NotFound("role " + principal.substr(5) + " does not exist");
    return Status::Ok();
  }
  if (principal.rfind("user/", 0) == 0) {
    bool found = std::any_of(state.users.begin(), state.users.end(),
                             [&](const iam::User& u) { return u.name == principal.substr(5); });
    if (!found) return Status::NotFound("user " + principal.substr(5) + " does not exist");
    return Status::Ok();
  }
  return Status::InvalidArgument("a data lake administrator is role/NAME or user/NAME, not '" + principal + "'");
}

}  // namespace

Status Admin::AddLakeAdmin(const std::string& principal) {
  return InTransaction(dir_, caller_, "add_lake_admin", {{"principal", principal}},
                       std::vector<Access>{{Operation::kPutDataLakeSettings}},
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& detail) {
                         WEIR_RETURN_IF_ERROR(CheckPrincipal(state, principal));
                         std::vector<std::string> admins = state.lake_admins;
                         if (std::find(admins.begin(), admins.end(), principal) != admins.end()) {
                           detail["unchanged"] = true;
                           return Status::Ok();
                         }
                         admins.push_back(principal);
                         std::sort(admins.begin(), admins.end());
                         return txn.PutLakeAdmins(admins);
                       });
}

Status Admin::RemoveLakeAdmin(const std::string& principal) {
  return InTransaction(dir_, caller_, "remove_lake_admin", {{"principal", principal}},
                       std::vector<Access>{{Operation::kPutDataLakeSettings}},
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& detail) {
                         std::vector<std::string> admins = state.lake_admins;
                         auto removed = std::erase(admins, principal);
                         if (removed == 0) {
                           // Not validated against roles and users: a deleted one may still be listed.
                           if (principal.rfind("role/", 0) != 0 && principal.rfind("user/", 0) != 0) {
                             return CheckPrincipal(state, principal);
                           }
                           detail["unchanged"] = true;
                           return Status::Ok();
                         }
                         return txn.PutLakeAdmins(admins);
                       });
}

Status Admin::PutStack(const std::string& name, const std::string& record) {
  WEIR_RETURN_IF_ERROR(CheckName("stack", name));
  return InTransaction(
      dir_, caller_, "put_stack", {{"stack", name}},
      [&](const store::MetadataState& state) {
        return std::vector<Access>{
            {state.stacks.count(name) ? Operation::kUpdateStack : Operation::kCreateStack, name}};
      },
      [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) {
        return txn.PutStack(name, record);
      });
}

Status Admin::DeleteStack(const std::string& name) {
  return InTransaction(
      dir_, caller_, "delete_stack", {{"stack", name}}, std::vector<Access>{{Operation::kDeleteStack, name}},
      [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) { return txn.DeleteStack(name); });
}

}  // namespace weir::admin
