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
  std::string text;           // as written, lower-cased
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

using ActionList = std::vector<ActionPattern>;
using ResourceList = std::vector<ResourcePattern>;

inline constexpr uint32_t kNoPrincipal = UINT32_MAX;

// One statement. Its parts live in PolicyData, so that the statements
// evaluation walks stay small and close together.
struct Statement {
  std::string label;  // Sid, or the index as a string
  Effect effect = Effect::kDeny;
  bool not_action = false;
  bool has_resource = false;  // Resource or NotResource given
  bool not_resource = false;
  uint32_t actions = 0;               // index into PolicyData::action_lists
  uint32_t resources = 0;             // index into PolicyData::resource_lists, when has_resource
  uint32_t principal = kNoPrincipal;  // index into PolicyData::principals, when given
  uint32_t conditions_begin = 0;      // the statement's conditions, cheapest first:
  uint32_t conditions_end = 0;        // PolicyData::statement_conditions[begin, end)
};

// Which statements can apply to a requested action, so that evaluation visits
// only those. Every list holds statement indexes in ascending (document)
// order, so merging them keeps the order in which matches are reported.
struct ActionIndex {
  struct Bucket {
    uint64_t fingerprint = 0;  // of `key`
    std::string key;
    std::vector<uint32_t> statements;
  };
  // Statements with an exact pattern ("s3:getobject"), by that action; sorted
  // by (fingerprint, key).
  std::vector<Bucket> actions;
  // Statements with a wildcard only in the action name ("s3:get*", "s3:*"),
  // by service; sorted by (fingerprint, key).
  std::vector<Bucket> services;
  // Statements that must always be visited: NotAction, and patterns with a
  // wildcard in the service part ("*", "s3*:get").
  std::vector<uint32_t> always;
  bool built = false;  // false: visit every statement
};

// Policies with fewer statements are scanned without an index.
inline constexpr size_t kMinIndexedStatements = 8;

struct PolicyData {
  std::string version;
  std::string id;
  PolicyKind kind = PolicyKind::kAny;
  std::vector<Statement> statements;
  // The distinct Action/NotAction lists, Resource/NotResource lists and
  // conditions of the statements. Statements that repeat one (same text)
  // share an entry, and a decision evaluates each entry at most once: they
  // depend only on the request, never on the statement.
  std::vector<ActionList> action_lists;
  std::vector<ResourceList> resource_lists;
  std::vector<Condition> conditions;
  // Indexes into `conditions`, statement after statement.
  std::vector<uint32_t> statement_conditions;
  // Principal/NotPrincipal elements, in statement order.
  std::vector<PrincipalSpec> principals;
  ActionIndex index;
  // Evaluate every statement on its own, in turn: no index, no shared
  // verdicts (PolicyAccess::Reference).
  bool reference = false;
};

// Builds data->index from data->statements.
void BuildActionIndex(PolicyData* data);

// Access to a Policy's compiled form, for iam/ and its tests.
struct PolicyAccess {
  static const PolicyData& Data(const Policy& policy) { return *policy.data_; }
  // A copy of `policy` that evaluates every statement on its own, in turn,
  // without the action index or shared verdicts: the reference the fast
  // path is tested against.
  static Policy Reference(const Policy& policy);
};

// A request with its action lower-cased and its caller classified, computed
// once for all the policies of a decision.
struct PreparedRequest {
  const Request* request = nullptr;
  std::string_view action;          // lower case
  std::string_view action_service;  // the part of `action` before ':'
  std::string_view action_name;     // the part after ':'
  uint64_t action_service_hash = 0;
  uint64_t action_hash = 0;  // Fingerprint(action)
  ArnParts resource;         // request->resource split into ARN components
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
