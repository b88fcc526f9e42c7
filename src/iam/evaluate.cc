// Evaluation: compiled policies × request → statements that apply, and the
// decision across a PolicySet.

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

// How the statement applies to the request, or nullopt when it does not.
std::optional<PrincipalMatch> Applies(const Statement& s, const PreparedRequest& r) {
  bool action = false;
  for (const auto& pattern : s.actions) {
    bool hit = pattern.whole
                   ? pattern.pattern.Matches(r.action)
                   : pattern.service_hash == r.action_service_hash && SameBytes(pattern.service, r.action_service) &&
                         pattern.pattern.Matches(r.action_name);
    if (hit) {
      action = true;
      break;
    }
  }
  if (action == s.not_action) return std::nullopt;

  if (s.has_resource) {
    bool resource = false;
    for (const auto& pattern : s.resources) {
      if (ResourceMatches(pattern, r)) {
        resource = true;
        break;
      }
    }
    if (resource == s.not_resource) return std::nullopt;
  }

  PrincipalMatch how = PrincipalMatch::kImplicit;
  if (s.principal.present) {
    auto named = MatchEntries(s.principal, r.caller);
    if (s.principal.negated) {
      if (named) return std::nullopt;
      how = PrincipalMatch::kNotPrincipal;
    } else {
      if (!named) return std::nullopt;
      how = *named;
    }
  }

  for (const auto& condition : s.conditions) {
    if (!EvaluateCondition(condition, r.request->context, &r.values)) return std::nullopt;
  }
  return how;
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
}

}  // namespace internal

// Grants Decide access to evaluation on a prepared request.
struct Decider {
  static Outcome Run(const Policy& policy, const internal::PreparedRequest& request,
                     std::vector<StatementMatch>* matches) noexcept {
    return policy.EvaluatePrepared(request, matches);
  }
};

Outcome Policy::EvaluatePrepared(const internal::PreparedRequest& request,
                                 std::vector<StatementMatch>* matches) const noexcept {
  if (!request.valid || !data_) return Outcome::kNotApplicable;
  bool allow = false, deny = false;
  const auto& statements = data_->statements;
  for (size_t i = 0; i < statements.size(); ++i) {
    const internal::Statement& s = statements[i];
    auto how = internal::Applies(s, request);
    if (!how) continue;
    (s.effect == Effect::kAllow ? allow : deny) = true;
    if (matches) matches->push_back(StatementMatch{i, s.effect, s.label, *how});
  }
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

  struct Found {
    Source source;
    size_t policy;
    StatementMatch match;
  };
  thread_local std::vector<Found> found;
  thread_local std::vector<StatementMatch> scratch;
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
    scratch.clear();
    Decider::Run(*policy, prepared, &scratch);
    bool allow = false;
    for (const StatementMatch& m : scratch) {
      if (m.effect == Effect::kDeny) {
        found.push_back(Found{source, index, m});
        any_deny = true;
        continue;
      }
      // A resource policy grants only to the principals it names; an Allow
      // statement without a Principal element (not valid in a resource
      // policy) grants nothing. Its Deny statements still apply.
      if (source == Source::kResource && m.principal == PrincipalMatch::kImplicit) continue;
      found.push_back(Found{source, index, m});
      allow = true;
      if (source != Source::kResource) continue;
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
    }
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
  for (const Found& f : found) {
    if (f.match.effect != wanted) continue;
    decision.matched.push_back(Matched{f.source, f.policy, std::string(f.match.label), f.match.effect});
  }
  return decision;
}

}  // namespace weir::iam
