#pragma once

// The JSON views of the metadata that the admin API's reads answer and the
// CLI prints: one function per listing or show, built from the store's
// state or the published snapshot. The API's GET routes return them as they
// are; the CLI prints them the same way whether they came from a running
// server or from the data directory, so both modes print the same text.
//
// Views are pure: they authorize nothing (the caller checks the verb's IAM
// action first) and change nothing. Keys keep the order written here.

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace weir::access {
class Snapshot;
struct Grant;
}  // namespace weir::access
namespace weir::store {
struct MetadataState;
}

namespace weir::api {

using View = nlohmann::ordered_json;

// {"roles": [NAME, ...]}.
View RolesView(const store::MetadataState& state);
// iam::DescribeRole of `role`; kNotFound "role R does not exist".
Result<View> RoleView(const store::MetadataState& state, const std::string& role);

// {"users": [{"name", "arn", "execution_role", "enabled", "tags": {K: V}, "access_keys": [ID, ...]}]}.
View UsersView(const store::MetadataState& state);
// One user without secrets: {"name", "execution_role", "enabled", "tags",
// "has_password", "access_keys": [{"id", "active"}]}; kNotFound when absent.
Result<View> UserView(const store::MetadataState& state, const std::string& user);
// The roles `user` may run sessions as, its execution role first:
// {"user", "roles": [{"name", "arn"}]}; kNotFound when the user is absent.
Result<View> UserRolesView(const access::Snapshot& snapshot, const std::string& user);

// {"policies": [{"name", "arn", "description", "document"}]}.
View PoliciesView(const store::MetadataState& state);

// {"arn", "account", "region", "name", "cluster_role", "tags"}.
View ClusterView(const store::MetadataState& state);

// {"databases": [{"name", "description"}], "tables": [table, ...]}, each
// table as TableView shows it.
View CatalogView(const store::MetadataState& state);
// {"database", "name", "location", "format", "columns": [{"name", "type",
// "partition"}]}; kNotFound "table DB.T does not exist".
Result<View> TableView(const store::MetadataState& state, const std::string& database, const std::string& table);

// {"filters": [{"database", "table", "name", "row_filter", "scope", "columns"}]}.
View FiltersView(const store::MetadataState& state);
// {"lake_admins": ["role/NAME" | "user/NAME", ...]}.
View LakeAdminsView(const store::MetadataState& state);

// A grant: {"id", "role", "resource", "database", "table", "scope",
// "columns", "filter", "permissions", "grantable"}.
View GrantView(const access::Grant& grant);
// {"grants": [grant, ...]}: every grant, or `role`'s when not empty.
View GrantsView(const store::MetadataState& state, const std::string& role);

// {"tags": [{"key", "values"}]}, sorted by key.
View LfTagsView(const store::MetadataState& state);
// The LF-Tags in effect and where each comes from: {"database", "tags"} for
// a database (`table` empty), else {"table": "DB.T", "tags", "columns":
// [{"name", "tags"}]}; a tag is {"key", "value", "source"}. kNotFound for
// an absent database or table.
Result<View> ResourceTagsView(const access::Snapshot& snapshot, const std::string& database, const std::string& table);

// What `role` can read of database.table and why (access::ToJson), plus
// "text" (access::ToText); with `column`, {"role", "table",
// "row_predicate", "column": {...}, "text"}. kNotFound for an absent role
// or table; kPermissionDenied when the role reads nothing of the table;
// kUndefinedColumn when the table has no such column. A column the role
// cannot see is answered ("visible": false), not refused.
Result<View> ExplainView(const access::Snapshot& snapshot, const std::string& role, const std::string& database,
                         const std::string& table, const std::string& column);
// Everything `role` can read (access::ListToJson) plus "grants": [{"grant_id",
// "resource", "permissions", "grantable"}] (every grant it holds) and
// "text"; kNotFound for an absent role.
Result<View> AccessListView(const access::Snapshot& snapshot, const std::string& role);
// Whether `user` may run sessions as `role` (iam::Directory::CanAssume):
// {"allowed", "check", "role_arn", "message", "matched": [{"statement", "effect"}]}.
View CanAssumeView(const access::Snapshot& snapshot, const std::string& user, const std::string& role);

}  // namespace weir::api
