#pragma once

// Shared by the admin verbs (admin.cc, identity.cc); not part of the
// module's interface.

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

// Decides in `txn`, against `state`, every access `caller` needs. When one is
// denied, commits only a "deny" audit record, exports it and returns the
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
template <typename A, typename F>
Status InTransaction(DataDir* dir, const Caller& caller, const std::string& action, nlohmann::json detail, A accesses,
                     F change) {
  WEIR_ASSIGN_OR_RETURN(auto txn, dir->store().Begin());
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, txn->Load());
  if constexpr (std::is_invocable_v<A&, const store::MetadataState&>) {
    WEIR_RETURN_IF_ERROR(AuthorizeInTransaction(dir, *txn, state, caller, action, accesses(state), detail));
  } else {
    WEIR_RETURN_IF_ERROR(AuthorizeInTransaction(dir, *txn, state, caller, action, accesses, detail));
  }
  WEIR_RETURN_IF_ERROR(change(*txn, state, detail));
  WEIR_RETURN_IF_ERROR(txn->AppendAudit(AdminRecord(caller, state, action, Status::Ok(), std::move(detail))).status());
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
