#pragma once

#include <nlohmann/json.hpp>

namespace weir::server {

// Writes one structured log line to standard error: a JSON object with
// "ts" (UTC, ISO 8601 with milliseconds), "level", "event" and `fields`.
// Thread-safe; lines never interleave.
void Log(const char* level, const char* event, nlohmann::json fields = nlohmann::json::object());

}  // namespace weir::server
