#include "session/settings.h"

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace weir::session {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST(Settings, DefinitionsAreUniqueLowerCaseKeysOfTheirDisplayNames) {
  std::set<std::string> keys;
  for (const auto& def : SettingDefinitions()) {
    SCOPED_TRACE(def.key);
    EXPECT_TRUE(keys.insert(def.key).second) << "duplicate";
    EXPECT_EQ(std::string(def.key), Lower(def.key));
    EXPECT_EQ(std::string(def.key), Lower(def.display_name));
    EXPECT_NE(std::string(def.description), "");
  }
  // The names SET ROLE and USE own are not settings of the table.
  EXPECT_EQ(keys.count("role"), 0u);
  EXPECT_EQ(keys.count("search_path"), 0u);
}

TEST(Settings, FindSettingIgnoresCase) {
  for (const auto& def : SettingDefinitions()) {
    SCOPED_TRACE(def.key);
    EXPECT_EQ(FindSetting(def.key), &def);
    EXPECT_EQ(FindSetting(def.display_name), &def);
    EXPECT_EQ(FindSetting(Upper(def.key)), &def);
  }
  for (const std::string name : {"", "no_such_setting", "role", "search_path", "datestyle ", "myext.x"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(FindSetting(name), nullptr);
  }
}

TEST(Settings, EveryDefaultIsItsOwnCanonicalValue) {
  for (const auto& def : SettingDefinitions()) {
    SCOPED_TRACE(def.key);
    auto canonical = CanonicalSettingValue(def.key, def.default_value);
    ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
    EXPECT_EQ(*canonical, def.default_value);
  }
}

TEST(Settings, CanonicalSettingValueNormalizesAcceptedValues) {
  struct Case {
    const char* key;
    const char* value;
    const char* canonical;
  };
  const std::vector<Case> cases = {
      {"client_encoding", "UTF8", "UTF8"},
      {"client_encoding", "utf-8", "UTF8"},
      {"client_encoding", " Unicode ", "UTF8"},
      {"datestyle", "ISO", "ISO, MDY"},
      {"datestyle", "iso, mdy", "ISO, MDY"},
      {"datestyle", "ISO, DMY", "ISO, DMY"},
      {"datestyle", "YMD, ISO", "ISO, YMD"},
      {"intervalstyle", "POSTGRES", "postgres"},
      {"bytea_output", "HEX", "hex"},
      {"extra_float_digits", "3", "3"},
      {"extra_float_digits", "-15", "-15"},
      {"extra_float_digits", " 2 ", "2"},
      {"extra_float_digits", "+1", "1"},
      {"extra_float_digits", "03", "3"},
      {"statement_timeout", "5s", "5000"},
      {"statement_timeout", "250", "250"},
      {"lock_timeout", "1min", "60000"},
      {"idle_in_transaction_session_timeout", "2h", "7200000"},
      {"jit", "TRUE", "on"},
      {"jit", " yes ", "on"},
      {"jit", "1", "on"},
      {"jit", "t", "on"},
      {"jit", "y", "on"},
      {"jit", "Off", "off"},
      {"jit", "false", "off"},
      {"jit", "no", "off"},
      {"jit", "0", "off"},
      {"jit", "f", "off"},
      {"jit", "n", "off"},
      {"standard_conforming_strings", "true", "on"},
      {"integer_datetimes", "yes", "on"},
      {"is_superuser", "false", "off"},
      {"in_hot_standby", "0", "off"},
      {"default_transaction_read_only", "on", "on"},
      {"transaction_read_only", "1", "on"},
      {"transaction_isolation", "SERIALIZABLE", "serializable"},
      {"transaction_isolation", "Read Uncommitted", "read uncommitted"},
      {"default_transaction_isolation", "repeatable read", "repeatable read"},
      {"client_min_messages", "WARNING", "warning"},
      {"client_min_messages", "debug5", "debug5"},
      {"client_min_messages", "error", "error"},
      {"timezone", " Europe/Paris ", "Europe/Paris"},
      {"timezone", "+02:00", "+02:00"},
      // Settings without rules keep the value, trimmed.
      {"application_name", "  psql ", "psql"},
      {"lc_messages", "en_US.UTF-8", "en_US.UTF-8"},
      {"myext.anything", "Some Value", "Some Value"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.key) + " = '" + c.value + "'");
    auto canonical = CanonicalSettingValue(c.key, c.value);
    ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
    EXPECT_EQ(*canonical, c.canonical);
  }
}

TEST(Settings, CanonicalSettingValueRefusesValuesWeirCannotHonour) {
  struct Case {
    const char* key;
    const char* value;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"client_encoding", "LATIN1", StatusCode::kFeatureNotSupported},
      {"client_encoding", "SQL_ASCII", StatusCode::kFeatureNotSupported},
      {"client_encoding", "", StatusCode::kFeatureNotSupported},
      {"datestyle", "SQL, DMY", StatusCode::kFeatureNotSupported},
      {"datestyle", "Postgres", StatusCode::kFeatureNotSupported},
      {"datestyle", "German", StatusCode::kFeatureNotSupported},
      {"intervalstyle", "iso_8601", StatusCode::kFeatureNotSupported},
      {"intervalstyle", "sql_standard", StatusCode::kFeatureNotSupported},
      {"bytea_output", "escape", StatusCode::kFeatureNotSupported},
      {"extra_float_digits", "4", StatusCode::kInvalidArgument},
      {"extra_float_digits", "-16", StatusCode::kInvalidArgument},
      {"extra_float_digits", "1.5", StatusCode::kInvalidArgument},
      {"extra_float_digits", "two", StatusCode::kInvalidArgument},
      {"extra_float_digits", "", StatusCode::kInvalidArgument},
      {"statement_timeout", "forever", StatusCode::kInvalidArgument},
      {"statement_timeout", "-1", StatusCode::kInvalidArgument},
      {"statement_timeout", "5 fortnights", StatusCode::kInvalidArgument},
      {"lock_timeout", "", StatusCode::kInvalidArgument},
      {"idle_in_transaction_session_timeout", "30d", StatusCode::kInvalidArgument},
      {"jit", "maybe", StatusCode::kInvalidArgument},
      {"jit", "2", StatusCode::kInvalidArgument},
      {"standard_conforming_strings", "", StatusCode::kInvalidArgument},
      {"transaction_isolation", "snapshot", StatusCode::kInvalidArgument},
      {"transaction_isolation", "read  committed", StatusCode::kInvalidArgument},
      {"default_transaction_isolation", "", StatusCode::kInvalidArgument},
      {"client_min_messages", "loud", StatusCode::kInvalidArgument},
      {"client_min_messages", "fatal", StatusCode::kInvalidArgument},
      {"timezone", "", StatusCode::kInvalidArgument},
      {"timezone", "   ", StatusCode::kInvalidArgument},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.key) + " = '" + c.value + "'");
    auto canonical = CanonicalSettingValue(c.key, c.value);
    ASSERT_FALSE(canonical.ok()) << *canonical;
    EXPECT_EQ(canonical.status().code(), c.code) << canonical.status().ToString();
  }
}

TEST(Settings, CanonicalSettingValueErrorsNameTheSetting) {
  auto boolean = CanonicalSettingValue("jit", "maybe");
  EXPECT_EQ(boolean.status().message(), "parameter \"jit\" requires a Boolean value");
  auto digits = CanonicalSettingValue("extra_float_digits", "9");
  EXPECT_EQ(digits.status().message(), "extra_float_digits must be an integer from -15 to 3");
  auto encoding = CanonicalSettingValue("client_encoding", "LATIN1");
  EXPECT_NE(encoding.status().message().find("LATIN1"), std::string::npos);
}

TEST(Settings, ParseMillisecondsReadsEveryUnit) {
  struct Case {
    const char* text;
    int64_t ms;
  };
  for (const auto& c : std::vector<Case>{{"0", 0},
                                         {"5000", 5000},
                                         {"250ms", 250},
                                         {"250 ms", 250},
                                         {"5s", 5000},
                                         {" 5 S ", 5000},
                                         {"1.5s", 1500},
                                         {"1min", 60000},
                                         {"2h", 7200000},
                                         {"1d", 86400000},
                                         {"0.5", 0},
                                         {"2147483647", 2147483647},
                                         {"24d", 2073600000}}) {
    SCOPED_TRACE(c.text);
    auto ms = ParseMilliseconds(c.text);
    ASSERT_TRUE(ms.ok()) << ms.status().ToString();
    EXPECT_EQ(*ms, c.ms);
  }
}

TEST(Settings, ParseMillisecondsRejectsWhatIsNotADuration) {
  for (const std::string text : {"", "   ", "abc", "-1", "+5", "s", "5 sec", "5us", "5 m", "5 minutes", "2147483648",
                                 "25d", "1000000000000000", "1e3"}) {
    SCOPED_TRACE(text);
    auto ms = ParseMilliseconds(text);
    ASSERT_FALSE(ms.ok()) << *ms;
    EXPECT_EQ(ms.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(Settings, ParseMillisecondsRejectsMalformedNumbers) {
  for (const std::string text : {"1.2.3", ".", "..", "1..5s"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseMilliseconds(text).ok());
  }
}

}  // namespace
}  // namespace weir::session
