#pragma once

// Shared by the admin verbs (admin.cc, identity.cc); not part of the
// module's interface.

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/actions.h"
#include "admin/data_dir.h"
#include "audit/audit_log.h"
#include "catalog/catalog.h"
#include "common/status.h"
#include "store/store.h"

namespace weir::admin {

// The audit record of an admin verb, for the allow and the deny path alike:
// actor and source identity from `caller`, role = a user's execution role
// ("" for the local administrator), and for a denial the error.
audit::Record AdminRecord(const Caller& caller, const store::MetadataState& state, const std::string& action,
                          const Status& denial, nlohmann::json detail);

// The transaction of the Admin::Batch running on this thread for `dir`, or
// null: inside a batch every verb joins it instead of beginning its own.
store::Transaction* BatchTransaction(const DataDir* dir);

// Makes `txn` this thread's batch transaction for `dir` while it lives
// (Admin::Batch). Batches do not nest.
class BatchScope {
 public:
  BatchScope(const DataDir* dir, store::Transaction* txn);
  ~BatchScope();
  BatchScope(const BatchScope&) = delete;
  BatchScope& operator=(const BatchScope&) = delete;

  // The denials recorded inside the batch, for committing after it.
  std::vector<audit::Record> TakeDenials();
};

// Records a denial on its own: `record` is committed in `txn` when that is a
// verb's own transaction (nothing else of the verb is in it yet); inside an
// Admin::Batch it is kept and committed after the batch has rolled back.
// Returns the commit's error, else Ok.
Status CommitDenial(DataDir* dir, store::Transaction& txn, audit::Record record);

// Decides in `txn`, against `state`, every access `caller` needs. When one is
// denied, records only a "deny" audit record (CommitDenial) and returns the
// kPermissionDenied; otherwise writes nothing and, for a user, adds the
// decisions to `detail["authorization"]` for the verb's own record.
Status AuthorizeInTransaction(DataDir* dir, store::Transaction& txn, const store::MetadataState& state,
                              const Caller& caller, const std::string& action, const std::vector<Access>& accesses,
                              nlohmann::json& detail);

// Runs `change` in one store transaction with its audit record, then
// exports the audit stream and publishes a new snapshot. First, in the same
// transaction, `caller` must be authorized for `accesses` (a vector, or a
// function of the state returning one): authorization sees exactly the
// state the change will, so it cannot race with a policy change.
// Inside an Admin::Batch the change joins the batch's transaction, which
// commits (and publishes) once at the batch's end.
template <typename A, typename F>
Status InTransaction(DataDir* dir, const Caller& caller, const std::string& action, nlohmann::json detail, A accesses,
                     F change) {
  std::unique_ptr<store::Transaction> own;
  store::Transaction* txn = BatchTransaction(dir);
  if (txn == nullptr) {
    WEIR_ASSIGN_OR_RETURN(own, dir->store().Begin());
    txn = own.get();
  }
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, txn->Load());
  if constexpr (std::is_invocable_v<A&, const store::MetadataState&>) {
    WEIR_RETURN_IF_ERROR(AuthorizeInTransaction(dir, *txn, state, caller, action, accesses(state), detail));
  } else {
    WEIR_RETURN_IF_ERROR(AuthorizeInTransaction(dir, *txn, state, caller, action, accesses, detail));
  }
  WEIR_RETURN_IF_ERROR(change(*txn, state, detail));
  WEIR_RETURN_IF_ERROR(txn->AppendAudit(AdminRecord(caller, state, action, Status::Ok(), std::move(detail))).status());
  if (own == nullptr) return Status::Ok();
  WEIR_RETURN_IF_ERROR(txn->Commit());
  WEIR_RETURN_IF_ERROR(dir->audit().ExportCommitted());
  return dir->Reload();
}

inline Status CheckName(const std::string& kind, const std::string& name) {
  if (!catalog::IsValidName(name)) {
    return Status::InvalidArgument("invalid " + kind + " name '" + name +
                                   "': use lower-case letters, digits, '_' or '-', starting with a letter or '_'");
  }
  return Status::Ok();
}

}  // namespace weir::admin
