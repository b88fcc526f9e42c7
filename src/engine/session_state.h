#pragma once

#include <set>
#include <string>
#include <vector>

#include "duckdb/main/client_context_state.hpp"
#include "engine/secure_scan.h"

namespace weir::engine {

// Per-DuckDB-connection state Weir keeps inside the ClientContext: the
// secure scans the parse gate prepared for the statement being run, and the
// plan gate, which inspects the final physical plan of that statement before
// it executes and refuses anything but secure scans of those specs,
// allowlisted table functions and read-only operators. The plan gate runs
// when a plan is made (OnFinalizePrepare) and again each time a prepared plan
// executes (OnExecutePrepared), so a plan kept for reuse is checked on every
// run like a new one.
//
// Not thread-safe: a connection runs one statement at a time.
class SessionState : public duckdb::ClientContextState {
 public:
  static constexpr const char* kKey = "weir_session_state";

  // Arms the gates for one user statement with its prepared scans.
  void Arm(std::vector<ScanSpec> scans);
  // Disarms after the statement has been prepared and bound (results may
  // still be streaming; binds hold their own copies).
  void Disarm();
  bool armed() const { return armed_; }
  // Whether the armed statement reads any table (has secure scans).
  bool has_scans() const { return !scans_.empty(); }

  // The scan with `id`, or nullptr.
  const ScanSpec* Scan(int64_t id) const;

  // What the last planned statement reads: "db.table" and "db.table.column".
  const std::set<std::string>& tables_read() const { return tables_read_; }
  const std::set<std::string>& columns_read() const { return columns_read_; }

  // DuckDB calls OnFinalizePrepare only when some state may request a
  // rebind; the plan gate must always run, so this says yes (it never
  // actually requests one).
  bool CanRequestRebind() override { return true; }
  duckdb::RebindQueryInfo OnFinalizePrepare(duckdb::ClientContext& context, duckdb::PreparedStatementData& prepared,
                                            duckdb::PreparedStatementMode mode) override;
  // A prepared plan about to execute: checked again (unless DuckDB is about
  // to rebind it, which checks the new plan in OnFinalizePrepare).
  duckdb::RebindQueryInfo OnExecutePrepared(duckdb::ClientContext& context, duckdb::PreparedStatementCallbackInfo& info,
                                            duckdb::RebindQueryInfo current_rebind) override;

 private:
  // The plan gate over one prepared statement (armed only); throws
  // PermissionException on anything it refuses.
  void CheckPlan(duckdb::PreparedStatementData& prepared);
  void CheckOperator(const duckdb::PhysicalOperator& op);

  bool armed_ = false;
  std::vector<ScanSpec> scans_;
  std::set<std::string> tables_read_;
  std::set<std::string> columns_read_;
};

}  // namespace weir::engine
