#pragma once

#include <iosfwd>
#include <string>

#include "common/status.h"
#include "session/session.h"

namespace weir::cli {

enum class OutputFormat { kTable, kCsv, kJson };

// Parses "table", "csv" or "json".
bool ParseOutputFormat(const std::string& text, OutputFormat* out);

// Prints a statement's rows (or its tag when it has none) to `out`,
// consuming the result. Table: aligned columns and a row count, as psql
// does; csv: a header line then RFC 4180 rows; json: one object per row.
Status PrintResult(session::StatementResult& result, OutputFormat format, std::ostream& out);

// "ERROR:  42501: message" on stderr.
void PrintError(const Status& status);

}  // namespace weir::cli
