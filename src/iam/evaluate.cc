// Evaluation: compiled policies × request → statements that apply, and the
// decision across a PolicySet.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/policy.h"
#include "iam/policy_internal.h"

namespace weir::iam {

namespace internal {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool IsConcreteActionChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

// "service:Action" without wildcards.
bool IsConcreteAction(std::string_view action) {
  size_t colon = action.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == action.size()) return false;
  for (size_t i = 0; i < action.size(); ++i) {
    if (i != colon && !IsConcreteActionChar(action[i])) return false;
  }
  return true;
}

// Scratch space for resolving policy variables in resources.
std::string& Scratch() {
  thread_local std::string scratch;
  scratch.clear();
  return scratch;
}

// Ranks how much a principal match lets a resource-policy grant through;
// when several entries match, the strongest counts.
int Strength(PrincipalMatch m) {
  switch (m) {
    case PrincipalMatch::kDirect:
      return 4;
    case PrincipalMatch::kWildcard:
      return 3;
    case PrincipalMatch::kRole:
      return 2;
    case PrincipalMatch::kAccount:
      return 1;
    default:
      return 0;
  }
}

// The strongest way some entry of `spec` names `caller`, ignoring NotPrincipal;
// nullopt when none does.
std::optional<PrincipalMatch> MatchEntries(const PrincipalSpec& spec, const Caller& caller) {
  std::optional<PrincipalMatch> best;
  auto consider = [&best](PrincipalMatch m) {
    if (!best || Strength(m) > Strength(*best)) best = m;
  };
  if (spec.wildcard) consider(PrincipalMatch::kWildcard);
  if (caller.type == Caller::Type::kAnonymous) return best;
  for (const auto& s : spec.services) {
    if (EqualsIgnoreCaseAscii(caller.text, s)) consider(PrincipalMatch::kDirect);
  }
  for (const auto& f : spec.federated) {
    if (caller.text == f) consider(PrincipalMatch::kDirect);
  }
  for (const auto& c : spec.canonical) {
    if (caller.text == c) consider(PrincipalMatch::kDirect);
  }
  if (caller.type == Caller::Type::kNonArn) return best;
  for (const auto& p : spec.aws) {
    switch (p.type) {
      case AwsPrincipal::Type::kAccount:
        if (!caller.account.empty() && caller.account == p.account &&
            (p.partition.empty() || p.partition == caller.partition)) {
          consider(PrincipalMatch::kAccount);
        }
        break;
      case AwsPrincipal::Type::kRole:
        if (caller.type == Caller::Type::kRole && caller.text == p.arn) {
          consider(PrincipalMatch::kRole);
        } else if (caller.type == Caller::Type::kAssumedRole && caller.account == p.account &&
                   caller.partition == p.partition && caller.role_name == p.role_name) {
          consider(PrincipalMatch::kRole);
        }
        break;
      default:
        if (caller.text == p.arn) consider(PrincipalMatch::kDirect);
        break;
    }
  }
  return best;
}

bool ResourceMatches(const ResourcePattern& pattern, const PreparedRequest& r) {
  if (pattern.anything) return true;
  if (pattern.dynamic) {
    if (!StartsWith(r.resource.text, pattern.dynamic->literal_prefix())) return false;
    std::string& escaped = Scratch();
    if (!pattern.dynamic->ResolveEscaped(r.request->context, &escaped, /*escape_colon=*/true)) return false;
    return MatchArnEscaped(escaped, r.resource);
  }
  return pattern.arn.Matches(r.resource);
}

// Whether some pattern of an Action/NotAction list names the request's action.
bool AnyActionMatches(const ActionList& list, const PreparedRequest& r) {
  for (const auto& pattern : list) {
    bool hit = pattern.whole
                   ? pattern.pattern.Matches(r.action)
                   : pattern.service_hash == r.action_service_hash && SameBytes(pattern.service, r.action_service) &&
                         pattern.pattern.Matches(r.action_name);
    if (hit) return true;
  }
  return false;
}

bool AnyResourceMatches(const ResourceList& list, const PreparedRequest& r) {
  for (const auto& pattern : list) {
    if (ResourceMatches(pattern, r)) return true;
  }
  return false;
}

// The verdicts on a policy's distinct action lists, resource lists and
// conditions (PolicyData) during one evaluation: each is computed at most
// once, however many statements share it.
class Verdicts {
 public:
  void Reset(const PolicyData& policy) {
    remember_ = !policy.reference;
    resources_ = policy.action_lists.size();
    conditions_ = resources_ + policy.resource_lists.size();
    verdicts_.assign(conditions_ + policy.conditions.size(), kUnknown);
  }

  bool Action(const PolicyData& policy, uint32_t id, const PreparedRequest& r) {
    return Get(id, [&] { return AnyActionMatches(policy.action_lists[id], r); });
  }
  bool Resource(const PolicyData& policy, uint32_t id, const PreparedRequest& r) {
    return Get(resources_ + id, [&] { return AnyResourceMatches(policy.resource_lists[id], r); });
  }
  bool Condition(const PolicyData& policy, uint32_t id, const PreparedRequest& r) {
    return Get(conditions_ + id,
               [&] { return EvaluateCondition(policy.conditions[id], r.request->context, &r.values); });
  }

 private:
  static constexpr uint8_t kUnknown = 0, kTrue = 1, kFalse = 2;

  template <typename Compute>
  bool Get(size_t slot, Compute&& compute) {
    if (!remember_) return compute();
    uint8_t& verdict = verdicts_[slot];
    if (verdict == kUnknown) verdict = compute() ? kTrue : kFalse;
    return verdict == kTrue;
  }

  bool remember_ = true;
  size_t resources_ = 0;   // first resource-list slot
  size_t conditions_ = 0;  // first condition slot
  std::vector<uint8_t> verdicts_;
};

// How the statement applies to the request, or nullopt when it does not.
std::optional<PrincipalMatch> Applies(const PolicyData& policy, const Statement& s, const PreparedRequest& r,
                                      Verdicts* verdicts) {
  if (verdicts->Action(policy, s.actions, r) == s.not_action) return std::nullopt;
  if (s.has_resource && verdicts->Resource(policy, s.resources, r) == s.not_resource) return std::nullopt;

  PrincipalMatch how = PrincipalMatch::kImplicit;
  if (s.principal != kNoPrincipal) {
    const PrincipalSpec& principal = policy.principals[s.principal];
    auto named = MatchEntries(principal, r.caller);
    if (principal.negated) {
      if (named) return std::nullopt;
      how = PrincipalMatch::kNotPrincipal;
    } else {
      if (!named) return std::nullopt;
      how = *named;
    }
  }

  for (uint32_t i = s.conditions_begin; i < s.conditions_end; ++i) {
    if (!verdicts->Condition(policy, policy.statement_conditions[i], r)) return std::nullopt;
  }
  return how;
}

const std::vector<uint32_t>* FindBucket(const std::vector<ActionIndex::Bucket>& buckets, uint64_t fingerprint,
                                        std::string_view key) {
  auto it = std::lower_bound(buckets.begin(), buckets.end(), fingerprint,
                             [](const ActionIndex::Bucket& b, uint64_t f) { return b.fingerprint < f; });
  for (; it != buckets.end() && it->fingerprint == fingerprint; ++it) {
    if (SameBytes(it->key, key)) return &it->statements;
  }
  return nullptr;
}

template <typename Visit>
void VisitAll(const std::vector<uint32_t>& statements, Visit&& visit) {
  for (uint32_t i : statements) visit(i);
}

// Calls `visit(i)` for every statement of `policy` whose Action/NotAction may
// match the request's action, in document order: all of them without an
// index, otherwise the union of the action's bucket, its service's bucket
// and the statements the index cannot place.
template <typename Visit>
void ForEachCandidate(const PolicyData& policy, const PreparedRequest& r, Visit&& visit) {
  const ActionIndex& index = policy.index;
  if (!index.built) {
    for (size_t i = 0; i < policy.statements.size(); ++i) visit(i);
    return;
  }
  static const std::vector<uint32_t> kNone;
  const std::vector<uint32_t>* by_action = FindBucket(index.actions, r.action_hash, r.action);
  const std::vector<uint32_t>* by_service = FindBucket(index.services, r.action_service_hash, r.action_service);
  const std::vector<uint32_t>& a = by_action != nullptr ? *by_action : kNone;
  const std::vector<uint32_t>& b = by_service != nullptr ? *by_service : kNone;
  const std::vector<uint32_t>& c = index.always;
  // Usually one list holds every candidate.
  if (b.empty() && c.empty()) return VisitAll(a, visit);
  if (a.empty() && c.empty()) return VisitAll(b, visit);
  if (a.empty() && b.empty()) return VisitAll(c, visit);
  size_t i = 0, j = 0, k = 0;
  constexpr uint32_t kEnd = UINT32_MAX;
  while (true) {
    uint32_t next = kEnd;
    if (i < a.size()) next = a[i];
    if (j < b.size() && b[j] < next) next = b[j];
    if (k < c.size() && c[k] < next) next = c[k];
    if (next == kEnd) return;
    // A statement may sit in several lists (an exact and a wildcard pattern
    // of the same service): visit it once.
    if (i < a.size() && a[i] == next) ++i;
    if (j < b.size() && b[j] == next) ++j;
    if (k < c.size() && c[k] == next) ++k;
    visit(next);
  }
}

// Calls `on_match(StatementMatch)` for every statement of `policy` that
// applies to the request, in document order.
template <typename OnMatch>
void ForEachApplying(const PolicyData& policy, const PreparedRequest& request, OnMatch&& on_match) {
  thread_local Verdicts scratch;
  Verdicts* verdicts = &scratch;
  verdicts->Reset(policy);
  ForEachCandidate(policy, request, [&](size_t i) {
    const Statement& s = policy.statements[i];
    auto how = Applies(policy, s, request, verdicts);
    if (how) on_match(StatementMatch{i, s.effect, s.label, *how});
  });
}

}  // namespace

Caller ClassifyCaller(const std::optional<std::string>& principal) noexcept {
  Caller caller;
  if (!principal) return caller;
  caller.text = *principal;
  if (!StartsWith(caller.text, "arn:")) {
    caller.type = Caller::Type::kNonArn;
    return caller;
  }
  caller.type = Caller::Type::kOtherArn;
  auto arn = ParseArn(caller.text);
  if (!arn) return caller;
  caller.partition = arn->partition;
  caller.account = arn->account;
  std::string_view res = arn->resource;
  if (arn->service == "iam") {
    if (res == "root") {
      caller.type = Caller::Type::kRoot;
    } else if (StartsWith(res, "user/")) {
      caller.type = Caller::Type::kUser;
    } else if (StartsWith(res, "role/")) {
      caller.type = Caller::Type::kRole;
      caller.role_name = res.substr(res.rfind('/') + 1);
    }
  } else if (arn->service == "sts") {
    if (StartsWith(res, "assumed-role/")) {
      std::string_view rest = res.substr(std::string_view("assumed-role/").size());
      size_t slash = rest.find('/');
      if (slash != std::string_view::npos && slash > 0) {
        caller.type = Caller::Type::kAssumedRole;
        caller.role_name = rest.substr(0, slash);
      }
    } else if (StartsWith(res, "federated-user/")) {
      caller.type = Caller::Type::kFederatedUser;
    }
  }
  return caller;
}

PreparedRequest::PreparedRequest(const Request& r) noexcept : request(&r), resource(r.resource) {
  caller = ClassifyCaller(r.principal);
  valid = IsConcreteAction(r.action) && !r.resource.empty() && (!r.principal || !r.principal->empty());
  if (!valid) return;
  char* out = action_buffer_;
  if (r.action.size() > kInlineAction) {
    action_heap_.resize(r.action.size());
    out = action_heap_.data();
  }
  for (size_t i = 0; i < r.action.size(); ++i) out[i] = LowerAscii(r.action[i]);
  action = std::string_view(out, r.action.size());
  size_t colon = action.find(':');
  action_service = action.substr(0, colon);
  action_name = action.substr(colon + 1);
  action_service_hash = Fingerprint(action_service);
  action_hash = Fingerprint(action);
}

}  // namespace internal

// Grants Decide access to evaluation on a prepared request.
struct Decider {
  template <typename OnMatch>
  static void Run(const Policy& policy, const internal::PreparedRequest& request, OnMatch&& on_match) noexcept {
    if (!request.valid || !policy.data_) return;
    internal::ForEachApplying(*policy.data_, request, on_match);
  }
};

Outcome Policy::EvaluatePrepared(const internal::PreparedRequest& request,
                                 std::vector<StatementMatch>* matches) const noexcept {
  bool allow = false, deny = false;
  Decider::Run(*this, request, [&](const StatementMatch& m) {
    (m.effect == Effect::kAllow ? allow : deny) = true;
    if (matches) matches->push_back(m);
  });
  return deny ? Outcome::kDeny : (allow ? Outcome::kAllow : Outcome::kNotApplicable);
}

Outcome Policy::Evaluate(const Request& request, std::vector<StatementMatch>* matches) const noexcept {
  internal::PreparedRequest prepared(request);
  return EvaluatePrepared(prepared, matches);
}

std::vector<StatementMatch> Policy::Evaluate(const Request& request) const noexcept {
  std::vector<StatementMatch> matches;
  Evaluate(request, &matches);
  return matches;
}

Status ValidateRequest(const Request& request) {
  if (!internal::IsConcreteAction(request.action)) {
    return Status::InvalidArgument("action: expected 'service:Action' without wildcards, got '" + request.action + "'");
  }
  if (request.resource.empty()) return Status::InvalidArgument("resource: must not be empty (use \"*\" for none)");
  if (request.principal && request.principal->empty()) {
    return Status::InvalidArgument("principal: must not be empty (use null for an anonymous caller)");
  }
  return Status::Ok();
}

Decision Decide(const PolicySet& policies, const Request& request) noexcept {
  Decision decision;
  internal::PreparedRequest prepared(request);
  if (!prepared.valid) return decision;

  // A statement that applied, kept compact: a decision may gather a
  // thousand of them.
  struct Found {
    std::string_view label;
    uint32_t policy;
    Source source;
    Effect effect;
  };
  thread_local std::vector<Found> found;
  found.clear();

  bool any_deny = false;
  bool identity_allow = false;
  bool resource_unlimited = false;  // direct or wildcard grant
  bool resource_limited = false;    // role ARN or NotPrincipal grant
  bool resource_account = false;    // grant to the caller's account (delegation)
  bool session_allow = false;
  size_t boundaries = 0, boundaries_allowing = 0;

  // Evaluates one policy; returns whether any Allow statement applied.
  auto run = [&](const Policy* policy, Source source, size_t index) {
    bool allow = false;
    // Filled in place (a temporary Found costs a store-forwarding stall per match).
    auto note = [&](const StatementMatch& m) {
      Found& f = found.emplace_back();
      f.label = m.label;
      f.policy = static_cast<uint32_t>(index);
      f.source = source;
      f.effect = m.effect;
    };
    Decider::Run(*policy, prepared, [&](const StatementMatch& m) {
      if (m.effect == Effect::kDeny) {
        note(m);
        any_deny = true;
        return;
      }
      // A resource policy grants only to the principals it names; an Allow
      // statement without a Principal element (not valid in a resource
      // policy) grants nothing. Its Deny statements still apply.
      if (source == Source::kResource && m.principal == PrincipalMatch::kImplicit) return;
      note(m);
      allow = true;
      if (source != Source::kResource) return;
      switch (m.principal) {
        case PrincipalMatch::kDirect:
        case PrincipalMatch::kWildcard:
          resource_unlimited = true;
          break;
        case PrincipalMatch::kAccount:
          resource_account = true;
          break;
        case PrincipalMatch::kRole:
        case PrincipalMatch::kNotPrincipal:
        case PrincipalMatch::kImplicit:
          resource_limited = true;
          break;
      }
    });
    return allow;
  };

  for (size_t i = 0; i < policies.identity.size(); ++i) {
    if (policies.identity[i] != nullptr && run(policies.identity[i], Source::kIdentity, i)) identity_allow = true;
  }
  if (policies.resource != nullptr) run(policies.resource, Source::kResource, 0);
  for (size_t i = 0; i < policies.permission_boundaries.size(); ++i) {
    if (policies.permission_boundaries[i] == nullptr) continue;
    ++boundaries;
    if (run(policies.permission_boundaries[i], Source::kBoundary, i)) ++boundaries_allowing;
  }
  if (policies.session != nullptr) session_allow = run(policies.session, Source::kSession, 0);

  const internal::Caller& caller = prepared.caller;
  std::string_view principal_account =
      request.principal_account.empty() ? caller.account : std::string_view(request.principal_account);
  // A request without a principal is an unspecified caller of this account
  // (what a policy simulator asks): its identity policies apply. Service
  // principals and callers with no account have no identity policies.
  const bool accountless = caller.type == internal::Caller::Type::kNonArn ||
                           (caller.type != internal::Caller::Type::kAnonymous && principal_account.empty());
  const bool same_account = request.resource_account.empty() || request.resource_account == principal_account;
  const bool boundaries_ok = boundaries_allowing == boundaries;
  // A federated-user session without a session policy has no permissions of
  // its own (GetFederationToken grants nothing without one).
  const bool session_ok =
      policies.session != nullptr ? session_allow : caller.type != internal::Caller::Type::kFederatedUser;
  // A role trust policy must itself allow the caller; an identity grant is
  // not enough (IAM User Guide: trust and KMS key policies are exceptions).
  const bool trust = policies.resource != nullptr && policies.resource->kind() == PolicyKind::kTrust;
  const bool within_limits = boundaries_ok && session_ok;

  bool allowed = false;
  if (any_deny) {
    decision.kind = Decision::Kind::kExplicitDeny;
  } else if (accountless) {
    // Service principals have no identity policies.
    allowed = resource_unlimited || resource_limited;
  } else if (same_account) {
    bool identity_path = identity_allow && (!trust || resource_account);
    allowed = resource_unlimited || ((identity_path || resource_limited) && within_limits);
  } else {
    bool resource_grants = resource_unlimited || resource_limited || resource_account;
    allowed = resource_grants && identity_allow && within_limits;
  }
  if (allowed) decision.kind = Decision::Kind::kAllow;

  const Effect wanted = decision.kind == Decision::Kind::kExplicitDeny ? Effect::kDeny : Effect::kAllow;
  decision.matched.reserve(static_cast<size_t>(
      std::count_if(found.begin(), found.end(), [wanted](const Found& f) { return f.effect == wanted; })));
  for (const Found& f : found) {
    if (f.effect != wanted) continue;
    // Filled in place: the label is copied once.
    Matched& m = decision.matched.emplace_back();
    m.source = f.source;
    m.policy_index = f.policy;
    m.statement.assign(f.label);
    m.effect = f.effect;
  }
  return decision;
}

}  // namespace weir::iam
