// The statements the session answers itself: SET/SHOW/RESET, SET ROLE,
// transaction blocks, cursors, COPY TO STDOUT's options, DEALLOCATE and
// DISCARD, ParameterStatus reports, and the extended protocol's entry points
// (CheckSyntax, Describe, ExecuteOne with parameters).

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "access/snapshot.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "engine/test_lake.h"
#include "session/session.h"
#include "session/session_fixture.h"
#include "session/settings.h"

namespace weir::session {
namespace {

using testing::Drain;
using testing::Outcome;
using testing::SessionFixture;
using weir::testing::TextRows;

using Row = std::vector<std::string>;
using Tags = std::vector<std::string>;

class SessionStatementsTest : public SessionFixture {
 protected:
  // Runs `sql` (one or more statements), expecting success; returns the tags.
  static Tags Ok(Session& session, const std::string& sql) {
    Outcome out = Execute(session, sql);
    EXPECT_TRUE(out.status.ok()) << sql << ": " << out.status.ToString();
    return out.tags;
  }

  // The error code `sql` fails with (kOk when it succeeds).
  static StatusCode Code(Session& session, const std::string& sql) { return Execute(session, sql).status.code(); }

  // The rows of the single statement `sql`; fails the test on error.
  static std::vector<Row> Rows(Session& session, const std::string& sql) {
    Outcome out = Execute(session, sql);
    EXPECT_TRUE(out.status.ok()) << sql << ": " << out.status.ToString();
    if (!out.status.ok() || out.results.size() != 1) return {};
    return out.results[0].rows;
  }

  // SHOW name's single value.
  static std::string Show(Session& session, const std::string& name) {
    auto rows = Rows(session, "SHOW " + name);
    EXPECT_EQ(rows.size(), 1u) << "SHOW " << name;
    return rows.size() == 1 && rows[0].size() == 1 ? rows[0][0] : "<no value>";
  }
};

// --- SET / SHOW / RESET ---------------------------------------------------------

TEST_F(SessionStatementsTest, SetAcceptsEverySpellingAndShowReportsTheCanonicalValue) {
  struct Case {
    const char* sql;
    const char* name;
    const char* value;
  };
  const std::vector<Case> cases = {
      {"SET application_name = 'psql'", "application_name", "psql"},
      {"SET application_name TO 'psql'", "application_name", "psql"},
      {"set APPLICATION_NAME to 'psql'", "application_name", "psql"},
      {"SET SESSION application_name = 'psql'", "application_name", "psql"},
      // Unquoted words fold to lower case, as PostgreSQL's do; quoted ones keep their case.
      {"SET application_name = MyApp", "application_name", "myapp"},
      {"SET application_name = \"MyApp\"", "application_name", "MyApp"},
      {"SET application_name = 'it''s'", "application_name", "it's"},
      {"SET application_name = 'default'", "application_name", "default"},
      // Lists are joined as PostgreSQL flattens them.
      {"SET DateStyle = ISO, DMY", "DateStyle", "ISO, DMY"},
      {"SET datestyle TO 'iso, ymd'", "datestyle", "ISO, YMD"},
      {"SET extra_float_digits = 3", "extra_float_digits", "3"},
      {"SET extra_float_digits = -2", "extra_float_digits", "-2"},
      {"SET extra_float_digits TO '2'", "extra_float_digits", "2"},
      {"SET statement_timeout = '5s'", "statement_timeout", "5000"},
      {"SET statement_timeout = 250", "statement_timeout", "250"},
      {"SET lock_timeout = '1min'", "lock_timeout", "60000"},
      {"SET TIME ZONE 'Europe/Paris'", "timezone", "Europe/Paris"},
      {"SET TimeZone = 'Europe/Paris'", "TimeZone", "Europe/Paris"},
      {"SET timezone TO +02:00", "timezone", "+02:00"},
      {"SET TIME ZONE -5", "timezone", "-5"},
      {"SET client_encoding = 'UTF-8'", "client_encoding", "UTF8"},
      {"SET client_encoding TO unicode", "client_encoding", "UTF8"},
      {"SET transaction_isolation = 'serializable'", "transaction_isolation", "serializable"},
      {"SET client_min_messages = WARNING", "client_min_messages", "warning"},
      {"SET jit = on", "jit", "on"},
      {"SET bytea_output = 'hex'", "bytea_output", "hex"},
      // A read-only setting accepts its current value (drivers send these).
      {"SET standard_conforming_strings = on", "standard_conforming_strings", "on"},
      {"SET integer_datetimes TO true", "integer_datetimes", "on"},
      // Two-part names are placeholders, as in PostgreSQL.
      {"SET myapp.user_id = 42", "myapp.user_id", "42"},
      {"SET myapp.Mode TO 'Fast'", "myapp.mode", "Fast"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    auto session = Open("analyst");
    ASSERT_NE(session, nullptr);
    EXPECT_EQ(Ok(*session, c.sql), Tags{"SET"});
    EXPECT_EQ(session->Setting(c.name), c.value);
    EXPECT_EQ(Show(*session, c.name), c.value);
  }
}

TEST_F(SessionStatementsTest, SetOfTransactionCharacteristicsIsAcceptedAndChangesNothing) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const std::string sql : {"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "SET TRANSACTION READ ONLY",
                                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ"}) {
    SCOPED_TRACE(sql);
    EXPECT_EQ(Ok(*session, sql), Tags{"SET"});
    EXPECT_EQ(session->Setting("transaction_isolation"), "read committed");
    EXPECT_EQ(session->Setting("default_transaction_isolation"), "read committed");
  }
}

TEST_F(SessionStatementsTest, RejectedSetChangesNothing) {
  struct Case {
    const char* sql;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"SET client_encoding = 'LATIN1'", StatusCode::kFeatureNotSupported},
      {"SET DateStyle = 'SQL, DMY'", StatusCode::kFeatureNotSupported},
      {"SET IntervalStyle = iso_8601", StatusCode::kFeatureNotSupported},
      {"SET bytea_output = escape", StatusCode::kFeatureNotSupported},
      {"SET extra_float_digits = 4", StatusCode::kInvalidArgument},
      {"SET statement_timeout = 'forever'", StatusCode::kInvalidArgument},
      {"SET timezone = ''", StatusCode::kInvalidArgument},
      {"SET jit = maybe", StatusCode::kInvalidArgument},
      {"SET no_such_setting = 1", StatusCode::kNotFound},
      {"SET myapp. = 1", StatusCode::kSyntaxError},
      {"SET server_version = '16.0'", StatusCode::kPermissionDenied},
      {"SET standard_conforming_strings = off", StatusCode::kPermissionDenied},
      {"SET is_superuser = on", StatusCode::kPermissionDenied},
      {"SET SESSION AUTHORIZATION bob", StatusCode::kPermissionDenied},
      {"SET session_authorization = bob", StatusCode::kPermissionDenied},
      {"SET search_path = hr", StatusCode::kUndefinedDatabase},
      {"SET search_path = nodb, sales", StatusCode::kUndefinedDatabase},
      {"SET application_name", StatusCode::kSyntaxError},
      {"SET application_name =", StatusCode::kSyntaxError},
      {"SET application_name = a b", StatusCode::kSyntaxError},
      {"SET application_name = (a)", StatusCode::kSyntaxError},
      {"SET DateStyle = ISO,, MDY", StatusCode::kSyntaxError},
      {"SET DateStyle = , ISO", StatusCode::kSyntaxError},
      {"SET = 1", StatusCode::kSyntaxError},
      {"SET", StatusCode::kSyntaxError},
      {"SET TIME ZONE", StatusCode::kSyntaxError},
      {"SET SCHEMA a b", StatusCode::kSyntaxError},
      {"SET statement_timeout = 1 000", StatusCode::kSyntaxError},
      {"SET extra_float_digits = 1 2", StatusCode::kSyntaxError},
      {"SET TIME ZONE +01 :00", StatusCode::kSyntaxError},
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  auto before = Rows(*session, "SHOW ALL");
  ASSERT_FALSE(before.empty());
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    Outcome out = Execute(*session, c.sql);
    EXPECT_EQ(out.status.code(), c.code) << out.status.ToString();
    EXPECT_TRUE(out.tags.empty());
    EXPECT_EQ(Rows(*session, "SHOW ALL"), before);
  }
}

TEST_F(SessionStatementsTest, SetToDefaultRestoresTheDefault) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "SET application_name = 'x'; SET application_name TO DEFAULT");
  EXPECT_EQ(session->Setting("application_name"), "");
  Ok(*session, "SET DateStyle = 'ISO, DMY'; SET DateStyle = default");
  EXPECT_EQ(session->Setting("DateStyle"), "ISO, MDY");
  Ok(*session, "SET TIME ZONE 'Europe/Paris'; SET TIME ZONE DEFAULT");
  EXPECT_EQ(session->Setting("TimeZone"), "UTC");
  Ok(*session, "SET TIME ZONE 'Europe/Paris'; SET TIME ZONE LOCAL");
  EXPECT_EQ(session->Setting("TimeZone"), "UTC");
  Ok(*session, "SET search_path = sales; SET search_path TO DEFAULT");
  EXPECT_EQ(session->current_database(), "");
  Ok(*session, "SET myapp.x = 'y'; SET myapp.x TO DEFAULT");
  EXPECT_EQ(session->Setting("myapp.x"), "");
}

TEST_F(SessionStatementsTest, SearchPathChoosesTheFirstLakeDatabase) {
  struct Case {
    const char* sql;
    const char* database;
  };
  for (const auto& c : std::vector<Case>{{"SET search_path = sales", "sales"},
                                         {"SET search_path TO 'sales'", "sales"},
                                         {"SET search_path = \"sales\"", "sales"},
                                         {"SET search_path = public, sales, pg_catalog", "sales"},
                                         {"SET search_path = \"$user\", public", ""},
                                         {"SET search_path = '$user', public", ""},
                                         {"SET search_path = pg_catalog, information_schema, pg_temp", ""},
                                         {"SET SCHEMA 'sales'", "sales"},
                                         {"SET schema = 'sales'", "sales"},
                                         {"USE sales", "sales"}}) {
    SCOPED_TRACE(c.sql);
    auto session = Open("analyst");
    ASSERT_NE(session, nullptr);
    Ok(*session, c.sql);
    EXPECT_EQ(session->current_database(), c.database);
    EXPECT_EQ(Show(*session, "search_path"), c.database);
  }
  // A later SET replaces the database, also with none.
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "SET search_path = sales; SET search_path = public");
  EXPECT_EQ(session->current_database(), "");
  Ok(*session, "USE sales; RESET search_path");
  EXPECT_EQ(session->current_database(), "");
}

TEST_F(SessionStatementsTest, ResetRestoresEveryWritableSettingsDefault) {
  // A value other than the default for each writable setting; settings that
  // accept only their default are listed as such, so that a new setting
  // cannot go untested.
  const std::map<std::string, std::string> other = {
      {"application_name", "'x'"},
      {"datestyle", "'ISO, DMY'"},
      {"timezone", "'Europe/Paris'"},
      {"transaction_isolation", "serializable"},
      {"default_transaction_isolation", "'repeatable read'"},
      {"extra_float_digits", "3"},
      {"statement_timeout", "1000"},
      {"lock_timeout", "'2s'"},
      {"idle_in_transaction_session_timeout", "'1min'"},
      {"client_min_messages", "warning"},
      {"lc_messages", "'en_US'"},
      {"jit", "on"},
  };
  const std::vector<std::string> only_default = {"client_encoding", "intervalstyle", "bytea_output"};
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& def : SettingDefinitions()) {
    if (def.read_only) continue;
    SCOPED_TRACE(def.key);
    if (std::find(only_default.begin(), only_default.end(), def.key) != only_default.end()) {
      EXPECT_EQ(Ok(*session, std::string("RESET ") + def.display_name), Tags{"RESET"});
      EXPECT_EQ(session->Setting(def.key), def.default_value);
      continue;
    }
    auto it = other.find(def.key);
    ASSERT_NE(it, other.end()) << "no test value for writable setting " << def.key;
    Ok(*session, std::string("SET ") + def.key + " = " + it->second);
    EXPECT_NE(session->Setting(def.key), def.default_value);
    EXPECT_EQ(Ok(*session, std::string("RESET ") + def.display_name), Tags{"RESET"});
    EXPECT_EQ(session->Setting(def.key), def.default_value);
  }

  // RESET ALL: every writable setting at once; the role stays (PostgreSQL:
  // role is not reset by RESET ALL).
  Ok(*session, "SET ROLE auditor");
  for (const auto& [key, value] : other) Ok(*session, "SET " + key + " = " + value);
  EXPECT_EQ(Ok(*session, "RESET ALL"), Tags{"RESET"});
  for (const auto& def : SettingDefinitions()) {
    SCOPED_TRACE(def.key);
    EXPECT_EQ(session->Setting(def.key),
              std::string(def.key) == "session_authorization" ? "alice@example.com" : def.default_value);
  }
  EXPECT_EQ(session->identity().role, "auditor");
}

TEST_F(SessionStatementsTest, ResetRefusesReadOnlyAndUnknownSettings) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& def : SettingDefinitions()) {
    if (!def.read_only) continue;
    SCOPED_TRACE(def.key);
    EXPECT_EQ(Code(*session, std::string("RESET ") + def.key), StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(Code(*session, "RESET no_such_setting"), StatusCode::kNotFound);
  EXPECT_EQ(Code(*session, "RESET"), StatusCode::kSyntaxError);
  EXPECT_EQ(Code(*session, "RESET a b"), StatusCode::kSyntaxError);
}

TEST_F(SessionStatementsTest, ReadOnlySettingsAcceptOnlyTheirCurrentValue) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& def : SettingDefinitions()) {
    if (!def.read_only) continue;
    SCOPED_TRACE(def.key);
    std::string current = session->Setting(def.key);
    if (std::string(def.key) == "session_authorization") {
      // Never settable: connect as the user instead.
      EXPECT_EQ(Code(*session, "SET session_authorization = '" + current + "'"), StatusCode::kPermissionDenied);
      continue;
    }
    EXPECT_EQ(Ok(*session, std::string("SET ") + def.key + " = '" + current + "'"), Tags{"SET"});
    std::string different = current == "on" ? "off" : current == "off" ? "on" : current + "0";
    EXPECT_EQ(Code(*session, std::string("SET ") + def.key + " = '" + different + "'"), StatusCode::kPermissionDenied);
    EXPECT_EQ(session->Setting(def.key), current);
  }
}

TEST_F(SessionStatementsTest, ShowReportsEverySettingItsDefault) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& def : SettingDefinitions()) {
    SCOPED_TRACE(def.key);
    std::string expected =
        std::string(def.key) == "session_authorization" ? "alice@example.com" : std::string(def.default_value);
    EXPECT_EQ(session->Setting(def.display_name), expected);
    Outcome out = Execute(*session, std::string("SHOW ") + def.display_name);
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.tags, Tags{"SHOW"});
    EXPECT_EQ(out.results[0].names, std::vector<std::string>{def.key});
    EXPECT_EQ(out.results[0].rows, std::vector<Row>{{expected}});
  }
}

TEST_F(SessionStatementsTest, ShowAnswersItsSpecialForms) {
  struct Case {
    const char* sql;
    const char* column;
    const char* value;
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "SET TIME ZONE 'Europe/Paris'");
  for (const auto& c :
       std::vector<Case>{{"SHOW TIME ZONE", "TimeZone", "Europe/Paris"},
                         {"SHOW TRANSACTION ISOLATION LEVEL", "transaction_isolation", "read committed"},
                         {"SHOW SESSION AUTHORIZATION", "session_authorization", "alice@example.com"},
                         {"SHOW role", "role", "analyst"},
                         {"SHOW ROLE", "role", "analyst"},
                         {"SHOW search_path", "search_path", ""},
                         {"show \"DateStyle\"", "datestyle", "ISO, MDY"}}) {
    SCOPED_TRACE(c.sql);
    Outcome out = Execute(*session, c.sql);
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.tags, Tags{"SHOW"});
    EXPECT_EQ(out.results[0].names, std::vector<std::string>{c.column});
    EXPECT_EQ(out.results[0].rows, std::vector<Row>{{c.value}});
  }
}

TEST_F(SessionStatementsTest, ShowAllListsEverySettingSorted) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "USE sales; SET application_name = 'psql'");
  Outcome out = Execute(*session, "SHOW ALL");
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.tags, Tags{"SHOW"});
  EXPECT_EQ(out.results[0].names, (std::vector<std::string>{"name", "setting", "description"}));
  const auto& rows = out.results[0].rows;
  EXPECT_EQ(rows.size(), SettingDefinitions().size() + 2);
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
  std::map<std::string, std::string> values;
  for (const auto& row : rows) values[row[0]] = row[1];
  for (const auto& def : SettingDefinitions()) EXPECT_EQ(values.count(def.display_name), 1u) << def.display_name;
  EXPECT_EQ(values["application_name"], "psql");
  EXPECT_EQ(values["role"], "analyst");
  EXPECT_EQ(values["search_path"], "sales");
}

// --- SET ROLE ----------------------------------------------------------------------

TEST_F(SessionStatementsTest, SetRoleSwitchesAndResetRoleReturns) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const std::string role : {"auditor", "'auditor'", "\"auditor\"", "AUDITOR"}) {
    SCOPED_TRACE(role);
    EXPECT_EQ(Ok(*session, "SET ROLE " + role), Tags{"SET"});
    EXPECT_EQ(session->identity().role, "auditor");
    EXPECT_EQ(Show(*session, "role"), "auditor");
    EXPECT_EQ(Rows(*session, "SELECT current_role"), std::vector<Row>{{"auditor"}});
    // The person stays who they are.
    EXPECT_EQ(Rows(*session, "SELECT current_user"), std::vector<Row>{{"alice@example.com"}});
    // The new role's grants apply.
    Outcome out = Execute(*session, "SELECT * FROM sales.orders WHERE id = 1");
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.results[0].names, (std::vector<std::string>{"id", "amount", "region"}));
    for (const std::string back : {"RESET ROLE", "SET ROLE NONE", "SET ROLE none", "SET SESSION ROLE NONE"}) {
      SCOPED_TRACE(back);
      Ok(*session, "SET ROLE auditor");
      Ok(*session, back);
      EXPECT_EQ(session->identity().role, "analyst");
    }
  }
}

TEST_F(SessionStatementsTest, SetRoleRefusesAnUnknownRoleAndBadSyntax) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  struct Case {
    const char* sql;
    StatusCode code;
  };
  for (const auto& c : std::vector<Case>{{"SET ROLE no_such_role", StatusCode::kInvalidAuthorization},
                                         {"SET ROLE \"Auditor\"", StatusCode::kInvalidAuthorization},
                                         {"SET ROLE", StatusCode::kSyntaxError},
                                         {"SET ROLE a b", StatusCode::kSyntaxError},
                                         {"SET ROLE 1", StatusCode::kSyntaxError},
                                         {"SET LOCAL ROLE auditor", StatusCode::kFeatureNotSupported}}) {
    SCOPED_TRACE(c.sql);
    EXPECT_EQ(Code(*session, c.sql), c.code);
    EXPECT_EQ(session->identity().role, "analyst");
  }
}

TEST_F(SessionStatementsTest, SetRoleAsksAssumeRole) {
  std::vector<std::string> asked;
  auto assume = [&](const std::string& role) -> Result<std::string> {
    asked.push_back(role);
    if (role == "arn:weir:role/auditor" || role == "auditor") return std::string("auditor");
    return Status::InvalidAuthorization("user alice may not assume " + role);
  };
  auto session = Open("analyst", assume);
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(Ok(*session, "SET ROLE 'arn:weir:role/auditor'"), Tags{"SET"});
  EXPECT_EQ(session->identity().role, "auditor");

  Outcome refused = Execute(*session, "SET ROLE hr_admin");
  EXPECT_EQ(refused.status.code(), StatusCode::kInvalidAuthorization);
  EXPECT_EQ(refused.status.message(), "user alice may not assume hr_admin");
  EXPECT_EQ(session->identity().role, "auditor");

  // Returning to the connect-time role needs no check.
  Ok(*session, "RESET ROLE");
  EXPECT_EQ(session->identity().role, "analyst");
  Ok(*session, "SET ROLE analyst");
  EXPECT_EQ(asked, (std::vector<std::string>{"arn:weir:role/auditor", "hr_admin"}));
}

TEST_F(SessionStatementsTest, SetRoleLeavesADatabaseTheNewRoleCannotSee) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "USE sales; SET ROLE auditor");
  EXPECT_EQ(session->current_database(), "sales");
  Ok(*session, "SET ROLE hr_admin");
  EXPECT_EQ(session->current_database(), "");
}

TEST_F(SessionStatementsTest, SetRoleClosesCursors) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "DECLARE c CURSOR WITH HOLD FOR SELECT 1");
  Ok(*session, "SET ROLE auditor");
  EXPECT_EQ(Code(*session, "FETCH c"), StatusCode::kInvalidCursor);
  EXPECT_FALSE(session->CursorShape("c").has_value());
}

TEST_F(SessionStatementsTest, SetRoleWorksAsAGenericSetting) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "SET role = 'auditor'");
  EXPECT_EQ(session->identity().role, "auditor");
  Ok(*session, "SET role TO DEFAULT");
  EXPECT_EQ(session->identity().role, "analyst");
  Ok(*session, "SET role TO auditor");
  EXPECT_EQ(session->identity().role, "auditor");
}

// --- SELECT current_user and friends -----------------------------------------------

TEST_F(SessionStatementsTest, CurrentUserFunctionsAreAnsweredBySession) {
  struct Case {
    const char* sql;
    const char* column;
    const char* value;
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& c : std::vector<Case>{{"SELECT current_role", "current_role", "analyst"},
                                         {"SELECT CURRENT_USER", "current_user", "alice@example.com"},
                                         {"select session_user", "session_user", "alice@example.com"},
                                         {"SELECT user", "user", "alice@example.com"}}) {
    SCOPED_TRACE(c.sql);
    Outcome out = Execute(*session, c.sql);
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.tags, Tags{"SELECT"});
    EXPECT_EQ(out.results[0].names, std::vector<std::string>{c.column});
    EXPECT_EQ(out.results[0].rows, std::vector<Row>{{c.value}});
  }
}

// --- transaction blocks ------------------------------------------------------------------

TEST_F(SessionStatementsTest, TransactionStatementsMoveBetweenIdleAndBlock) {
  struct Step {
    const char* sql;
    const char* tag;
    char status;  // after the statement
  };
  const std::vector<Step> steps = {
      {"BEGIN", "BEGIN", 'T'},
      {"COMMIT", "COMMIT", 'I'},
      {"START TRANSACTION", "START TRANSACTION", 'T'},
      {"END", "COMMIT", 'I'},
      {"BEGIN WORK", "BEGIN", 'T'},
      {"ABORT", "ROLLBACK", 'I'},
      {"BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE", "BEGIN", 'T'},
      {"ROLLBACK WORK", "ROLLBACK", 'I'},
      {"START TRANSACTION READ ONLY", "START TRANSACTION", 'T'},
      {"COMMIT TRANSACTION", "COMMIT", 'I'},
      {"begin", "BEGIN", 'T'},
      // BEGIN inside a block: PostgreSQL warns and nothing changes.
      {"BEGIN", "BEGIN", 'T'},
      {"ROLLBACK TRANSACTION", "ROLLBACK", 'I'},
      // COMMIT and ROLLBACK outside a block: PostgreSQL warns.
      {"COMMIT", "COMMIT", 'I'},
      {"ROLLBACK", "ROLLBACK", 'I'},
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->transaction_status(), 'I');
  for (const auto& step : steps) {
    SCOPED_TRACE(step.sql);
    EXPECT_EQ(Ok(*session, step.sql), Tags{step.tag});
    EXPECT_EQ(session->transaction_status(), step.status);
  }
  EXPECT_EQ(Code(*session, "START"), StatusCode::kSyntaxError);
  EXPECT_EQ(Code(*session, "START WORK"), StatusCode::kSyntaxError);
  EXPECT_EQ(session->transaction_status(), 'I');
}

TEST_F(SessionStatementsTest, AnErrorFailsTheBlockUntilRollback) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN; SET application_name = 'in block'");
  EXPECT_EQ(Code(*session, "SELECT * FROM hr.salaries"), StatusCode::kPermissionDenied);
  EXPECT_EQ(session->transaction_status(), 'E');
  for (const std::string sql :
       {"SELECT 1", "SET application_name = 'x'", "SHOW application_name", "RESET ALL", "SAVEPOINT s", "RELEASE s",
        "USE sales", "SET ROLE auditor", "DECLARE c CURSOR WITH HOLD FOR SELECT 1", "BEGIN", "SELECT current_user"}) {
    SCOPED_TRACE(sql);
    Outcome out = Execute(*session, sql);
    EXPECT_EQ(out.status.code(), StatusCode::kTransactionAborted);
    EXPECT_EQ(std::string(out.status.sqlstate()), "25P02");
    EXPECT_EQ(out.status.message(), "current transaction is aborted, commands ignored until end of transaction block");
    EXPECT_EQ(session->transaction_status(), 'E');
  }
  EXPECT_EQ(session->identity().role, "analyst");
  EXPECT_EQ(session->current_database(), "");
  EXPECT_EQ(Ok(*session, "ROLLBACK"), Tags{"ROLLBACK"});
  EXPECT_EQ(session->transaction_status(), 'I');
  EXPECT_EQ(session->Setting("application_name"), "");
  EXPECT_EQ(Rows(*session, "SELECT 1"), std::vector<Row>{{"1"}});
}

TEST_F(SessionStatementsTest, CommitOfAFailedBlockReportsRollbackAndUndoes) {
  for (const std::string end : {"COMMIT", "END", "ABORT", "ROLLBACK"}) {
    SCOPED_TRACE(end);
    auto session = Open("analyst");
    ASSERT_NE(session, nullptr);
    Ok(*session, "BEGIN; SET application_name = 'x'; USE sales");
    EXPECT_EQ(Code(*session, "SELECT * FROM hr.salaries"), StatusCode::kPermissionDenied);
    EXPECT_EQ(session->transaction_status(), 'E');
    EXPECT_EQ(Ok(*session, end), Tags{"ROLLBACK"});
    EXPECT_EQ(session->transaction_status(), 'I');
    EXPECT_EQ(session->Setting("application_name"), "");
    EXPECT_EQ(session->current_database(), "");
  }
}

TEST_F(SessionStatementsTest, AnErrorOutsideABlockFailsNothing) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(Code(*session, "SELECT * FROM hr.salaries"), StatusCode::kPermissionDenied);
  EXPECT_EQ(session->transaction_status(), 'I');
  session->FailTransaction();
  EXPECT_EQ(session->transaction_status(), 'I');
  EXPECT_EQ(Rows(*session, "SELECT 1"), std::vector<Row>{{"1"}});
}

TEST_F(SessionStatementsTest, FailTransactionMarksTheOpenBlock) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN");
  session->FailTransaction();
  EXPECT_EQ(session->transaction_status(), 'E');
  EXPECT_EQ(Code(*session, "SELECT 1"), StatusCode::kTransactionAborted);
  EXPECT_EQ(Ok(*session, "COMMIT"), Tags{"ROLLBACK"});
}

TEST_F(SessionStatementsTest, AFetchErrorFailsTheBlock) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN");
  // The error comes from running the query: when the statement starts, or
  // while its rows stream. Either way the block fails.
  static const std::vector<duckdb::Value> kNone;
  auto result = session->ExecuteOne("SELECT CAST(x AS INTEGER) FROM (VALUES ('1'), ('x')) t(x)", kNone);
  Status status = result.status();
  if (result.ok()) {
    TextRows rows;
    status = Drain(*result, &rows);
  }
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(session->transaction_status(), 'E');
}

TEST_F(SessionStatementsTest, SyntaxErrorInABlockFailsIt) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN");
  EXPECT_EQ(Code(*session, "SELEC 1"), StatusCode::kSyntaxError);
  EXPECT_EQ(session->transaction_status(), 'E');
}

TEST_F(SessionStatementsTest, RollbackUndoesSetSetRoleAndUseAndCommitKeepsThem) {
  for (const bool commit : {false, true}) {
    SCOPED_TRACE(commit ? "COMMIT" : "ROLLBACK");
    auto session = Open("analyst");
    ASSERT_NE(session, nullptr);
    Ok(*session, "SET application_name = 'before'");
    Ok(*session,
       "BEGIN; SET application_name = 'inside'; SET TIME ZONE 'Europe/Paris'; SET myapp.x = 1; USE sales; "
       "SET ROLE auditor");
    EXPECT_EQ(session->identity().role, "auditor");
    EXPECT_EQ(Ok(*session, commit ? "COMMIT" : "ROLLBACK"), Tags{commit ? "COMMIT" : "ROLLBACK"});
    EXPECT_EQ(session->Setting("application_name"), commit ? "inside" : "before");
    EXPECT_EQ(session->Setting("TimeZone"), commit ? "Europe/Paris" : "UTC");
    EXPECT_EQ(session->Setting("myapp.x"), commit ? "1" : "");
    EXPECT_EQ(session->current_database(), commit ? "sales" : "");
    EXPECT_EQ(session->identity().role, commit ? "auditor" : "analyst");
    // The connection follows the role.
    Outcome out = Execute(*session, "SELECT * FROM sales.orders WHERE id = 1");
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.results[0].names.size(), commit ? 3u : 4u);
  }
}

TEST_F(SessionStatementsTest, RollbackUndoesReset) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "SET application_name = 'x'; SET extra_float_digits = 3; BEGIN; RESET ALL; RESET application_name");
  EXPECT_EQ(session->Setting("application_name"), "");
  Ok(*session, "ROLLBACK");
  EXPECT_EQ(session->Setting("application_name"), "x");
  EXPECT_EQ(session->Setting("extra_float_digits"), "3");
}

TEST_F(SessionStatementsTest, SetLocalLastsUntilTheBlockEnds) {
  for (const std::string end : {"COMMIT", "ROLLBACK"}) {
    SCOPED_TRACE(end);
    auto session = Open("analyst");
    ASSERT_NE(session, nullptr);
    Ok(*session, "SET application_name = 'session'");
    Ok(*session, "BEGIN; SET LOCAL application_name = 'local'; SET LOCAL TIME ZONE 'Europe/Paris'");
    Ok(*session, "SET LOCAL search_path = sales");
    EXPECT_EQ(session->Setting("application_name"), "local");
    EXPECT_EQ(session->Setting("TimeZone"), "Europe/Paris");
    EXPECT_EQ(session->current_database(), "sales");
    // A second SET LOCAL keeps the value from before the first.
    Ok(*session, "SET LOCAL application_name = 'local2'");
    Ok(*session, end);
    EXPECT_EQ(session->Setting("application_name"), "session");
    EXPECT_EQ(session->Setting("TimeZone"), "UTC");
    EXPECT_EQ(session->current_database(), "");
  }
}

TEST_F(SessionStatementsTest, SetLocalOutsideABlockHasNoEffect) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(Ok(*session, "SET LOCAL application_name = 'x'"), Tags{"SET"});
  EXPECT_EQ(session->Setting("application_name"), "");
  // Still validated.
  EXPECT_EQ(Code(*session, "SET LOCAL extra_float_digits = 9"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(*session, "SET LOCAL no_such_setting = 1"), StatusCode::kNotFound);
}

TEST_F(SessionStatementsTest, SetLocalAfterSetKeepsTheSetValueAtCommit) {
  // PostgreSQL: "SET followed by SET LOCAL within a single transaction: the
  // SET LOCAL value will be seen until the end of the transaction, but
  // afterwards (if the transaction is committed) the SET value will take effect."
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN; SET application_name = 'set'; SET LOCAL application_name = 'local'");
  EXPECT_EQ(session->Setting("application_name"), "local");
  Ok(*session, "COMMIT");
  EXPECT_EQ(session->Setting("application_name"), "set");
}

TEST_F(SessionStatementsTest, SetAfterSetLocalPersistsAtCommit) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN; SET LOCAL application_name = 'local'; SET application_name = 'set'; COMMIT");
  EXPECT_EQ(session->Setting("application_name"), "set");
  Ok(*session, "BEGIN; SET LOCAL search_path = sales; USE sales; COMMIT");
  EXPECT_EQ(session->current_database(), "sales");
}

TEST_F(SessionStatementsTest, SetLocalSearchPathOutsideABlockHasNoEffect) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(Ok(*session, "SET LOCAL search_path = sales"), Tags{"SET"});
  EXPECT_EQ(session->current_database(), "");
}

TEST_F(SessionStatementsTest, RollbackToRestoresTheSavepointsState) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN; SET application_name = 'a'; SAVEPOINT s1");
  Ok(*session, "SET application_name = 'b'; SET ROLE auditor; USE sales; SAVEPOINT s2");
  Ok(*session, "SET application_name = 'c'; SET ROLE hr_admin");
  EXPECT_EQ(session->current_database(), "");  // hr_admin cannot see sales

  EXPECT_EQ(Ok(*session, "ROLLBACK TO s2"), Tags{"ROLLBACK"});
  EXPECT_EQ(session->Setting("application_name"), "b");
  EXPECT_EQ(session->identity().role, "auditor");
  EXPECT_EQ(session->current_database(), "sales");
  EXPECT_EQ(session->transaction_status(), 'T');

  // The savepoint stays: rolling back to it again works.
  Ok(*session, "SET application_name = 'd'");
  EXPECT_EQ(Ok(*session, "ROLLBACK TO SAVEPOINT s2"), Tags{"ROLLBACK"});
  EXPECT_EQ(session->Setting("application_name"), "b");

  EXPECT_EQ(Ok(*session, "ROLLBACK WORK TO SAVEPOINT s1"), Tags{"ROLLBACK"});
  EXPECT_EQ(session->Setting("application_name"), "a");
  EXPECT_EQ(session->identity().role, "analyst");
  EXPECT_EQ(session->current_database(), "");

  // Savepoints after s1 are gone.
  EXPECT_EQ(Code(*session, "ROLLBACK TO s2"), StatusCode::kInvalidSavepoint);
  EXPECT_EQ(session->transaction_status(), 'E');
  Ok(*session, "ROLLBACK TRANSACTION TO s1");
  EXPECT_EQ(session->transaction_status(), 'T');
  EXPECT_EQ(Ok(*session, "COMMIT"), Tags{"COMMIT"});
  EXPECT_EQ(session->Setting("application_name"), "a");
}

TEST_F(SessionStatementsTest, RollbackToRecoversAFailedBlock) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN; SAVEPOINT s; SET application_name = 'x'");
  EXPECT_EQ(Code(*session, "SELECT * FROM hr.salaries"), StatusCode::kPermissionDenied);
  EXPECT_EQ(session->transaction_status(), 'E');
  EXPECT_EQ(Ok(*session, "ROLLBACK TO s"), Tags{"ROLLBACK"});
  EXPECT_EQ(session->transaction_status(), 'T');
  EXPECT_EQ(session->Setting("application_name"), "");
  EXPECT_EQ(Rows(*session, "SELECT 1"), std::vector<Row>{{"1"}});
  EXPECT_EQ(Ok(*session, "COMMIT"), Tags{"COMMIT"});
}

TEST_F(SessionStatementsTest, ReleaseDropsTheSavepointAndLaterOnes) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN; SAVEPOINT a; SAVEPOINT b; SAVEPOINT c");
  EXPECT_EQ(Ok(*session, "RELEASE b"), Tags{"RELEASE"});
  EXPECT_EQ(Code(*session, "ROLLBACK TO c"), StatusCode::kInvalidSavepoint);
  Ok(*session, "ROLLBACK TO a");
  EXPECT_EQ(Ok(*session, "RELEASE SAVEPOINT a"), Tags{"RELEASE"});
  EXPECT_EQ(Code(*session, "RELEASE a"), StatusCode::kInvalidSavepoint);
  EXPECT_EQ(session->transaction_status(), 'E');
  Ok(*session, "ROLLBACK");
}

TEST_F(SessionStatementsTest, ARepeatedSavepointNameMeansTheLatest) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN; SET application_name = '1'; SAVEPOINT s; SET application_name = '2'; SAVEPOINT s");
  Ok(*session, "SET application_name = '3'; ROLLBACK TO s");
  EXPECT_EQ(session->Setting("application_name"), "2");
  Ok(*session, "RELEASE s; ROLLBACK TO s");
  EXPECT_EQ(session->Setting("application_name"), "1");
  Ok(*session, "ROLLBACK");
}

TEST_F(SessionStatementsTest, SavepointStatementsNeedABlockAndAName) {
  struct Case {
    const char* sql;
    StatusCode code;
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& c : std::vector<Case>{{"SAVEPOINT s", StatusCode::kNoActiveTransaction},
                                         {"RELEASE s", StatusCode::kNoActiveTransaction},
                                         {"RELEASE SAVEPOINT s", StatusCode::kNoActiveTransaction},
                                         {"ROLLBACK TO s", StatusCode::kNoActiveTransaction},
                                         {"ROLLBACK TO SAVEPOINT s", StatusCode::kNoActiveTransaction},
                                         {"SAVEPOINT", StatusCode::kSyntaxError},
                                         {"RELEASE", StatusCode::kSyntaxError},
                                         {"RELEASE SAVEPOINT", StatusCode::kSyntaxError},
                                         {"ROLLBACK TO", StatusCode::kSyntaxError},
                                         {"ROLLBACK TO SAVEPOINT", StatusCode::kSyntaxError}}) {
    SCOPED_TRACE(c.sql);
    EXPECT_EQ(Code(*session, c.sql), c.code);
    EXPECT_EQ(session->transaction_status(), 'I');
  }
  // Quoted names keep their case.
  Ok(*session, "BEGIN; SAVEPOINT \"S\"");
  EXPECT_EQ(Code(*session, "ROLLBACK TO s"), StatusCode::kInvalidSavepoint);
  Ok(*session, "ROLLBACK TO \"S\"; COMMIT");
}

// --- cursors ------------------------------------------------------------------------------

TEST_F(SessionStatementsTest, FetchAndMoveWalkACursorForward) {
  struct Step {
    const char* sql;
    const char* tag;
    std::vector<Row> rows;
  };
  const std::vector<Step> steps = {
      {"FETCH c", "FETCH", {{"1"}}},
      {"FETCH 2 FROM c", "FETCH", {{"2"}, {"3"}}},
      {"FETCH NEXT IN c", "FETCH", {{"4"}}},
      {"MOVE 3 c", "MOVE 3", {}},
      {"FETCH FORWARD 2 FROM c", "FETCH", {{"8"}, {"9"}}},
      {"FETCH FORWARD c", "FETCH", {{"10"}}},
      {"MOVE FORWARD 1 IN c", "MOVE 1", {}},
      {"FETCH ALL FROM c", "FETCH", {{"12"}, {"13"}, {"14"}, {"15"}, {"16"}, {"17"}, {"18"}, {"19"}, {"20"}}},
      {"FETCH c", "FETCH", {}},
      {"FETCH FORWARD ALL c", "FETCH", {}},
      {"MOVE ALL c", "MOVE 0", {}},
      {"MOVE 5 c", "MOVE 0", {}},
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(Ok(*session, "BEGIN; USE sales; DECLARE c CURSOR FOR SELECT id FROM orders ORDER BY id"),
            (Tags{"BEGIN", "USE", "DECLARE CURSOR"}));
  for (const auto& step : steps) {
    SCOPED_TRACE(step.sql);
    Outcome out = Execute(*session, step.sql);
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.tags, Tags{step.tag});
    EXPECT_EQ(out.results[0].rows, step.rows);
    if (std::string(step.tag) == "FETCH") {
      EXPECT_EQ(out.results[0].names, std::vector<std::string>{"id"});
    }
  }
  EXPECT_EQ(Ok(*session, "CLOSE c"), Tags{"CLOSE CURSOR"});
  EXPECT_EQ(Code(*session, "FETCH c"), StatusCode::kInvalidCursor);
  Ok(*session, "ROLLBACK");
}

TEST_F(SessionStatementsTest, FetchCrossesChunkBoundaries) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "DECLARE e CURSOR WITH HOLD FOR SELECT id FROM sales.events ORDER BY id");
  auto rows = Rows(*session, "FETCH 3000 FROM e");
  ASSERT_EQ(rows.size(), 3000u);
  EXPECT_EQ(rows.front(), Row{"0"});
  EXPECT_EQ(rows.back(), Row{"2999"});
  EXPECT_EQ(Ok(*session, "MOVE 5000 e"), Tags{"MOVE 5000"});
  EXPECT_EQ(Rows(*session, "FETCH e"), std::vector<Row>{{"8000"}});
  EXPECT_EQ(Ok(*session, "MOVE ALL e"), Tags{"MOVE 91999"});
  EXPECT_TRUE(Rows(*session, "FETCH ALL e").empty());
  Ok(*session, "CLOSE e");
}

TEST_F(SessionStatementsTest, ACursorRunsBesideOtherStatements) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "DECLARE c CURSOR WITH HOLD FOR SELECT id FROM sales.events ORDER BY id");
  EXPECT_EQ(Rows(*session, "FETCH 2 c"), (std::vector<Row>{{"0"}, {"1"}}));
  EXPECT_EQ(Rows(*session, "SELECT count(*) FROM sales.events"), std::vector<Row>{{"100000"}});
  Ok(*session, "DECLARE d CURSOR WITH HOLD FOR SELECT customer FROM sales.customers ORDER BY customer");
  EXPECT_EQ(Rows(*session, "FETCH d"), std::vector<Row>{{"c0"}});
  EXPECT_EQ(Rows(*session, "FETCH c"), std::vector<Row>{{"2"}});
  EXPECT_EQ(Rows(*session, "FETCH d"), std::vector<Row>{{"c1"}});
  EXPECT_EQ(Ok(*session, "CLOSE ALL"), Tags{"CLOSE CURSOR"});
  EXPECT_EQ(Code(*session, "FETCH c"), StatusCode::kInvalidCursor);
  EXPECT_EQ(Code(*session, "FETCH d"), StatusCode::kInvalidCursor);
}

TEST_F(SessionStatementsTest, CursorsWithoutHoldNeedABlockAndCloseAtItsEnd) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const std::string sql : {"DECLARE c CURSOR FOR SELECT 1", "DECLARE c CURSOR WITHOUT HOLD FOR SELECT 1",
                                "DECLARE c NO SCROLL CURSOR FOR SELECT 1"}) {
    SCOPED_TRACE(sql);
    Outcome out = Execute(*session, sql);
    EXPECT_EQ(out.status.code(), StatusCode::kNoActiveTransaction);
    EXPECT_EQ(out.status.message(), "DECLARE CURSOR can only be used in transaction blocks");
  }
  for (const std::string end : {"COMMIT", "ROLLBACK"}) {
    SCOPED_TRACE(end);
    Ok(*session, "BEGIN; DECLARE a CURSOR FOR SELECT 1; DECLARE b CURSOR WITH HOLD FOR SELECT 2");
    Ok(*session, "DECLARE c INSENSITIVE NO SCROLL CURSOR WITHOUT HOLD FOR SELECT 3");
    EXPECT_TRUE(session->CursorShape("a").has_value());
    Ok(*session, end);
    EXPECT_EQ(Code(*session, "FETCH a"), StatusCode::kInvalidCursor);
    EXPECT_EQ(Code(*session, "FETCH c"), StatusCode::kInvalidCursor);
    if (end == "COMMIT") {
      EXPECT_EQ(Rows(*session, "FETCH b"), std::vector<Row>{{"2"}});
      Ok(*session, "CLOSE b");
    } else {
      Execute(*session, "CLOSE b");  // see WithHoldCursorOfARolledBackBlockIsClosed
    }
  }
  // A WITH HOLD cursor declared before a block outlives the block either way.
  Ok(*session, "DECLARE h CURSOR WITH HOLD FOR SELECT i FROM range(1, 3) t(i)");
  Ok(*session, "BEGIN; FETCH h; ROLLBACK");
  EXPECT_EQ(Rows(*session, "FETCH h"), std::vector<Row>{{"2"}});
}

TEST_F(SessionStatementsTest, WithHoldCursorOfARolledBackBlockIsClosed) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN; DECLARE b CURSOR WITH HOLD FOR SELECT 2; ROLLBACK");
  EXPECT_EQ(Code(*session, "FETCH b"), StatusCode::kInvalidCursor);
}

TEST_F(SessionStatementsTest, RollbackToClosesCursorsOpenedAfterTheSavepoint) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN; DECLARE before CURSOR FOR SELECT 1; SAVEPOINT s; DECLARE after CURSOR FOR SELECT 2");
  Ok(*session, "ROLLBACK TO s");
  EXPECT_EQ(Rows(*session, "FETCH before"), std::vector<Row>{{"1"}});
  EXPECT_EQ(Code(*session, "FETCH after"), StatusCode::kInvalidCursor);
  Ok(*session, "ROLLBACK");
}

TEST_F(SessionStatementsTest, ACursorOverCatalogRelationsReadsTheCatalogMirror) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  const std::string query = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'sales' ORDER BY 1";
  auto direct = Rows(*session, query);
  ASSERT_FALSE(direct.empty());
  Ok(*session, "BEGIN; DECLARE c NO SCROLL CURSOR FOR " + query);
  EXPECT_EQ(Rows(*session, "FETCH ALL FROM c"), direct);
  Ok(*session, "COMMIT");
}

TEST_F(SessionStatementsTest, DeclareRefusesWhatItCannotRun) {
  struct Case {
    const char* sql;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"DECLARE c SCROLL CURSOR WITH HOLD FOR SELECT 1", StatusCode::kFeatureNotSupported},
      {"DECLARE c BINARY CURSOR WITH HOLD FOR SELECT 1", StatusCode::kFeatureNotSupported},
      {"DECLARE c CURSOR WITH HOLD FOR", StatusCode::kSyntaxError},
      {"DECLARE c CURSOR WITH HOLD", StatusCode::kSyntaxError},
      {"DECLARE c", StatusCode::kSyntaxError},
      {"DECLARE 1 CURSOR WITH HOLD FOR SELECT 1", StatusCode::kSyntaxError},
      {"DECLARE c CURSOR WITH HOLD FOR SELEC 1", StatusCode::kSyntaxError},
      {"DECLARE c CURSOR WITH HOLD FOR SELECT 1; SELECT 2", StatusCode::kSyntaxError},
      {"DECLARE c CURSOR WITH HOLD FOR SELECT * FROM hr.salaries", StatusCode::kPermissionDenied},
      {"DECLARE c CURSOR WITH HOLD FOR SELECT * FROM read_parquet('x')", StatusCode::kPermissionDenied},
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    static const std::vector<duckdb::Value> kNone;
    auto result = session->ExecuteOne(c.sql, kNone);
    EXPECT_EQ(result.status().code(), c.code) << result.status().ToString();
    EXPECT_FALSE(session->CursorShape("c").has_value());
  }
  Ok(*session, "DECLARE c CURSOR WITH HOLD FOR SELECT 1");
  Outcome duplicate = Execute(*session, "DECLARE c CURSOR WITH HOLD FOR SELECT 2");
  EXPECT_EQ(duplicate.status.code(), StatusCode::kDuplicateObject);
  EXPECT_EQ(duplicate.status.message(), "cursor \"c\" already exists");
  EXPECT_EQ(Rows(*session, "FETCH c"), std::vector<Row>{{"1"}});
}

TEST_F(SessionStatementsTest, FetchRefusesBackwardMovesAndUnknownCursors) {
  struct Case {
    const char* sql;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"FETCH PRIOR FROM c", StatusCode::kFeatureNotSupported},
      {"FETCH FIRST c", StatusCode::kFeatureNotSupported},
      {"FETCH LAST c", StatusCode::kFeatureNotSupported},
      {"FETCH ABSOLUTE 1 c", StatusCode::kFeatureNotSupported},
      {"FETCH RELATIVE 1 c", StatusCode::kFeatureNotSupported},
      {"FETCH BACKWARD c", StatusCode::kFeatureNotSupported},
      {"MOVE BACKWARD 2 c", StatusCode::kFeatureNotSupported},
      {"FETCH -1 FROM c", StatusCode::kFeatureNotSupported},
      {"FETCH 0 FROM c", StatusCode::kFeatureNotSupported},
      {"FETCH", StatusCode::kSyntaxError},
      {"FETCH 2", StatusCode::kSyntaxError},
      {"FETCH c d", StatusCode::kSyntaxError},
      {"FETCH 1.5 c", StatusCode::kSyntaxError},
      {"FETCH nope", StatusCode::kInvalidCursor},
      {"FETCH \"C\"", StatusCode::kInvalidCursor},
      {"MOVE nope", StatusCode::kInvalidCursor},
      {"CLOSE nope", StatusCode::kInvalidCursor},
      {"CLOSE", StatusCode::kSyntaxError},
      {"CLOSE a b", StatusCode::kSyntaxError},
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "DECLARE c CURSOR WITH HOLD FOR SELECT i FROM range(1, 3) t(i)");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    EXPECT_EQ(Code(*session, c.sql), c.code);
  }
  // None of it moved the cursor.
  EXPECT_EQ(Rows(*session, "FETCH ALL c"), (std::vector<Row>{{"1"}, {"2"}}));
}

TEST_F(SessionStatementsTest, CursorNamesFoldLikeIdentifiers) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "DECLARE MyCur CURSOR WITH HOLD FOR SELECT 1; DECLARE \"MyCur\" CURSOR WITH HOLD FOR SELECT 2");
  EXPECT_EQ(Rows(*session, "FETCH MYCUR"), std::vector<Row>{{"1"}});
  EXPECT_EQ(Rows(*session, "FETCH \"MyCur\""), std::vector<Row>{{"2"}});
  EXPECT_TRUE(session->CursorShape("mycur").has_value());
  EXPECT_TRUE(session->CursorShape("MyCur").has_value());
  EXPECT_FALSE(session->CursorShape("MYCUR").has_value());
}

TEST_F(SessionStatementsTest, CursorShapeAndDescribeOfFetchGiveTheCursorsColumns) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  EXPECT_FALSE(session->CursorShape("c").has_value());
  Ok(*session, "DECLARE c CURSOR WITH HOLD FOR SELECT id, amount FROM sales.orders");
  auto shape = session->CursorShape("c");
  ASSERT_TRUE(shape.has_value());
  EXPECT_TRUE(shape->returns_rows);
  EXPECT_EQ(shape->names, (std::vector<std::string>{"id", "amount"}));
  EXPECT_EQ(shape->types, (std::vector<duckdb::LogicalType>{duckdb::LogicalType::BIGINT, duckdb::LogicalType::DOUBLE}));

  for (const std::string sql : {"FETCH c", "FETCH 5 FROM c", "FETCH ALL IN c"}) {
    SCOPED_TRACE(sql);
    auto described = session->Describe(sql);
    ASSERT_TRUE(described.ok()) << described.status().ToString();
    EXPECT_TRUE(described->returns_rows);
    EXPECT_EQ(described->names, shape->names);
    EXPECT_EQ(described->types, shape->types);
  }
  // Describing fetched nothing.
  EXPECT_EQ(Rows(*session, "FETCH 1 c").size(), 1u);
  // Unknown cursor: no row description until it runs.
  auto unknown = session->Describe("FETCH nope");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->returns_rows);
}

TEST_F(SessionStatementsTest, FetchResultOutlivingItsCursorFailsCleanly) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "DECLARE c CURSOR WITH HOLD FOR SELECT id FROM sales.events");
  static const std::vector<duckdb::Value> kNone;
  auto fetch = session->ExecuteOne("FETCH ALL FROM c", kNone);
  ASSERT_TRUE(fetch.ok());
  ASSERT_TRUE(session->ExecuteOne("CLOSE c", kNone).ok());
  TextRows rows;
  Status drained = Drain(*fetch, &rows);
  EXPECT_FALSE(drained.ok() && rows.rows.size() == 100000u) << "rows read from a closed cursor";
}

// --- COPY TO STDOUT ------------------------------------------------------------------------

TEST_F(SessionStatementsTest, CopyReadsItsOptions) {
  using Format = CopySpec::Format;
  struct Case {
    const char* options;  // after COPY (SELECT 1 AS a, 2 AS b) TO STDOUT
    Format format;
    std::optional<char> delimiter;
    std::optional<std::string> null_string;
    bool header;
    std::optional<char> quote;
    std::optional<char> escape;
    std::vector<std::string> force_quote;
  };
  const std::vector<Case> cases = {
      {"", Format::kText, {}, {}, false, {}, {}, {}},
      {"WITH (FORMAT text)", Format::kText, {}, {}, false, {}, {}, {}},
      {"(FORMAT csv, HEADER)", Format::kCsv, {}, {}, true, {}, {}, {}},
      {"WITH (format CSV, header on)", Format::kCsv, {}, {}, true, {}, {}, {}},
      {"(FORMAT 'csv', HEADER true)", Format::kCsv, {}, {}, true, {}, {}, {}},
      {"(FORMAT csv, HEADER 1)", Format::kCsv, {}, {}, true, {}, {}, {}},
      {"(FORMAT csv, HEADER false)", Format::kCsv, {}, {}, false, {}, {}, {}},
      {"(FORMAT csv, HEADER off)", Format::kCsv, {}, {}, false, {}, {}, {}},
      {"(FORMAT csv, DELIMITER ';', NULL 'NULL', QUOTE '\"', ESCAPE '\\')",
       Format::kCsv,
       ';',
       "NULL",
       false,
       '"',
       '\\',
       {}},
      {"(FORMAT csv, QUOTE '''')", Format::kCsv, {}, {}, false, '\'', {}, {}},
      {"(FORMAT csv, FORCE_QUOTE *)", Format::kCsv, {}, {}, false, {}, {}, {"*"}},
      {"(FORMAT csv, FORCE_QUOTE (a, \"b\"), HEADER)", Format::kCsv, {}, {}, true, {}, {}, {"a", "b"}},
      {"(FORMAT binary)", Format::kBinary, {}, {}, false, {}, {}, {}},
      {"(DELIMITER '|', NULL '')", Format::kText, '|', "", false, {}, {}, {}},
      {"(ENCODING 'UTF8', FORMAT text)", Format::kText, {}, {}, false, {}, {}, {}},
      {"(ENCODING 'utf-8')", Format::kText, {}, {}, false, {}, {}, {}},
      // PostgreSQL's pre-9.0 option syntax.
      {"CSV", Format::kCsv, {}, {}, false, {}, {}, {}},
      {"CSV HEADER", Format::kCsv, {}, {}, true, {}, {}, {}},
      {"WITH CSV HEADER DELIMITER AS ';' NULL AS 'n' QUOTE '\"' ESCAPE '\\'",
       Format::kCsv,
       ';',
       "n",
       true,
       '"',
       '\\',
       {}},
      {"WITH DELIMITER ','", Format::kText, ',', {}, false, {}, {}, {}},
      {"NULL 'x' DELIMITER ':'", Format::kText, ':', "x", false, {}, {}, {}},
      {"BINARY", Format::kBinary, {}, {}, false, {}, {}, {}},
      {"WITH BINARY", Format::kBinary, {}, {}, false, {}, {}, {}},
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& c : cases) {
    std::string sql = std::string("COPY (SELECT 1 AS a, 2 AS b) TO STDOUT ") + c.options;
    SCOPED_TRACE(sql);
    static const std::vector<duckdb::Value> kNone;
    auto result = session->ExecuteOne(sql, kNone);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->tag, "COPY");
    ASSERT_TRUE(result->copy.has_value());
    const CopySpec& spec = *result->copy;
    EXPECT_EQ(spec.format, c.format);
    EXPECT_EQ(spec.delimiter, c.delimiter);
    EXPECT_EQ(spec.null_string, c.null_string);
    EXPECT_EQ(spec.header, c.header);
    EXPECT_EQ(spec.quote, c.quote);
    EXPECT_EQ(spec.escape, c.escape);
    EXPECT_EQ(spec.force_quote, c.force_quote);
    TextRows rows;
    ASSERT_TRUE(Drain(*result, &rows).ok());
    EXPECT_EQ(rows.names, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(rows.rows, (std::vector<Row>{{"1", "2"}}));
  }
}

TEST_F(SessionStatementsTest, CopyOfATableReadsThroughTheGates) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Outcome all = Execute(*session, "COPY sales.orders TO STDOUT");
  ASSERT_TRUE(all.status.ok()) << all.status.ToString();
  EXPECT_EQ(all.tags, Tags{"COPY"});
  EXPECT_EQ(all.results[0].names, (std::vector<std::string>{"id", "customer", "amount", "region"}));
  EXPECT_EQ(all.results[0].rows.size(), 20u);

  Outcome some = Execute(*session, "COPY sales.orders (id, \"region\") TO STDOUT WITH (FORMAT csv)");
  ASSERT_TRUE(some.status.ok()) << some.status.ToString();
  EXPECT_EQ(some.results[0].names, (std::vector<std::string>{"id", "region"}));

  Ok(*session, "USE sales");
  Outcome current = Execute(*session, "COPY (SELECT count(*) AS n FROM orders) TO STDOUT");
  ASSERT_TRUE(current.status.ok()) << current.status.ToString();
  EXPECT_EQ(current.results[0].rows, std::vector<Row>{{"20"}});
  EXPECT_EQ(Execute(*session, "COPY customers TO STDOUT").results.at(0).rows.size(), 4u);

  EXPECT_EQ(Code(*session, "COPY hr.salaries TO STDOUT"), StatusCode::kPermissionDenied);
  EXPECT_EQ(Code(*session, "COPY (SELECT * FROM hr.salaries) TO STDOUT"), StatusCode::kPermissionDenied);
  EXPECT_NE(Code(*session, "COPY sales.orders (ssn) TO STDOUT"), StatusCode::kOk);
}

TEST_F(SessionStatementsTest, CopyRefusesWhatItCannotDo) {
  struct Case {
    const char* sql;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"COPY sales.orders FROM STDIN", StatusCode::kFeatureNotSupported},
      {"COPY (SELECT 1) TO '/tmp/x.csv'", StatusCode::kFeatureNotSupported},
      {"COPY (SELECT 1) TO STDIN", StatusCode::kFeatureNotSupported},
      {"COPY (SELECT 1)", StatusCode::kFeatureNotSupported},
      {"COPY (SELECT 1) TO STDOUT (FORMAT xml)", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT (FORMAT)", StatusCode::kSyntaxError},
      {"COPY (SELECT 1) TO STDOUT (DELIMITER ';;')", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT (DELIMITER 1)", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT (NULL 5)", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT (FORMAT binary, HEADER)", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT (FORMAT binary, DELIMITER ',')", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT BINARY NULL 'x'", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT (QUOTE '\"')", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT (ESCAPE '\\')", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT (FORCE_QUOTE *)", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT (FORMAT csv, FORCE_QUOTE a)", StatusCode::kSyntaxError},
      {"COPY (SELECT 1) TO STDOUT (ENCODING 'LATIN1')", StatusCode::kFeatureNotSupported},
      {"COPY (SELECT 1) TO STDOUT (BOGUS 1)", StatusCode::kInvalidArgument},
      {"COPY (SELECT 1) TO STDOUT ('csv')", StatusCode::kSyntaxError},
      {"COPY (SELECT 1) TO STDOUT (FORMAT csv", StatusCode::kSyntaxError},
      {"COPY (SELECT 1) TO STDOUT (FORMAT csv) HEADER", StatusCode::kSyntaxError},
      {"COPY (SELECT 1) TO STDOUT CSV BOGUS", StatusCode::kSyntaxError},
      {"COPY (SELECT 1 TO STDOUT", StatusCode::kSyntaxError},
      {"COPY TO STDOUT", StatusCode::kSyntaxError},
      {"COPY sales.orders (id TO STDOUT", StatusCode::kSyntaxError},
      {"COPY sales.orders (id, 1) TO STDOUT", StatusCode::kSyntaxError},
      {"COPY (SET x = 1) TO STDOUT", StatusCode::kFeatureNotSupported},
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    static const std::vector<duckdb::Value> kNone;
    auto result = session->ExecuteOne(c.sql, kNone);
    EXPECT_EQ(result.status().code(), c.code) << result.status().ToString();
  }
}

TEST_F(SessionStatementsTest, CopyDelimiterAcceptsAnEscapeString) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  static const std::vector<duckdb::Value> kNone;
  auto result = session->ExecuteOne("COPY (SELECT 1 AS a) TO STDOUT (FORMAT csv, DELIMITER E'\\t')", kNone);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_TRUE(result->copy.has_value());
  EXPECT_EQ(result->copy->delimiter, std::optional<char>('\t'));
  Ok(*session, "SET application_name = E'a\\nb'");
  EXPECT_EQ(session->Setting("application_name"), "a\nb");
}

// --- DEALLOCATE, DISCARD and statements Weir refuses --------------------------------------

TEST_F(SessionStatementsTest, DeallocateAndDiscardNameThePreparedStatementsToDrop) {
  struct Case {
    const char* sql;
    const char* tag;
    std::optional<std::string> deallocate;
  };
  const std::vector<Case> cases = {
      {"DEALLOCATE stmt1", "DEALLOCATE", "stmt1"},
      {"DEALLOCATE PREPARE stmt1", "DEALLOCATE", "stmt1"},
      {"deallocate STMT1", "DEALLOCATE", "stmt1"},
      {"DEALLOCATE \"Stmt1\"", "DEALLOCATE", "Stmt1"},
      {"DEALLOCATE \"all\"", "DEALLOCATE", "all"},
      {"DEALLOCATE ALL", "DEALLOCATE ALL", ""},
      {"DEALLOCATE PREPARE ALL", "DEALLOCATE ALL", ""},
      {"DISCARD ALL", "DISCARD ALL", ""},
      {"DISCARD PLANS", "DISCARD PLANS", std::nullopt},
      {"DISCARD TEMP", "DISCARD TEMP", std::nullopt},
      {"discard sequences", "DISCARD SEQUENCES", std::nullopt},
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    static const std::vector<duckdb::Value> kNone;
    auto result = session->ExecuteOne(c.sql, kNone);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->tag, c.tag);
    EXPECT_EQ(result->deallocate, c.deallocate);
    EXPECT_TRUE(result->rows == nullptr);
  }
  for (const std::string sql : {"DEALLOCATE", "DEALLOCATE PREPARE", "DEALLOCATE a b", "DISCARD", "DISCARD x"}) {
    SCOPED_TRACE(sql);
    EXPECT_EQ(Code(*session, sql), StatusCode::kSyntaxError);
  }
}

TEST_F(SessionStatementsTest, DiscardAllResetsSettingsAndClosesCursors) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "SET application_name = 'x'; SET extra_float_digits = 3; DECLARE c CURSOR WITH HOLD FOR SELECT 1");
  EXPECT_EQ(Ok(*session, "DISCARD ALL"), Tags{"DISCARD ALL"});
  EXPECT_EQ(session->Setting("application_name"), "");
  EXPECT_EQ(session->Setting("extra_float_digits"), "1");
  EXPECT_EQ(Code(*session, "FETCH c"), StatusCode::kInvalidCursor);

  // Not inside a block (and the refusal fails the block).
  Ok(*session, "BEGIN; SET application_name = 'y'");
  Outcome in_block = Execute(*session, "DISCARD ALL");
  EXPECT_FALSE(in_block.status.ok());
  EXPECT_EQ(in_block.status.message(), "DISCARD ALL cannot run inside a transaction block");
  EXPECT_EQ(session->transaction_status(), 'E');
  Ok(*session, "ROLLBACK");
}

TEST_F(SessionStatementsTest, DiscardAllReturnsToTheConnectTimeRole) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "SET ROLE auditor; DISCARD ALL");
  EXPECT_EQ(session->identity().role, "analyst");
}

TEST_F(SessionStatementsTest, ResetReturnsToTheStartupValue) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->ApplyStartupSetting("application_name", "psql").ok());
  ASSERT_TRUE(session->ApplyStartupSetting("extra_float_digits", "2").ok());
  ASSERT_TRUE(session->ApplyStartupSetting("search_path", "\"sales\"").ok());
  Ok(*session, "SET application_name = 'x'; RESET application_name");
  EXPECT_EQ(session->Setting("application_name"), "psql");
  Ok(*session, "RESET ALL");
  EXPECT_EQ(session->Setting("extra_float_digits"), "2");
  Ok(*session, "RESET search_path");
  EXPECT_EQ(session->current_database(), "sales");
  Ok(*session, "SET application_name = 'y'; SET application_name TO DEFAULT");
  EXPECT_EQ(session->Setting("application_name"), "psql");
  Ok(*session, "SET search_path = public; SET extra_float_digits = 3; DISCARD ALL");
  EXPECT_EQ(session->Setting("extra_float_digits"), "2");
  EXPECT_EQ(session->current_database(), "sales");
}

TEST_F(SessionStatementsTest, PlaceholderSettingsCanBeResetAndUnknownOnesAreNotTables) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "SET myapp.x = 1; RESET myapp.x");
  EXPECT_EQ(session->Setting("myapp.x"), "");
  EXPECT_EQ(Code(*session, "SHOW no_such_setting"), StatusCode::kNotFound);
  EXPECT_EQ(Code(*session, "SHOW myapp.unset"), StatusCode::kNotFound);
  // A table the role cannot see answers like an unknown setting; a visible one is described.
  EXPECT_EQ(Code(*session, "SHOW hr.salaries"), StatusCode::kNotFound);
  Ok(*session, "SHOW sales.orders");
}

TEST_F(SessionStatementsTest, TransactionErrorsCarryPostgresSqlStates) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "BEGIN");
  EXPECT_EQ(std::string(Execute(*session, "ROLLBACK TO nope").status.sqlstate()), "3B001");
  Ok(*session, "ROLLBACK; BEGIN");
  EXPECT_EQ(std::string(Execute(*session, "RELEASE nope").status.sqlstate()), "3B001");
  Ok(*session, "ROLLBACK; BEGIN");
  EXPECT_EQ(std::string(Execute(*session, "DISCARD ALL").status.sqlstate()), "25001");
  Ok(*session, "ROLLBACK");
}

TEST_F(SessionStatementsTest, SqlLevelPrepareAndNotificationsAreNotSupported) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const std::string sql :
       {"PREPARE p AS SELECT 1", "EXECUTE p", "LISTEN channel", "UNLISTEN *", "NOTIFY channel"}) {
    SCOPED_TRACE(sql);
    static const std::vector<duckdb::Value> kNone;
    auto result = session->ExecuteOne(sql, kNone);
    EXPECT_EQ(result.status().code(), StatusCode::kFeatureNotSupported) << result.status().ToString();
  }
}

// --- ParameterStatus reports and statement_timeout ----------------------------------------

TEST_F(SessionStatementsTest, ReportedSettingsAreTheReportedDefinitions) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  std::vector<std::pair<std::string, std::string>> expected;
  for (const auto& def : SettingDefinitions()) {
    if (!def.reported) continue;
    expected.emplace_back(def.display_name, std::string(def.key) == "session_authorization"
                                                ? "alice@example.com"
                                                : std::string(def.default_value));
  }
  EXPECT_EQ(session->ReportedSettings(), expected);
  // Among them, what every driver reads at startup.
  std::map<std::string, std::string> reported(expected.begin(), expected.end());
  for (const char* name : {"server_version", "server_encoding", "client_encoding", "DateStyle", "TimeZone",
                           "integer_datetimes", "standard_conforming_strings", "application_name"}) {
    EXPECT_EQ(reported.count(name), 1u) << name;
  }
  EXPECT_EQ(reported.count("extra_float_digits"), 0u);
}

TEST_F(SessionStatementsTest, TakeChangedReportsReturnsOnlyChanges) {
  using Reports = std::vector<std::pair<std::string, std::string>>;
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->TakeChangedReports(), session->ReportedSettings());
  EXPECT_EQ(session->TakeChangedReports(), Reports{});

  Ok(*session, "SET application_name = 'x'");
  EXPECT_EQ(session->TakeChangedReports(), (Reports{{"application_name", "x"}}));
  EXPECT_EQ(session->TakeChangedReports(), Reports{});
  // Settings that are not reported, and SETs to the same value, report nothing.
  Ok(*session, "SET extra_float_digits = 3; SET statement_timeout = 5; SET application_name = 'x'");
  EXPECT_EQ(session->TakeChangedReports(), Reports{});
  Ok(*session, "SET DateStyle = 'ISO, DMY'; SET TIME ZONE 'Europe/Paris'");
  EXPECT_EQ(session->TakeChangedReports(), (Reports{{"DateStyle", "ISO, DMY"}, {"TimeZone", "Europe/Paris"}}));
  // A change undone before the next report is no change.
  Ok(*session, "SET application_name = 'y'; SET application_name = 'x'");
  EXPECT_EQ(session->TakeChangedReports(), Reports{});
  // ROLLBACK's undo is reported.
  Ok(*session, "BEGIN; SET application_name = 'y'");
  EXPECT_EQ(session->TakeChangedReports(), (Reports{{"application_name", "y"}}));
  Ok(*session, "ROLLBACK");
  EXPECT_EQ(session->TakeChangedReports(), (Reports{{"application_name", "x"}}));
  Ok(*session, "RESET ALL");
  EXPECT_EQ(session->TakeChangedReports(),
            (Reports{{"application_name", ""}, {"DateStyle", "ISO, MDY"}, {"TimeZone", "UTC"}}));
}

TEST_F(SessionStatementsTest, StatementTimeoutIsReadInMilliseconds) {
  struct Case {
    const char* sql;
    int64_t ms;
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->statement_timeout_ms(), 0);
  for (const auto& c : std::vector<Case>{{"SET statement_timeout = 250", 250},
                                         {"SET statement_timeout = '2s'", 2000},
                                         {"SET statement_timeout TO '1min'", 60000},
                                         {"SET statement_timeout = '1.5 s'", 1500},
                                         {"SET statement_timeout = 0", 0},
                                         {"SET statement_timeout = '3h'", 10800000},
                                         {"RESET statement_timeout", 0}}) {
    SCOPED_TRACE(c.sql);
    Ok(*session, c.sql);
    EXPECT_EQ(session->statement_timeout_ms(), c.ms);
  }
  ASSERT_TRUE(session->ApplyStartupSetting("statement_timeout", "750ms").ok());
  EXPECT_EQ(session->statement_timeout_ms(), 750);
  // SET LOCAL lasts for the block.
  Ok(*session, "BEGIN; SET LOCAL statement_timeout = '1s'");
  EXPECT_EQ(session->statement_timeout_ms(), 1000);
  Ok(*session, "COMMIT");
  EXPECT_EQ(session->statement_timeout_ms(), 750);
}

TEST_F(SessionStatementsTest, StartupSettingsAreValidatedLikeSet) {
  struct Case {
    const char* name;
    const char* value;
    StatusCode code;
    const char* setting;  // the name to read back, when accepted
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"application_name", "psql", StatusCode::kOk, "application_name", "psql"},
      {"DateStyle", "ISO, DMY", StatusCode::kOk, "datestyle", "ISO, DMY"},
      {"client_encoding", "utf-8", StatusCode::kOk, "client_encoding", "UTF8"},
      {"extra_float_digits", "2", StatusCode::kOk, "extra_float_digits", "2"},
      {"TimeZone", "Europe/Paris", StatusCode::kOk, "timezone", "Europe/Paris"},
      {"search_path", "\"sales\"", StatusCode::kOk, "search_path", "sales"},
      {"role", "auditor", StatusCode::kOk, "role", "auditor"},
      {"myext.flag", "on", StatusCode::kOk, "myext.flag", "on"},
      {"client_encoding", "LATIN1", StatusCode::kFeatureNotSupported, nullptr, nullptr},
      {"DateStyle", "German", StatusCode::kFeatureNotSupported, nullptr, nullptr},
      {"extra_float_digits", "9", StatusCode::kInvalidArgument, nullptr, nullptr},
      {"no_such_setting", "x", StatusCode::kNotFound, nullptr, nullptr},
      {"server_version", "16.0", StatusCode::kPermissionDenied, nullptr, nullptr},
      {"session_authorization", "bob", StatusCode::kPermissionDenied, nullptr, nullptr},
      {"search_path", "hr", StatusCode::kUndefinedDatabase, nullptr, nullptr},
      {"role", "no_such_role", StatusCode::kInvalidAuthorization, nullptr, nullptr},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.name) + "=" + c.value);
    auto session = Open("analyst");
    ASSERT_NE(session, nullptr);
    Status status = session->ApplyStartupSetting(c.name, c.value);
    EXPECT_EQ(status.code(), c.code) << status.ToString();
    if (c.setting != nullptr) {
      EXPECT_EQ(session->Setting(c.setting), c.expected);
    }
  }
}

// --- CheckSyntax, Describe, ExecuteOne ------------------------------------------------------

TEST_F(SessionStatementsTest, CheckSyntaxAcceptsOneStatementThatParses) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const std::string sql :
       {"", "  ; ", "-- nothing", "SELECT 1", "SELECT 1;", "SELECT * FROM sales.orders WHERE id = $1", "BEGIN",
        "COMMIT", "SET application_name = 'x'", "SET ROLE auditor", "SHOW ALL", "RESET ALL", "FETCH 5 FROM c",
        "DECLARE c CURSOR FOR SELECT 1", "COPY (SELECT 1) TO STDOUT", "DEALLOCATE ALL", "DISCARD ALL",
        "PREPARE p AS SELECT 1", "LISTEN x", "USE sales", "DESCRIBE sales.orders",
        // psql's spellings parse after the catalog rewrite.
        "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE "
        "pg_catalog.default"}) {
    SCOPED_TRACE(sql);
    Status status = session->CheckSyntax(sql);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  for (const std::string sql : {"SELECT 1; SELECT 2", "BEGIN; COMMIT", "SELEC 1", "SELECT (1", "SELECT 'open"}) {
    SCOPED_TRACE(sql);
    EXPECT_EQ(session->CheckSyntax(sql).code(), StatusCode::kSyntaxError);
  }
  EXPECT_EQ(session->CheckSyntax("SELECT 1; SELECT 2").message(),
            "cannot insert multiple commands into a prepared statement");
  // Checking runs nothing.
  EXPECT_EQ(session->transaction_status(), 'I');
  EXPECT_EQ(session->Setting("application_name"), "");
  EXPECT_EQ(session->identity().role, "analyst");
  EXPECT_EQ(session->current_database(), "");
}

TEST_F(SessionStatementsTest, ExecuteOneBindsParameters) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  struct Case {
    const char* sql;
    std::vector<duckdb::Value> parameters;
    std::vector<Row> rows;
  };
  const std::vector<Case> cases = {
      {"SELECT $1::INTEGER + 1", {duckdb::Value::INTEGER(41)}, {{"42"}}},
      {"SELECT $1 || $2", {duckdb::Value("a;b"), duckdb::Value("'c'")}, {{"a;b'c'"}}},
      {"SELECT count(*) FROM sales.orders WHERE id <= $1", {duckdb::Value::BIGINT(5)}, {{"5"}}},
      {"SELECT region FROM sales.orders WHERE id = $1 AND region = $2",
       {duckdb::Value::BIGINT(2), duckdb::Value("east")},
       {{"east"}}},
      {"SELECT 7", {}, {{"7"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    auto result = session->ExecuteOne(c.sql, c.parameters);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->tag, "SELECT");
    TextRows rows;
    ASSERT_TRUE(Drain(*result, &rows).ok());
    EXPECT_EQ(rows.rows, c.rows);
  }
  // Parameters pass through the same gates.
  auto denied = session->ExecuteOne("SELECT * FROM hr.salaries WHERE salary > $1", {duckdb::Value::INTEGER(0)});
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(SessionStatementsTest, ExecuteOneTakesExactlyOneStatement) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  static const std::vector<duckdb::Value> kNone;
  for (const std::string sql : {"", "  ", ";", "-- comment", "/* comment */ ;"}) {
    SCOPED_TRACE(sql);
    auto result = session->ExecuteOne(sql, kNone);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->tag, "EMPTY");
    EXPECT_TRUE(result->rows == nullptr);
  }
  // Several statements: nothing runs, and an open block fails.
  Ok(*session, "BEGIN");
  auto several = session->ExecuteOne("SET application_name = 'x'; SELECT 1", kNone);
  EXPECT_EQ(several.status().code(), StatusCode::kSyntaxError);
  EXPECT_EQ(several.status().message(), "cannot insert multiple commands into a prepared statement");
  EXPECT_EQ(session->Setting("application_name"), "");
  EXPECT_EQ(session->transaction_status(), 'E');
  Ok(*session, "ROLLBACK");
  // A trailing semicolon is one statement.
  auto one = session->ExecuteOne("SET application_name = 'x';", kNone);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->tag, "SET");
}

TEST_F(SessionStatementsTest, DescribeGivesTheShapeWithoutRunning) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);

  auto query = session->Describe("SELECT id, amount FROM sales.orders WHERE id = $1");
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  EXPECT_TRUE(query->returns_rows);
  EXPECT_EQ(query->names, (std::vector<std::string>{"id", "amount"}));
  EXPECT_EQ(query->types, (std::vector<duckdb::LogicalType>{duckdb::LogicalType::BIGINT, duckdb::LogicalType::DOUBLE}));
  EXPECT_EQ(query->parameter_types, std::vector<duckdb::LogicalType>{duckdb::LogicalType::BIGINT});

  // Statements without rows describe as such, and do not run.
  for (const std::string sql : {"BEGIN", "START TRANSACTION", "SET application_name = 'x'", "SET ROLE auditor",
                                "RESET ALL", "DISCARD ALL", "DEALLOCATE ALL", "DECLARE c CURSOR FOR SELECT 1", "MOVE c",
                                "CLOSE c", "SAVEPOINT s", "COPY (SELECT 1) TO STDOUT", ""}) {
    SCOPED_TRACE(sql);
    auto shape = session->Describe(sql);
    ASSERT_TRUE(shape.ok()) << shape.status().ToString();
    EXPECT_FALSE(shape->returns_rows);
    EXPECT_TRUE(shape->names.empty());
  }
  EXPECT_EQ(session->transaction_status(), 'I');
  EXPECT_EQ(session->Setting("application_name"), "");
  EXPECT_EQ(session->identity().role, "analyst");

  auto user = session->Describe("SELECT current_user");
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->names, std::vector<std::string>{"current_user"});
  EXPECT_EQ(user->types, std::vector<duckdb::LogicalType>{duckdb::LogicalType::VARCHAR});

  EXPECT_EQ(session->Describe("SELECT 1; SELECT 2").status().code(), StatusCode::kSyntaxError);
  EXPECT_EQ(session->Describe("SELEC 1").status().code(), StatusCode::kSyntaxError);
  EXPECT_EQ(session->Describe("SELECT * FROM hr.salaries").status().code(), StatusCode::kPermissionDenied);
}

TEST_F(SessionStatementsTest, DescribeOfShowMatchesItsResult) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "USE sales");
  for (const std::string sql : {"SHOW application_name", "SHOW DateStyle", "SHOW ALL", "SHOW role", "SHOW search_path",
                                "SHOW DATABASES", "SHOW TABLES", "DESCRIBE sales.orders"}) {
    SCOPED_TRACE(sql);
    auto shape = session->Describe(sql);
    ASSERT_TRUE(shape.ok()) << shape.status().ToString();
    Outcome out = Execute(*session, sql);
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_TRUE(shape->returns_rows);
    EXPECT_EQ(shape->names, out.results[0].names);
    EXPECT_EQ(shape->types.size(), shape->names.size());
  }
}

TEST_F(SessionStatementsTest, DescribeOfEveryShowFormMatchesItsResult) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Ok(*session, "SET myapp.x = 1");
  for (const std::string sql : {"SHOW TIME ZONE", "SHOW TRANSACTION ISOLATION LEVEL", "SHOW SESSION AUTHORIZATION",
                                "SHOW myapp.x", "SHOW ALL TABLES", "SHOW sales.orders"}) {
    SCOPED_TRACE(sql);
    auto shape = session->Describe(sql);
    ASSERT_TRUE(shape.ok()) << shape.status().ToString();
    Outcome out = Execute(*session, sql);
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(shape->names, out.results[0].names);
  }
}

TEST_F(SessionStatementsTest, DescribeOfUseDoesNotSwitchTheDatabase) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  auto shape = session->Describe("USE sales");
  ASSERT_TRUE(shape.ok()) << shape.status().ToString();
  EXPECT_FALSE(shape->returns_rows);
  EXPECT_EQ(session->current_database(), "");
}

}  // namespace
}  // namespace weir::session
