#pragma once

// Stack files: the declarative form of everything an administrator sets up
// (the CloudFormation analog of the seed scenario). A stack file is YAML;
// docs/stack-file.md is its reference. This header holds the parsed model;
// plan.h turns it into changes made through the admin verbs.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "access/grant.h"
#include "access/lf_tag.h"
#include "catalog/catalog.h"
#include "common/status.h"
#include "iam/role.h"

namespace weir::stack {

// Where a declaration is in the stack file, for error messages:
// "stack.yaml:12:5: grants[2].resource.table.name: ...".
struct Where {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string field;

  std::string ToString() const;
  // `status` with this location in front of its message (same code).
  Status Wrap(const Status& status) const;
};

struct PolicySpec {
  std::string name;
  std::string description;
  std::string document;  // JSON, compact
  Where where;
};

struct RoleSpec {
  std::string name;
  std::string description;
  // Declared with `existing: true`: the role is not created (or deleted) by
  // the stack, which only adds the inline policies, attachments and tags it
  // declares.
  bool existing = false;
  std::optional<std::string> trust_policy;             // JSON
  std::map<std::string, std::string> inline_policies;  // name → JSON
  std::vector<std::string> managed_policies;           // sorted, unique
  iam::Tags tags;
  std::optional<int64_t> max_session_duration_s;
  Where where;
};

// How a user's password is set: not at all, from an environment variable
// (applied whenever it differs from the stored one), or generated once at
// creation and written to a file (0600).
struct PasswordSpec {
  enum class Source { kNone, kEnv, kGenerate };
  Source source = Source::kNone;
  std::string env;   // kEnv: the variable's name
  std::string file;  // kGenerate: the file, relative to the stack file's folder unless absolute
};

struct UserSpec {
  std::string name;
  std::string execution_role;
  PasswordSpec password;
  iam::Tags tags;
  bool enabled = true;
  Where where;
};

struct DatabaseSpec {
  std::string name;
  std::string description;
  bool existing = false;  // as RoleSpec::existing: only its tables are the stack's
  Where where;
};

struct TableSpec {
  std::string database;
  std::string name;
  std::string location;  // relative to the lake root
  catalog::TableFormat format = catalog::TableFormat::kParquet;
  // When declared, the columns the files must have (name and type, in
  // order); otherwise inferred from the files.
  std::optional<std::vector<catalog::Column>> columns;
  Where where;
};

// An LF-Tag key with its allowed values (normalized: lower-cased, sorted).
struct LfTagSpec {
  access::LfTag tag;
  Where where;
};

// Tags a stack assigns to one database, table or column (keys and values
// normalized).
struct TagAssignmentSpec {
  access::TagResource resource;
  std::map<std::string, std::string> tags;  // key → value
  Where where;
};

struct FilterSpec {
  access::DataFilter filter;
  Where where;
};

struct GrantSpec {
  access::Grant grant;  // role, resource, permissions and grantable
  Where where;
};

struct LakeAdminSpec {
  std::string principal;  // "user/NAME" or "role/NAME"
  Where where;
};

struct Stack {
  std::string name;
  std::string file;    // as given
  std::string folder;  // the file's folder (generated password files go relative to it)
  iam::Tags cluster_tags;
  Where cluster_where;
  std::vector<PolicySpec> policies;
  std::vector<RoleSpec> roles;
  std::vector<UserSpec> users;
  std::vector<LakeAdminSpec> lake_admins;
  std::vector<DatabaseSpec> databases;
  std::vector<TableSpec> tables;
  std::vector<LfTagSpec> lf_tags;
  std::vector<TagAssignmentSpec> tag_assignments;
  std::vector<FilterSpec> filters;
  std::vector<GrantSpec> grants;
};

// What `${Weir::...}` references in a stack file's strings expand to.
struct Substitutions {
  std::string account;
  std::string region;
  std::string cluster_name;
  std::string cluster_arn;
};
Substitutions SubstitutionsFor(const iam::Cluster& cluster);

// Parses a stack file's text. Checks everything that needs no state: the
// YAML, the known fields and their types, names, permissions against the
// resource kinds, row filters' syntax, policy documents' grammar,
// duplicates. kInvalidArgument naming file, line, column and field.
Result<Stack> ParseStack(const std::string& text, const std::string& file, const Substitutions& substitutions);

// One grant written as in a stack file's `grants` list (JSON or YAML):
// {"principal": "role/R", "permissions": [...], "grantable": [...],
// "resource": {...}}. Errors name `source`, the position and the field.
Result<access::Grant> ParseGrant(const std::string& text, const std::string& source);

// Reads and parses the stack file at `path` (kNotFound / kIoError when unreadable).
Result<Stack> LoadStack(const std::string& path, const Substitutions& substitutions);

}  // namespace weir::stack
