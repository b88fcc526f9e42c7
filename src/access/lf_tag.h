#pragma once

// LF-Tags, Lake Formation's tag-based access control (LF-TBAC): a tag is a
// key with a set of allowed values; one value of a key may be assigned to a
// database, a table or a column, and is inherited downwards (database →
// tables → columns) unless a lower level assigns the same key itself. A
// tag-expression grant (grant.h, ResourceKind::kLfTagPolicyDatabase and
// kLfTagPolicyTable) gives permissions on every database or table whose
// effective tags match its expression: AND across keys, OR within a key's
// values.
//
// Keys and values are stored lower-cased, as Lake Formation stores them:
// every function here that takes user input lower-cases it first.
// Plain values; the functions are pure and thread-safe.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace weir::access {

// Limits, after Lake Formation's (API key length, value length, values per
// key, keys per account, tags per resource, expressions per principal).
inline constexpr size_t kMaxTagKeyLength = 128;
inline constexpr size_t kMaxTagValueLength = 256;
inline constexpr size_t kMaxTagValues = 1000;
inline constexpr size_t kMaxTagKeys = 1000;
inline constexpr size_t kMaxTagsPerResource = 50;
inline constexpr size_t kMaxTagExpressionsPerRole = 50;

// A tag key and its allowed values (sorted, unique, at least one).
struct LfTag {
  std::string key;
  std::vector<std::string> values;

  bool Allows(const std::string& value) const;
  bool operator==(const LfTag&) const = default;
};

// Where a tag is assigned: a database (table and column empty), a table of
// it (column empty) or a column of that table.
struct TagResource {
  std::string database;
  std::string table;
  std::string column;

  // "database db", "table db.t", "column db.t.c".
  std::string Label() const;
  auto operator<=>(const TagResource&) const = default;
};

// One value of one key assigned to one resource. A resource holds at most
// one value per key.
struct TagAssignment {
  TagResource resource;
  std::string key;
  std::string value;

  bool operator==(const TagAssignment&) const = default;
};

// One term of an expression: `key` has one of `values` (sorted, unique). In
// an LF-Tag grant (ResourceKind::kLfTag) empty values mean every value.
struct TagCondition {
  std::string key;
  std::vector<std::string> values;

  bool operator==(const TagCondition&) const = default;
};

// Conditions AND-ed together, sorted by key, one per key.
using TagExpression = std::vector<TagCondition>;

// Where an effective tag comes from.
enum class TagLevel { kDatabase, kTable, kColumn };
// "database" / "table" / "column".
const char* TagLevelName(TagLevel level);

// A tag in effect on a resource, with the level that assigned it.
struct EffectiveTag {
  std::string key;
  std::string value;
  TagLevel source = TagLevel::kDatabase;

  bool operator==(const EffectiveTag&) const = default;
};

// Lower-cases a key and checks it: 1 to 128 characters among letters,
// digits, space and _ . : / + - @ % (Lake Formation's set without '=', which
// separates keys from values here). kInvalidArgument naming the key.
Result<std::string> NormalizeTagKey(const std::string& key);
// The same for a value: 1 to 256 characters of the same set.
Result<std::string> NormalizeTagValue(const std::string& value);
// Each value normalized, sorted, duplicates dropped; at most kMaxTagValues.
// kInvalidArgument when `values` is empty (unless `allow_empty`).
Result<std::vector<std::string>> NormalizeTagValues(const std::vector<std::string>& values, bool allow_empty = false);

// Parses "key=v1,v2;key2=v3" (spaces around names ignored) into a normalized
// expression. kInvalidArgument for an empty expression, a term without '=',
// no values, a key given twice or a bad key or value.
Result<TagExpression> ParseTagExpression(const std::string& text);
// Sorts the conditions, normalizes keys and values; kInvalidArgument for an
// empty expression, a key twice, or a condition without values.
Status NormalizeTagExpression(TagExpression* expression);
// "key=v1,v2;key2=v3"; a condition without values prints as "key=*".
std::string ToString(const TagExpression& expression);

// Whether `tags` (sorted by key) satisfy every condition of `expression`.
bool Matches(const TagExpression& expression, const std::vector<EffectiveTag>& tags);

// The tags in effect on a database, table or column, computed from the
// assignments: the database's own, overridden key by key by the table's,
// overridden by the column's. Grouped once; lookups cost O(tags involved).
class TagIndex {
 public:
  explicit TagIndex(const std::vector<TagAssignment>& assignments);

  // Sorted by key. For a database, leave table and column empty; for a
  // table, column. An unknown resource has no tags (or only inherited ones).
  std::vector<EffectiveTag> Effective(const std::string& database, const std::string& table = "",
                                      const std::string& column = "") const;
  // Only what is assigned to the resource itself (sorted by key).
  std::vector<EffectiveTag> Assigned(const TagResource& resource) const;

 private:
  // resource → key → value.
  std::map<TagResource, std::map<std::string, std::string>> assigned_;
};

}  // namespace weir::access
