#include "api/admin_api.h"

#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "access/snapshot.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "api/views.h"
#include "audit/audit_log.h"
#include "audit/trail.h"
#include "iam/assume.h"
#include "iam/session_credentials.h"
#include "stack/plan.h"
#include "stack/stack.h"
#include "store/store.h"

namespace weir::api {

namespace {

using Json = nlohmann::ordered_json;

// One request, authenticated.
struct Call {
  const http::Request& request;
  std::map<std::string, std::string> params;  // from the route's {placeholders}
  Json body;                                  // the JSON body (an object; {} when empty)
  admin::DataDir& dir;
  admin::Admin& admin;

  const std::string& Param(const std::string& name) const { return params.at(name); }

  Result<std::string> Str(const char* key) const {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string()) {
      return Status::InvalidArgument(std::string("the body needs a string field \"") + key + "\"");
    }
    return it->get<std::string>();
  }
  Result<std::string> OptStr(const char* key) const {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::string();
    if (!it->is_string()) return Status::InvalidArgument(std::string("field \"") + key + "\" must be a string");
    return it->get<std::string>();
  }
  // A policy document: a JSON object (or a string holding one), as JSON text.
  Result<std::string> Document(const char* key) const {
    auto it = body.find(key);
    if (it == body.end()) return Status::InvalidArgument(std::string("the body needs a \"") + key + "\" document");
    if (it->is_string()) return it->get<std::string>();
    if (!it->is_object()) return Status::InvalidArgument(std::string("field \"") + key + "\" must be a JSON object");
    return it->dump();
  }
  Result<iam::Tags> Tags(const char* key) const {
    iam::Tags out;
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return out;
    if (!it->is_object()) return Status::InvalidArgument(std::string("field \"") + key + "\" must be an object");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) return Status::InvalidArgument("tag " + k + " must have a string value");
      out[k] = v.get<std::string>();
    }
    return out;
  }
  // {KEY: VALUE}, or [{"key", "value"}] when order and repeats matter.
  Result<std::vector<std::pair<std::string, std::string>>> TagPairs(const char* key) const {
    auto it = body.find(key);
    if (it == body.end() || !it->is_array()) {
      WEIR_ASSIGN_OR_RETURN(auto tags, Tags(key));
      return std::vector<std::pair<std::string, std::string>>(tags.begin(), tags.end());
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& v : *it) {
      if (!v.is_object() || !v.contains("key") || !v["key"].is_string() || !v.contains("value") ||
          !v["value"].is_string()) {
        return Status::InvalidArgument(std::string("field \"") + key + "\" must list {\"key\", \"value\"} objects");
      }
      out.emplace_back(v["key"].get<std::string>(), v["value"].get<std::string>());
    }
    return out;
  }
  Result<std::vector<std::string>> Strings(const char* key) const {
    std::vector<std::string> out;
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return out;
    if (!it->is_array()) return Status::InvalidArgument(std::string("field \"") + key + "\" must be a list");
    for (const auto& v : *it) {
      if (!v.is_string()) return Status::InvalidArgument(std::string("field \"") + key + "\" must list strings");
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  std::string Query(const char* key) const {
    auto it = request.query.find(key);
    return it == request.query.end() ? "" : it->second;
  }
};

using Run = std::function<Result<Json>(Call&)>;

struct Route {
  const char* method;
  const char* pattern;
  const char* summary;
  const char* action;  // the IAM action(s) it needs, for the document
  Run run;
  int success = 200;
};

Json Ok() { return Json{{"ok", true}}; }

Result<store::MetadataState> State(Call& c) { return c.dir.store().Load(); }

Result<access::ColumnScope> Columns(const Json& spec, std::vector<std::string>* columns) {
  columns->clear();
  if (spec.is_null() || (spec.is_string() && spec.get<std::string>() == "all")) return access::ColumnScope::kAll;
  if (!spec.is_object() || spec.size() != 1 || !(spec.contains("include") || spec.contains("exclude"))) {
    return Status::InvalidArgument("\"columns\" is \"all\", {\"include\": [...]} or {\"exclude\": [...]}");
  }
  auto scope = spec.contains("include") ? access::ColumnScope::kInclude : access::ColumnScope::kExclude;
  for (const auto& v : spec.begin().value()) {
    if (!v.is_string()) return Status::InvalidArgument("column names are strings");
    columns->push_back(v.get<std::string>());
  }
  return scope;
}

Result<std::pair<std::string, std::string>> SplitTable(const std::string& name) {
  auto dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
    return Status::InvalidArgument("expected DATABASE.TABLE, not '" + name + "'");
  }
  return std::make_pair(name.substr(0, dot), name.substr(dot + 1));
}

// A grant request body: as in a stack file ({principal, permissions,
// grantable, resource}), or in the stored record form (with "kind",
// stack::GrantToJson) the CLI sends, which takes the verb's own checks only.
Result<access::Grant> GrantOf(Call& c) {
  if (!c.body.contains("kind")) return stack::ParseGrant(c.body.dump(), "request body");
  auto grant = stack::GrantFromJson(nlohmann::json::parse(c.body.dump()));
  if (!grant.ok()) return Status::InvalidArgument(grant.status().message());
  return grant;
}

// Stack requests: {"file": NAME, "text": YAML, "env": {VAR: VALUE}}.
Result<Json> StackCall(Call& c, const char* mode) {
  WEIR_ASSIGN_OR_RETURN(std::string text, c.Str("text"));
  WEIR_ASSIGN_OR_RETURN(std::string file, c.OptStr("file"));
  if (file.empty()) file = "stack.yaml";
  std::map<std::string, std::string> env;
  if (auto it = c.body.find("env"); it != c.body.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) env[k] = v.get<std::string>();
    }
  }
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, State(c));
  WEIR_ASSIGN_OR_RETURN(stack::Stack parsed, stack::ParseStack(text, file, stack::SubstitutionsFor(state.cluster)));
  // Generated password files are the client's to write: no folder here.
  parsed.folder.clear();
  auto lookup = [&env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  std::string m = mode;
  WEIR_RETURN_IF_ERROR(c.admin.Check(stack::PlanAccess(parsed.name, m == "destroy", state)));
  Result<stack::Plan> plan =
      m == "destroy" ? stack::PlanDestroy(parsed.name, state) : stack::PlanApply(parsed, state, lookup);
  if (!plan.ok()) return plan.status();
  Json out = plan->ToJson();
  out["text"] = plan->Format();
  if (m != "plan") {
    WEIR_RETURN_IF_ERROR(stack::Apply(c.admin, *plan));
    out["applied"] = true;
    Json generated = Json::object();
    for (const auto& [path, password] : plan->generated_passwords()) generated[path] = password;
    out["generated_passwords"] = generated;
  }
  return out;
}

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"GET", "/v1/whoami", "The authenticated caller", "(none)",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         Json out = {{"user", *c.admin.caller().user}};
         for (const auto& u : state.users) {
           if (u.name == *c.admin.caller().user) out["execution_role"] = u.execution_role;
         }
         return out;
       }},
      {"GET", "/v1/me/roles", "Roles the caller may use as runtime roles", "(none)",
       [](Call& c) -> Result<Json> {
         auto snapshot = c.dir.snapshot();
         return Json{{"roles", snapshot->directory().AssumableRoles(*c.admin.caller().user)}};
       }},
      // --- the cluster ---
      {"GET", "/v1/cluster", "The cluster record", "elasticmapreduce:DescribeCluster",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kDescribeCluster}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return ClusterView(state);
       }},
      {"POST", "/v1/cluster/tags", "Add (set) and remove (remove) cluster tags",
       "elasticmapreduce:AddTags, elasticmapreduce:RemoveTags",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(auto set, c.Tags("set"));
         WEIR_ASSIGN_OR_RETURN(auto remove, c.Strings("remove"));
         WEIR_RETURN_IF_ERROR(c.admin.TagCluster(set, remove));
         return Ok();
       }},
      // --- roles ---
      {"GET", "/v1/roles", "Role names", "iam:ListRoles",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kListRoles}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return RolesView(state);
       }},
      {"POST", "/v1/roles", "Create a role {name, description}", "iam:CreateRole",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string name, c.Str("name"));
         WEIR_ASSIGN_OR_RETURN(std::string description, c.OptStr("description"));
         WEIR_RETURN_IF_ERROR(c.admin.CreateRole(name, description));
         return Ok();
       },
       201},
      {"GET", "/v1/roles/{role}", "A role: trust policy, policies, tags", "iam:GetRole",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kGetRole, c.Param("role")}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return RoleView(state, c.Param("role"));
       }},
      {"DELETE", "/v1/roles/{role}", "Delete a role (and its grants)", "iam:DeleteRole",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DeleteRole(c.Param("role")));
         return Ok();
       }},
      {"PUT", "/v1/roles/{role}/trust-policy", "Replace the trust policy {document}", "iam:UpdateAssumeRolePolicy",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string doc, c.Document("document"));
         WEIR_RETURN_IF_ERROR(c.admin.SetTrustPolicy(c.Param("role"), doc));
         return Ok();
       }},
      {"PUT", "/v1/roles/{role}/policies/{policy}", "Put an inline policy {document}", "iam:PutRolePolicy",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string doc, c.Document("document"));
         WEIR_RETURN_IF_ERROR(c.admin.PutRolePolicy(c.Param("role"), c.Param("policy"), doc));
         return Ok();
       }},
      {"DELETE", "/v1/roles/{role}/policies/{policy}", "Delete an inline policy", "iam:DeleteRolePolicy",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DeleteRolePolicy(c.Param("role"), c.Param("policy")));
         return Ok();
       }},
      {"PUT", "/v1/roles/{role}/attached-policies/{policy}", "Attach a managed policy", "iam:AttachRolePolicy",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.AttachRolePolicy(c.Param("role"), c.Param("policy")));
         return Ok();
       }},
      {"DELETE", "/v1/roles/{role}/attached-policies/{policy}", "Detach a managed policy", "iam:DetachRolePolicy",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DetachRolePolicy(c.Param("role"), c.Param("policy")));
         return Ok();
       }},
      {"POST", "/v1/roles/{role}/tags", "Set and remove role tags {set, remove}", "iam:TagRole, iam:UntagRole",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(auto set, c.Tags("set"));
         WEIR_ASSIGN_OR_RETURN(auto remove, c.Strings("remove"));
         WEIR_RETURN_IF_ERROR(c.admin.TagRole(c.Param("role"), set, remove));
         return Ok();
       }},
      // --- users ---
      {"GET", "/v1/users", "Users", "iam:ListUsers",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kListUsers}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return UsersView(state);
       }},
      {"POST", "/v1/users", "Create a user {name, execution_role, password, tags}", "iam:CreateUser, iam:PassRole",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string name, c.Str("name"));
         WEIR_ASSIGN_OR_RETURN(std::string role, c.Str("execution_role"));
         WEIR_ASSIGN_OR_RETURN(std::string password, c.OptStr("password"));
         WEIR_ASSIGN_OR_RETURN(auto tags, c.Tags("tags"));
         WEIR_RETURN_IF_ERROR(c.admin.CreateUser(name, role, password, tags));
         return Ok();
       },
       201},
      {"GET", "/v1/users/{user}", "A user (without secrets)", "iam:GetUser",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kGetUser, c.Param("user")}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return UserView(state, c.Param("user"));
       }},
      {"GET", "/v1/users/{user}/roles", "The roles a user may run sessions as (execution role first)", "iam:GetUser",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kGetUser, c.Param("user")}));
         return UserRolesView(*c.dir.snapshot(), c.Param("user"));
       }},
      {"PATCH", "/v1/users/{user}", "Update {execution_role, enabled, set_tags, remove_tags}",
       "iam:UpdateUser, iam:PassRole, iam:TagUser, iam:UntagUser",
       [](Call& c) -> Result<Json> {
         std::optional<std::string> role;
         std::optional<bool> enabled;
         if (c.body.contains("execution_role")) {
           WEIR_ASSIGN_OR_RETURN(role, c.Str("execution_role"));
         }
         if (auto it = c.body.find("enabled"); it != c.body.end()) {
           if (!it->is_boolean()) return Status::InvalidArgument("\"enabled\" must be true or false");
           enabled = it->get<bool>();
         }
         WEIR_ASSIGN_OR_RETURN(auto set, c.Tags("set_tags"));
         WEIR_ASSIGN_OR_RETURN(auto remove, c.Strings("remove_tags"));
         WEIR_RETURN_IF_ERROR(c.admin.UpdateUser(c.Param("user"), role, enabled, set, remove));
         return Ok();
       }},
      {"PUT", "/v1/users/{user}/password", "Set the password {password}", "iam:UpdateLoginProfile",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string password, c.Str("password"));
         WEIR_RETURN_IF_ERROR(c.admin.SetPassword(c.Param("user"), password));
         return Ok();
       }},
      {"POST", "/v1/users/{user}/access-keys",
       "Create an access key: {access_key_id, secret_access_key} (the secret is shown only here)",
       "iam:CreateAccessKey",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(auto key, c.admin.CreateAccessKey(c.Param("user")));
         return Json{{"access_key_id", key.first}, {"secret_access_key", key.second}};
       },
       201},
      {"DELETE", "/v1/users/{user}/access-keys/{key}", "Delete an access key", "iam:DeleteAccessKey",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DeleteAccessKey(c.Param("user"), c.Param("key")));
         return Ok();
       }},
      {"DELETE", "/v1/users/{user}", "Delete a user", "iam:DeleteUser",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DeleteUser(c.Param("user")));
         return Ok();
       }},
      // --- managed policies ---
      {"GET", "/v1/policies", "Managed policies", "iam:ListPolicies",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kListPolicies}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return PoliciesView(state);
       }},
      {"POST", "/v1/policies", "Create a managed policy {name, document, description}", "iam:CreatePolicy",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string name, c.Str("name"));
         WEIR_ASSIGN_OR_RETURN(std::string doc, c.Document("document"));
         WEIR_ASSIGN_OR_RETURN(std::string description, c.OptStr("description"));
         WEIR_RETURN_IF_ERROR(c.admin.CreatePolicy(name, doc, description));
         return Ok();
       },
       201},
      {"PUT", "/v1/policies/{policy}", "Replace a managed policy's document {document}", "iam:CreatePolicyVersion",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string doc, c.Document("document"));
         WEIR_RETURN_IF_ERROR(c.admin.UpdatePolicy(c.Param("policy"), doc));
         return Ok();
       }},
      {"DELETE", "/v1/policies/{policy}", "Delete a managed policy", "iam:DeletePolicy",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DeletePolicy(c.Param("policy")));
         return Ok();
       }},
      // --- the catalog ---
      {"GET", "/v1/tables", "Databases and their tables", "glue:GetTables",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kListTables}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return CatalogView(state);
       }},
      {"GET", "/v1/tables/{database}/{table}", "A table: location, format, columns", "glue:GetTable",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kGetTable, c.Param("database"), c.Param("table")}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return TableView(state, c.Param("database"), c.Param("table"));
       }},
      {"POST", "/v1/databases", "Create a database {name, description}", "glue:CreateDatabase",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string name, c.Str("name"));
         WEIR_ASSIGN_OR_RETURN(std::string description, c.OptStr("description"));
         WEIR_RETURN_IF_ERROR(c.admin.CreateDatabase(name, description));
         return Ok();
       },
       201},
      {"DELETE", "/v1/databases/{database}", "Delete an empty database", "glue:DeleteDatabase",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DeleteDatabase(c.Param("database")));
         return Ok();
       }},
      {"POST", "/v1/tables", "Register a table {database, name, location, format, create_database}", "glue:CreateTable",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string db, c.Str("database"));
         WEIR_ASSIGN_OR_RETURN(std::string name, c.Str("name"));
         WEIR_ASSIGN_OR_RETURN(std::string location, c.Str("location"));
         WEIR_ASSIGN_OR_RETURN(std::string format_name, c.OptStr("format"));
         catalog::TableFormat format = catalog::TableFormat::kParquet;
         if (!format_name.empty() && !catalog::ParseFormat(format_name, &format)) {
           return Status::InvalidArgument("unknown format '" + format_name + "' (parquet or csv)");
         }
         bool create = c.body.value("create_database", false);
         WEIR_ASSIGN_OR_RETURN(auto table, c.admin.RegisterTable(db, name, location, format, create));
         return Json{{"table", table.QualifiedName()}, {"columns", table.columns.size()}};
       },
       201},
      {"DELETE", "/v1/tables/{database}/{table}", "Drop a table (its filters and grants too)", "glue:DeleteTable",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DropTable(c.Param("database"), c.Param("table")));
         return Ok();
       }},
      // --- data cells filters ---
      {"GET", "/v1/filters", "Data cells filters", "lakeformation:ListDataCellsFilter",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kListFilters}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return FiltersView(state);
       }},
      {"POST", "/v1/filters", "Create a filter {database, table, name, row_filter, columns}",
       "lakeformation:CreateDataCellsFilter",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string db, c.Str("database"));
         WEIR_ASSIGN_OR_RETURN(std::string table, c.Str("table"));
         WEIR_ASSIGN_OR_RETURN(std::string name, c.Str("name"));
         WEIR_ASSIGN_OR_RETURN(std::string row_filter, c.OptStr("row_filter"));
         std::vector<std::string> columns;
         WEIR_ASSIGN_OR_RETURN(auto scope, Columns(c.body.value("columns", Json()), &columns));
         WEIR_RETURN_IF_ERROR(c.admin.CreateFilter(db, table, name, row_filter, scope, columns));
         return Ok();
       },
       201},
      {"DELETE", "/v1/filters/{database}/{table}/{filter}", "Delete a filter (and its grants)",
       "lakeformation:DeleteDataCellsFilter",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DeleteFilter(c.Param("database"), c.Param("table"), c.Param("filter")));
         return Ok();
       }},
      // --- grants ---
      {"GET", "/v1/grants", "Grants (?role=R for one role's)", "lakeformation:ListPermissions",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kListAccess}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return GrantsView(state, c.Query("role"));
       }},
      {"POST", "/v1/grants", "Grant {principal, permissions, grantable, resource} (as in a stack file)",
       "lakeformation:GrantPermissions",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(access::Grant grant, GrantOf(c));
         WEIR_RETURN_IF_ERROR(c.admin.Grant(grant));
         return Ok();
       }},
      {"POST", "/v1/grants/revoke", "Revoke {principal, permissions, grantable, resource}",
       "lakeformation:RevokePermissions",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(access::Grant grant, GrantOf(c));
         WEIR_RETURN_IF_ERROR(c.admin.Revoke(grant));
         return Ok();
       }},
      // --- lake administrators ---
      {"GET", "/v1/lake-admins", "Data lake administrators", "lakeformation:GetDataLakeSettings",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kGetDataLakeSettings}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return LakeAdminsView(state);
       }},
      {"POST", "/v1/lake-admins", "Add {principal: user/NAME | role/NAME}", "lakeformation:PutDataLakeSettings",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string principal, c.Str("principal"));
         WEIR_RETURN_IF_ERROR(c.admin.AddLakeAdmin(principal));
         return Ok();
       }},
      {"DELETE", "/v1/lake-admins/{kind}/{name}", "Remove user/NAME or role/NAME", "lakeformation:PutDataLakeSettings",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.RemoveLakeAdmin(c.Param("kind") + "/" + c.Param("name")));
         return Ok();
       }},
      {"DELETE", "/v1/lake-admins/{principal}", "Remove the principal (user/NAME or role/NAME, percent-encoded)",
       "lakeformation:PutDataLakeSettings",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.RemoveLakeAdmin(c.Param("principal")));
         return Ok();
       }},
      // --- LF-Tags ---
      {"GET", "/v1/tags", "LF-Tag keys and their values", "lakeformation:ListLFTags",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kListLfTags}));
         WEIR_ASSIGN_OR_RETURN(auto state, State(c));
         return LfTagsView(state);
       }},
      {"GET", "/v1/resource-tags", "The LF-Tags in effect on ?database=D (and &table=T, with its columns)",
       "lakeformation:GetResourceLFTags",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(
             c.admin.Check({admin::Operation::kGetResourceLfTags, c.Query("database"), c.Query("table")}));
         return ResourceTagsView(*c.dir.snapshot(), c.Query("database"), c.Query("table"));
       }},
      {"POST", "/v1/tags", "Create an LF-Tag {key, values}", "lakeformation:CreateLFTag",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string key, c.Str("key"));
         WEIR_ASSIGN_OR_RETURN(auto values, c.Strings("values"));
         WEIR_RETURN_IF_ERROR(c.admin.CreateLfTag(key, values));
         return Ok();
       },
       201},
      {"PATCH", "/v1/tags/{key}", "Add and remove allowed values {add, remove}", "lakeformation:UpdateLFTag",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(auto add, c.Strings("add"));
         WEIR_ASSIGN_OR_RETURN(auto remove, c.Strings("remove"));
         WEIR_RETURN_IF_ERROR(c.admin.UpdateLfTag(c.Param("key"), add, remove));
         return Ok();
       }},
      {"DELETE", "/v1/tags/{key}", "Delete an LF-Tag (its assignments and grants too)", "lakeformation:DeleteLFTag",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.DeleteLfTag(c.Param("key")));
         return Ok();
       }},
      {"POST", "/v1/tags/assign", "Assign {database, table?, column?, tags: {KEY: VALUE} or [{key, value}]}",
       "lakeformation:AddLFTagsToResource",
       [](Call& c) -> Result<Json> {
         access::TagResource resource;
         WEIR_ASSIGN_OR_RETURN(resource.database, c.Str("database"));
         WEIR_ASSIGN_OR_RETURN(resource.table, c.OptStr("table"));
         WEIR_ASSIGN_OR_RETURN(resource.column, c.OptStr("column"));
         WEIR_ASSIGN_OR_RETURN(auto pairs, c.TagPairs("tags"));
         WEIR_RETURN_IF_ERROR(c.admin.AddLfTagsToResource(resource, pairs));
         return Ok();
       }},
      {"POST", "/v1/tags/unassign", "Remove {database, table?, column?, keys: [...]}",
       "lakeformation:RemoveLFTagsFromResource",
       [](Call& c) -> Result<Json> {
         access::TagResource resource;
         WEIR_ASSIGN_OR_RETURN(resource.database, c.Str("database"));
         WEIR_ASSIGN_OR_RETURN(resource.table, c.OptStr("table"));
         WEIR_ASSIGN_OR_RETURN(resource.column, c.OptStr("column"));
         WEIR_ASSIGN_OR_RETURN(auto keys, c.Strings("keys"));
         WEIR_RETURN_IF_ERROR(c.admin.RemoveLfTagsFromResource(resource, keys));
         return Ok();
       }},
      // --- the audit trail ---
      {"GET", "/v1/audit",
       "Audit records, oldest first: ?user=&role=&action=&decision=&since=&until= (RFC 3339 or 15m/2h), "
       "?after=SEQ to page, ?limit=N (default 100, at most 1000)",
       "cloudtrail:LookupEvents",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kLookupAuditEvents}));
         audit::Query query;
         query.user = c.Query("user");
         query.role = c.Query("role");
         query.action = c.Query("action");
         query.decision = c.Query("decision");
         const int64_t now = audit::NowMicros();
         if (!c.Query("since").empty()) {
           WEIR_ASSIGN_OR_RETURN(query.since_us, audit::ParseTimeBound(c.Query("since"), now));
         }
         if (!c.Query("until").empty()) {
           WEIR_ASSIGN_OR_RETURN(query.until_us, audit::ParseTimeBound(c.Query("until"), now));
         }
         auto number = [&](const char* key, int64_t fallback, int64_t max) -> Result<int64_t> {
           std::string text = c.Query(key);
           if (text.empty()) return fallback;
           char* end = nullptr;
           long long v = std::strtoll(text.c_str(), &end, 10);
           if (*end != '\0' || v < 0 || v > max) {
             return Status::InvalidArgument(std::string("?") + key + " must be a number from 0 to " +
                                            std::to_string(max));
           }
           return static_cast<int64_t>(v);
         };
         WEIR_ASSIGN_OR_RETURN(int64_t after, number("after", 0, INT64_MAX));
         WEIR_ASSIGN_OR_RETURN(int64_t limit, number("limit", 100, 1000));
         Json records = Json::array();
         int64_t last = after;
         while (static_cast<int64_t>(records.size()) < limit) {
           WEIR_ASSIGN_OR_RETURN(auto batch, c.dir.store().ReadAudit(last, 1000));
           if (batch.empty()) break;
           for (const auto& r : batch) {
             last = r.seq;
             if (audit::Matches(query, r)) records.push_back(Json(audit::ToJson(r)));
             if (static_cast<int64_t>(records.size()) >= limit) break;
           }
         }
         return Json{{"records", records}, {"next_after", last}};
       }},
      // --- access questions ---
      {"GET", "/v1/access/explain", "What ?role=R can read of ?table=DB.T (and ?column=C), and why",
       "lakeformation:ListPermissions",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(auto table, SplitTable(c.Query("table")));
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kExplainAccess, table.first, table.second}));
         return ExplainView(*c.dir.snapshot(), c.Query("role"), table.first, table.second, c.Query("column"));
       }},
      {"GET", "/v1/access/list", "Everything ?role=R can reach", "lakeformation:ListPermissions",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kListAccess}));
         return AccessListView(*c.dir.snapshot(), c.Query("role"));
       }},
      {"GET", "/v1/access/can-assume", "Whether ?user=U may use ?role=R as a runtime role, and which check decided",
       "iam:SimulatePrincipalPolicy",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.Check({admin::Operation::kSimulateUser, c.Query("user")}));
         return CanAssumeView(*c.dir.snapshot(), c.Query("user"), c.Query("role"));
       }},
      // --- temporary credentials ---
      {"POST", "/v1/sts/session-credentials",
       "Temporary credentials {role, user (default: the caller), duration_seconds (default 3600)}",
       "elasticmapreduce:GetClusterSessionCredentials (for another user)",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string role, c.Str("role"));
         WEIR_ASSIGN_OR_RETURN(std::string user, c.OptStr("user"));
         if (user.empty()) user = *c.admin.caller().user;
         int64_t duration = c.body.value("duration_seconds", int64_t{3600});
         WEIR_ASSIGN_OR_RETURN(auto creds, c.admin.GetSessionCredentials(user, role, duration));
         return Json{{"username", creds.username}, {"password", creds.password}, {"expires", creds.expires_s}};
       }},
      {"POST", "/v1/sts/rotate-key", "Replace the session key (every temporary credential stops working)",
       "weir:RotateSessionKey",
       [](Call& c) -> Result<Json> {
         WEIR_RETURN_IF_ERROR(c.admin.RotateSessionKey());
         return Ok();
       }},
      {"POST", "/v1/sts/check", "Check temporary credentials {user, password}: their user, role and expiry",
       "(none: verifies what the caller holds)",
       [](Call& c) -> Result<Json> {
         WEIR_ASSIGN_OR_RETURN(std::string user, c.Str("user"));
         WEIR_ASSIGN_OR_RETURN(std::string password, c.Str("password"));
         auto snapshot = c.dir.snapshot();
         if (snapshot->session_key().empty()) {
           return Status::FailedPrecondition("the session key is missing: run weir sts rotate-key");
         }
         WEIR_ASSIGN_OR_RETURN(iam::SessionClaims claims,
                               iam::VerifySessionPassword(snapshot->session_key(),
                                                          iam::SessionUserFromName(user).value_or(user), password,
                                                          audit::NowMicros() / 1000000));
         return Json{{"user", claims.user},
                     {"role", claims.role},
                     {"session_name", claims.session_name},
                     {"expiration", claims.expires_s}};
       }},
      // --- stacks ---
      {"POST", "/v1/stacks/plan", "Plan a stack file {file, text, env}",
       "cloudformation:CreateStack or UpdateStack (DeleteStack for a destroy plan)",
       [](Call& c) { return StackCall(c, "plan"); }},
      {"POST", "/v1/stacks/apply", "Apply a stack file {file, text, env} in one transaction",
       "cloudformation:CreateStack/UpdateStack and each change's own", [](Call& c) { return StackCall(c, "apply"); }},
      {"POST", "/v1/stacks/destroy", "Destroy what a stack created {file, text}",
       "cloudformation:DeleteStack and each removal's own", [](Call& c) { return StackCall(c, "destroy"); }},
  };
  return routes;
}

// Matches `pattern` ("/v1/roles/{role}") against the request's segments.
bool Match(const char* pattern, const std::vector<std::string>& segments, std::map<std::string, std::string>* params) {
  std::vector<std::string> parts;
  std::string p = pattern;
  size_t pos = 1;
  while (pos <= p.size()) {
    size_t slash = p.find('/', pos);
    parts.push_back(p.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  if (parts.size() != segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].size() > 2 && parts[i].front() == '{') {
      (*params)[parts[i].substr(1, parts[i].size() - 2)] = segments[i];
    } else if (parts[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

// Basic authentication: a user's password, an access key, or temporary
// credentials (sts:USER).
Result<admin::Caller> Authenticate(admin::DataDir& dir, const http::Request& request) {
  std::string user, password;
  if (!http::ParseBasicAuth(request.Header("authorization"), &user, &password)) {
    return Status::AuthenticationFailed(
        "authentication required: HTTP Basic with a user and its password, an access "
        "key id and its secret, or temporary credentials");
  }
  // Basic's user-id cannot hold a colon, so "sts:USER:TOKEN" arrives as
  // user "sts" and password "USER:TOKEN"; a token sent with the plain user
  // name is recognized by its form.
  if (user == "sts") {
    auto colon = password.find(':');
    if (colon == std::string::npos) return Status::AuthenticationFailed("authentication failed for user sts");
    user = "sts:" + password.substr(0, colon);
    password = password.substr(colon + 1);
  } else if (iam::IsSessionPassword(password)) {
    user = "sts:" + user;
  }
  auto snapshot = dir.snapshot();
  if (auto sts_user = iam::SessionUserFromName(user)) {
    const iam::User* account = snapshot->directory().FindUser(*sts_user);
    if (account == nullptr || !account->enabled || snapshot->session_key().empty()) {
      return Status::AuthenticationFailed("authentication failed for user " + user);
    }
    auto claims = iam::VerifySessionPassword(snapshot->session_key(), *sts_user, password,
                                             static_cast<int64_t>(std::time(nullptr)));
    if (!claims.ok())
      return Status::AuthenticationFailed("temporary credentials refused: " + claims.status().message());
    return admin::Caller::ForUser(*sts_user);
  }
  auto caller = admin::Authenticate(snapshot->directory(), user, password);
  if (!caller.ok()) return Status::AuthenticationFailed(caller.status().message());
  return caller;
}

}  // namespace

nlohmann::json OpenApiDocument() {
  Json paths = Json::object();
  for (const auto& route : Routes()) {
    std::string method = route.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    Json op = {{"summary", route.summary},
               {"description", std::string("IAM action: ") + route.action},
               {"security", Json::array({{{"basic", Json::array()}}})},
               {"responses",
                {{std::to_string(route.success), {{"description", "success (JSON)"}}},
                 {"400", {{"description", "invalid request"}}},
                 {"401", {{"description", "authentication failed"}}},
                 {"403", {{"description", "not authorized (names the IAM action and resource)"}}},
                 {"404", {{"description", "not found"}}},
                 {"409", {{"description", "conflict"}}}}}};
    Json parameters = Json::array();
    std::string pattern = route.pattern;
    for (size_t open = pattern.find('{'); open != std::string::npos; open = pattern.find('{', open + 1)) {
      size_t close = pattern.find('}', open);
      parameters.push_back({{"name", pattern.substr(open + 1, close - open - 1)},
                            {"in", "path"},
                            {"required", true},
                            {"schema", {{"type", "string"}}}});
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    if (method == "post" || method == "put" || method == "patch") {
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    }
    paths[route.pattern][method] = op;
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Weir admin API"},
            {"version", "1"},
            {"description",
             "Administration of a Weir data directory: every operation is an admin verb authorized by its IAM "
             "action. Errors are {\"error\": {\"code\", \"sqlstate\", \"message\"}}."}}},
          {"components", {{"securitySchemes", {{"basic", {{"type", "http"}, {"scheme", "basic"}}}}}}},
          {"paths", paths}};
}

namespace {

// The route `request` names; nullptr when none (`*path_known` tells a
// known path asked with another method).
const Route* FindRoute(const http::Request& request, std::map<std::string, std::string>* params, bool* path_known) {
  *path_known = false;
  for (const auto& r : Routes()) {
    std::map<std::string, std::string> p;
    if (!Match(r.pattern, request.segments, &p)) continue;
    *path_known = true;
    if (request.method == r.method) {
      *params = std::move(p);
      return &r;
    }
  }
  return nullptr;
}

Result<Json> RunRoute(const Route& route, const http::Request& request, std::map<std::string, std::string> params,
                      Json body, admin::DataDir* dir, admin::Caller caller) {
  admin::Admin admin(dir, std::move(caller));
  Call call{request, std::move(params), std::move(body), *dir, admin};
  return route.run(call);
}

}  // namespace

http::Handler MakeAdminApi(admin::DataDir* dir) {
  auto mu = std::make_shared<std::mutex>();
  return [dir, mu](const http::Request& request) -> http::Response {
    if (request.method == "GET" && request.path == "/openapi.json") {
      return http::Response::Json(200, OpenApiDocument().dump(2));
    }
    std::map<std::string, std::string> params;
    bool path_known = false;
    const Route* route = FindRoute(request, &params, &path_known);
    if (route == nullptr) {
      if (path_known) {
        return http::Response::Json(405, R"({"error":{"message":"method not allowed on this path"}})");
      }
      return http::Response::Error(Status::NotFound("no such API path: " + request.path + " (see /openapi.json)"));
    }
    auto caller = Authenticate(*dir, request);
    if (!caller.ok()) {
      http::Response r = http::Response::Error(caller.status());
      r.headers.push_back({"WWW-Authenticate", "Basic realm=\"weir\""});
      return r;
    }
    Json body = Json::object();
    if (!request.body.empty()) {
      body = Json::parse(request.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) {
        return http::Response::Error(Status::InvalidArgument("the request body must be a JSON object"));
      }
    }
    std::lock_guard<std::mutex> lock(*mu);
    Result<Json> result = RunRoute(*route, request, std::move(params), std::move(body), dir, std::move(caller).value());
    if (!result.ok()) return http::Response::Error(result.status());
    return http::Response::Json(route->success, result->dump(2));
  };
}

Result<nlohmann::ordered_json> CallAdminApi(admin::DataDir* dir, admin::Caller caller, const std::string& method,
                                            const std::string& target, const nlohmann::ordered_json& body) {
  http::Request request;
  WEIR_RETURN_IF_ERROR(http::ParseRequestHead(method + " " + target + " HTTP/1.1", &request));
  std::map<std::string, std::string> params;
  bool path_known = false;
  const Route* route = FindRoute(request, &params, &path_known);
  if (route == nullptr) return Status::NotFound("no such API path: " + method + " " + request.path);
  return RunRoute(*route, request, std::move(params), body.is_null() ? Json::object() : body, dir, std::move(caller));
}

}  // namespace weir::api
