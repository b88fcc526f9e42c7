#include "api/views.h"

#include "access/explain.h"
#include "access/snapshot.h"
#include "iam/assume.h"
#include "store/store.h"

namespace weir::api {

namespace {

View TagsView(const std::vector<access::EffectiveTag>& tags) {
  View out = View::array();
  for (const auto& t : tags) {
    out.push_back({{"key", t.key}, {"value", t.value}, {"source", access::TagLevelName(t.source)}});
  }
  return out;
}

View TableJson(const catalog::Table& t) {
  View columns = View::array();
  for (const auto& c : t.columns) columns.push_back({{"name", c.name}, {"type", c.type}, {"partition", c.partition}});
  return {{"database", t.database},
          {"name", t.name},
          {"location", t.location},
          {"format", catalog::FormatName(t.format)},
          {"columns", columns}};
}

}  // namespace

View RolesView(const store::MetadataState& state) {
  View names = View::array();
  for (const auto& r : state.roles) names.push_back(r.name);
  return {{"roles", names}};
}

Result<View> RoleView(const store::MetadataState& state, const std::string& role) {
  for (const auto& r : state.roles) {
    if (r.name == role) return iam::DescribeRole(r, state.cluster);
  }
  return Status::NotFound("role " + role + " does not exist");
}

View UsersView(const store::MetadataState& state) {
  View users = View::array();
  for (const auto& u : state.users) {
    View keys = View::array();
    for (const auto& k : u.access_keys) keys.push_back(k.id);
    users.push_back({{"name", u.name},
                     {"arn", state.cluster.UserArn(u.name)},
                     {"execution_role", u.execution_role},
                     {"enabled", u.enabled},
                     {"tags", u.tags},
                     {"access_keys", keys}});
  }
  return {{"users", users}};
}

Result<View> UserView(const store::MetadataState& state, const std::string& user) {
  for (const auto& u : state.users) {
    if (u.name != user) continue;
    View keys = View::array();
    for (const auto& k : u.access_keys) keys.push_back({{"id", k.id}, {"active", k.active}});
    return View{{"name", u.name}, {"execution_role", u.execution_role},        {"enabled", u.enabled},
                {"tags", u.tags}, {"has_password", u.password.iterations > 0}, {"access_keys", keys}};
  }
  return Status::NotFound("user " + user + " does not exist");
}

Result<View> UserRolesView(const access::Snapshot& snapshot, const std::string& user) {
  const iam::Directory& directory = snapshot.directory();
  if (directory.FindUser(user) == nullptr) return Status::NotFound("user " + user + " does not exist");
  View roles = View::array();
  for (const auto& r : directory.AssumableRoles(user)) {
    roles.push_back({{"name", r}, {"arn", directory.cluster().RoleArn(r)}});
  }
  return View{{"user", user}, {"roles", roles}};
}

View PoliciesView(const store::MetadataState& state) {
  View out = View::array();
  for (const auto& p : state.policies) {
    out.push_back({{"name", p.name},
                   {"arn", state.cluster.PolicyArn(p.name)},
                   {"description", p.description},
                   {"document", View::parse(p.document, nullptr, false)}});
  }
  return {{"policies", out}};
}

View ClusterView(const store::MetadataState& state) {
  return {{"arn", state.cluster.Arn()},
          {"account", state.cluster.account},
          {"region", state.cluster.region},
          {"name", state.cluster.name},
          {"cluster_role", state.cluster.RoleArn(iam::kClusterRoleName)},
          {"tags", state.cluster.tags}};
}

View CatalogView(const store::MetadataState& state) {
  View dbs = View::array(), tables = View::array();
  for (const auto& d : state.databases) dbs.push_back({{"name", d.name}, {"description", d.description}});
  for (const auto& t : state.tables) tables.push_back(TableJson(t));
  return {{"databases", dbs}, {"tables", tables}};
}

Result<View> TableView(const store::MetadataState& state, const std::string& database, const std::string& table) {
  for (const auto& t : state.tables) {
    if (t.database == database && t.name == table) return TableJson(t);
  }
  return Status::NotFound("table " + database + "." + table + " does not exist");
}

View FiltersView(const store::MetadataState& state) {
  View out = View::array();
  for (const auto& f : state.filters) {
    out.push_back({{"database", f.database},
                   {"table", f.table},
                   {"name", f.name},
                   {"row_filter", f.row_filter},
                   {"scope", access::ColumnScopeName(f.scope)},
                   {"columns", f.columns}});
  }
  return {{"filters", out}};
}

View LakeAdminsView(const store::MetadataState& state) { return {{"lake_admins", state.lake_admins}}; }

View GrantView(const access::Grant& g) {
  return {{"id", g.id},
          {"role", g.role},
          {"resource", g.ResourceLabel()},
          {"database", g.database},
          {"table", g.table},
          {"scope", access::ColumnScopeName(g.scope)},
          {"columns", g.columns},
          {"filter", g.filter},
          {"permissions", access::ToString(g.permissions)},
          {"grantable", access::ToString(g.grantable)}};
}

View GrantsView(const store::MetadataState& state, const std::string& role) {
  View out = View::array();
  for (const auto& g : state.grants) {
    if (role.empty() || g.role == role) out.push_back(GrantView(g));
  }
  return {{"grants", out}};
}

View LfTagsView(const store::MetadataState& state) {
  View out = View::array();
  for (const auto& t : state.lf_tags) out.push_back({{"key", t.key}, {"values", t.values}});
  return {{"tags", out}};
}

Result<View> ResourceTagsView(const access::Snapshot& snapshot, const std::string& database, const std::string& table) {
  if (!snapshot.HasDatabase(database)) return Status::NotFound("database " + database + " does not exist");
  if (table.empty()) return View{{"database", database}, {"tags", TagsView(snapshot.DatabaseTags(database))}};
  const catalog::Table* t = snapshot.FindTable(database, table);
  if (t == nullptr) return Status::NotFound("table " + database + "." + table + " does not exist");
  View columns = View::array();
  for (const auto& c : t->columns) {
    columns.push_back({{"name", c.name}, {"tags", TagsView(snapshot.ColumnTags(database, table, c.name))}});
  }
  return View{
      {"table", t->QualifiedName()}, {"tags", TagsView(snapshot.TableTags(database, table))}, {"columns", columns}};
}

Result<View> ExplainView(const access::Snapshot& snapshot, const std::string& role, const std::string& database,
                         const std::string& table, const std::string& column) {
  const std::string qualified = database + "." + table;
  if (!snapshot.HasRole(role)) return Status::NotFound("role " + role + " does not exist");
  auto explanation = access::ExplainTable(snapshot, role, database, table);
  if (!explanation.ok()) {
    // Whoever may explain sees the whole catalog: say which of the cases
    // Resolve keeps indistinguishable from the role this is.
    if (explanation.status().code() != StatusCode::kPermissionDenied) return explanation.status();
    if (snapshot.FindTable(database, table) == nullptr) {
      return Status::NotFound("table " + qualified + " does not exist");
    }
    return Status::PermissionDenied("role " + role + " cannot read " + qualified +
                                    ": it holds no grant on the table that admits any of its columns");
  }
  if (column.empty()) {
    View out = access::ToJson(*explanation);
    out["text"] = access::ToText(*explanation);
    return out;
  }
  const access::ColumnExplanation* col = explanation->FindColumn(column);
  if (col == nullptr) {
    return Status::UndefinedColumn("column " + column + " of " + qualified + " is not readable by role " + role +
                                   ": the table has no such column");
  }
  return View{{"role", explanation->role},
              {"table", explanation->QualifiedName()},
              {"row_predicate", explanation->row_predicate},
              {"column", access::ToJson(*explanation, *col)},
              {"text", access::ToText(*explanation, *col)}};
}

Result<View> AccessListView(const access::Snapshot& snapshot, const std::string& role) {
  if (!snapshot.HasRole(role)) return Status::NotFound("role " + role + " does not exist");
  auto tables = access::ListAccess(snapshot, role);
  View out = access::ListToJson(role, tables);
  std::string text = access::ListToText(role, tables);
  View grants = View::array();
  for (const auto& g : snapshot.grants()) {
    if (g.role != role) continue;
    grants.push_back({{"grant_id", g.id},
                      {"resource", g.ResourceLabel()},
                      {"permissions", access::ToString(g.permissions)},
                      {"grantable", access::ToString(g.grantable)}});
    if (grants.size() == 1) text += "grants:\n";
    text += "  #" + std::to_string(g.id) + "   " + g.ResourceLabel() + "   " + access::ToString(g.permissions);
    if (!g.grantable.empty()) text += " (grantable " + access::ToString(g.grantable) + ")";
    text += "\n";
  }
  out["grants"] = grants;
  out["text"] = text;
  return out;
}

View CanAssumeView(const access::Snapshot& snapshot, const std::string& user, const std::string& role) {
  iam::AssumeDecision d = snapshot.directory().CanAssume(user, role);
  View matched = View::array();
  for (const auto& m : d.matched) {
    matched.push_back({{"statement", m.statement}, {"effect", m.effect == iam::Effect::kAllow ? "Allow" : "Deny"}});
  }
  return {{"allowed", d.allowed},
          {"check", iam::AssumeCheckName(d.check)},
          {"role_arn", d.role_arn},
          {"message", d.message},
          {"matched", matched}};
}

}  // namespace weir::api
