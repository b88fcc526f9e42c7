#include "session/settings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace weir::session {

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

Result<std::string> Boolean(const std::string& key, const std::string& value) {
  std::string v = Lower(Trim(value));
  if (v == "on" || v == "true" || v == "yes" || v == "1" || v == "t" || v == "y") return std::string("on");
  if (v == "off" || v == "false" || v == "no" || v == "0" || v == "f" || v == "n") return std::string("off");
  return Status::InvalidArgument("parameter \"" + key + "\" requires a Boolean value");
}

}  // namespace

const std::vector<SettingDefinition>& SettingDefinitions() {
  static const std::vector<SettingDefinition> kSettings = {
      {"application_name", "application_name", "", true, false, "Sets the application name reported in statistics"},
      {"client_encoding", "client_encoding", "UTF8", true, false, "The client's character set (UTF8 only)"},
      {"datestyle", "DateStyle", "ISO, MDY", true, false, "Display format for dates (ISO only)"},
      {"intervalstyle", "IntervalStyle", "postgres", true, false, "Display format for intervals (postgres only)"},
      {"timezone", "TimeZone", "UTC", true, false, "Time zone named by the client; values are sent in UTC"},
      {"integer_datetimes", "integer_datetimes", "on", true, true, "Datetimes are integer based"},
      {"standard_conforming_strings", "standard_conforming_strings", "on", true, true,
       "'...' strings treat backslashes literally"},
      {"server_version", "server_version", "15.0", true, true, "The PostgreSQL version Weir's protocol matches"},
      {"server_version_num", "server_version_num", "150000", false, true, "server_version as a number"},
      {"server_encoding", "server_encoding", "UTF8", true, true, "The server's character set"},
      {"is_superuser", "is_superuser", "off", true, true, "Whether the session is a superuser's (never)"},
      {"session_authorization", "session_authorization", "", true, true, "The user the session authenticated as"},
      {"in_hot_standby", "in_hot_standby", "off", true, true, "Whether the server is a standby"},
      {"default_transaction_read_only", "default_transaction_read_only", "on", true, true, "Weir's sessions only read"},
      {"transaction_read_only", "transaction_read_only", "on", false, true, "Weir's sessions only read"},
      {"transaction_isolation", "transaction_isolation", "read committed", false, false,
       "Accepted for compatibility; Weir only reads immutable files"},
      {"default_transaction_isolation", "default_transaction_isolation", "read committed", false, false,
       "Accepted for compatibility"},
      {"extra_float_digits", "extra_float_digits", "1", false, false,
       "Floating-point output: Weir always sends the shortest exact form"},
      {"statement_timeout", "statement_timeout", "0", false, false,
       "Cancels a statement running longer than this (ms; 0 = none)"},
      {"lock_timeout", "lock_timeout", "0", false, false, "Accepted for compatibility"},
      {"idle_in_transaction_session_timeout", "idle_in_transaction_session_timeout", "0", false, false,
       "Accepted for compatibility"},
      {"client_min_messages", "client_min_messages", "notice", false, false, "Lowest message level sent"},
      {"bytea_output", "bytea_output", "hex", false, false, "Output format for bytea (hex only)"},
      {"max_identifier_length", "max_identifier_length", "63", false, true, "Longest identifier"},
      {"lc_messages", "lc_messages", "C", false, false, "Accepted for compatibility"},
      {"jit", "jit", "off", false, false, "Accepted for compatibility"},
  };
  return kSettings;
}

const SettingDefinition* FindSetting(const std::string& name) {
  std::string key = Lower(name);
  for (const auto& def : SettingDefinitions()) {
    if (key == def.key) return &def;
  }
  return nullptr;
}

Result<int64_t> ParseMilliseconds(const std::string& text) {
  std::string v = Lower(Trim(text));
  size_t digits = 0;
  while (digits < v.size() && (std::isdigit(static_cast<unsigned char>(v[digits])) || v[digits] == '.')) digits++;
  size_t dots = std::count(v.begin(), v.begin() + static_cast<long>(digits), '.');
  if (digits == 0 || digits > 15 || dots > 1 || digits == dots) {
    return Status::InvalidArgument("invalid duration: " + text);
  }
  double number = std::strtod(v.substr(0, digits).c_str(), nullptr);
  std::string unit = Trim(v.substr(digits));
  double scale = 1;
  if (unit.empty() || unit == "ms") {
    scale = 1;
  } else if (unit == "s") {
    scale = 1000;
  } else if (unit == "min") {
    scale = 60000;
  } else if (unit == "h") {
    scale = 3600000;
  } else if (unit == "d") {
    scale = 86400000;
  } else {
    return Status::InvalidArgument("invalid duration unit \"" + unit + "\": use ms, s, min, h or d");
  }
  double ms = number * scale;
  if (ms > 2147483647.0) return Status::InvalidArgument("duration out of range: " + text);
  return static_cast<int64_t>(ms);
}

Result<std::string> CanonicalSettingValue(const std::string& key, const std::string& raw) {
  std::string value = Trim(raw);
  std::string lower = Lower(value);
  if (key == "client_encoding") {
    if (lower == "utf8" || lower == "utf-8" || lower == "unicode") return std::string("UTF8");
    return Status::NotSupported("client_encoding " + value + " is not supported: Weir speaks UTF8 only");
  }
  if (key == "datestyle") {
    // "ISO", "ISO, MDY", "iso, dmy": the output style must be ISO; the
    // field order only matters for input, which Weir reads as ISO.
    if (lower.find("iso") == std::string::npos) {
      return Status::NotSupported("DateStyle " + value + " is not supported: Weir sends dates in ISO format");
    }
    if (lower.find("dmy") != std::string::npos) return std::string("ISO, DMY");
    if (lower.find("ymd") != std::string::npos) return std::string("ISO, YMD");
    return std::string("ISO, MDY");
  }
  if (key == "intervalstyle") {
    if (lower != "postgres") return Status::NotSupported("IntervalStyle " + value + " is not supported: use postgres");
    return lower;
  }
  if (key == "bytea_output") {
    if (lower != "hex") return Status::NotSupported("bytea_output " + value + " is not supported: use hex");
    return lower;
  }
  if (key == "extra_float_digits") {
    char* end = nullptr;
    long digits = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || digits < -15 || digits > 3) {
      return Status::InvalidArgument("extra_float_digits must be an integer from -15 to 3");
    }
    return std::to_string(digits);
  }
  if (key == "statement_timeout" || key == "lock_timeout" || key == "idle_in_transaction_session_timeout") {
    WEIR_ASSIGN_OR_RETURN(int64_t ms, ParseMilliseconds(value));
    return std::to_string(ms);
  }
  if (key == "standard_conforming_strings" || key == "integer_datetimes" || key == "jit" ||
      key == "default_transaction_read_only" || key == "transaction_read_only" || key == "is_superuser" ||
      key == "in_hot_standby") {
    return Boolean(key, value);
  }
  if (key == "transaction_isolation" || key == "default_transaction_isolation") {
    static const char* kLevels[] = {"read uncommitted", "read committed", "repeatable read", "serializable"};
    for (const char* level : kLevels) {
      if (lower == level) return lower;
    }
    return Status::InvalidArgument("invalid transaction isolation level: " + value);
  }
  if (key == "client_min_messages") {
    static const char* kLevels[] = {"debug5", "debug4", "debug3",  "debug2", "debug1",
                                    "log",    "notice", "warning", "error"};
    for (const char* level : kLevels) {
      if (lower == level) return lower;
    }
    return Status::InvalidArgument("invalid value for client_min_messages: " + value);
  }
  if (key == "timezone" && value.empty()) return Status::InvalidArgument("TimeZone must not be empty");
  return value;
}

}  // namespace weir::session
