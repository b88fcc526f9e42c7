// Admin verbs for IAM principals: the cluster, roles' policies and tags,
// users and managed policies. Same shape as admin.cc: one store transaction
// with its audit record per verb.

#include <algorithm>

#include "admin/admin.h"
#include "admin/data_dir.h"
#include "admin/transaction.h"
#include "iam/assume.h"
#include "iam/policy.h"
#include "iam/scram.h"
#include "iam/session_credentials.h"
#include "store/store.h"

namespace weir::admin {

namespace {

Status ValidateDocument(const std::string& what, const std::string& document, iam::PolicyKind kind) {
  auto parsed = iam::Policy::Parse(document, kind);
  if (!parsed.ok()) return Status::InvalidArgument(what + ": " + parsed.status().message());
  return Status::Ok();
}

Result<iam::Role> FindRole(const store::MetadataState& state, const std::string& name) {
  for (const auto& r : state.roles) {
    if (r.name == name) return r;
  }
  return Status::NotFound("role " + name + " does not exist");
}

Result<iam::User> FindUser(const store::MetadataState& state, const std::string& name) {
  for (const auto& u : state.users) {
    if (u.name == name) return u;
  }
  return Status::NotFound("user " + name + " does not exist");
}

bool HasPolicy(const store::MetadataState& state, const std::string& name) {
  return std::any_of(state.policies.begin(), state.policies.end(),
                     [&](const iam::ManagedPolicy& p) { return p.name == name; });
}

Status CheckTags(const iam::Tags& tags) {
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return Status::InvalidArgument("tag keys are 1-128 characters and values at most 256: '" + k + "'");
    }
    if (k.rfind("aws:", 0) == 0) return Status::InvalidArgument("tag keys may not start with 'aws:': " + k);
  }
  return Status::Ok();
}

void ApplyTags(iam::Tags* tags, const iam::Tags& set, const std::vector<std::string>& remove) {
  for (const auto& k : remove) tags->erase(k);
  for (const auto& [k, v] : set) (*tags)[k] = v;
}

// What a tagging request contributes to its IAM context, as in AWS:
// aws:RequestTag/<key> for each tag set, aws:TagKeys for every key named.
iam::Context TagContext(const iam::Tags& set, const std::vector<std::string>& remove) {
  iam::Context context;
  std::vector<std::string> keys;
  for (const auto& [k, v] : set) {
    context.Set("aws:RequestTag/" + k, v);
    keys.push_back(k);
  }
  keys.insert(keys.end(), remove.begin(), remove.end());
  if (!keys.empty()) context.Set("aws:TagKeys", keys);
  return context;
}

// The accesses a change of tags needs: `tag` for tags set, `untag` for tags
// removed (and `tag` alone when the request names none).
std::vector<Access> TagAccesses(Operation tag, Operation untag, const std::string& object, const iam::Tags& set,
                                const std::vector<std::string>& remove) {
  std::vector<Access> out;
  if (!set.empty() || remove.empty()) out.push_back({tag, object, "", TagContext(set, {})});
  if (!remove.empty()) out.push_back({untag, object, "", TagContext({}, remove)});
  return out;
}

// Attaching or detaching `policy`: the role is the resource, and the policy's
// ARN is iam:PolicyARN, as in IAM.
auto PolicyAccess(Operation operation, const std::string& role, const std::string& policy) {
  return [=](const store::MetadataState& state) {
    return std::vector<Access>{
        {operation, role, "", iam::Context{{"iam:PolicyARN", {state.cluster.PolicyArn(policy)}}}}};
  };
}

// The bootstrap administrator's role allows every action.
constexpr const char* kAdminRole = "weir-admin";
constexpr const char* kAdminPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"}]})";

}  // namespace

Status Admin::Bootstrap(const iam::Cluster& cluster, const std::string& admin_password) {
  WEIR_RETURN_IF_ERROR(CheckName("cluster", cluster.name));
  if (cluster.account.size() != 12 || !std::all_of(cluster.account.begin(), cluster.account.end(), ::isdigit)) {
    return Status::InvalidArgument("an account id is 12 digits: " + cluster.account);
  }
  if (!caller_.local()) {
    return Status::PermissionDenied("only the local administrator initializes a data directory");
  }
  WEIR_ASSIGN_OR_RETURN(iam::ScramVerifier verifier, iam::MakeScramVerifier(admin_password));
  nlohmann::json detail = {{"cluster", cluster.Arn()}, {"admin_user", "admin"}};
  return InTransaction(dir_, caller_, "bootstrap", detail, std::vector<Access>{},
                       [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) -> Status {
                         WEIR_RETURN_IF_ERROR(txn.PutCluster(cluster));
                         WEIR_RETURN_IF_ERROR(txn.PutSecret("sts_key", iam::NewSessionKey()));
                         WEIR_RETURN_IF_ERROR(txn.CreateRole(
                             {iam::kClusterRoleName, "the cluster's own role (instance profile analog)"}));
                         iam::Role admin_role{kAdminRole, "the bootstrap administrator's execution role"};
                         admin_role.inline_policies["administrator"] = kAdminPolicy;
                         WEIR_RETURN_IF_ERROR(txn.CreateRole(admin_role));
                         iam::User admin;
                         admin.name = "admin";
                         admin.execution_role = kAdminRole;
                         admin.password = verifier;
                         WEIR_RETURN_IF_ERROR(txn.CreateUser(admin));
                         // The bootstrap administrator is the first data lake administrator.
                         return txn.PutLakeAdmins({"user/admin"});
                       });
}

Status Admin::TagCluster(const iam::Tags& set, const std::vector<std::string>& remove) {
  WEIR_RETURN_IF_ERROR(CheckTags(set));
  return InTransaction(dir_, caller_, "tag_cluster", {{"set", set}, {"remove", remove}},
                       TagAccesses(Operation::kTagCluster, Operation::kUntagCluster, "", set, remove),
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json&) {
                         iam::Cluster cluster = state.cluster;
                         ApplyTags(&cluster.tags, set, remove);
                         return txn.PutCluster(cluster);
                       });
}

namespace {

// Loads `role`, lets `change` edit it, and stores it, once `caller` is
// authorized for `accesses`.
template <typename A, typename F>
Status EditRole(DataDir* dir, const Caller& caller, const std::string& action, const std::string& role,
                nlohmann::json detail, A accesses, F change) {
  detail["role"] = role;
  return InTransaction(dir, caller, action, detail, std::move(accesses),
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) -> Status {
                         WEIR_ASSIGN_OR_RETURN(iam::Role r, FindRole(state, role));
                         WEIR_RETURN_IF_ERROR(change(r, state, d));
                         return txn.UpdateRole(r);
                       });
}

template <typename A, typename F>
Status EditUser(DataDir* dir, const Caller& caller, const std::string& action, const std::string& user,
                nlohmann::json detail, A accesses, F change) {
  detail["user"] = user;
  return InTransaction(dir, caller, action, detail, std::move(accesses),
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) -> Status {
                         WEIR_ASSIGN_OR_RETURN(iam::User u, FindUser(state, user));
                         WEIR_RETURN_IF_ERROR(change(u, state, d));
                         return txn.UpdateUser(u);
                       });
}

}  // namespace

Status Admin::SetTrustPolicy(const std::string& role, const std::string& document) {
  WEIR_RETURN_IF_ERROR(ValidateDocument("trust policy", document, iam::PolicyKind::kTrust));
  return EditRole(dir_, caller_, "set_trust_policy", role, {}, std::vector<Access>{{Operation::kSetTrustPolicy, role}},
                  [&](iam::Role& r, const store::MetadataState&, nlohmann::json&) {
                    r.trust_policy = document;
                    return Status::Ok();
                  });
}

Status Admin::PutRolePolicy(const std::string& role, const std::string& name, const std::string& document) {
  WEIR_RETURN_IF_ERROR(CheckName("policy", name));
  WEIR_RETURN_IF_ERROR(ValidateDocument("policy " + name, document, iam::PolicyKind::kIdentity));
  return EditRole(dir_, caller_, "put_role_policy", role, {{"policy", name}},
                  std::vector<Access>{{Operation::kPutRolePolicy, role}},
                  [&](iam::Role& r, const store::MetadataState&, nlohmann::json&) {
                    r.inline_policies[name] = document;
                    return Status::Ok();
                  });
}

Status Admin::DeleteRolePolicy(const std::string& role, const std::string& name) {
  return EditRole(dir_, caller_, "delete_role_policy", role, {{"policy", name}},
                  std::vector<Access>{{Operation::kDeleteRolePolicy, role}},
                  [&](iam::Role& r, const store::MetadataState&, nlohmann::json&) -> Status {
                    if (r.inline_policies.erase(name) == 0) {
                      return Status::NotFound("role " + role + " has no inline policy " + name);
                    }
                    return Status::Ok();
                  });
}

Status Admin::AttachRolePolicy(const std::string& role, const std::string& policy) {
  return EditRole(dir_, caller_, "attach_role_policy", role, {{"policy", policy}},
                  PolicyAccess(Operation::kAttachRolePolicy, role, policy),
                  [&](iam::Role& r, const store::MetadataState& state, nlohmann::json& d) -> Status {
                    if (!HasPolicy(state, policy)) return Status::NotFound("policy " + policy + " does not exist");
                    auto& list = r.managed_policies;
                    if (std::find(list.begin(), list.end(), policy) != list.end()) {
                      d["unchanged"] = true;
                      return Status::Ok();
                    }
                    list.push_back(policy);
                    std::sort(list.begin(), list.end());
                    return Status::Ok();
                  });
}

Status Admin::DetachRolePolicy(const std::string& role, const std::string& policy) {
  return EditRole(dir_, caller_, "detach_role_policy", role, {{"policy", policy}},
                  PolicyAccess(Operation::kDetachRolePolicy, role, policy),
                  [&](iam::Role& r, const store::MetadataState&, nlohmann::json&) -> Status {
                    if (std::erase(r.managed_policies, policy) == 0) {
                      return Status::NotFound("policy " + policy + " is not attached to role " + role);
                    }
                    return Status::Ok();
                  });
}

Status Admin::TagRole(const std::string& role, const iam::Tags& set, const std::vector<std::string>& remove) {
  WEIR_RETURN_IF_ERROR(CheckTags(set));
  return EditRole(dir_, caller_, "tag_role", role, {{"set", set}, {"remove", remove}},
                  TagAccesses(Operation::kTagRole, Operation::kUntagRole, role, set, remove),
                  [&](iam::Role& r, const store::MetadataState&, nlohmann::json&) {
                    ApplyTags(&r.tags, set, remove);
                    return Status::Ok();
                  });
}

Status Admin::SetMaxSessionDuration(const std::string& role, int64_t seconds) {
  if (seconds < 900 || seconds > 43200) {
    return Status::InvalidArgument("max session duration is 900 to 43200 seconds, as in IAM");
  }
  return EditRole(dir_, caller_, "set_max_session_duration", role, {{"seconds", seconds}},
                  std::vector<Access>{{Operation::kSetMaxSessionDuration, role}},
                  [&](iam::Role& r, const store::MetadataState&, nlohmann::json&) {
                    r.max_session_duration_s = seconds;
                    return Status::Ok();
                  });
}

Status Admin::CreateUser(const std::string& name, const std::string& execution_role, const std::string& password,
                         const iam::Tags& tags) {
  WEIR_RETURN_IF_ERROR(CheckName("user", name));
  WEIR_RETURN_IF_ERROR(CheckTags(tags));
  iam::User user;
  user.name = name;
  user.execution_role = execution_role;
  user.tags = tags;
  if (!password.empty()) {
    WEIR_ASSIGN_OR_RETURN(user.password, iam::MakeScramVerifier(password));
  }
  std::vector<Access> needed{{Operation::kCreateUser, name, "", TagContext(tags, {})},
                             {Operation::kPassRole, execution_role}};
  if (!tags.empty()) needed.push_back({Operation::kTagUser, name, "", TagContext(tags, {})});
  return InTransaction(
      dir_, caller_, "create_user", {{"user", name}, {"execution_role", execution_role}, {"tags", tags}}, needed,
      [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) { return txn.CreateUser(user); });
}

Status Admin::UpdateUser(const std::string& name, const std::optional<std::string>& execution_role,
                         std::optional<bool> enabled, const iam::Tags& set_tags,
                         const std::vector<std::string>& remove_tags) {
  WEIR_RETURN_IF_ERROR(CheckTags(set_tags));
  nlohmann::json detail = {{"set_tags", set_tags}, {"remove_tags", remove_tags}};
  if (execution_role) detail["execution_role"] = *execution_role;
  if (enabled) detail["enabled"] = *enabled;
  std::vector<Access> needed;
  if (execution_role || enabled || (set_tags.empty() && remove_tags.empty())) {
    needed.push_back({Operation::kUpdateUser, name});
  }
  if (!set_tags.empty() || !remove_tags.empty()) {
    auto tagging = TagAccesses(Operation::kTagUser, Operation::kUntagUser, name, set_tags, remove_tags);
    needed.insert(needed.end(), tagging.begin(), tagging.end());
  }
  // Giving a user a role passes the role, as in IAM.
  if (execution_role) needed.push_back({Operation::kPassRole, *execution_role});
  return EditUser(dir_, caller_, "update_user", name, detail, needed,
                  [&](iam::User& u, const store::MetadataState&, nlohmann::json&) {
                    if (execution_role) u.execution_role = *execution_role;
                    if (enabled) u.enabled = *enabled;
                    ApplyTags(&u.tags, set_tags, remove_tags);
                    return Status::Ok();
                  });
}

Status Admin::SetPassword(const std::string& name, const std::string& password) {
  if (password.empty()) return Status::InvalidArgument("a password may not be empty");
  WEIR_ASSIGN_OR_RETURN(iam::ScramVerifier verifier, iam::MakeScramVerifier(password));
  return EditUser(dir_, caller_, "set_password", name, {}, std::vector<Access>{{Operation::kSetPassword, name}},
                  [&](iam::User& u, const store::MetadataState&, nlohmann::json&) {
                    u.password = verifier;
                    return Status::Ok();
                  });
}

Result<std::pair<std::string, std::string>> Admin::CreateAccessKey(const std::string& user) {
  // "AKIA" + 16 upper-case letters and digits, as IAM key ids look.
  std::string id = "AKIA";
  for (char c : iam::GeneratePassword(32)) {
    if (id.size() == 20) break;
    if (std::isdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) id.push_back(c);
  }
  while (id.size() < 20) id.push_back('0' + static_cast<char>(id.size() % 10));
  std::string secret = iam::GeneratePassword(40);
  WEIR_ASSIGN_OR_RETURN(iam::ScramVerifier verifier, iam::MakeScramVerifier(secret));
  WEIR_RETURN_IF_ERROR(EditUser(dir_, caller_, "create_access_key", user, {{"key_id", id}},
                                std::vector<Access>{{Operation::kCreateAccessKey, user}},
                                [&](iam::User& u, const store::MetadataState&, nlohmann::json&) -> Status {
                                  if (u.access_keys.size() >= 2) {
                                    return Status::FailedPrecondition("user " + user +
                                                                      " already has two access keys; delete one first");
                                  }
                                  u.access_keys.push_back({id, verifier, true, audit::NowMicros()});
                                  return Status::Ok();
                                }));
  return std::make_pair(id, secret);
}

Status Admin::DeleteAccessKey(const std::string& user, const std::string& key_id) {
  return EditUser(dir_, caller_, "delete_access_key", user, {{"key_id", key_id}},
                  std::vector<Access>{{Operation::kDeleteAccessKey, user}},
                  [&](iam::User& u, const store::MetadataState&, nlohmann::json&) -> Status {
                    if (std::erase_if(u.access_keys, [&](const iam::AccessKey& k) { return k.id == key_id; }) == 0) {
                      return Status::NotFound("user " + user + " has no access key " + key_id);
                    }
                    return Status::Ok();
                  });
}

Status Admin::DeleteUser(const std::string& name) {
  return InTransaction(
      dir_, caller_, "delete_user", {{"user", name}}, std::vector<Access>{{Operation::kDeleteUser, name}},
      [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) { return txn.DeleteUser(name); });
}

Status Admin::CreatePolicy(const std::string& name, const std::string& document, const std::string& description) {
  WEIR_RETURN_IF_ERROR(CheckName("policy", name));
  WEIR_RETURN_IF_ERROR(ValidateDocument("policy " + name, document, iam::PolicyKind::kIdentity));
  return InTransaction(dir_, caller_, "create_policy", {{"policy", name}},
                       std::vector<Access>{{Operation::kCreatePolicy, name}},
                       [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) {
                         return txn.CreatePolicy({name, description, document});
                       });
}

Status Admin::UpdatePolicy(const std::string& name, const std::string& document) {
  WEIR_RETURN_IF_ERROR(ValidateDocument("policy " + name, document, iam::PolicyKind::kIdentity));
  return InTransaction(dir_, caller_, "update_policy", {{"policy", name}},
                       std::vector<Access>{{Operation::kUpdatePolicy, name}},
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json&) -> Status {
                         for (const auto& p : state.policies) {
                           if (p.name == name) return txn.UpdatePolicy({name, p.description, document});
                         }
                         return Status::NotFound("policy " + name + " does not exist");
                       });
}

Result<iam::SessionCredentials> Admin::GetSessionCredentials(const std::string& user, const std::string& role,
                                                             int64_t duration_s) {
  iam::SessionCredentials credentials;
  nlohmann::json detail = {{"user", user}, {"role", role}, {"duration_s", duration_s}};
  // Asking for oneself is what the runtime-role checks decide; asking for
  // another user needs the action as well, with the role it is for.
  auto needed = [&](const store::MetadataState& state) {
    std::vector<Access> out;
    if (caller_.user && *caller_.user != user) {
      std::string role_arn = role.rfind("arn:", 0) == 0 ? role : state.cluster.RoleArn(role);
      out.push_back(
          {Operation::kGetSessionCredentials, "", "", iam::Context{{"elasticmapreduce:ExecutionRoleArn", {role_arn}}}});
    }
    return out;
  };
  WEIR_RETURN_IF_ERROR(InTransaction(
      dir_, caller_, "get_session_credentials", detail, needed,
      [&](store::Transaction&, const store::MetadataState& state, nlohmann::json& d) -> Status {
        iam::Directory directory(state);
        iam::AssumeDecision decision = directory.CanAssume(user, role);
        if (!decision.allowed) {
          return Status::PermissionDenied("user " + user + " may not use role " + role + " (" +
                                          iam::AssumeCheckName(decision.check) + "): " + decision.message);
        }
        const iam::Role* r = directory.FindRole(role);
        if (duration_s < 900 || duration_s > r->max_session_duration_s) {
          return Status::InvalidArgument("duration must be 900 to " + std::to_string(r->max_session_duration_s) +
                                         " seconds (the role's max session duration)");
        }
        auto key_it = state.secrets.find("sts_key");
        std::string key;
        if (key_it == state.secrets.end() || !iam::Base64Decode(key_it->second, &key) || key.size() < 32) {
          return Status::FailedPrecondition("the session key is missing: run weir sts rotate-key");
        }
        int64_t now = audit::NowMicros() / 1000000;
        iam::SessionClaims claims{user, r->name, user + "-" + std::to_string(now), now, now + duration_s};
        credentials = iam::IssueSessionCredentials(key, claims);
        d["role_arn"] = decision.role_arn;
        d["check"] = iam::AssumeCheckName(decision.check);
        d["session_name"] = claims.session_name;
        d["expires_s"] = claims.expires_s;
        return Status::Ok();
      }));
  return credentials;
}

Status Admin::RotateSessionKey() {
  return InTransaction(dir_, caller_, "rotate_session_key", nlohmann::json::object(),
                       std::vector<Access>{{Operation::kRotateSessionKey}},
                       [&](store::Transaction& txn, const store::MetadataState&, nlohmann::json&) {
                         return txn.PutSecret("sts_key", iam::NewSessionKey());
                       });
}

Status Admin::DeletePolicy(const std::string& name) {
  return InTransaction(dir_, caller_, "delete_policy", {{"policy", name}},
                       std::vector<Access>{{Operation::kDeletePolicy, name}},
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json&) -> Status {
                         for (const auto& r : state.roles) {
                           const auto& list = r.managed_policies;
                           if (std::find(list.begin(), list.end(), name) != list.end()) {
                             return Status::FailedPrecondition("policy " + name + " is attached to role " + r.name +
                                                               "; detach it first");
                           }
                         }
                         return txn.DeletePolicy(name);
                       });
}

}  // namespace weir::admin
