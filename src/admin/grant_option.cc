#include "admin/grant_option.h"

#include <algorithm>

#include "admin/data_dir.h"
#include "admin/transaction.h"

namespace weir::admin {

namespace {

using access::Permission;
using access::PermissionSet;
using LfResource = access::ResourceKind;

// What `held` (a grant of the grantor's role) lets it pass on for the
// resource of `request`: its grantable permissions, expanded, when it is on
// that resource or on something that contains it.
PermissionSet GrantableFor(const access::Grant& held, const access::Grant& request) {
  const LfResource want = request.Resource();
  bool covers = false;
  switch (want) {
    case LfResource::kCatalog:
      covers = held.kind == LfResource::kCatalog;
      break;
    case LfResource::kDatabase:
    case LfResource::kTableWildcard:
      covers = held.kind == want && held.database == request.database;
      break;
    case LfResource::kTable:
    case LfResource::kDataCellsFilter:
      // A filter may be applied only by who holds SELECT with grant option
      // on all rows and columns of the table.
      covers = held.Covers(request.database, request.table) && held.Resource() != LfResource::kDataCellsFilter &&
               held.Resource() != LfResource::kTableWithColumns;
      break;
    case LfResource::kLfTagPolicyDatabase:
    case LfResource::kLfTagPolicyTable:
      // Lake Formation: only with the same complete expression.
      covers = held.kind == want && held.expression == request.expression;
      break;
    case LfResource::kLfTag:
      if (held.kind == want && held.expression.size() == 1 && request.expression.size() == 1 &&
          held.expression[0].key == request.expression[0].key) {
        const auto& have = held.expression[0].values;
        const auto& asked = request.expression[0].values;
        covers =
            have.empty() || (!asked.empty() && std::includes(have.begin(), have.end(), asked.begin(), asked.end()));
      }
      break;
    case LfResource::kTableWithColumns: {
      if (!held.Covers(request.database, request.table) || held.Resource() == LfResource::kDataCellsFilter) break;
      if (held.Resource() != LfResource::kTableWithColumns) {
        covers = true;
      } else if (held.scope == access::ColumnScope::kInclude && request.scope == access::ColumnScope::kInclude) {
        // The same columns or a subset of them.
        covers =
            std::includes(held.columns.begin(), held.columns.end(), request.columns.begin(), request.columns.end());
      }
      break;
    }
    default:
      break;
  }
  if (!covers) return {};
  return access::Expand(held.grantable, want);
}

// GRANT_WITH_LF_TAG_EXPRESSION on every key=value pair `expression` names.
bool MayGrantWithExpression(const store::MetadataState& state, const std::string& role,
                            const std::vector<access::TagCondition>& expression) {
  if (role.empty() || expression.empty()) return false;
  for (const auto& condition : expression) {
    for (const auto& value : condition.values) {
      if (!HeldOnTag(state, role, condition.key, value).Has(Permission::kGrantWithLfTagExpression)) return false;
    }
  }
  return true;
}

}  // namespace

LakePrincipal PrincipalOf(const Caller& caller, const store::MetadataState& state) {
  LakePrincipal p;
  if (caller.local()) return {"", true};
  for (const auto& u : state.users) {
    if (u.name == *caller.user) p.role = u.execution_role;
  }
  auto listed = [&](const std::string& name) {
    return std::find(state.lake_admins.begin(), state.lake_admins.end(), name) != state.lake_admins.end();
  };
  p.lake_admin = listed("user/" + *caller.user) || (!p.role.empty() && listed("role/" + p.role));
  return p;
}

PermissionSet HeldOnTag(const store::MetadataState& state, const std::string& role, const std::string& key,
                        const std::string& value) {
  PermissionSet held;
  for (const auto& g : state.grants) {
    if (g.role != role || g.kind != LfResource::kLfTag || g.expression.size() != 1) continue;
    const access::TagCondition& c = g.expression[0];
    if (c.key != key) continue;
    bool covers = c.values.empty() || value.empty() || std::binary_search(c.values.begin(), c.values.end(), value);
    if (covers) held = held | access::Expand(g.permissions, LfResource::kLfTag);
  }
  return held;
}

Status CheckLakeAdmin(const Caller& caller, const store::MetadataState& state, const std::string& what) {
  if (PrincipalOf(caller, state).lake_admin) return Status::Ok();
  return Status::PermissionDenied("user " + *caller.user + " cannot " + what +
                                  ": only data lake administrators may (Lake Formation's CREATE_LF_TAG)");
}

Status CheckTagPermission(const Caller& caller, const store::MetadataState& state, const std::string& what,
                          Permission needed, const std::string& key, const std::string& value) {
  LakePrincipal p = PrincipalOf(caller, state);
  if (p.lake_admin) return Status::Ok();
  if (!p.role.empty() && HeldOnTag(state, p.role, key, value).Has(needed)) return Status::Ok();
  return Status::PermissionDenied("user " + *caller.user + " cannot " + what + ": its execution role " +
                                  (p.role.empty() ? "(none)" : p.role) + " holds no " + access::PermissionName(needed) +
                                  " on LF-Tag " + key + (value.empty() ? "" : "=" + value) +
                                  ", and it is not a data lake administrator");
}

Status CheckGrantor(const Caller& caller, const store::MetadataState& state, const access::Grant& request,
                    const char* verb) {
  LakePrincipal p = PrincipalOf(caller, state);
  if (p.lake_admin) return Status::Ok();
  if (p.role.empty()) return Status::PermissionDenied("user " + *caller.user + " does not exist");
  PermissionSet held;
  for (const auto& g : state.grants) {
    if (g.role == p.role) held = held | GrantableFor(g, request);
  }
  PermissionSet needed = request.permissions | request.grantable;
  if (held.Contains(needed)) return Status::Ok();
  const LfResource kind = request.Resource();
  bool policy = kind == LfResource::kLfTagPolicyDatabase || kind == LfResource::kLfTagPolicyTable;
  if (policy && request.grantable.empty() && MayGrantWithExpression(state, p.role, request.expression)) {
    return Status::Ok();
  }
  std::string has = access::ToString(held);
  std::string message = "user " + *caller.user + " cannot " + verb + " " + access::ToString(needed.Minus(held)) +
                        " on " + request.ResourceLabel() + ": its execution role " + p.role + " holds " +
                        (has.empty() ? "no permissions" : has) + " with grant option there";
  if (policy) {
    message += request.grantable.empty()
                   ? " and no GRANT_WITH_LF_TAG_EXPRESSION on every LF-Tag value the expression names"
                   : " (GRANT_WITH_LF_TAG_EXPRESSION does not pass on the grant option)";
  }
  return Status::PermissionDenied(message + ", and it is not a data lake administrator");
}

Status CheckTagResourceGrantable(const Caller& caller, const store::MetadataState& state,
                                 const access::TagResource& resource, const std::string& what) {
  LakePrincipal p = PrincipalOf(caller, state);
  if (p.lake_admin) return Status::Ok();
  access::Grant request;
  request.role = p.role;
  request.database = resource.database;
  if (resource.table.empty()) {
    request.kind = LfResource::kDatabase;
    request.permissions = {Permission::kDescribe, Permission::kAlter, Permission::kDrop};
  } else {
    request.kind = LfResource::kTable;
    request.table = resource.table;
    request.permissions = {Permission::kDescribe, Permission::kAlter,  Permission::kDrop,
                           Permission::kInsert,   Permission::kSelect, Permission::kDelete};
  }
  PermissionSet held;
  for (const auto& g : state.grants) {
    if (!p.role.empty() && g.role == p.role) held = held | GrantableFor(g, request);
  }
  if (held.Contains(request.permissions)) return Status::Ok();
  std::string has = access::ToString(held);
  return Status::PermissionDenied("user " + *caller.user + " cannot " + what + ": on " + resource.Label() +
                                  " its execution role " + (p.role.empty() ? "(none)" : p.role) + " holds " +
                                  (has.empty() ? "no permissions" : has) + " with grant option, not ALL or " +
                                  access::ToString(request.permissions) + ", and it is not a data lake administrator");
}

Status Deny(DataDir* dir, store::Transaction& txn, const Caller& caller, const store::MetadataState& state,
            const std::string& action, const nlohmann::json& detail, const Status& denial) {
  WEIR_RETURN_IF_ERROR(CommitDenial(dir, txn, AdminRecord(caller, state, action, denial, detail)));
  return denial;
}

}  // namespace weir::admin
