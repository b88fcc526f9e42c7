#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace weir::server {

// Writes one structured log line to standard error: a JSON object with
// "ts" (UTC, ISO 8601 with milliseconds), "level", "event" and `fields`.
// Thread-safe; lines never interleave.
void Log(const char* level, const char* event, nlohmann::json fields = nlohmann::json::object());

// Sends the log lines to the end of the file at `path` instead (created
// 0600 when missing); "" = standard error again. kIoError when it cannot
// be opened.
Status SetLogFile(const std::string& path);

}  // namespace weir::server
