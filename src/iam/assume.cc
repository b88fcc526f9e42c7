#include "iam/assume.h"

#include "store/store.h"

namespace weir::iam {

const char* AssumeCheckName(AssumeCheck check) {
  switch (check) {
    case AssumeCheck::kExecutionRole:
      return "execution_role";
    case AssumeCheck::kUnknownUser:
      return "unknown_user";
    case AssumeCheck::kUnknownRole:
      return "unknown_role";
    case AssumeCheck::kExecutionRolePolicy:
      return "execution_role_policy";
    case AssumeCheck::kTrustPolicy:
      return "trust_policy";
    case AssumeCheck::kClusterRolePolicy:
      return "cluster_role_policy";
    case AssumeCheck::kAllowed:
      return "allowed";
  }
  return "unknown";
}

Directory::Directory(const store::MetadataState& state) : cluster_(state.cluster) {
  std::map<std::string, std::shared_ptr<const Policy>> managed;
  for (const auto& p : state.policies) {
    auto parsed = Policy::Parse(p.document, PolicyKind::kIdentity);
    if (parsed.ok()) {
      managed[p.name] = std::make_shared<const Policy>(std::move(parsed).value());
    } else {
      errors_.push_back("policy " + p.name + ": " + parsed.status().message());
    }
  }
  for (const auto& r : state.roles) {
    roles_[r.name] = r;
    auto& compiled = role_policies_[r.name];
    for (const auto& name : r.managed_policies) {
      auto it = managed.find(name);
      if (it != managed.end()) compiled.push_back(it->second);
    }
    for (const auto& [name, doc] : r.inline_policies) {
      auto parsed = Policy::Parse(doc, PolicyKind::kIdentity);
      if (parsed.ok()) {
        compiled.push_back(std::make_shared<const Policy>(std::move(parsed).value()));
      } else {
        errors_.push_back("role " + r.name + " policy " + name + ": " + parsed.status().message());
      }
    }
    if (!r.trust_policy.empty()) {
      auto parsed = Policy::Parse(r.trust_policy, PolicyKind::kTrust);
      if (parsed.ok()) {
        trust_[r.name] = std::make_shared<const Policy>(std::move(parsed).value());
      } else {
        errors_.push_back("role " + r.name + " trust policy: " + parsed.status().message());
      }
    }
  }
  for (const auto& u : state.users) users_[u.name] = u;
}

const User* Directory::FindUser(const std::string& name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : &it->second;
}

const User* Directory::FindUserByAccessKey(const std::string& key_id) const {
  for (const auto& [name, user] : users_) {
    for (const auto& key : user.access_keys) {
      if (key.id == key_id) return &user;
    }
  }
  return nullptr;
}

const Role* Directory::FindRole(const std::string& name_or_arn) const {
  std::string name = name_or_arn;
  std::string prefix = "arn:aws:iam::" + cluster_.account + ":role/";
  if (name.rfind(prefix, 0) == 0) {
    name = name.substr(prefix.size());
    auto slash = name.rfind('/');  // role paths: arn:…:role/path/name
    if (slash != std::string::npos) name = name.substr(slash + 1);
  } else if (name.rfind("arn:", 0) == 0) {
    return nullptr;
  }
  auto it = roles_.find(name);
  return it == roles_.end() ? nullptr : &it->second;
}

std::vector<const Policy*> Directory::IdentityPolicies(const std::string& role) const {
  std::vector<const Policy*> out;
  auto it = role_policies_.find(role);
  if (it != role_policies_.end()) {
    for (const auto& p : it->second) out.push_back(p.get());
  }
  return out;
}

Context Directory::CallerContext(const User& user) const {
  Context context;
  context.Set("aws:username", user.name);
  context.Set("aws:SourceIdentity", user.name);
  Tags principal_tags;
  if (auto exec = roles_.find(user.execution_role); exec != roles_.end()) principal_tags = exec->second.tags;
  for (const auto& [k, v] : user.tags) principal_tags[k] = v;
  for (const auto& [k, v] : principal_tags) context.Set("aws:PrincipalTag/" + k, v);
  return context;
}

Decision Directory::Authorize(const std::string& user_name, Request request) const {
  const User* user = FindUser(user_name);
  if (user == nullptr || !user->enabled) return Decision{};
  request.principal = cluster_.RoleArn(user->execution_role);
  request.principal_account = cluster_.account;
  // Who the caller is comes from the directory alone.
  std::vector<std::string> claimed;
  for (const auto& entry : request.context.entries()) {
    if (entry.key.rfind("aws:principaltag/", 0) == 0) claimed.push_back(entry.key);
  }
  for (const auto& key : claimed) request.context.Erase(key);
  const Context caller = CallerContext(*user);
  for (const auto& entry : caller.entries()) request.context.Set(entry.key, entry.values);
  request.context.Set("aws:PrincipalArn", *request.principal);
  auto policies = IdentityPolicies(user->execution_role);
  return Decide(PolicySet{policies, nullptr, {}, nullptr}, request);
}

AssumeDecision Directory::CanAssume(const std::string& user_name, const std::string& role_name) const {
  AssumeDecision d;
  const User* user = FindUser(user_name);
  if (user == nullptr || !user->enabled) {
    d.check = AssumeCheck::kUnknownUser;
    d.message = "user " + user_name + (user == nullptr ? " does not exist" : " is disabled");
    return d;
  }
  const Role* role = FindRole(role_name);
  if (role == nullptr) {
    d.check = AssumeCheck::kUnknownRole;
    d.message = "role " + role_name + " does not exist";
    return d;
  }
  d.role_arn = cluster_.RoleArn(role->name);
  if (role->name == user->execution_role) {
    d.allowed = true;
    d.check = AssumeCheck::kExecutionRole;
    d.message = "role " + role->name + " is the execution role of user " + user->name;
    return d;
  }

  // The caller's context: who they are, as the policies' variables see it.
  Context base = CallerContext(*user);

  // (a) The execution role may get session credentials for this role on this cluster.
  Request a;
  a.principal = cluster_.RoleArn(user->execution_role);
  a.principal_account = cluster_.account;
  a.action = "elasticmapreduce:GetClusterSessionCredentials";
  a.resource = cluster_.Arn();
  a.resource_account = cluster_.account;
  a.context = base;
  a.context.Set("aws:PrincipalArn", *a.principal);
  a.context.Set("elasticmapreduce:ExecutionRoleArn", d.role_arn);
  for (const auto& [k, v] : cluster_.tags) a.context.Set("elasticmapreduce:ResourceTag/" + k, v);
  auto exec_policies = IdentityPolicies(user->execution_role);
  Decision decision = Decide(PolicySet{exec_policies, nullptr, {}, nullptr}, a);
  if (!decision.allowed()) {
    d.check = AssumeCheck::kExecutionRolePolicy;
    d.matched = decision.matched;
    d.message = "the policies of user " + user->name + "'s execution role " + user->execution_role +
                (decision.kind == Decision::Kind::kExplicitDeny ? " explicitly deny" : " do not allow") +
                " elasticmapreduce:GetClusterSessionCredentials on " + cluster_.Arn() +
                " with elasticmapreduce:ExecutionRoleArn " + d.role_arn;
    return d;
  }

  // (b) The role's trust policy admits the cluster role for all three actions.
  std::string cluster_role_arn = cluster_.RoleArn(kClusterRoleName);
  auto trust = trust_.find(role->name);
  for (const char* action : {"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"}) {
    Request b;
    b.principal = cluster_role_arn;
    b.principal_account = cluster_.account;
    b.action = action;
    b.resource = d.role_arn;
    b.resource_account = cluster_.account;
    b.context = base;
    b.context.Set("aws:PrincipalArn", cluster_role_arn);
    b.context.Set("sts:SourceIdentity", user->name);
    std::vector<StatementMatch> matches;
    Outcome outcome = trust == trust_.end() ? Outcome::kNotApplicable : trust->second->Evaluate(b, &matches);
    if (outcome != Outcome::kAllow) {
      d.check = AssumeCheck::kTrustPolicy;
      d.message = "the trust policy of role " + role->name +
                  (outcome == Outcome::kDeny ? " denies " : " does not allow ") + "the cluster role " +
                  cluster_role_arn + " " + action;
      return d;
    }
  }

  // (c) The cluster role itself may assume the role.
  Request c;
  c.principal = cluster_role_arn;
  c.principal_account = cluster_.account;
  c.action = "sts:AssumeRole";
  c.resource = d.role_arn;
  c.resource_account = cluster_.account;
  c.context = base;
  c.context.Set("aws:PrincipalArn", cluster_role_arn);
  auto cluster_policies = IdentityPolicies(kClusterRoleName);
  decision = Decide(PolicySet{cluster_policies, nullptr, {}, nullptr}, c);
  if (!decision.allowed()) {
    d.check = AssumeCheck::kClusterRolePolicy;
    d.matched = decision.matched;
    d.message = "the policies of the cluster role " + std::string(kClusterRoleName) +
                (decision.kind == Decision::Kind::kExplicitDeny ? " explicitly deny" : " do not allow") +
                " sts:AssumeRole on " + d.role_arn;
    return d;
  }
  d.allowed = true;
  d.check = AssumeCheck::kAllowed;
  d.matched = decision.matched;
  d.message = "user " + user->name + " may run sessions as role " + role->name;
  return d;
}

std::vector<std::string> Directory::AssumableRoles(const std::string& user_name) const {
  std::vector<std::string> out;
  const User* user = FindUser(user_name);
  if (user == nullptr || !user->enabled) return out;
  out.push_back(user->execution_role);
  for (const auto& [name, role] : roles_) {
    if (name != user->execution_role && CanAssume(user_name, name).allowed) out.push_back(name);
  }
  return out;
}

}  // namespace weir::iam
