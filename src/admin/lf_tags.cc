// The LF-Tag verbs of Admin: tag keys and their values, and their
// assignment to databases, tables and columns. Tag-expression grants go
// through Admin::Grant like every other grant (admin.cc).

#include <algorithm>
#include <map>
#include <set>

#include "access/lf_tag.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "admin/grant_option.h"
#include "admin/transaction.h"
#include "store/store.h"

namespace weir::admin {

namespace {

using access::Permission;
using access::PermissionSet;

const access::LfTag* FindTag(const store::MetadataState& state, const std::string& key) {
  for (const auto& t : state.lf_tags) {
    if (t.key == key) return &t;
  }
  return nullptr;
}

Result<std::vector<std::string>> NormalizeList(const std::vector<std::string>& values) {
  return access::NormalizeTagValues(values, /*allow_empty=*/true);
}

// Checks that the resource exists; the IAM access of a tag verb on it.
Status CheckTagResource(const store::MetadataState& state, const access::TagResource& r) {
  if (r.database.empty()) return Status::InvalidArgument("name a database (and optionally a table and column)");
  if (r.table.empty() && !r.column.empty()) return Status::InvalidArgument("a column needs its table");
  bool db = std::any_of(state.databases.begin(), state.databases.end(),
                        [&](const catalog::Database& d) { return d.name == r.database; });
  if (!db) return Status::NotFound("database " + r.database + " does not exist");
  if (r.table.empty()) return Status::Ok();
  const catalog::Table* table = nullptr;
  for (const auto& t : state.tables) {
    if (t.database == r.database && t.name == r.table) table = &t;
  }
  if (table == nullptr) return Status::NotFound("table " + r.database + "." + r.table + " does not exist");
  if (r.column.empty()) return Status::Ok();
  bool column = std::any_of(table->columns.begin(), table->columns.end(),
                            [&](const catalog::Column& c) { return c.name == r.column; });
  if (!column) return Status::NotFound("table " + table->QualifiedName() + " has no column " + r.column);
  return Status::Ok();
}

Access ResourceAccess(Operation operation, const access::TagResource& r) { return {operation, r.database, r.table}; }

// Takes `removed` values of `key` out of every grant naming them: an LF-Tag
// policy loses them from its condition on `key`, and is deleted when that
// condition is left without values; so is an LF-Tag grant on exactly those
// values. With `removed` empty, deletes every grant naming `key`.
Status PruneGrants(store::Transaction& txn, const store::MetadataState& state, const std::string& key,
                   const std::set<std::string>& removed, nlohmann::json& detail) {
  size_t changed = 0;
  for (const auto& g : state.grants) {
    if (!access::IsTagKind(g.kind)) continue;
    access::Grant left = g;
    bool touched = false;
    bool drop = false;
    for (auto& c : left.expression) {
      if (c.key != key) continue;
      touched = true;
      if (removed.empty()) {
        drop = true;
        break;
      }
      bool all_values = c.values.empty();  // an LF-Tag grant on every value keeps meaning that
      auto erased = std::erase_if(c.values, [&](const std::string& v) { return removed.count(v) > 0; });
      if (erased == 0) touched = false;
      if (!all_values && c.values.empty()) drop = true;
    }
    if (!touched) continue;
    WEIR_RETURN_IF_ERROR(txn.RemoveGrant(g.id));
    if (!drop) WEIR_RETURN_IF_ERROR(txn.AddGrant(left).status());
    changed++;
  }
  if (changed > 0) detail["changed_grants"] = changed;
  return Status::Ok();
}

}  // namespace

Status Admin::CreateLfTag(const std::string& key_in, const std::vector<std::string>& values_in) {
  WEIR_ASSIGN_OR_RETURN(std::string key, access::NormalizeTagKey(key_in));
  WEIR_ASSIGN_OR_RETURN(std::vector<std::string> values, access::NormalizeTagValues(values_in));
  nlohmann::json detail = {{"tag_key", key}, {"tag_values", values}};
  return InTransaction(dir_, caller_, "create_lf_tag", detail, std::vector<Access>{{Operation::kCreateLfTag}},
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) -> Status {
                         Status allowed = CheckLakeAdmin(caller_, state, "create LF-Tag " + key);
                         if (!allowed.ok()) return Deny(dir_, txn, caller_, state, "create_lf_tag", d, allowed);
                         if (FindTag(state, key) != nullptr)
                           return Status::AlreadyExists("LF-Tag " + key + " already exists");
                         if (state.lf_tags.size() >= access::kMaxTagKeys) {
                           return Status::InvalidArgument("the catalog already holds " +
                                                          std::to_string(state.lf_tags.size()) + " LF-Tags, the limit");
                         }
                         return txn.CreateLfTag({key, values});
                       });
}

Status Admin::UpdateLfTag(const std::string& key_in, const std::vector<std::string>& add_in,
                          const std::vector<std::string>& remove_in) {
  WEIR_ASSIGN_OR_RETURN(std::string key, access::NormalizeTagKey(key_in));
  WEIR_ASSIGN_OR_RETURN(std::vector<std::string> add, NormalizeList(add_in));
  WEIR_ASSIGN_OR_RETURN(std::vector<std::string> remove, NormalizeList(remove_in));
  if (add.empty() && remove.empty()) return Status::InvalidArgument("give values to add or to remove");
  for (const auto& v : add) {
    if (std::binary_search(remove.begin(), remove.end(), v)) {
      return Status::InvalidArgument("value " + v + " is both added and removed");
    }
  }
  nlohmann::json detail = {{"tag_key", key}, {"added", add}, {"removed", remove}};
  return InTransaction(
      dir_, caller_, "update_lf_tag", detail, std::vector<Access>{{Operation::kUpdateLfTag}},
      [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) -> Status {
        const access::LfTag* tag = FindTag(state, key);
        if (tag == nullptr) return Status::NotFound("LF-Tag " + key + " does not exist");
        Status allowed = CheckTagPermission(caller_, state, "alter LF-Tag " + key, Permission::kAlter, key, "");
        if (!allowed.ok()) return Deny(dir_, txn, caller_, state, "update_lf_tag", d, allowed);
        std::set<std::string> values(tag->values.begin(), tag->values.end());
        for (const auto& v : remove) {
          if (values.erase(v) == 0) return Status::NotFound("LF-Tag " + key + " has no value " + v);
        }
        values.insert(add.begin(), add.end());
        if (values.empty()) {
          return Status::InvalidArgument("LF-Tag " + key + " would be left without values; delete it instead");
        }
        if (values.size() > access::kMaxTagValues) {
          return Status::InvalidArgument("an LF-Tag takes at most " + std::to_string(access::kMaxTagValues) +
                                         " values; " + key + " would have " + std::to_string(values.size()));
        }
        std::set<std::string> removed(remove.begin(), remove.end());
        if (!removed.empty()) {
          // The assignments of a removed value go with it.
          size_t unassigned = 0;
          for (const auto& a : state.tag_assignments) {
            if (a.key != key || removed.count(a.value) == 0) continue;
            WEIR_RETURN_IF_ERROR(txn.UnassignLfTag(a.resource, key));
            unassigned++;
          }
          if (unassigned > 0) d["removed_assignments"] = unassigned;
          WEIR_RETURN_IF_ERROR(PruneGrants(txn, state, key, removed, d));
        }
        return txn.UpdateLfTag({key, {values.begin(), values.end()}});
      });
}

Status Admin::DeleteLfTag(const std::string& key_in) {
  WEIR_ASSIGN_OR_RETURN(std::string key, access::NormalizeTagKey(key_in));
  return InTransaction(
      dir_, caller_, "delete_lf_tag", {{"tag_key", key}}, std::vector<Access>{{Operation::kDeleteLfTag}},
      [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) -> Status {
        if (FindTag(state, key) == nullptr) return Status::NotFound("LF-Tag " + key + " does not exist");
        Status allowed = CheckTagPermission(caller_, state, "drop LF-Tag " + key, Permission::kDrop, key, "");
        if (!allowed.ok()) return Deny(dir_, txn, caller_, state, "delete_lf_tag", d, allowed);
        size_t assignments = std::count_if(state.tag_assignments.begin(), state.tag_assignments.end(),
                                           [&](const access::TagAssignment& a) { return a.key == key; });
        if (assignments > 0) d["removed_assignments"] = assignments;
        WEIR_RETURN_IF_ERROR(PruneGrants(txn, state, key, {}, d));
        return txn.DeleteLfTag(key);
      });
}

Status Admin::AddLfTagsToResource(const access::TagResource& resource,
                                  const std::vector<std::pair<std::string, std::string>>& tags_in) {
  if (tags_in.empty()) return Status::InvalidArgument("give at least one KEY=VALUE to assign");
  std::map<std::string, std::string> tags;
  for (const auto& [k, v] : tags_in) {
    WEIR_ASSIGN_OR_RETURN(std::string key, access::NormalizeTagKey(k));
    WEIR_ASSIGN_OR_RETURN(std::string value, access::NormalizeTagValue(v));
    if (!tags.emplace(key, value).second) {
      return Status::InvalidArgument("LF-Tag " + key + " given twice: a resource holds one value per key");
    }
  }
  nlohmann::json detail = {{"resource", resource.Label()}, {"tags", tags}};
  return InTransaction(
      dir_, caller_, "add_lf_tags_to_resource", detail,
      std::vector<Access>{ResourceAccess(Operation::kAddLfTagsToResource, resource)},
      [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) -> Status {
        WEIR_RETURN_IF_ERROR(CheckTagResource(state, resource));
        for (const auto& [key, value] : tags) {
          const access::LfTag* tag = FindTag(state, key);
          if (tag == nullptr) return Status::NotFound("LF-Tag " + key + " does not exist");
          if (!tag->Allows(value)) {
            return Status::InvalidArgument("LF-Tag " + key + " has no value " + value +
                                           "; create it first (weir tag update " + key + " --add-values " + value +
                                           ")");
          }
        }
        for (const auto& [key, value] : tags) {
          Status allowed = CheckTagPermission(caller_, state, "assign LF-Tag " + key + "=" + value,
                                              Permission::kAssociate, key, value);
          if (!allowed.ok()) return Deny(dir_, txn, caller_, state, "add_lf_tags_to_resource", d, allowed);
        }
        Status on_resource =
            CheckTagResourceGrantable(caller_, state, resource, "assign LF-Tags to " + resource.Label());
        if (!on_resource.ok()) return Deny(dir_, txn, caller_, state, "add_lf_tags_to_resource", d, on_resource);
        std::set<std::string> keys;
        for (const auto& a : state.tag_assignments) {
          if (a.resource == resource) keys.insert(a.key);
        }
        for (const auto& [key, value] : tags) keys.insert(key);
        if (keys.size() > access::kMaxTagsPerResource) {
          return Status::InvalidArgument(resource.Label() + " would hold " + std::to_string(keys.size()) +
                                         " LF-Tags; the limit is " + std::to_string(access::kMaxTagsPerResource));
        }
        for (const auto& [key, value] : tags) WEIR_RETURN_IF_ERROR(txn.AssignLfTag({resource, key, value}));
        return Status::Ok();
      });
}

Status Admin::RemoveLfTagsFromResource(const access::TagResource& resource, const std::vector<std::string>& keys_in) {
  if (keys_in.empty()) return Status::InvalidArgument("give at least one LF-Tag key to remove");
  std::set<std::string> keys;
  for (const auto& k : keys_in) {
    WEIR_ASSIGN_OR_RETURN(std::string key, access::NormalizeTagKey(k));
    keys.insert(key);
  }
  nlohmann::json detail = {{"resource", resource.Label()}, {"tag_keys", keys}};
  return InTransaction(dir_, caller_, "remove_lf_tags_from_resource", detail,
                       std::vector<Access>{ResourceAccess(Operation::kRemoveLfTagsFromResource, resource)},
                       [&](store::Transaction& txn, const store::MetadataState& state, nlohmann::json& d) -> Status {
                         WEIR_RETURN_IF_ERROR(CheckTagResource(state, resource));
                         std::map<std::string, std::string> assigned;
                         for (const auto& a : state.tag_assignments) {
                           if (a.resource == resource) assigned[a.key] = a.value;
                         }
                         for (const auto& key : keys) {
                           auto it = assigned.find(key);
                           if (it == assigned.end()) {
                             return Status::NotFound(resource.Label() + " has no LF-Tag " + key + " of its own");
                           }
                           Status allowed =
                               CheckTagPermission(caller_, state, "remove LF-Tag " + key + "=" + it->second,
                                                  Permission::kAssociate, key, it->second);
                           if (!allowed.ok())
                             return Deny(dir_, txn, caller_, state, "remove_lf_tags_from_resource", d, allowed);
                         }
                         Status on_resource = CheckTagResourceGrantable(caller_, state, resource,
                                                                        "remove LF-Tags from " + resource.Label());
                         if (!on_resource.ok())
                           return Deny(dir_, txn, caller_, state, "remove_lf_tags_from_resource", d, on_resource);
                         for (const auto& key : keys) WEIR_RETURN_IF_ERROR(txn.UnassignLfTag(resource, key));
                         return Status::Ok();
                       });
}

}  // namespace weir::admin
