#include "access/permission.h"

#include <algorithm>

namespace weir::access {

namespace {

constexpr uint32_t On(std::initializer_list<ResourceKind> kinds) {
  uint32_t bits = 0;
  for (ResourceKind k : kinds) bits |= 1u << static_cast<unsigned>(k);
  return bits;
}

using P = Permission;
using R = ResourceKind;

// The vocabulary, after Lake Formation's permissions reference. valid_on is
// its per-resource matrix: a table wildcard takes what a table takes, a
// table with columns only SELECT, a data cells filter SELECT, DESCRIBE and
// DROP (the last two on the filter object itself), the account catalog only
// CREATE_DATABASE; an LF-Tag ASSOCIATE, GRANT_WITH_LF_TAG_EXPRESSION and
// DESCRIBE (on its values) and ALTER and DROP (on its key); an LF-Tag policy
// what a database or a table takes.
const std::vector<PermissionInfo> kPermissions = {
    {P::kAll, "ALL", On({R::kDatabase, R::kTable, R::kTableWildcard, R::kLfTagPolicyDatabase, R::kLfTagPolicyTable}),
     PermissionSet{P::kSelect, P::kInsert, P::kDelete, P::kDescribe, P::kAlter, P::kDrop, P::kCreateTable}},
    {P::kSelect, "SELECT",
     On({R::kTable, R::kTableWildcard, R::kTableWithColumns, R::kDataCellsFilter, R::kLfTagPolicyTable}),
     PermissionSet{P::kDescribe}},
    {P::kInsert, "INSERT", On({R::kTable, R::kTableWildcard, R::kLfTagPolicyTable}), PermissionSet{P::kDescribe}},
    {P::kDelete, "DELETE", On({R::kTable, R::kTableWildcard, R::kLfTagPolicyTable}), PermissionSet{P::kDescribe}},
    {P::kDescribe,
     "DESCRIBE",
     On({R::kDatabase, R::kTable, R::kTableWildcard, R::kDataCellsFilter, R::kLfTag, R::kLfTagPolicyDatabase,
         R::kLfTagPolicyTable}),
     {}},
    {P::kAlter, "ALTER",
     On({R::kDatabase, R::kTable, R::kTableWildcard, R::kLfTag, R::kLfTagPolicyDatabase, R::kLfTagPolicyTable}),
     PermissionSet{P::kDescribe}},
    {P::kDrop, "DROP",
     On({R::kDatabase, R::kTable, R::kTableWildcard, R::kDataCellsFilter, R::kLfTag, R::kLfTagPolicyDatabase,
         R::kLfTagPolicyTable}),
     PermissionSet{P::kDescribe}},
    {P::kCreateDatabase, "CREATE_DATABASE", On({R::kCatalog}), {}},
    {P::kCreateTable, "CREATE_TABLE", On({R::kDatabase, R::kLfTagPolicyDatabase}), PermissionSet{P::kDescribe}},
    {P::kDataLocationAccess, "DATA_LOCATION_ACCESS", On({R::kDataLocation}), {}},
    {P::kAssociate, "ASSOCIATE", On({R::kLfTag}), PermissionSet{P::kDescribe}},
    {P::kGrantWithLfTagExpression, "GRANT_WITH_LF_TAG_EXPRESSION", On({R::kLfTag}), PermissionSet{P::kDescribe}},
};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::vector<Permission> PermissionSet::List() const {
  std::vector<Permission> out;
  for (size_t i = 0; i < kPermissionCount; i++) {
    if ((bits_ >> i) & 1u) out.push_back(static_cast<Permission>(i));
  }
  return out;
}

const std::vector<PermissionInfo>& Permissions() { return kPermissions; }
const PermissionInfo& InfoOf(Permission permission) { return kPermissions[static_cast<size_t>(permission)]; }
const char* PermissionName(Permission permission) { return InfoOf(permission).name; }

const char* ResourceKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kCatalog:
      return "catalog";
    case ResourceKind::kDatabase:
      return "database";
    case ResourceKind::kTable:
      return "table";
    case ResourceKind::kTableWildcard:
      return "table wildcard";
    case ResourceKind::kTableWithColumns:
      return "table with columns";
    case ResourceKind::kDataCellsFilter:
      return "data cells filter";
    case ResourceKind::kDataLocation:
      return "data location";
    case ResourceKind::kLfTag:
      return "LF-Tag";
    case ResourceKind::kLfTagPolicyDatabase:
      return "LF-Tag policy on databases";
    case ResourceKind::kLfTagPolicyTable:
      return "LF-Tag policy on tables";
  }
  return "resource";
}

Result<Permission> ParsePermission(const std::string& name) {
  std::string upper = Upper(Trim(name));
  if (upper == "SUPER") return Permission::kAll;
  for (const auto& info : kPermissions) {
    if (upper == info.name) return info.permission;
  }
  std::string known;
  for (const auto& info : kPermissions) known += (known.empty() ? "" : ", ") + std::string(info.name);
  return Status::InvalidArgument("unknown permission '" + Trim(name) + "'; known: " + known);
}

Result<PermissionSet> ParsePermissions(const std::string& text) {
  PermissionSet out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    WEIR_ASSIGN_OR_RETURN(Permission p, ParsePermission(text.substr(start, comma - start)));
    out.Add(p);
    start = comma + 1;
  }
  return out;
}

std::string ToString(const PermissionSet& set) {
  std::string out;
  for (Permission p : set.List()) out += (out.empty() ? "" : ",") + std::string(PermissionName(p));
  return out;
}

bool ValidOn(Permission permission, ResourceKind kind) {
  return (InfoOf(permission).valid_on >> static_cast<unsigned>(kind)) & 1u;
}

Status CheckValid(const PermissionSet& set, ResourceKind kind) {
  if (set.empty()) return Status::InvalidArgument("no permissions given");
  for (Permission p : set.List()) {
    if (ValidOn(p, kind)) continue;
    std::string valid;
    for (const auto& info : kPermissions) {
      if (ValidOn(info.permission, kind)) valid += (valid.empty() ? "" : ", ") + std::string(info.name);
    }
    // "an LF-Tag", "a database".
    const std::string article = ResourceKindName(kind)[0] == 'L' ? "an " : "a ";
    return Status::InvalidArgument("permission " + std::string(PermissionName(p)) + " cannot be granted on " + article +
                                   ResourceKindName(kind) + "; " + article + ResourceKindName(kind) + " takes " +
                                   (valid.empty() ? "no permissions in Weir yet" : valid));
  }
  return Status::Ok();
}

PermissionSet Expand(const PermissionSet& set, ResourceKind kind) {
  PermissionSet out;
  for (Permission p : set.List()) {
    if (!ValidOn(p, kind)) continue;
    out.Add(p);
    for (Permission implied : InfoOf(p).implies.List()) {
      if (ValidOn(implied, kind)) out.Add(implied);
    }
  }
  if (!out.empty() && ValidOn(Permission::kDescribe, kind)) out.Add(Permission::kDescribe);
  return out;
}

}  // namespace weir::access
