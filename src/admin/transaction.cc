#include "admin/transaction.h"

#include "iam/assume.h"

namespace weir::admin {

namespace {

struct BatchState {
  const DataDir* dir = nullptr;
  store::Transaction* txn = nullptr;
  std::vector<audit::Record> denials;
};
thread_local BatchState* current_batch = nullptr;

}  // namespace

BatchScope::BatchScope(const DataDir* dir, store::Transaction* txn) { current_batch = new BatchState{dir, txn, {}}; }

BatchScope::~BatchScope() {
  delete current_batch;
  current_batch = nullptr;
}

std::vector<audit::Record> BatchScope::TakeDenials() { return std::move(current_batch->denials); }

store::Transaction* BatchTransaction(const DataDir* dir) {
  return current_batch != nullptr && current_batch->dir == dir ? current_batch->txn : nullptr;
}

Status CommitDenial(DataDir* dir, store::Transaction& txn, audit::Record record) {
  if (BatchTransaction(dir) == &txn) {
    current_batch->denials.push_back(std::move(record));
    return Status::Ok();
  }
  WEIR_RETURN_IF_ERROR(txn.AppendAudit(record).status());
  WEIR_RETURN_IF_ERROR(txn.Commit());
  return dir->audit().ExportCommitted();
}

audit::Record AdminRecord(const Caller& caller, const store::MetadataState& state, const std::string& action,
                          const Status& denial, nlohmann::json detail) {
  audit::Record record;
  record.kind = "admin";
  record.actor = caller.actor;
  record.source_identity = caller.actor;
  if (caller.user) {
    for (const auto& u : state.users) {
      if (u.name == *caller.user) record.role = u.execution_role;
    }
  }
  record.action = action;
  record.decision = denial.ok() ? "allow" : "deny";
  if (!denial.ok()) record.error = std::string(denial.sqlstate()) + ": " + denial.message();
  record.time_us = audit::NowMicros();
  record.detail = std::move(detail);
  return record;
}

Status AuthorizeInTransaction(DataDir* dir, store::Transaction& txn, const store::MetadataState& state,
                              const Caller& caller, const std::string& action, const std::vector<Access>& accesses,
                              nlohmann::json& detail) {
  if (caller.local() || accesses.empty()) return Status::Ok();
  const iam::Directory directory(state);
  nlohmann::json decisions = nlohmann::json::array();
  for (const Access& access : accesses) {
    Status status = Authorize(caller, directory, access, &decisions);
    if (status.ok()) continue;
    nlohmann::json denied = detail;
    denied["authorization"] = std::move(decisions);
    WEIR_RETURN_IF_ERROR(CommitDenial(dir, txn, AdminRecord(caller, state, action, status, std::move(denied))));
    return status;
  }
  detail["authorization"] = std::move(decisions);
  return Status::Ok();
}

}  // namespace weir::admin
