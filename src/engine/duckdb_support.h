#pragma once

// Engine-internal helpers shared by the role connections (engine.cc) and the
// catalog mirror (catalog_mirror.cc): the one conversion of DuckDB errors,
// parameter binding, statement shapes, and the hardened instance settings.

#include <memory>
#include <vector>

#include "common/status.h"
#include "duckdb.hpp"
#include "engine/engine.h"

namespace weir::engine {

// DuckDB's error → Weir's Status (and so SQLSTATE). The one place.
Status StatusFromErrorData(const duckdb::ErrorData& error);

// $1, $2, ... as DuckDB's named parameters; empty for nullptr.
duckdb::case_insensitive_map_t<duckdb::BoundParameterData> BindParameters(const std::vector<duckdb::Value>* parameters);

// Result columns and parameter types of a prepared statement (VARCHAR for a
// parameter DuckDB could not type).
StatementShape ShapeOf(duckdb::PreparedStatement& prepared);

// Settings every Weir DuckDB instance starts with: no extension loading or
// installing, no community or unsigned extensions, no persistent secrets,
// no external file cache.
void Harden(duckdb::DBConfig* config);

// After an instance's setup: external access off (except the directories
// allowed before) and the configuration locked.
Status LockDown(duckdb::DuckDB& db);

}  // namespace weir::engine
