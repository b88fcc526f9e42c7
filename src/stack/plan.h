#pragma once

// Planning and applying stack files: the difference between what a stack
// file declares and what the data directory holds, as a list of changes,
// each made by the admin verbs (so authorization, validation and audit are
// the verbs' own). Applying runs every change in one Admin::Batch: all of a
// stack lands, or nothing does.
//
// A stack owns what it created: each applied stack leaves a record in the
// store (MetadataState::stacks) naming the objects, sub-objects (inline
// policies, attachments and tags of a role declared `existing`) and grant
// permissions it added. An update removes what the record owns and the file
// no longer declares; destroy removes everything the record owns and
// nothing else. Declaring an object that exists and is not the stack's is
// an error (roles and databases may be declared `existing: true` instead).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "admin/actions.h"
#include "common/status.h"
#include "stack/stack.h"
#include "store/store.h"

namespace weir::admin {
class Admin;
}

namespace weir::stack {

struct Change {
  enum class Op { kCreate, kUpdate, kReplace, kDelete };
  Op op = Op::kCreate;
  std::string kind;                  // "role", "user", "grant", ...
  std::string name;                  // "marketing-data-access-role", "SELECT on table tpc.t to role r"
  std::vector<std::string> details;  // what an update changes
  Where where;                       // the declaration; empty file for deletions
};

// "create", "update", "replace", "delete".
const char* OpName(Change::Op op);

// Looks up an environment variable (injectable for tests and `weir demo`).
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
// The process environment.
EnvLookup ProcessEnv();

class Plan {
 public:
  const std::string& stack() const { return stack_; }
  bool destroy() const { return destroy_; }
  const std::vector<Change>& changes() const { return changes_; }
  size_t unchanged() const { return unchanged_; }
  bool empty() const { return changes_.empty(); }

  // Passwords generated for users this plan creates, with the file each
  // goes to (the stack's `password: {generate: FILE}`), for the caller to
  // write (0600) once Apply has committed.
  const std::vector<std::pair<std::string, std::string>>& generated_passwords() const { return password_files_; }

  // "+ role marketing-data-access-role" lines and a summary.
  std::string Format() const;
  nlohmann::json ToJson() const;

 private:
  friend class Planner;
  friend Status Apply(admin::Admin& admin, const Plan& plan);

  std::string stack_;
  bool destroy_ = false;
  std::vector<Change> changes_;
  size_t unchanged_ = 0;
  // One step per change, run in order inside the batch; then the record.
  std::vector<std::function<Status(admin::Admin&)>> steps_;
  std::string record_;  // the stack record after the plan ("" = delete it)
  bool record_changes_ = false;
  // Generated passwords to write (0600) once the batch has committed.
  std::vector<std::pair<std::string, std::string>> password_files_;  // path, password
};

// The changes that make the data directory hold what `stack` declares.
// Needs no lock beyond a consistent `state`. kInvalidArgument (with the
// declaration's file, line and field) for a declaration that contradicts
// the state: an object that exists outside the stack, an `existing` one
// that is missing, a reference to nothing, an unset password variable.
Result<Plan> PlanApply(const Stack& stack, const store::MetadataState& state, const EnvLookup& env = ProcessEnv());

// What planning stack `name` needs authorized first, since a plan shows
// what the data directory holds: cloudformation:DeleteStack to destroy it,
// else CreateStack (never applied) or UpdateStack.
admin::Access PlanAccess(const std::string& name, bool destroy, const store::MetadataState& state);

// The changes that remove everything stack `name` owns. kNotFound when no
// stack of that name has been applied.
Result<Plan> PlanDestroy(const std::string& name, const store::MetadataState& state);

// Makes the plan's changes in one batch (see Admin::Batch) and stores the
// stack record. A failing change names its declaration and nothing stays
// changed.
Status Apply(admin::Admin& admin, const Plan& plan);

// A grant in the form stack records store it (and the admin API accepts):
// {"role", "kind", "database", "table", "scope", "columns", "filter",
// "expression": [{"key", "values"}], "permissions", "grantable"}, the
// permissions comma-separated. GrantFromJson reverses it; kInternal for a
// malformed record (a stored one is ours).
nlohmann::json GrantToJson(const access::Grant& grant);
Result<access::Grant> GrantFromJson(const nlohmann::json& record);

// Writes the plan's generated passwords to their files (0600); appends
// their paths to `written` when given.
Status WritePasswordFiles(const Plan& plan, std::vector<std::string>* written = nullptr);

}  // namespace weir::stack
