#pragma once

// Shared by the admin verbs (admin.cc, identity.cc); not part of the
// module's interface.

#include <string>

#include <nlohmann/json.hpp>

#include "admin/data_dir.h"
#include "audit/audit_log.h"
#include "catalog/catalog.h"
#include "common/status.h"
#include "store/store.h"

namespace weir::admin {

// Runs `change` in one store transaction with its audit record, then
// exports the audit stream and publishes a new snapshot.
template <typename F>
Status InTransaction(DataDir* dir, const std::string& actor, const std::string& action, nlohmann::json detail,
                     F change) {
  WEIR_ASSIGN_OR_RETURN(auto txn, dir->store().Begin());
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, txn->Load());
  WEIR_RETURN_IF_ERROR(change(*txn, state, detail));
  audit::Record record;
  record.kind = "admin";
  record.actor = actor;
  record.source_identity = actor;
  record.action = action;
  record.decision = "allow";
  record.time_us = audit::NowMicros();
  record.detail = std::move(detail);
  WEIR_RETURN_IF_ERROR(txn->AppendAudit(record).status());
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
