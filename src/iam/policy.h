#pragma once

// The IAM JSON policy language: parsing and validation into an immutable
// compiled form, evaluation of one policy against a request, and AWS's
// decision logic across identity policies, a resource policy, permissions
// boundaries and a session policy.
//
// Policies are parsed and validated once, when stored (Policy::Parse); every
// evaluation after that works on the compiled form, allocates little, never
// throws and is safe to run from many threads at once on the same Policy.
// The compiled form indexes statements by the actions they name, so a request
// visits only the statements whose Action/NotAction can match it, and a
// policy's statements share their repeated Action lists, Resource lists and
// conditions, each evaluated at most once per request. Results are exactly
// those of evaluating every statement in turn.
//
// Semantics follow the AWS IAM User Guide ("Policy evaluation logic",
// "Condition operators", "Policy variables", "Principal"). Where the AWS
// documentation leaves a choice open, the choice is written down next to the
// declaration it affects, under "Semantics:" (conditions: iam/condition.h;
// variables: iam/policy_variables.h; ARN matching: iam/arn.h).
//
// Known limitations: letter case is folded for ASCII only (condition keys,
// actions, *IgnoreCase operators); wildcard matching is the usual
// backtracking kind, linear for ordinary patterns but O(pattern × value) for
// adversarial ones, so request values should be bounded by their producer;
// Organizations SCPs/RCPs, ACLs and the root user's implicit rights are not
// modelled.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace weir::iam {

namespace internal {
struct PolicyData;
struct PolicyAccess;
struct PreparedRequest;
}  // namespace internal

// The request context: condition keys to one or more string values.
//
// Keys are looked up case-insensitively (ASCII; "aws:PrincipalTag/Team" finds
// a value stored as "aws:principaltag/team"), as AWS treats condition keys.
// The library never adds keys of its own: aws:CurrentTime, aws:PrincipalArn
// and the like are whatever the caller puts here.
// Values are compared as the condition operator says (case-sensitively for
// StringEquals, ...).
//
// Semantics: a key stored with zero values is treated exactly like a missing
// key (AWS: "the key values resolve to a null data set").
//
// Not thread-safe for mutation; concurrent const use is safe.
class Context {
 public:
  Context() = default;
  // Context{{"aws:username", {"alice"}}, {"aws:TagKeys", {"a", "b"}}}
  Context(std::initializer_list<std::pair<std::string_view, std::vector<std::string>>> entries);

  // Replaces the values of `key` with one value.
  Context& Set(std::string_view key, std::string value);
  // Replaces the values of `key` (a multi-valued key when values.size() > 1).
  Context& Set(std::string_view key, std::vector<std::string> values);
  // Appends a value to `key`, creating it when absent.
  Context& Add(std::string_view key, std::string value);
  // Removes `key`; returns whether it was present.
  bool Erase(std::string_view key);

  // The values of `key` (any letter case), or nullptr when the key is absent.
  const std::vector<std::string>* Find(std::string_view key) const noexcept;
  // Same, for a key already in lower case (the compiled policies' form), and
  // with its precomputed fingerprint (internal::Fingerprint, iam/ascii.h).
  const std::vector<std::string>* FindLowercase(std::string_view lowercase_key) const noexcept;
  const std::vector<std::string>* FindLowercase(std::string_view lowercase_key, uint64_t fingerprint) const noexcept;

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

  struct Entry {
    std::string key;  // lower case
    std::vector<std::string> values;
    uint64_t fingerprint = 0;  // of `key`, for quick lookups
  };
  // Entries sorted by lower-cased key.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry>::iterator LowerBound(std::string_view lowercase_key);
  std::vector<Entry> entries_;
};

// One authorization request.
struct Request {
  // The caller's ARN: an IAM user (arn:aws:iam::111122223333:user/alice), a
  // role session (arn:aws:sts::111122223333:assumed-role/R/session), a role
  // (arn:aws:iam::111122223333:role/R, when the caller acts as the role
  // itself), a federated user, the account root, or a service principal
  // ("ec2.amazonaws.com"). nullopt for an anonymous caller.
  std::optional<std::string> principal;
  // The caller's account. When empty, taken from the principal ARN.
  std::string principal_account;
  // "service:ActionName"; compared case-insensitively.
  std::string action;
  // The resource's ARN, or "*" for actions without resource-level permissions.
  std::string resource;
  // The account owning the resource; empty means the caller's account. Not
  // derived from `resource` (many ARNs, like S3's, carry no account): set it
  // for cross-account requests.
  std::string resource_account;
  Context context;
};

// Returns an InvalidArgument status naming the first malformed field of
// `request` ("action: expected 'service:Action', got 'x'"). Decide treats an
// invalid request as implicitly denied.
Status ValidateRequest(const Request& request);

enum class Effect : uint8_t { kAllow, kDeny };

// Three-valued result of one policy: no statement applies, some Allow
// statement applies (and no Deny), or some Deny statement applies.
enum class Outcome : uint8_t { kNotApplicable, kAllow, kDeny };

// Which policies a document is validated as.
enum class PolicyKind : uint8_t {
  // Principal/NotPrincipal optional; a statement must have Resource/NotResource
  // unless it names a principal (the trust-policy shape).
  kAny,
  // Identity-based policy, permissions boundary or session policy: no
  // Principal/NotPrincipal; Resource or NotResource required.
  kIdentity,
  // Resource-based policy: Principal or NotPrincipal required; Resource or
  // NotResource required.
  kResource,
  // Role trust policy: Principal or NotPrincipal required; no
  // Resource/NotResource (the statement applies to the role itself).
  kTrust,
};

// How a statement's principal test was satisfied. Decide uses it to apply
// AWS's rules on which implicit denies limit a resource-based policy.
enum class PrincipalMatch : uint8_t {
  kImplicit,      // the statement has no Principal element (identity policies)
  kDirect,        // named exactly: an IAM user, role session, federated user,
                  // service, federated provider or canonical user
  kWildcard,      // "*" or {"AWS": "*"}
  kRole,          // the role ARN, for a caller that is that role or a session of it
  kAccount,       // the caller's account (12-digit id or :root ARN): delegation
  kNotPrincipal,  // the caller is not listed in NotPrincipal
};

// A statement that applies to a request.
struct StatementMatch {
  size_t index = 0;  // position in the Statement array
  Effect effect = Effect::kDeny;
  // The statement's Sid, or its index as a string when it has none. Points
  // into the Policy; valid while the Policy lives.
  std::string_view label;
  PrincipalMatch principal = PrincipalMatch::kImplicit;
};

// Where a validation error is, and what it is.
struct PolicyError {
  // JSON path of the offending element, e.g. "Statement[1].Condition.StringEqualz";
  // empty for the document as a whole.
  std::string path;
  std::string message;  // e.g. "unknown condition operator"
};

// Documents larger than this are refused before parsing.
inline constexpr size_t kMaxPolicyBytes = 128 * 1024;
// Deeper JSON nesting than this is refused before parsing (a valid policy
// needs 6 levels).
inline constexpr size_t kMaxPolicyDepth = 32;

// An immutable, compiled IAM policy. Cheap to copy (shares its compiled
// form); safe for concurrent use from any number of threads.
class Policy {
 public:
  // Parses and validates `json`. Every error is Status::InvalidArgument whose
  // message is "<path>: <problem>" (just "<problem>" for the document as a
  // whole), e.g.
  //   Statement[1].Condition.StringEqualz: unknown condition operator
  //   Statement[0].Condition.DateLessThan.aws:CurrentTime: invalid date 'x'
  //   Statement[0].Resource[2]: malformed ARN 'arn:aws'
  // When `error` is not null it receives the path and problem separately.
  //
  // Validated up front: JSON syntax, size (kMaxPolicyBytes), nesting
  // (kMaxPolicyDepth), duplicate object keys, unknown elements, Version
  // ("2012-10-17" or "2008-10-17"; absent means "2008-10-17", where ${...} is
  // literal text, as in AWS), Id, Statement (object or non-empty array), Sid
  // (ASCII letters and digits, unique; "" counts as absent), Effect,
  // Principal/NotPrincipal, Action/NotAction ("*" or "service:Name", with `*`
  // and `?`), Resource/NotResource ("*" or an ARN; `*` and `?` inside
  // segments), Condition (every operator, its values' types, policy variable
  // syntax).
  static Result<Policy> Parse(std::string_view json, PolicyKind kind = PolicyKind::kAny, PolicyError* error = nullptr);

  // The statements of this policy that apply to `request`, in document order.
  //
  // A statement applies when its action, resource, principal and every
  // condition match. The principal test is skipped for statements without
  // Principal/NotPrincipal.
  std::vector<StatementMatch> Evaluate(const Request& request) const noexcept;

  // Same, appending to `*matches` (when not null), and returning the
  // three-valued outcome: kDeny if any Deny statement applies, else kAllow if
  // any Allow statement applies, else kNotApplicable.
  Outcome Evaluate(const Request& request, std::vector<StatementMatch>* matches) const noexcept;

  // "2012-10-17" or "2008-10-17".
  const std::string& version() const;
  // The Id element, or "".
  const std::string& id() const;
  PolicyKind kind() const;
  size_t statement_count() const;
  // Sid or index-as-string of statement `index`.
  // REQUIRES: index < statement_count().
  std::string_view statement_label(size_t index) const;
  // REQUIRES: index < statement_count().
  Effect statement_effect(size_t index) const;

 private:
  friend struct Decider;
  friend struct internal::PolicyAccess;
  explicit Policy(std::shared_ptr<const internal::PolicyData> data) : data_(std::move(data)) {}
  Outcome EvaluatePrepared(const internal::PreparedRequest& request,
                           std::vector<StatementMatch>* matches) const noexcept;

  // Never null, except in a moved-from Policy (which may only be assigned to
  // or destroyed; evaluating it finds no statements).
  std::shared_ptr<const internal::PolicyData> data_;
};

// The policies that apply to one request. Pointers are borrowed; null
// entries are skipped.
struct PolicySet {
  // The caller's identity-based policies (user, group and role policies).
  std::vector<const Policy*> identity;
  // The resource-based policy of the requested resource, if any.
  const Policy* resource = nullptr;
  // The caller's permissions boundaries; every one present must allow.
  std::vector<const Policy*> permission_boundaries;
  // The session policy of the caller's session, if any.
  const Policy* session = nullptr;
};

enum class Source : uint8_t { kIdentity, kResource, kBoundary, kSession };

// A statement that took part in a decision.
struct Matched {
  Source source = Source::kIdentity;
  size_t policy_index = 0;  // index within its PolicySet list (0 for resource/session)
  std::string statement;    // Sid, or the statement index as a string
  Effect effect = Effect::kDeny;
};

struct Decision {
  enum class Kind : uint8_t { kAllow, kExplicitDeny, kImplicitDeny };
  Kind kind = Kind::kImplicitDeny;
  // kExplicitDeny: every Deny statement that applies.
  // kAllow: every Allow statement that applies (the grants, and the boundary
  //   and session statements that let them through).
  // kImplicitDeny: the Allow statements that applied but were not enough
  //   (e.g. an identity grant outside a permissions boundary); often empty.
  // Ordered identity, resource, boundary, session; then by policy and statement.
  std::vector<Matched> matched;

  bool allowed() const { return kind == Kind::kAllow; }
};

// AWS's decision logic ("Policy evaluation logic", "Cross-account policy
// evaluation logic" in the IAM User Guide):
//
// 1. A Deny statement that applies in any policy: kExplicitDeny.
// 2. Same account (resource_account empty or equal to the caller's account):
//    allowed when
//      the resource policy grants to the caller directly — its exact user,
//        role-session or federated-user ARN, or "*" — (such grants are not
//        limited by implicit denies in identity policies, boundaries or
//        session policies), or
//      (an identity policy allows, or the resource policy grants to the
//        caller's role ARN) and every permissions boundary allows and the
//        session policy, if any, allows.
//    A resource-policy grant to the caller's account (id or :root) delegates
//    to the account's identity policies and grants nothing by itself.
// 3. Cross-account: the resource policy must grant to the caller (by any
//    principal form, including the account) AND an identity policy must
//    allow, within every boundary and the session policy.
// 4. Otherwise kImplicitDeny. An anonymous caller (principal == nullopt) is
//    allowed only by a resource-policy grant.
//
// Semantics:
// * NotPrincipal grants count like role-ARN grants: limited by boundaries
//   and session policies. AWS's quirk that NotPrincipal+Deny denies every
//   principal with a permissions boundary is not reproduced.
// * A resource policy grants only to principals it names: an Allow statement
//   without Principal/NotPrincipal there grants nothing (a Deny still applies).
// * When the resource policy is a role trust policy (PolicyKind::kTrust) it
//   must itself grant: an identity-policy allow counts only together with a
//   trust-policy grant to the caller's account (AWS: "role trust policies and
//   KMS key policies are exceptions").
// * A federated-user caller (arn:...:sts::...:federated-user/...) without a
//   session policy gets nothing from identity policies, as in AWS.
// * Service principals ("sns.amazonaws.com") and anonymous callers have no
//   identity policies: only resource-policy grants count for them.
// * The account root user gets no implicit permissions.
// * Service control policies, resource control policies and ACLs are out of
//   scope.
//
// Never throws. Allocates for the returned matches (and reuses per-thread
// scratch space).
Decision Decide(const PolicySet& policies, const Request& request) noexcept;

// Validates `json` as a JSON text the way Policy::Parse does before looking at
// its content (size aside): syntax, nesting depth and duplicate object keys.
// Used by callers that embed policies in larger JSON documents.
Status ValidateJsonText(std::string_view json, size_t max_depth = kMaxPolicyDepth, PolicyError* error = nullptr);

// "Allow" / "Deny".
std::string_view EffectName(Effect effect);
// "Allow" / "ExplicitDeny" / "ImplicitDeny".
std::string_view DecisionKindName(Decision::Kind kind);
// "identity" / "resource" / "boundary" / "session".
std::string_view SourceName(Source source);
// "any" / "identity" / "resource" / "trust".
std::string_view PolicyKindName(PolicyKind kind);
// Parses a PolicyKindName; false when unknown.
bool ParsePolicyKind(std::string_view name, PolicyKind* kind);

}  // namespace weir::iam
