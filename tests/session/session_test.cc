#include "session/session.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "access/snapshot.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "engine/test_lake.h"
#include "session/session_fixture.h"

namespace weir::session {
namespace {

using testing::Outcome;
using testing::SessionFixture;
using weir::testing::TextRows;

using Row = std::vector<std::string>;

class SessionTest : public SessionFixture {
 protected:
  // The rows of the single statement `sql`; fails the test on error.
  static std::vector<Row> Rows(Session& session, const std::string& sql) {
    Outcome out = Execute(session, sql);
    EXPECT_TRUE(out.status.ok()) << sql << ": " << out.status.ToString();
    if (!out.status.ok() || out.results.size() != 1) return {};
    return out.results[0].rows;
  }
};

TEST_F(SessionTest, OpenRefusesAnUnknownRole) {
  auto session = Session::Open(Context(), Identity{"mallory", "mallory", "no_such_role"});
  EXPECT_EQ(session.status().code(), StatusCode::kPermissionDenied);
}

// --- USE -------------------------------------------------------------------

TEST_F(SessionTest, UseOfAVisibleDatabaseSetsTheCurrentDatabase) {
  for (const std::string sql :
       {"USE sales", "USE SALES", "USE \"sales\"", "SET schema = 'sales'", "SET search_path = 'sales'"}) {
    SCOPED_TRACE(sql);
    auto session = Open("analyst");
    ASSERT_NE(session, nullptr);
    Outcome out = Execute(*session, sql);
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.tags, std::vector<std::string>{sql.rfind("USE", 0) == 0 ? "USE" : "SET"});
    EXPECT_EQ(session->current_database(), "sales");
  }
}

TEST_F(SessionTest, UseOfAHiddenOrMissingDatabaseIsUndefined) {
  struct Case {
    const char* role;
    const char* database;
  };
  for (const auto& c : std::vector<Case>{{"analyst", "hr"},       // exists, nothing granted
                                         {"analyst", "nodb"},     // does not exist
                                         {"hr_admin", "sales"},   // exists, nothing granted
                                         {"nobody", "sales"}}) {  // role without grants
    SCOPED_TRACE(std::string(c.role) + " USE " + c.database);
    auto session = Open(c.role);
    ASSERT_NE(session, nullptr);
    Outcome out = Execute(*session, std::string("USE ") + c.database);
    EXPECT_EQ(out.status.code(), StatusCode::kUndefinedDatabase);
    EXPECT_EQ(out.status.message(), std::string("database ") + c.database + " does not exist");
    EXPECT_TRUE(out.tags.empty());
    EXPECT_EQ(session->current_database(), "");
  }
}

TEST_F(SessionTest, FailedUseKeepsTheCurrentDatabase) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(Execute(*session, "USE sales").status.ok());
  for (const std::string sql : {"USE hr", "USE nodb", "USE sales.main", "USE memory.main"}) {
    SCOPED_TRACE(sql);
    EXPECT_EQ(Execute(*session, sql).status.code(), StatusCode::kUndefinedDatabase);
    EXPECT_EQ(session->current_database(), "sales");
  }
}

// A grant whose columns the table no longer has shows nothing (Resolve
// denies), so the database must stay as invisible as one without grants.
TEST_F(SessionTest, DatabaseWithNoVisibleTableIsUndefined) {
  auto session = Open("stale");
  ASSERT_NE(session, nullptr);
  Outcome show = Execute(*session, "SHOW DATABASES");
  ASSERT_TRUE(show.status.ok()) << show.status.ToString();
  Outcome use = Execute(*session, "USE hr");
  Outcome tables = Execute(*session, "SHOW TABLES FROM hr");
  if (use.status.ok() || !show.results[0].rows.empty()) {
    FAIL() << "regression: Snapshot::VisibleDatabases (documented as 'databases in which role can see at "
              "least one table') lists every database the role holds any grant in, so role `stale`, "
              "whose only grant names a column hr.salaries does not have, gets `hr` from SHOW DATABASES "
              "and can USE it";
  }
  EXPECT_EQ(use.status.code(), StatusCode::kUndefinedDatabase);
  EXPECT_EQ(tables.status.code(), StatusCode::kUndefinedDatabase);
}

// --- SHOW and DESCRIBE ---------------------------------------------------------

TEST_F(SessionTest, ShowDatabasesListsOnlyVisibleDatabases) {
  struct Case {
    const char* role;
    std::vector<Row> rows;
  };
  for (const auto& c :
       std::vector<Case>{{"analyst", {{"sales"}}}, {"auditor", {{"sales"}}}, {"hr_admin", {{"hr"}}}, {"nobody", {}}}) {
    SCOPED_TRACE(c.role);
    auto session = Open(c.role);
    ASSERT_NE(session, nullptr);
    Outcome out = Execute(*session, "SHOW DATABASES");
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.tags, std::vector<std::string>{"SHOW"});
    EXPECT_EQ(out.results[0].names, std::vector<std::string>{"database_name"});
    EXPECT_EQ(out.results[0].rows, c.rows);
  }
}

TEST_F(SessionTest, ShowTablesListsOnlyVisibleTables) {
  const std::vector<Row> analyst_tables = {{"customers"}, {"events"}, {"notes"}, {"orders"}, {"visits"}};
  auto analyst = Open("analyst");
  ASSERT_NE(analyst, nullptr);
  EXPECT_EQ(Rows(*analyst, "SHOW TABLES FROM sales"), analyst_tables);
  ASSERT_TRUE(Execute(*analyst, "USE sales").status.ok());
  EXPECT_EQ(Rows(*analyst, "SHOW TABLES"), analyst_tables);
  EXPECT_EQ(
      Rows(*analyst, "SHOW ALL TABLES"),
      (std::vector<Row>{
          {"sales", "customers"}, {"sales", "events"}, {"sales", "notes"}, {"sales", "orders"}, {"sales", "visits"}}));

  auto auditor = Open("auditor");
  ASSERT_NE(auditor, nullptr);
  EXPECT_EQ(Rows(*auditor, "SHOW TABLES FROM sales"), std::vector<Row>{{"orders"}});
  EXPECT_EQ(Rows(*auditor, "SHOW ALL TABLES"), (std::vector<Row>{{"sales", "orders"}}));
}

TEST_F(SessionTest, ShowTablesOfAHiddenOrMissingDatabaseIsUndefined) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const std::string database : {"hr", "nodb"}) {
    Outcome out = Execute(*session, "SHOW TABLES FROM " + database);
    EXPECT_EQ(out.status.code(), StatusCode::kUndefinedDatabase) << database;
    EXPECT_EQ(out.status.message(), "database " + database + " does not exist");
  }
  // Without a current database there is nothing to list.
  EXPECT_EQ(Execute(*session, "SHOW TABLES").status.code(), StatusCode::kUndefinedDatabase);
}

TEST_F(SessionTest, DescribeListsOnlyVisibleColumns) {
  struct Case {
    const char* role;
    const char* sql;
    std::vector<Row> columns;  // column_name, column_type, ..., extra
  };
  const std::vector<Case> cases = {
      {"analyst",
       "DESCRIBE sales.orders",
       {{"id", "BIGINT", "YES", "", "", ""},
        {"customer", "VARCHAR", "YES", "", "", ""},
        {"amount", "DOUBLE", "YES", "", "", ""},
        {"region", "VARCHAR", "YES", "", "", ""}}},
      {"auditor",
       "DESCRIBE sales.orders",
       {{"id", "BIGINT", "YES", "", "", ""},
        {"amount", "DOUBLE", "YES", "", "", ""},
        {"region", "VARCHAR", "YES", "", "", ""}}},
      {"analyst",
       "SHOW sales.orders",
       {{"id", "BIGINT", "YES", "", "", ""},
        {"customer", "VARCHAR", "YES", "", "", ""},
        {"amount", "DOUBLE", "YES", "", "", ""},
        {"region", "VARCHAR", "YES", "", "", ""}}},
      {"analyst",
       "DESCRIBE sales.visits",
       {{"user_id", "BIGINT", "YES", "", "", ""}, {"day", "DATE", "YES", "", "", "partition"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.role) + ": " + c.sql);
    auto session = Open(c.role);
    ASSERT_NE(session, nullptr);
    Outcome out = Execute(*session, c.sql);
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.tags, std::vector<std::string>{"DESCRIBE"});
    EXPECT_EQ(out.results[0].names,
              (std::vector<std::string>{"column_name", "column_type", "null", "key", "default", "extra"}));
    EXPECT_EQ(out.results[0].rows, c.columns);
  }

  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(Execute(*session, "USE sales").status.ok());
  EXPECT_EQ(Rows(*session, "DESCRIBE customers"),
            (std::vector<Row>{{"customer", "VARCHAR", "YES", "", "", ""}, {"tier", "VARCHAR", "YES", "", "", ""}}));
}

TEST_F(SessionTest, DescribeOfAHiddenOrMissingTableIsDeniedAlike) {
  struct Case {
    const char* sql;
    const char* database;
    const char* table;
  };
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const auto& c : std::vector<Case>{{"DESCRIBE hr.salaries", "hr", "salaries"},
                                         {"DESCRIBE hr.nosuch", "hr", "nosuch"},
                                         {"DESCRIBE nodb.nosuch", "nodb", "nosuch"},
                                         {"DESCRIBE sales.nosuch", "sales", "nosuch"}}) {
    SCOPED_TRACE(c.sql);
    Outcome out = Execute(*session, c.sql);
    EXPECT_EQ(out.status.code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(out.status.message(), access::Snapshot::TableDeniedMessage(c.database, c.table));
  }
  // Unqualified, with no current database.
  EXPECT_EQ(Execute(*session, "DESCRIBE orders").status.code(), StatusCode::kPermissionDenied);
}

TEST_F(SessionTest, DescribeOfAQueryDescribesItsResult) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Outcome out = Execute(*session, "DESCRIBE SELECT id FROM sales.orders");
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.results[0].rows.size(), 1u);
  EXPECT_EQ(out.results[0].rows[0][0], "id");
  out = Execute(*session, "DESCRIBE SELECT 1 AS one, 'x' AS two");
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.results[0].rows.size(), 2u);
  EXPECT_EQ(out.results[0].rows[1][0], "two");
  // The described query goes through the gates.
  EXPECT_EQ(Execute(*session, "DESCRIBE SELECT * FROM sales.secrets").status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Execute(*session, "DESCRIBE SELECT * FROM read_parquet('x')").status.code(), StatusCode::kPermissionDenied);
}

TEST_F(SessionTest, OtherShowFormsAreNotSupported) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const std::string sql : {"SUMMARIZE sales.orders", "SUMMARIZE SELECT 1"}) {
    SCOPED_TRACE(sql);
    EXPECT_EQ(Execute(*session, sql).status.code(), StatusCode::kFeatureNotSupported);
  }
}

// --- Queries and statements ----------------------------------------------------

TEST_F(SessionTest, UnqualifiedTablesResolveAgainstTheCurrentDatabase) {
  auto analyst = Open("analyst");
  ASSERT_NE(analyst, nullptr);
  Outcome before = Execute(*analyst, "SELECT count(*) FROM orders");
  EXPECT_EQ(before.status.code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(Execute(*analyst, "USE sales").status.ok());
  EXPECT_EQ(Rows(*analyst, "SELECT count(*) FROM orders"), std::vector<Row>{{"20"}});
  EXPECT_EQ(Rows(*analyst, "SELECT count(*) FROM orders o JOIN customers c USING (customer)"),
            std::vector<Row>{{"20"}});
  EXPECT_EQ(Rows(*analyst, "SELECT count(*) FROM sales.orders"), std::vector<Row>{{"20"}});

  auto hr = Open("hr_admin");
  ASSERT_NE(hr, nullptr);
  ASSERT_TRUE(Execute(*hr, "USE hr").status.ok());
  EXPECT_EQ(Rows(*hr, "SELECT count(*) FROM salaries"), std::vector<Row>{{"2"}});
  Outcome other = Execute(*hr, "SELECT count(*) FROM orders");
  EXPECT_EQ(other.status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(other.status.message(), access::Snapshot::TableDeniedMessage("hr", "orders"));
}

TEST_F(SessionTest, SelectReturnsOnlyVisibleColumns) {
  auto session = Open("auditor");
  ASSERT_NE(session, nullptr);
  Outcome out = Execute(*session, "SELECT * FROM sales.orders WHERE id <= 2 ORDER BY id");
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.tags, std::vector<std::string>{"SELECT"});
  EXPECT_EQ(out.results[0].names, (std::vector<std::string>{"id", "amount", "region"}));
  EXPECT_EQ(out.results[0].rows, (std::vector<Row>{{"1", "10.0", "west"}, {"2", "20.0", "east"}}));
}

TEST_F(SessionTest, MultipleStatementsRunInOrderAndStopAtTheFirstError) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Outcome out = Execute(*session,
                        "USE sales; SELECT count(*) FROM orders; SHOW TABLES; SELECT * FROM hr.salaries; "
                        "USE nodb; SELECT 1");
  EXPECT_EQ(out.status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(out.status.message(), access::Snapshot::TableDeniedMessage("hr", "salaries"));
  EXPECT_EQ(out.tags, (std::vector<std::string>{"USE", "SELECT", "SHOW"}));
  ASSERT_EQ(out.results.size(), 3u);
  EXPECT_EQ(out.results[1].rows, std::vector<Row>{{"20"}});
  EXPECT_EQ(out.results[2].rows.size(), 5u);
  EXPECT_EQ(session->current_database(), "sales");

  // All statements succeed: one result each, in order.
  Outcome all = Execute(*session, "SELECT 1; SELECT 2; SELECT count(*) FROM customers");
  ASSERT_TRUE(all.status.ok()) << all.status.ToString();
  ASSERT_EQ(all.results.size(), 3u);
  EXPECT_EQ(all.results[0].rows, std::vector<Row>{{"1"}});
  EXPECT_EQ(all.results[1].rows, std::vector<Row>{{"2"}});
  EXPECT_EQ(all.results[2].rows, std::vector<Row>{{"4"}});
}

TEST_F(SessionTest, SyntaxErrorRunsNothing) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  Outcome out = Execute(*session, "USE sales; SELEC 1");
  EXPECT_EQ(out.status.code(), StatusCode::kSyntaxError);
  EXPECT_TRUE(out.tags.empty());
  EXPECT_EQ(session->current_database(), "");
}

TEST_F(SessionTest, ErrorFromTheConsumerStopsExecution) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  int calls = 0;
  Status status = session->Execute("SELECT 1; SELECT 2", [&](StatementResult&) {
    calls++;
    return Status::Cancelled("client went away");
  });
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
}

TEST_F(SessionTest, EngineSettingsAreRefused) {
  auto session = Open("analyst");
  ASSERT_NE(session, nullptr);
  for (const std::string sql :
       {"SET threads = 1", "SET GLOBAL memory_limit = '1GB'", "RESET threads", "SET VARIABLE x = 1", "RESET VARIABLE x",
        "SET enable_external_access = true", "PRAGMA lock_configuration=false"}) {
    SCOPED_TRACE(sql);
    // Client SETs are the session's own settings: DuckDB's are unknown
    // parameters (42704) or not statements Weir runs.
    StatusCode code = Execute(*session, sql).status.code();
    EXPECT_TRUE(code == StatusCode::kFeatureNotSupported || code == StatusCode::kNotFound ||
                code == StatusCode::kSyntaxError)
        << StatusCodeName(code);
  }
  for (const std::string sql : {"PRAGMA disable_optimizer", "CALL enable_logging()", "ATTACH ':memory:' AS m",
                                "CREATE TABLE t AS SELECT 1", "SELECT * FROM read_parquet('x.parquet')"}) {
    SCOPED_TRACE(sql);
    EXPECT_EQ(Execute(*session, sql).status.code(), StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace weir::session
