#pragma once

// The compiled form of a policy, shared by policy.cc (which builds it) and
// evaluate.cc (which runs it). Internal to iam/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/arn.h"
#include "iam/condition.h"
#include "iam/policy.h"
#include "iam/policy_variables.h"
#include "iam/wildcard.h"

namespace weir::iam::internal {

// One entry of Action/NotAction, lower-cased. When the service part has no
// wildcard, the service is compared by hash first (then exactly) and only the
// action name goes through wildcard matching.
struct ActionPattern {
  bool whole = false;         // match `pattern` against "service:name"
  uint64_t service_hash = 0;  // otherwise: the service...
  std::string service;
  WildcardPattern pattern;  // ...and the name pattern
};

// One entry of Resource/NotResource.
struct ResourcePattern {
  bool anything = false;                 // "*"
  ArnPattern arn;                        // static ARN pattern
  std::optional<ValueTemplate> dynamic;  // pattern with policy variables
};

// The caller, classified once per request.
struct Caller {
  enum class Type : uint8_t {
    kAnonymous,
    kNonArn,         // a service principal, federated provider or canonical user id
    kUser,           // arn:P:iam::A:user/...
    kRole,           // arn:P:iam::A:role/...
    kRoot,           // arn:P:iam::A:root
    kAssumedRole,    // arn:P:sts::A:assumed-role/ROLE/SESSION
    kFederatedUser,  // arn:P:sts::A:federated-user/NAME
    kOtherArn,
  };
  Type type = Type::kAnonymous;
  std::string_view text;       // the principal as given
  std::string_view partition;  // ARN callers
  std::string_view account;    // ARN callers
  std::string_view role_name;  // kRole (last path segment) and kAssumedRole
};

// One entry of an {"AWS": ...} principal list.
struct AwsPrincipal {
  enum class Type : uint8_t { kAccount, kUser, kRole, kAssumedRole, kFederatedUser, kOther };
  Type type = Type::kOther;
  std::string arn;        // as written (12-digit ids are kept as ids)
  std::string partition;  // empty for a bare account id
  std::string account;
  std::string role_name;  // kRole: last path segment
};

struct PrincipalSpec {
  bool present = false;   // Principal or NotPrincipal given
  bool negated = false;   // NotPrincipal
  bool wildcard = false;  // "*" or {"AWS": "*"}
  std::vector<AwsPrincipal> aws;
  std::vector<std::string> services;   // lower case
  std::vector<std::string> federated;  // as written
  std::vector<std::string> canonical;  // as written
};

struct Statement {
  std::string label;  // Sid, or the index as a string
  Effect effect = Effect::kDeny;
  bool not_action = false;
  std::vector<ActionPattern> actions;
  bool has_resource = false;  // Resource or NotResource given
  bool not_resource = false;
  std::vector<ResourcePattern> resources;
  PrincipalSpec principal;
  std::vector<Condition> conditions;
};

struct PolicyData {
  std::string version;
  std::string id;
  PolicyKind kind = PolicyKind::kAny;
  std::vector<Statement> statements;
};

// A request with its action lower-cased and its caller classified, computed
// once for all the policies of a decision.
struct PreparedRequest {
  const Request* request = nullptr;
  std::string_view action;          // lower case
  std::string_view action_service;  // the part of `action` before ':'
  std::string_view action_name;     // the part after ':'
  uint64_t action_service_hash = 0;
  ArnParts resource;  // request->resource split into ARN components
  Caller caller;
  bool valid = false;
  // Parsed request values, shared by every statement of the decision.
  mutable ValueCache values;

  explicit PreparedRequest(const Request& r) noexcept;
  PreparedRequest(const PreparedRequest&) = delete;
  PreparedRequest& operator=(const PreparedRequest&) = delete;

 private:
  static constexpr size_t kInlineAction = 128;
  char action_buffer_[kInlineAction];
  std::string action_heap_;
};

// Classifies a caller principal string.
Caller ClassifyCaller(const std::optional<std::string>& principal) noexcept;

}  // namespace weir::iam::internal
