#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "audit/record.h"
#include "common/status.h"

namespace duckdb {
class LogicalType;
class TableFunction;
}  // namespace duckdb

namespace weir::engine {

// Reads audit records with seq > after_seq, oldest first, at most `limit`
// (store::Store::ReadAudit). Must be thread-safe.
using AuditReader = std::function<Result<std::vector<audit::Record>>(int64_t after_seq, size_t limit)>;

// The name a data lake administrator's statements use for the audit trail.
inline constexpr const char* kAuditTableName = "weir_audit";

// The weir_audit columns, in order: seq, time (TIMESTAMPTZ), kind, actor,
// source_identity, role, action, decision, statement, tables and columns
// (VARCHAR[]), rows, duration_us, error, detail (JSON text), prev_hash, hash.
// Every field of audit::Record.
std::vector<std::string> AuditColumnNames();

// The table function that produces the audit records `reader` returns, one
// row each, in seq order (the records committed when the scan started and
// any committed while it runs). It is never registered in a catalog: the
// secure scan wraps it (as it wraps DuckDB's Parquet reader) for a ScanSpec
// whose audit_reader is set, so only the parse gate's rewrite can reach it.
// Projection pushdown only; the secure scan applies pushed filters. A
// reader error fails the query with its message.
duckdb::TableFunction AuditTrailFunction(AuditReader reader);

}  // namespace weir::engine
