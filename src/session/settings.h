#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace weir::session {

// The session settings a PostgreSQL client may SET, SHOW and RESET: one
// table (name, default, whether it is reported with ParameterStatus,
// whether it is read-only) drives all three. They are Weir's own session
// state and never reach DuckDB's configuration.
struct SettingDefinition {
  const char* key;           // lower case, how lookups match
  const char* display_name;  // as PostgreSQL spells it ("DateStyle")
  const char* default_value;
  bool reported;   // sent in ParameterStatus at startup and when changed
  bool read_only;  // SET refused (except to its current value)
  const char* description;
};

const std::vector<SettingDefinition>& SettingDefinitions();

// The definition for `name` (any case), or nullptr for an unknown setting.
const SettingDefinition* FindSetting(const std::string& name);

// Checks `value` for setting `key` (lower case) and returns the value as
// SHOW will print it. kInvalidArgument naming the setting and what it
// accepts when the value is out of range or one Weir cannot honour (a
// client_encoding other than UTF8, a DateStyle other than ISO, ...).
Result<std::string> CanonicalSettingValue(const std::string& key, const std::string& value);

// A duration setting ("5000", "5s", "1min", "250ms") in milliseconds.
Result<int64_t> ParseMilliseconds(const std::string& value);

}  // namespace weir::session
