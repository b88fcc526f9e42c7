#pragma once

// The Lake Formation permission vocabulary. One table (permission.cc,
// kPermissions) defines every permission: its name, the kinds of resource it
// may be granted on, and the permissions it implies. Parsing, printing,
// validation of grants and the PermissionSet bitset are all driven by it,
// so adding a permission is one row.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/status.h"

namespace weir::access {

// In table order; PermissionSet bit i is the permission with value i.
enum class Permission : uint8_t {
  kAll,  // Lake Formation's ALL (Super): every permission of the resource
  kSelect,
  kInsert,
  kDelete,
  kDescribe,
  kAlter,
  kDrop,
  kCreateDatabase,
  kCreateTable,
  kDataLocationAccess,
  kAssociate,
  kGrantWithLfTagExpression,
};
inline constexpr size_t kPermissionCount = 12;

// What a grant is on, as in Lake Formation's Resource union.
enum class ResourceKind : uint8_t {
  kCatalog,              // the account's Data Catalog
  kDatabase,             // one database
  kTable,                // one table, all columns
  kTableWildcard,        // every table of a database, including tables created later
  kTableWithColumns,     // one table, an include or an exclude column list
  kDataCellsFilter,      // a data cells filter of one table
  kDataLocation,         // a registered storage location (not yet grantable in Weir)
  kLfTag,                // an LF-Tag key (all or some of its values): who may assign, alter, drop it
  kLfTagPolicyDatabase,  // every database whose LF-Tags match an expression
  kLfTagPolicyTable,     // every table (or its matching columns) whose LF-Tags match an expression
};
inline constexpr size_t kResourceKindCount = 10;

// A set of permissions, one bit per Permission. A plain value: cheap to
// copy, thread-compatible.
class PermissionSet {
 public:
  constexpr PermissionSet() = default;
  PermissionSet(std::initializer_list<Permission> permissions) {
    for (Permission p : permissions) Add(p);
  }
  static PermissionSet FromBits(uint32_t bits) {
    PermissionSet s;
    s.bits_ = bits & ((1u << kPermissionCount) - 1);
    return s;
  }

  uint32_t bits() const { return bits_; }
  bool empty() const { return bits_ == 0; }
  bool Has(Permission p) const { return (bits_ >> static_cast<unsigned>(p)) & 1u; }
  void Add(Permission p) { bits_ |= 1u << static_cast<unsigned>(p); }
  void Remove(Permission p) { bits_ &= ~(1u << static_cast<unsigned>(p)); }
  bool Contains(const PermissionSet& other) const { return (bits_ & other.bits_) == other.bits_; }
  PermissionSet operator|(const PermissionSet& o) const { return FromBits(bits_ | o.bits_); }
  PermissionSet operator&(const PermissionSet& o) const { return FromBits(bits_ & o.bits_); }
  PermissionSet Minus(const PermissionSet& o) const { return FromBits(bits_ & ~o.bits_); }
  bool operator==(const PermissionSet&) const = default;

  // The permissions, in table order.
  std::vector<Permission> List() const;

 private:
  uint32_t bits_ = 0;
};

// One row of the vocabulary.
struct PermissionInfo {
  Permission permission;
  const char* name;       // "SELECT", as Lake Formation spells it
  uint32_t valid_on;      // bit per ResourceKind it may be granted on
  PermissionSet implies;  // what holding it also gives (not transitive; see Expand)
};

// Every permission, in enum order.
const std::vector<PermissionInfo>& Permissions();
const PermissionInfo& InfoOf(Permission permission);
const char* PermissionName(Permission permission);

// "catalog", "database", "table", "table wildcard", "table with columns",
// "data cells filter", "data location", "LF-Tag", "LF-Tag policy on
// databases", "LF-Tag policy on tables".
const char* ResourceKindName(ResourceKind kind);

// A permission by name, case-insensitive ("select", "SELECT"; "SUPER" is
// ALL). kInvalidArgument naming the word when unknown.
Result<Permission> ParsePermission(const std::string& name);
// A comma-separated list ("SELECT,DESCRIBE"); spaces around names are
// ignored. kInvalidArgument when empty or when a name is unknown.
Result<PermissionSet> ParsePermissions(const std::string& text);
// "SELECT,DESCRIBE" in table order; "" for the empty set.
std::string ToString(const PermissionSet& set);

// Whether `permission` may be granted on `kind` (the validity matrix).
bool ValidOn(Permission permission, ResourceKind kind);
// Ok when every permission of `set` may be granted on `kind`; otherwise
// kInvalidArgument "permission X cannot be granted on a <kind>; a <kind>
// takes A, B, ...". Refuses the empty set.
Status CheckValid(const PermissionSet& set, ResourceKind kind);

// `set` with everything it implies on a resource of `kind`: ALL gives every
// other permission valid on that kind; every permission gives DESCRIBE where
// DESCRIBE is valid (Lake Formation grants DESCRIBE implicitly with any
// other permission on an object).
PermissionSet Expand(const PermissionSet& set, ResourceKind kind);

}  // namespace weir::access
