#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "access/grant.h"
#include "access/lf_tag.h"
#include "admin/actions.h"
#include "catalog/catalog.h"
#include "common/status.h"
#include "iam/role.h"
#include "iam/session_credentials.h"

namespace weir::admin {

class DataDir;

// The administrative verbs. Each is one store transaction that carries its
// audit record (actor = who asked), followed by an audit export and a new
// snapshot. The CLI calls these directly on a data directory it holds; the
// stack file and the HTTP API of later work call the same functions.
//
// Every verb is authorized by the IAM actions of admin/actions.h, inside its
// transaction: the local administrator may do everything; a user only what
// its execution role's identity policies allow. A denied verb changes
// nothing, commits a "deny" audit record and returns kPermissionDenied
// naming the action and resource. Validation of the arguments (names,
// policy documents) comes first.
//
// Not thread-safe; the DataDir must outlive the Admin.
class Admin {
 public:
  Admin(DataDir* dir, Caller caller) : dir_(dir), caller_(std::move(caller)) {}
  // The local administrator, recorded as `actor`.
  Admin(DataDir* dir, std::string actor) : Admin(dir, Caller::Local(std::move(actor))) {}

  const Caller& caller() const { return caller_; }

  // Runs `body`, whose verbs on this Admin (on this thread) then share one
  // store transaction: their changes and audit records commit together when
  // `body` returns Ok, and none do otherwise (a denial met inside is still
  // audited, after the rollback). The snapshot is published once, at the
  // end. A batch inside a batch joins it. Returns `body`'s error or the
  // commit's.
  Status Batch(const std::function<Status()>& body);

  // Authorizes a read the CLI performs itself (list, show, describe,
  // explain): Ok for the local administrator without touching the store;
  // for a user, decided against the current state. An allowed read writes
  // nothing; a denied one is audited like a denied verb.
  Status Check(const Access& access);

  // kInvalidArgument for a bad name; kAlreadyExists when present.
  Status CreateRole(const std::string& name, const std::string& description = "");
  // kNotFound when absent; kFailedPrecondition while it is a user's
  // execution role; removes the role's grants too. The cluster role cannot
  // be deleted.
  Status DeleteRole(const std::string& name);

  // --- identity (IAM) ---
  // The first-time setup of a data directory: the cluster record, the
  // cluster role, and the bootstrap administrator `admin` (execution role
  // `weir-admin`, allowed every action) with `admin_password`. Only the
  // local administrator may.
  Status Bootstrap(const iam::Cluster& cluster, const std::string& admin_password);
  // Adds or replaces tags (`set`) and removes keys (`remove`).
  Status TagCluster(const iam::Tags& set, const std::vector<std::string>& remove);
  // Policy documents are validated (IAM grammar) before anything is stored;
  // kInvalidArgument names the JSON path of the first problem.
  Status SetTrustPolicy(const std::string& role, const std::string& document);
  Status PutRolePolicy(const std::string& role, const std::string& name, const std::string& document);
  Status DeleteRolePolicy(const std::string& role, const std::string& name);
  Status AttachRolePolicy(const std::string& role, const std::string& policy);
  Status DetachRolePolicy(const std::string& role, const std::string& policy);
  Status TagRole(const std::string& role, const iam::Tags& set, const std::vector<std::string>& remove);
  Status SetMaxSessionDuration(const std::string& role, int64_t seconds);
  // A user with `execution_role`; `password` may be empty (no password login).
  Status CreateUser(const std::string& name, const std::string& execution_role, const std::string& password,
                    const iam::Tags& tags);
  Status UpdateUser(const std::string& name, const std::optional<std::string>& execution_role,
                    std::optional<bool> enabled, const iam::Tags& set_tags,
                    const std::vector<std::string>& remove_tags);
  Status SetPassword(const std::string& name, const std::string& password);
  // A new access key for API use: returns {key id, secret}; the secret is
  // stored only as a verifier and cannot be shown again. At most two per user, as in IAM.
  Result<std::pair<std::string, std::string>> CreateAccessKey(const std::string& user);
  // kNotFound when the user has no key with that id.
  Status DeleteAccessKey(const std::string& user, const std::string& key_id);
  Status DeleteUser(const std::string& name);
  Status CreatePolicy(const std::string& name, const std::string& document, const std::string& description);
  Status UpdatePolicy(const std::string& name, const std::string& document);
  // kFailedPrecondition while a role has it attached.
  Status DeletePolicy(const std::string& name);

  // Temporary credentials for `user` as `role` (name or ARN), valid for
  // `duration_s` (900 s up to the role's max session duration), issued only
  // after the runtime-role checks of iam/assume.h pass (kPermissionDenied
  // naming the failed check otherwise). The issue is audited. A caller
  // asking for another user needs
  // elasticmapreduce:GetClusterSessionCredentials itself as well.
  Result<iam::SessionCredentials> GetSessionCredentials(const std::string& user, const std::string& role,
                                                        int64_t duration_s);
  // Replaces the session key: every outstanding temporary credential stops working.
  Status RotateSessionKey();
  // A user caller's execution role receives ALL with grant option on the
  // new database, as Lake Formation gives a creator (not the local administrator).
  Status CreateDatabase(const std::string& name, const std::string& description = "");
  // kNotFound when absent; kFailedPrecondition while it holds tables.
  // Removes the grants on the database and on all its tables.
  Status DeleteDatabase(const std::string& name);

  // Registers database.table over the files under `location` (relative to
  // the lake root; no "..", not absolute). The schema is read from the
  // files; Hive-style `key=value` folders become partition columns. Creates
  // the database when `create_database` and it is missing. A user caller's
  // execution role receives ALL with grant option on the table (and on a
  // database it creates).
  Result<catalog::Table> RegisterTable(const std::string& database, const std::string& table,
                                       const std::string& location, catalog::TableFormat format, bool create_database);
  Status DropTable(const std::string& database, const std::string& table);

  // Creates a data cells filter on database.table: `row_filter` in Lake
  // Formation's PartiQL subset ("" = all rows), validated against the
  // table's columns and types and stored in canonical form; columns by
  // scope. kInvalidArgument (with the error's position) for a bad filter.
  Status CreateFilter(const std::string& database, const std::string& table, const std::string& name,
                      const std::string& row_filter, access::ColumnScope scope, std::vector<std::string> columns);
  // kNotFound when absent; removes the grants on the filter too.
  Status DeleteFilter(const std::string& database, const std::string& table, const std::string& name);

  // Grants SELECT on database.table to role: over all columns, an include
  // list or an exclude list; or, with `filter` set, through that data cells
  // filter (scope must be kAll and columns empty). Columns must exist.
  // Granting what is already granted changes nothing and succeeds.
  // Shorthand for Grant(access::Grant) with permissions SELECT.
  Status Grant(const std::string& role, const std::string& database, const std::string& table,
               access::ColumnScope scope, std::vector<std::string> columns, const std::string& filter = "");
  // Shorthand for Revoke(access::Grant) with permissions SELECT: revokes
  // SELECT from the grant with exactly that scope, column list and filter;
  // with scope kAll, no columns and no filter, from every grant the role
  // holds on the table. kNotFound when there is nothing to revoke.
  Status Revoke(const std::string& role, const std::string& database, const std::string& table,
                access::ColumnScope scope, std::vector<std::string> columns, const std::string& filter = "");

  // Lake Formation's GrantPermissions: `request.permissions` (and, with the
  // grant option, `request.grantable`, a subset of them) to `request.role`
  // on the request's resource (access::Grant; its id is ignored). The
  // permissions must be valid on the resource kind (access::CheckValid:
  // kInvalidArgument naming the permission and the kind); a grantable SELECT
  // with an exclude list is refused (docs/lake-permissions.md). Permissions
  // on a resource the role already holds a grant on are added to that grant;
  // granting nothing new changes nothing and succeeds. kNotFound when the
  // role, database, table, columns, filter or LF-Tag is absent.
  //
  // An LF-Tag resource (kLfTag, kLfTagPolicyDatabase, kLfTagPolicyTable)
  // names keys and values in `request.expression`, normalized here; each
  // must exist. A role holds at most 50 distinct LF-Tag policy expressions.
  //
  // Beyond the IAM action, a caller that is a user must hold every
  // requested permission (and grant option) with grant option on the
  // resource — through its execution role's grants on it, on the whole
  // table for a column list or filter, on all tables of the database for a
  // table; for an LF-Tag resource, a grant with the same complete
  // expression — unless the user or its execution role is a data lake
  // administrator; otherwise kPermissionDenied naming what is missing. The
  // local administrator may grant anything.
  Status Grant(const access::Grant& request);
  // Lake Formation's RevokePermissions: removes `request.permissions` (with
  // their grant option) and the grant option of `request.grantable` from
  // the role's grant on the resource; a grant left without permissions is
  // deleted. A revoke on a whole table (all columns, no filter) applies to
  // every grant the role holds on that table (column lists and filters
  // too). Revoking by a user needs the same grant option as granting.
  // kNotFound when the role holds none of it.
  Status Revoke(const access::Grant& request);

  // --- LF-Tags (lf_tags.cc; access/lf_tag.h) ---
  // Keys and values are lower-cased first; kInvalidArgument for a bad key or
  // value or a limit (1000 keys, 1000 values a key, 50 tags a resource).
  //
  // A tag key with its allowed values. kAlreadyExists when present. A user
  // caller must be a data lake administrator (Lake Formation's CREATE_LF_TAG).
  Status CreateLfTag(const std::string& key, const std::vector<std::string>& values);
  // Adds and removes allowed values (at least one must remain). A removed
  // value's assignments go with it, and grants lose it: an LF-Tag policy
  // left with no value for the key is revoked. kNotFound for an absent tag
  // or value. A user caller needs ALTER on the tag, or to be a data lake
  // administrator.
  Status UpdateLfTag(const std::string& key, const std::vector<std::string>& add,
                     const std::vector<std::string>& remove);
  // Deletes the tag, its assignments and every grant naming it (LF-Tag
  // policies and grants on the tag). A user caller needs DROP on the tag.
  Status DeleteLfTag(const std::string& key);
  // Assigns KEY=VALUE pairs (one value per key; each value one of the
  // key's) to a database, table or column, replacing the value of a key
  // the resource holds. kNotFound when the resource or a tag is absent. A
  // user caller needs ASSOCIATE on each tag and value, or to be a data lake
  // administrator.
  Status AddLfTagsToResource(const access::TagResource& resource,
                             const std::vector<std::pair<std::string, std::string>>& tags);
  // Removes the resource's own values of `keys` (inherited ones are its
  // parent's to remove). kNotFound when it holds no value of one of them.
  // A user caller needs ASSOCIATE on each removed tag and value.
  Status RemoveLfTagsFromResource(const access::TagResource& resource, const std::vector<std::string>& keys);

  // Data lake administrators: `principal` is "role/NAME" or "user/NAME" of
  // an existing role or user. They may grant and revoke any permission on
  // any resource and see every database and table (DESCRIBE), but read no
  // data without a grant. Adding one already present, or removing one
  // absent, changes nothing and succeeds (kNotFound when the role or user
  // does not exist, kInvalidArgument for another form).
  Status AddLakeAdmin(const std::string& principal);
  Status RemoveLakeAdmin(const std::string& principal);

  // Stack records (stack/plan.h): what an applied stack file owns, stored
  // with the stack's own changes (inside an Admin::Batch).
  Status PutStack(const std::string& name, const std::string& record);
  // kNotFound when absent.
  Status DeleteStack(const std::string& name);

 private:
  DataDir* dir_;
  Caller caller_;
};

}  // namespace weir::admin
