#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"

namespace duckdb {
class SQLStatement;
}

namespace weir::engine {

// Turns a lake table reference into the id of a secure scan the caller has
// prepared, or a denial. `schema` is the database the user wrote ("" when
// unqualified); `catalog` is the rarely used third name part.
using TableResolver =
    std::function<Result<int64_t>(const std::string& catalog, const std::string& schema, const std::string& table)>;

// Resolver answers that are not scan ids, for the catalog mirror (which
// holds no data): leave the reference as written, or drop its schema so it
// binds to the session's own temporary table of that name.
// A resolver that only ever answers kKeepReference leaves the statement
// unchanged (a read-only walk).
inline constexpr int64_t kKeepReference = -1;
inline constexpr int64_t kSessionTableReference = -2;

// The parse gate. Accepts only a read-only query (a SELECT statement tree)
// built from node types it knows; any other statement, node, expression or
// table reference type — including ones a later DuckDB adds — is refused
// (fail closed). Table functions must be on a short allowlist; scalar
// functions that read settings, variables or sequences, or write logs, are
// refused; qualified function names are refused.
//
// Every table reference that is not a CTE in scope is resolved through
// `resolve` and replaced in place by the secure scan it returns; nothing in
// the tree can name a file, a DuckDB catalog object or a setting afterwards.
//
// Returns kPermissionDenied (42501) for refused constructs, the resolver's
// error for a table it denies. On error the statement is left half
// rewritten and must be discarded.
Status GateStatement(duckdb::SQLStatement& statement, const TableResolver& resolve);

// The name of the secure scan table function (see secure_scan.h). Users may
// not call it; only the gate's rewrite produces it.
inline constexpr const char* kSecureScanFunction = "weir_scan";

// True for the table functions users may call directly (range, unnest, ...).
bool TableFunctionAllowed(const std::string& name);

}  // namespace weir::engine
