#pragma once

// Compiled Condition blocks: every IAM condition operator, its ...IfExists
// form, the ForAnyValue:/ForAllValues: set qualifiers and Null. Internal to
// iam/.
//
// Semantics (IAM User Guide, "Condition operators" and "Multivalued context
// keys"), for a key K whose request values are R and policy values P, where
// m(r) = "r matches some p in P" under the positive form of the operator
// (StringNotEquals uses StringEquals, and so on):
//
//   K absent (or no values):  ...IfExists → true; ForAllValues → true;
//                             ForAnyValue → false; negated operator → true;
//                             positive operator → false.
//   plain operator:           positive: some r has m(r); negated: no r has m(r)
//                             (so several policy values OR, and NOR when negated).
//   ForAnyValue:              positive: some r has m(r); negated: some r has not m(r).
//   ForAllValues:             positive: every r has m(r); negated: no r has m(r).
//   Null:                     "true" matches when K is absent, "false" when present.
//
// A request value that cannot be read as the operator's type (a number for
// Numeric*, a date for Date*, "true"/"false" for Bool, base64 for
// BinaryEquals, an IP address for IpAddress, an ARN for Arn*) matches no
// policy value; a policy value whose variable has no value likewise matches
// nothing.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "iam/arn.h"
#include "iam/policy.h"
#include "iam/policy_variables.h"
#include "iam/wildcard.h"

namespace weir::iam::internal {

enum class ConditionFamily : uint8_t {
  kStringEquals,
  kStringEqualsIgnoreCase,
  kStringLike,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIpAddress,
  kArn,
  kNull,
};
enum class Comparison : uint8_t { kEqual, kLess, kLessEqual, kGreater, kGreaterEqual };
enum class SetQualifier : uint8_t { kNone, kForAnyValue, kForAllValues };

struct Number {
  bool is_integer = false;
  int64_t integer = 0;
  double real = 0;
};

struct IpNetwork {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses the first 4
  uint8_t prefix = 0;               // bits
};

// One policy value, compiled for its operator family.
struct ConditionValue {
  // For String*/Arn*/Bool values holding variables: resolved per request.
  std::optional<ValueTemplate> dynamic;
  // Static forms: std::string (StringEquals*: the text; Binary: the bytes),
  // WildcardPattern (StringLike), ArnPattern (Arn*), Number, int64_t (Date:
  // microseconds since the epoch), bool (Bool, Null), IpNetwork.
  std::variant<std::monostate, std::string, WildcardPattern, ArnPattern, Number, int64_t, bool, IpNetwork> value;
};

struct Condition {
  ConditionFamily family = ConditionFamily::kStringEquals;
  Comparison comparison = Comparison::kEqual;
  bool negated = false;
  bool if_exists = false;
  SetQualifier qualifier = SetQualifier::kNone;
  std::string key;  // lower case
  uint64_t key_fingerprint = 0;
  std::vector<ConditionValue> values;
  // The operator as written, the key and the values' texts: conditions of one
  // policy with equal signatures compile alike and always agree.
  std::string signature;
};

// Compiles one operator block, e.g. `"StringEquals": {"aws:username": "bob"}`,
// appending one Condition per key. `path` is the JSON path of the block
// ("Statement[0].Condition"); errors name the operator, key or value below it.
Status CompileConditionBlock(std::string_view op_name, const nlohmann::json& block, bool variables_enabled,
                             const std::string& path, std::vector<Condition>* out, PolicyError* error);

// Request values already read as numbers, dates or IP addresses during one
// evaluation, so that a value tested by many statements is parsed once.
// Keyed by the address of the value inside the Context, which must not change
// while the cache is in use. Single-threaded.
class ValueCache {
 public:
  std::optional<Number> GetNumber(const std::string& value);
  std::optional<int64_t> GetDate(const std::string& value);
  std::optional<IpNetwork> GetIp(const std::string& value);

 private:
  template <typename T>
  struct Slots {
    static constexpr size_t kSize = 8;
    std::array<const std::string*, kSize> keys{};
    std::array<std::optional<T>, kSize> values{};
    size_t used = 0;
  };
  template <typename T, typename Parse>
  static std::optional<T> Get(Slots<T>& slots, const std::string& value, Parse&& parse);

  Slots<Number> numbers_;
  Slots<int64_t> dates_;
  Slots<IpNetwork> ips_;
};

// A rough relative cost of evaluating `condition`, for ordering the
// conditions of a statement cheapest first.
int ConditionCost(const Condition& condition);

// Whether `condition` holds for `context`. `cache` (may be null) keeps parsed
// request values across the conditions of one evaluation.
bool EvaluateCondition(const Condition& condition, const Context& context, ValueCache* cache = nullptr) noexcept;

// Value readers, exposed for tests. Each returns nullopt for malformed input.
std::optional<Number> ParseNumber(std::string_view text);
// W3C ISO 8601 profile (YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.s+]][TZD])
// or epoch seconds (digits, optional sign and fraction); microseconds since
// the epoch. A time without a zone designator is taken as UTC.
std::optional<int64_t> ParseDate(std::string_view text);
// "a.b.c.d", "a.b.c.d/n", IPv6 (with ::, embedded IPv4), "addr/n". IPv4-mapped
// IPv6 (::ffff:a.b.c.d) is read as IPv4. Without /n the prefix is the full
// length. Host bits beyond the prefix are ignored.
std::optional<IpNetwork> ParseIpNetwork(std::string_view text, bool allow_prefix);
// RFC 4648 base64 with padding.
std::optional<std::string> DecodeBase64(std::string_view text);
// "true"/"false" in any letter case.
std::optional<bool> ParseBool(std::string_view text);

}  // namespace weir::iam::internal
