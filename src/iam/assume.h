#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "iam/policy.h"
#include "iam/role.h"

namespace weir::store {
struct MetadataState;
}

namespace weir::iam {

// Which check decided whether a user may run a session as a role.
enum class AssumeCheck {
  kExecutionRole,        // the user's own execution role: always allowed
  kUnknownUser,          // no such user, or the user is disabled
  kUnknownRole,          // no such role
  kExecutionRolePolicy,  // (a) the execution role's policies must allow
                         //     elasticmapreduce:GetClusterSessionCredentials for this role
  kTrustPolicy,          // (b) the role's trust policy must let the cluster role
                         //     sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession
  kClusterRolePolicy,    // (c) the cluster role's policies must allow sts:AssumeRole on the role
  kAllowed,              // all three passed
};

const char* AssumeCheckName(AssumeCheck check);

struct AssumeDecision {
  bool allowed = false;
  AssumeCheck check = AssumeCheck::kUnknownUser;  // the check that decided
  std::string role_arn;
  std::string message;           // for the person: which check failed and why
  std::vector<Matched> matched;  // the deciding statements, when a policy decided
};

// The IAM side of a snapshot: users, roles and the cluster with every policy
// document compiled once. Immutable and thread-safe once built.
//
// A user U may run a session as role R (as EMR runtime roles work) when R is
// U's execution role, or when all of:
//  (a) U's execution role's policies (managed and inline) allow
//      `elasticmapreduce:GetClusterSessionCredentials` on the cluster's ARN
//      with context `elasticmapreduce:ExecutionRoleArn` = R's ARN and the
//      cluster's tags as `elasticmapreduce:ResourceTag/<key>`;
//  (b) R's trust policy lets the cluster role `sts:AssumeRole`,
//      `sts:SetSourceIdentity` and `sts:TagSession` (context
//      `sts:SourceIdentity` = U);
//  (c) the cluster role's own policies allow `sts:AssumeRole` on R.
// Requests carry `aws:username` and `aws:SourceIdentity` = U,
// `aws:PrincipalArn`, and `aws:PrincipalTag/<key>` from the execution role's
// tags overlaid with U's.
class Directory {
 public:
  // Compiles every document; a stored document that no longer parses makes
  // that policy absent (deny by default) and is reported by errors().
  explicit Directory(const store::MetadataState& state);

  // `role` is a name or an ARN.
  AssumeDecision CanAssume(const std::string& user, const std::string& role) const;
  // The roles `user` may assume (its execution role first), by name.
  std::vector<std::string> AssumableRoles(const std::string& user) const;

  // Decides `request` for `user` acting as its execution role, as IAM
  // decides an API call: with the role's identity policies (managed and
  // inline), the role's ARN as the principal, and the caller's context keys
  // (aws:username, aws:SourceIdentity, aws:PrincipalArn,
  // aws:PrincipalTag/<key>) replacing any the request carries. The request
  // gives the action, resource, resource account and the keys that describe
  // the resource (aws:ResourceTag/<key>, ...). An unknown or disabled user
  // gets kImplicitDeny with nothing matched. Never throws.
  Decision Authorize(const std::string& user, Request request) const;

  const Cluster& cluster() const { return cluster_; }
  const User* FindUser(const std::string& name) const;
  // The user holding the access key `key_id` (active or not), or null.
  const User* FindUserByAccessKey(const std::string& key_id) const;
  // By name or ARN of this account.
  const Role* FindRole(const std::string& name_or_arn) const;
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<const Policy*> IdentityPolicies(const std::string& role) const;
  // The context keys that describe `user` as a caller.
  Context CallerContext(const User& user) const;

  Cluster cluster_;
  std::map<std::string, User> users_;
  std::map<std::string, Role> roles_;
  std::map<std::string, std::vector<std::shared_ptr<const Policy>>> role_policies_;  // role → compiled identity
  std::map<std::string, std::shared_ptr<const Policy>> trust_;                       // role → compiled trust
  std::vector<std::string> errors_;
};

}  // namespace weir::iam
