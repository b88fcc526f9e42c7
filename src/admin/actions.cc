#include "admin/actions.h"

#include <cassert>

#include "iam/assume.h"
#include "iam/role.h"
#include "iam/scram.h"
#include "store/store.h"

namespace weir::admin {

namespace {

using R = ResourceKind;

// AWS's action names where AWS has the operation; `weir:` where it has none.
const std::vector<OperationInfo> kOperations = {
    {Operation::kCreateRole, "create_role", "iam:CreateRole", R::kRole, "role create"},
    {Operation::kDeleteRole, "delete_role", "iam:DeleteRole", R::kRole, "role delete"},
    {Operation::kSetTrustPolicy, "set_trust_policy", "iam:UpdateAssumeRolePolicy", R::kRole, "role set-trust-policy"},
    {Operation::kPutRolePolicy, "put_role_policy", "iam:PutRolePolicy", R::kRole, "role put-policy"},
    {Operation::kDeleteRolePolicy, "delete_role_policy", "iam:DeleteRolePolicy", R::kRole, "role delete-policy"},
    {Operation::kAttachRolePolicy, "attach_role_policy", "iam:AttachRolePolicy", R::kRole, "role attach-policy"},
    {Operation::kDetachRolePolicy, "detach_role_policy", "iam:DetachRolePolicy", R::kRole, "role detach-policy"},
    {Operation::kTagRole, "tag_role", "iam:TagRole", R::kRole, "role tag --tag"},
    {Operation::kUntagRole, "untag_role", "iam:UntagRole", R::kRole, "role tag --untag"},
    {Operation::kSetMaxSessionDuration, "set_max_session_duration", "iam:UpdateRole", R::kRole,
     "a role's max session duration (no command yet)"},
    {Operation::kGetRole, "get_role", "iam:GetRole", R::kRole, "role show"},
    {Operation::kListRoles, "list_roles", "iam:ListRoles", R::kNone, "role list"},
    {Operation::kCreateUser, "create_user", "iam:CreateUser", R::kUser, "user create"},
    {Operation::kPassRole, "pass_role", "iam:PassRole", R::kRole, "user create, user update --execution-role"},
    {Operation::kUpdateUser, "update_user", "iam:UpdateUser", R::kUser,
     "user update --execution-role/--enable/--disable"},
    {Operation::kTagUser, "tag_user", "iam:TagUser", R::kUser, "user create --tag, user update --tag"},
    {Operation::kUntagUser, "untag_user", "iam:UntagUser", R::kUser, "user update --untag"},
    {Operation::kSetPassword, "set_password", "iam:UpdateLoginProfile", R::kUser, "user set-password"},
    {Operation::kCreateAccessKey, "create_access_key", "iam:CreateAccessKey", R::kUser, "user create-access-key"},
    {Operation::kDeleteAccessKey, "delete_access_key", "iam:DeleteAccessKey", R::kUser, "user delete-access-key"},
    {Operation::kDeleteUser, "delete_user", "iam:DeleteUser", R::kUser, "user delete"},
    {Operation::kGetUser, "get_user", "iam:GetUser", R::kUser, "user roles"},
    {Operation::kListUsers, "list_users", "iam:ListUsers", R::kNone, "user list"},
    {Operation::kSimulateUser, "simulate_user", "iam:SimulatePrincipalPolicy", R::kUser, "access can-assume"},
    {Operation::kCreatePolicy, "create_policy", "iam:CreatePolicy", R::kPolicy, "policy create"},
    {Operation::kUpdatePolicy, "update_policy", "iam:CreatePolicyVersion", R::kPolicy, "policy update"},
    {Operation::kDeletePolicy, "delete_policy", "iam:DeletePolicy", R::kPolicy, "policy delete"},
    {Operation::kListPolicies, "list_policies", "iam:ListPolicies", R::kNone, "policy list"},
    {Operation::kTagCluster, "tag_cluster", "elasticmapreduce:AddTags", R::kCluster, "cluster tag --tag"},
    {Operation::kUntagCluster, "untag_cluster", "elasticmapreduce:RemoveTags", R::kCluster, "cluster tag --untag"},
    {Operation::kDescribeCluster, "describe_cluster", "elasticmapreduce:DescribeCluster", R::kCluster, "cluster show"},
    {Operation::kGetSessionCredentials, "get_session_credentials", "elasticmapreduce:GetClusterSessionCredentials",
     R::kCluster, "sts get-session-credentials for another user"},
    {Operation::kRotateSessionKey, "rotate_session_key", "weir:RotateSessionKey", R::kCluster, "sts rotate-key"},
    {Operation::kCreateDatabase, "create_database", "glue:CreateDatabase", R::kDatabase,
     "database create, table register --create-database"},
    {Operation::kRegisterTable, "register_table", "glue:CreateTable", R::kTable, "table register"},
    {Operation::kDropTable, "drop_table", "glue:DeleteTable", R::kTable, "table drop"},
    {Operation::kGetTable, "get_table", "glue:GetTable", R::kTable, "table describe"},
    {Operation::kListTables, "list_tables", "glue:GetTables", R::kCatalog, "table list"},
    {Operation::kCreateFilter, "create_data_filter", "lakeformation:CreateDataCellsFilter", R::kTable, "filter create"},
    {Operation::kDeleteFilter, "delete_data_filter", "lakeformation:DeleteDataCellsFilter", R::kTable, "filter delete"},
    {Operation::kListFilters, "list_data_filters", "lakeformation:ListDataCellsFilter", R::kCatalog, "filter list"},
    {Operation::kGrant, "grant", "lakeformation:GrantPermissions", R::kTable, "grant"},
    {Operation::kRevoke, "revoke", "lakeformation:RevokePermissions", R::kTable, "revoke"},
    {Operation::kExplainAccess, "explain_access", "lakeformation:ListPermissions", R::kTable, "access explain"},
    {Operation::kListAccess, "list_access", "lakeformation:ListPermissions", R::kCatalog, "access list"},
    {Operation::kPutDataLakeSettings, "put_data_lake_settings", "lakeformation:PutDataLakeSettings", R::kNone,
     "lake-admin add, lake-admin remove"},
    {Operation::kGetDataLakeSettings, "get_data_lake_settings", "lakeformation:GetDataLakeSettings", R::kNone,
     "lake-admin list"},
    {Operation::kDeleteDatabase, "delete_database", "glue:DeleteDatabase", R::kDatabase,
     "destroy (a stack's database)"},
    {Operation::kCreateStack, "create_stack", "cloudformation:CreateStack", R::kStack,
     "apply (first time; each change also needs its own action)"},
    {Operation::kUpdateStack, "update_stack", "cloudformation:UpdateStack", R::kStack,
     "apply (each change also needs its own action)"},
    {Operation::kDeleteStack, "delete_stack", "cloudformation:DeleteStack", R::kStack,
     "destroy (each removal also needs its own action)"},
    {Operation::kCreateLfTag, "create_lf_tag", "lakeformation:CreateLFTag", R::kNone, "tag create"},
    {Operation::kUpdateLfTag, "update_lf_tag", "lakeformation:UpdateLFTag", R::kNone, "tag update"},
    {Operation::kDeleteLfTag, "delete_lf_tag", "lakeformation:DeleteLFTag", R::kNone, "tag delete"},
    {Operation::kListLfTags, "list_lf_tags", "lakeformation:ListLFTags", R::kNone, "tag list"},
    {Operation::kAddLfTagsToResource, "add_lf_tags_to_resource", "lakeformation:AddLFTagsToResource", R::kTable,
     "tag assign"},
    {Operation::kRemoveLfTagsFromResource, "remove_lf_tags_from_resource", "lakeformation:RemoveLFTagsFromResource",
     R::kTable, "tag unassign"},
    {Operation::kGetResourceLfTags, "get_resource_lf_tags", "lakeformation:GetResourceLFTags", R::kTable, "tag show"},
    {Operation::kLookupAuditEvents, "lookup_audit_events", "cloudtrail:LookupEvents", R::kNone,
     "audit, audit verify, the weir_audit table"},
};

std::string Statements(const std::vector<iam::Matched>& matched) {
  std::string out;
  for (const auto& m : matched) out += (out.empty() ? "" : ", ") + m.statement;
  return out;
}

void AddTags(const iam::Tags& tags, const char* prefix, iam::Context* context) {
  for (const auto& [k, v] : tags) context->Set(std::string(prefix) + k, v);
}

}  // namespace

const std::vector<OperationInfo>& Operations() { return kOperations; }

const OperationInfo& InfoOf(Operation operation) {
  const OperationInfo& info = kOperations[static_cast<size_t>(operation)];
  assert(info.operation == operation);  // the table is in enum order
  return info;
}

std::string CatalogArn(const iam::Cluster& cluster) {
  return "arn:aws:glue:" + cluster.region + ":" + cluster.account + ":catalog";
}

std::string DatabaseArn(const iam::Cluster& cluster, const std::string& database) {
  return "arn:aws:glue:" + cluster.region + ":" + cluster.account + ":database/" + database;
}

std::string TableArn(const iam::Cluster& cluster, const std::string& database, const std::string& table) {
  return "arn:aws:glue:" + cluster.region + ":" + cluster.account + ":table/" + database + "/" + table;
}

namespace {

// `user` (found by its name, or by the access key `name`) proves itself
// with `secret`.
Result<Caller> Prove(const iam::User* user, const std::string& name, const std::string& secret) {
  const Status failed = Status::PermissionDenied("authentication failed for user " + name);
  if (user == nullptr || !user->enabled) return failed;
  if (user->name == name) {
    if (!iam::CheckPassword(user->password, secret)) return failed;
    return Caller::ForUser(user->name);
  }
  for (const auto& key : user->access_keys) {
    if (key.id != name) continue;
    if (!key.active || !iam::CheckPassword(key.secret, secret)) return failed;
    return Caller::ForUser(user->name);
  }
  return failed;
}

}  // namespace

Result<Caller> Authenticate(const store::MetadataState& state, const std::string& name, const std::string& secret) {
  for (const auto& user : state.users) {
    if (user.name == name) return Prove(&user, name, secret);
    for (const auto& key : user.access_keys) {
      if (key.id == name) return Prove(&user, name, secret);
    }
  }
  return Prove(nullptr, name, secret);
}

Result<Caller> Authenticate(const iam::Directory& directory, const std::string& name, const std::string& secret) {
  const iam::User* user = directory.FindUser(name);
  return Prove(user != nullptr ? user : directory.FindUserByAccessKey(name), name, secret);
}

std::string ResourceArn(const iam::Cluster& cluster, const Access& access) {
  const ResourceKind kind = InfoOf(access.operation).resource;
  switch (kind) {
    case ResourceKind::kNone:
      return "*";
    case ResourceKind::kRole:
      return cluster.RoleArn(access.object);
    case ResourceKind::kUser:
      return cluster.UserArn(access.object);
    case ResourceKind::kPolicy:
      return cluster.PolicyArn(access.object);
    case ResourceKind::kCluster:
      return cluster.Arn();
    case ResourceKind::kCatalog:
      return CatalogArn(cluster);
    case ResourceKind::kDatabase:
      return DatabaseArn(cluster, access.object);
    case ResourceKind::kTable:
      if (access.object.empty()) return CatalogArn(cluster);
      if (access.table.empty()) return DatabaseArn(cluster, access.object);
      return TableArn(cluster, access.object, access.table);
    case ResourceKind::kStack:
      return "arn:aws:cloudformation:" + cluster.region + ":" + cluster.account + ":stack/" + access.object;
  }
  return "*";
}

Status Authorize(const Caller& caller, const iam::Directory& directory, const Access& access, nlohmann::json* audit) {
  if (caller.local()) return Status::Ok();
  const OperationInfo& info = InfoOf(access.operation);
  const iam::Cluster& cluster = directory.cluster();
  iam::Request request;
  request.action = info.action;
  request.resource = ResourceArn(cluster, access);
  request.resource_account = cluster.account;
  request.context = access.context;
  switch (info.resource) {
    case ResourceKind::kRole:
      if (const iam::Role* role = directory.FindRole(access.object))
        AddTags(role->tags, "aws:ResourceTag/", &request.context);
      break;
    case ResourceKind::kUser:
      if (const iam::User* user = directory.FindUser(access.object))
        AddTags(user->tags, "aws:ResourceTag/", &request.context);
      break;
    case ResourceKind::kCluster:
      AddTags(cluster.tags, "aws:ResourceTag/", &request.context);
      AddTags(cluster.tags, "elasticmapreduce:ResourceTag/", &request.context);
      break;
    default:
      break;
  }

  const std::string& name = *caller.user;
  iam::Decision decision = directory.Authorize(name, request);
  if (audit != nullptr) {
    nlohmann::json statements = nlohmann::json::array();
    for (const auto& m : decision.matched) statements.push_back(m.statement);
    audit->push_back({{"action", info.action},
                      {"resource", request.resource},
                      {"decision", iam::DecisionKindName(decision.kind)},
                      {"statements", statements}});
  }
  if (decision.allowed()) return Status::Ok();

  std::string why;
  const iam::User* user = directory.FindUser(name);
  if (user == nullptr) {
    why = "user " + name + " does not exist";
  } else if (!user->enabled) {
    why = "user " + name + " is disabled";
  } else if (decision.kind == iam::Decision::Kind::kExplicitDeny) {
    why = std::string(decision.matched.size() == 1 ? "explicitly denied by statement "
                                                   : "explicitly denied by statements ") +
          Statements(decision.matched) + " of the policies of execution role " + user->execution_role;
  } else {
    why = "no identity policy of execution role " + user->execution_role + " allows it";
  }
  return Status::PermissionDenied("user " + name + " is not authorized to perform " + info.action + " on resource " +
                                  request.resource + " (" + why + ")");
}

}  // namespace weir::admin
