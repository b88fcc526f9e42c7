#include "engine/parse_gate.h"

#include <algorithm>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "duckdb.hpp"
#include "duckdb/parser/sql_statement.hpp"
#include "engine/engine.h"

namespace weir::engine {
namespace {

using duckdb::StatementType;

// One request the gate made of the resolver.
struct Call {
  std::string catalog;
  std::string schema;
  std::string table;

  bool operator==(const Call& other) const = default;
};

std::ostream& operator<<(std::ostream& os, const Call& call) {
  return os << "(" << call.catalog << ", " << call.schema << ", " << call.table << ")";
}

// Table names the fake resolver denies: a hidden table and the names a
// replacement scan would turn into file reads.
const std::set<std::string> kDeniedTables = {"hidden", "file.parquet", "data/*.csv"};

Status FakeDenial(const std::string& table) {
  return Status::PermissionDenied("fake resolver: permission denied for table " + table);
}

// Stands in for the engine's resolver: records every request, hands out
// ids 0, 1, 2, ... and denies the names in kDeniedTables.
class FakeResolver {
 public:
  TableResolver Function() {
    return [this](const std::string& catalog, const std::string& schema, const std::string& table) -> Result<int64_t> {
      calls_.push_back({catalog, schema, table});
      if (kDeniedTables.count(table) > 0) return FakeDenial(table);
      return next_id_++;
    };
  }
  const std::vector<Call>& calls() const { return calls_; }

 private:
  std::vector<Call> calls_;
  int64_t next_id_ = 0;
};

// The outcome of gating one SQL statement.
struct Gated {
  Status status;
  std::vector<Call> calls;
  std::string text;  // the statement printed after a successful rewrite
};

Gated Gate(const std::string& sql) {
  Gated out;
  auto parsed = ParseSql(sql);
  if (!parsed.ok()) {
    ADD_FAILURE() << "does not parse: " << sql << ": " << parsed.status().ToString();
    out.status = parsed.status();
    return out;
  }
  if (parsed->size() != 1) {
    ADD_FAILURE() << "expected one statement: " << sql;
    out.status = Status::Internal("not one statement");
    return out;
  }
  FakeResolver resolver;
  out.status = GateStatement(*(*parsed)[0], resolver.Function());
  out.calls = resolver.calls();
  if (out.status.ok()) out.text = (*parsed)[0]->ToString();
  return out;
}

// The calls without repeats, in first-seen order. DuckDB 1.4 keeps a CTE's
// body both in the node's cte_map and in a CTENode; the gate rewrites both
// copies, so the same reference may be resolved twice.
std::vector<Call> Distinct(const std::vector<Call>& calls) {
  std::vector<Call> out;
  for (const auto& c : calls) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

size_t Occurrences(const std::string& haystack, const std::string& needle) {
  size_t count = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) count++;
  return count;
}

Call T(const std::string& table) { return {"", "", table}; }
Call T(const std::string& schema, const std::string& table) { return {"", schema, table}; }

// --- Statement types -------------------------------------------------------

struct StatementCase {
  const char* sql;
  StatementType type;
};

// For every statement type the parser produces from text, SQL producing it.
const StatementCase kStatementCases[] = {
    {"INSERT INTO orders VALUES (1)", StatementType::INSERT_STATEMENT},
    {"INSERT INTO orders SELECT * FROM orders", StatementType::INSERT_STATEMENT},
    {"UPDATE orders SET id = 1", StatementType::UPDATE_STATEMENT},
    {"DELETE FROM orders", StatementType::DELETE_STATEMENT},
    {"TRUNCATE orders", StatementType::DELETE_STATEMENT},
    {"CREATE TABLE t (a INTEGER)", StatementType::CREATE_STATEMENT},
    {"CREATE TABLE t AS SELECT * FROM orders", StatementType::CREATE_STATEMENT},
    {"CREATE VIEW v AS SELECT * FROM orders", StatementType::CREATE_STATEMENT},
    {"CREATE TEMP VIEW v AS SELECT 1", StatementType::CREATE_STATEMENT},
    {"CREATE MACRO m(x) AS x + 1", StatementType::CREATE_STATEMENT},
    {"CREATE MACRO m() AS TABLE SELECT * FROM read_parquet('x.parquet')", StatementType::CREATE_STATEMENT},
    {"CREATE FUNCTION f(x) AS x + 1", StatementType::CREATE_STATEMENT},
    {"CREATE SECRET s (TYPE http)", StatementType::CREATE_STATEMENT},
    {"CREATE PERSISTENT SECRET s (TYPE http)", StatementType::CREATE_STATEMENT},
    {"CREATE SCHEMA s", StatementType::CREATE_STATEMENT},
    {"CREATE SEQUENCE q", StatementType::CREATE_STATEMENT},
    {"CREATE TYPE e AS ENUM ('a')", StatementType::CREATE_STATEMENT},
    {"CREATE INDEX i ON orders (id)", StatementType::CREATE_STATEMENT},
    {"DROP TABLE orders", StatementType::DROP_STATEMENT},
    {"DROP VIEW v", StatementType::DROP_STATEMENT},
    {"DROP SECRET s", StatementType::DROP_STATEMENT},
    {"DEALLOCATE p", StatementType::DROP_STATEMENT},
    {"ALTER TABLE orders ADD COLUMN b INTEGER", StatementType::ALTER_STATEMENT},
    {"ALTER VIEW v RENAME TO w", StatementType::ALTER_STATEMENT},
    {"COMMENT ON TABLE orders IS 'x'", StatementType::ALTER_STATEMENT},
    {"COPY orders TO 'out.csv'", StatementType::COPY_STATEMENT},
    {"COPY orders FROM 'in.csv'", StatementType::COPY_STATEMENT},
    {"COPY (SELECT * FROM orders) TO 'out.parquet' (FORMAT parquet)", StatementType::COPY_STATEMENT},
    {"COPY (SELECT 1 AS a) TO 'out' (FORMAT parquet, PARTITION_BY (a), OVERWRITE)", StatementType::COPY_STATEMENT},
    {"COPY FROM DATABASE memory TO other (SCHEMA)", StatementType::COPY_DATABASE_STATEMENT},
    {"COPY FROM DATABASE memory TO other", StatementType::PRAGMA_STATEMENT},
    {"EXPORT DATABASE 'dir'", StatementType::EXPORT_STATEMENT},
    {"IMPORT DATABASE 'dir'", StatementType::PRAGMA_STATEMENT},
    {"ATTACH ':memory:' AS x", StatementType::ATTACH_STATEMENT},
    {"ATTACH 'lake/evil.duckdb'", StatementType::ATTACH_STATEMENT},
    {"DETACH x", StatementType::DETACH_STATEMENT},
    {"LOAD parquet", StatementType::LOAD_STATEMENT},
    {"LOAD '/tmp/x.duckdb_extension'", StatementType::LOAD_STATEMENT},
    {"INSTALL httpfs", StatementType::LOAD_STATEMENT},
    {"FORCE INSTALL httpfs", StatementType::LOAD_STATEMENT},
    {"UPDATE EXTENSIONS", StatementType::UPDATE_EXTENSIONS_STATEMENT},
    {"PRAGMA version", StatementType::PRAGMA_STATEMENT},
    {"PRAGMA disable_optimizer", StatementType::PRAGMA_STATEMENT},
    {"PRAGMA enable_profiling", StatementType::PRAGMA_STATEMENT},
    {"PRAGMA table_info('orders')", StatementType::PRAGMA_STATEMENT},
    {"PRAGMA lock_configuration=false", StatementType::SET_STATEMENT},
    {"CALL enable_logging()", StatementType::CALL_STATEMENT},
    {"CALL pragma_version()", StatementType::CALL_STATEMENT},
    {"CALL glob('*')", StatementType::CALL_STATEMENT},
    {"CHECKPOINT", StatementType::CALL_STATEMENT},
    {"FORCE CHECKPOINT", StatementType::CALL_STATEMENT},
    {"SET threads = 1", StatementType::SET_STATEMENT},
    {"SET GLOBAL threads = 1", StatementType::SET_STATEMENT},
    {"SET SESSION threads = 1", StatementType::SET_STATEMENT},
    {"SET memory_limit = '1GB'", StatementType::SET_STATEMENT},
    {"SET enable_external_access = true", StatementType::SET_STATEMENT},
    {"RESET threads", StatementType::SET_STATEMENT},
    {"SET VARIABLE x = 1", StatementType::SET_STATEMENT},
    {"SET VARIABLE x = (SELECT count(*) FROM orders)", StatementType::SET_STATEMENT},
    {"RESET VARIABLE x", StatementType::SET_STATEMENT},
    {"SET search_path = 'x'", StatementType::SET_STATEMENT},
    {"USE sales", StatementType::SET_STATEMENT},
    {"PREPARE p AS SELECT * FROM orders", StatementType::PREPARE_STATEMENT},
    {"EXECUTE p", StatementType::EXECUTE_STATEMENT},
    {"EXECUTE p(1)", StatementType::EXECUTE_STATEMENT},
    {"EXPLAIN SELECT * FROM orders", StatementType::EXPLAIN_STATEMENT},
    {"EXPLAIN ANALYZE SELECT * FROM orders", StatementType::EXPLAIN_STATEMENT},
    {"VACUUM", StatementType::VACUUM_STATEMENT},
    {"ANALYZE", StatementType::VACUUM_STATEMENT},
    {"ANALYZE orders", StatementType::VACUUM_STATEMENT},
    {"BEGIN", StatementType::TRANSACTION_STATEMENT},
    {"BEGIN TRANSACTION", StatementType::TRANSACTION_STATEMENT},
    {"COMMIT", StatementType::TRANSACTION_STATEMENT},
    {"ROLLBACK", StatementType::TRANSACTION_STATEMENT},
    {"MERGE INTO orders USING customers ON orders.customer = customers.customer WHEN MATCHED THEN DELETE",
     StatementType::MERGE_INTO_STATEMENT},
    // PIVOT without an IN list first creates an ENUM type, then selects.
    {"PIVOT orders ON region", StatementType::MULTI_STATEMENT},
    {"PIVOT orders ON region USING sum(amount)", StatementType::MULTI_STATEMENT},
};

TEST(ParseGate, RefusesEveryStatementButSelect) {
  for (const auto& c : kStatementCases) {
    SCOPED_TRACE(c.sql);
    auto parsed = ParseSql(c.sql);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ASSERT_EQ(parsed->size(), 1u);
    auto& statement = *(*parsed)[0];
    EXPECT_EQ(statement.type, c.type) << duckdb::StatementTypeToString(statement.type);
    FakeResolver resolver;
    Status status = GateStatement(statement, resolver.Function());
    EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << status.ToString();
    EXPECT_TRUE(resolver.calls().empty());
  }
}

// A statement of any type, for the types the parser never produces from text.
class BareStatement : public duckdb::SQLStatement {
 public:
  explicit BareStatement(StatementType type) : SQLStatement(type) {}
  std::string ToString() const override { return "bare"; }
  duckdb::unique_ptr<duckdb::SQLStatement> Copy() const override { return duckdb::make_uniq<BareStatement>(type); }
};

// Types the parser does not produce from SQL text in 1.4 (SET VARIABLE is a
// SET_STATEMENT, ANALYZE a VACUUM_STATEMENT, CREATE FUNCTION a CREATE).
const std::set<StatementType> kNotFromText = {
    StatementType::INVALID_STATEMENT,      StatementType::VARIABLE_SET_STATEMENT, StatementType::CREATE_FUNC_STATEMENT,
    StatementType::ANALYZE_STATEMENT,      StatementType::RELATION_STATEMENT,     StatementType::EXTENSION_STATEMENT,
    StatementType::LOGICAL_PLAN_STATEMENT,
};

TEST(ParseGate, EveryStatementTypeIsCoveredAndRefused) {
  const auto last = static_cast<int>(StatementType::MERGE_INTO_STATEMENT);
  for (int i = 0; i <= last; i++) {
    auto type = static_cast<StatementType>(i);
    SCOPED_TRACE(duckdb::StatementTypeToString(type));
    if (type == StatementType::SELECT_STATEMENT) continue;
    bool covered = std::any_of(std::begin(kStatementCases), std::end(kStatementCases),
                               [&](const StatementCase& c) { return c.type == type; });
    EXPECT_TRUE(covered || kNotFromText.count(type) > 0) << "no SQL in kStatementCases produces this type";
    BareStatement statement(type);
    FakeResolver resolver;
    Status status = GateStatement(statement, resolver.Function());
    EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << status.ToString();
    EXPECT_TRUE(resolver.calls().empty());
  }
}

// --- Accepted queries: every table reference goes through the resolver ------

struct RewriteCase {
  const char* sql;
  std::vector<Call> calls;              // distinct, in walk order
  std::vector<std::string> in_rewrite;  // substrings of the rewritten statement
};

void ExpectRewrites(const std::vector<RewriteCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    Gated gated = Gate(c.sql);
    ASSERT_TRUE(gated.status.ok()) << gated.status.ToString();
    EXPECT_EQ(Distinct(gated.calls), c.calls);
    // Every resolved reference became a secure scan.
    EXPECT_GE(Occurrences(gated.text, std::string(kSecureScanFunction) + "("), c.calls.size()) << gated.text;
    if (c.calls.empty()) {
      EXPECT_EQ(Occurrences(gated.text, kSecureScanFunction), 0u) << gated.text;
    }
    for (const auto& part : c.in_rewrite) EXPECT_NE(gated.text.find(part), std::string::npos) << gated.text;
  }
}

TEST(ParseGate, RewritesTableReferences) {
  ExpectRewrites({
      {"SELECT * FROM orders", {T("orders")}, {"FROM weir_scan(0) AS orders"}},
      {"FROM orders", {T("orders")}, {"weir_scan(0) AS orders"}},
      {"SELECT * FROM sales.orders", {T("sales", "orders")}, {"weir_scan(0) AS orders"}},
      {"SELECT * FROM lake.sales.orders", {{"lake", "sales", "orders"}}, {"weir_scan(0) AS orders"}},
      {"SELECT \"Mixed\".\"Case\".x FROM \"Mixed\".\"Case\"", {T("Mixed", "Case")}, {"weir_scan(0)"}},
      {"SELECT o.id FROM sales.orders AS o", {T("sales", "orders")}, {"weir_scan(0) AS o"}},
      {"SELECT o.a FROM sales.orders o(a, b)", {T("sales", "orders")}, {"weir_scan(0) AS o(a, b)"}},
      {"SELECT * FROM orders USING SAMPLE 10%", {T("orders")}, {"weir_scan(0)", "SAMPLE"}},
      {"SELECT * FROM orders a, orders b", {T("orders")}, {"weir_scan(0) AS a", "weir_scan(1) AS b"}},
      {"SELECT * FROM (SELECT id FROM sales.orders) s", {T("sales", "orders")}, {"weir_scan(0) AS orders"}},
      {"SELECT * FROM (FROM t1) AS s(a, b)", {T("t1")}, {"AS s(a, b)"}},
      {"SELECT * FROM (SELECT * FROM (SELECT * FROM t1) a) b", {T("t1")}, {}},
  });
}

TEST(ParseGate, RewritesJoins) {
  ExpectRewrites({
      {"SELECT * FROM t1 JOIN t2 ON t1.a = t2.a", {T("t1"), T("t2")}, {"weir_scan(0) AS t1", "weir_scan(1) AS t2"}},
      {"SELECT * FROM t1 LEFT JOIN t2 USING (a)", {T("t1"), T("t2")}, {"USING (a)"}},
      {"SELECT * FROM t1 NATURAL JOIN t2", {T("t1"), T("t2")}, {}},
      {"SELECT * FROM t1 CROSS JOIN t2", {T("t1"), T("t2")}, {}},
      {"SELECT * FROM t1, t2, t3", {T("t1"), T("t2"), T("t3")}, {}},
      {"SELECT * FROM t1 POSITIONAL JOIN t2", {T("t1"), T("t2")}, {}},
      {"SELECT * FROM t1 ASOF JOIN t2 ON t1.a >= t2.a", {T("t1"), T("t2")}, {}},
      {"SELECT * FROM t1 SEMI JOIN t2 ON t1.a = t2.a", {T("t1"), T("t2")}, {}},
      {"SELECT * FROM t1, LATERAL (SELECT * FROM t2 WHERE t2.a = t1.a) l", {T("t1"), T("t2")}, {}},
      {"SELECT * FROM t1 JOIN t2 ON t1.a = (SELECT max(a) FROM t3)", {T("t1"), T("t2"), T("t3")}, {}},
      {"SELECT * FROM t1 JOIN (t2 JOIN t3 USING (a)) USING (a)", {T("t1"), T("t2"), T("t3")}, {}},
  });
}

TEST(ParseGate, AllowsListedTableFunctionsAndWalksTheirArguments) {
  ExpectRewrites({
      {"SELECT * FROM range(10)", {}, {"range"}},
      {"SELECT * FROM RANGE(3)", {}, {}},
      {"SELECT * FROM range(3) WITH ORDINALITY", {}, {}},
      {"SELECT * FROM generate_series(1, 3) AS g(x)", {}, {}},
      {"SELECT * FROM unnest([1, 2, 3])", {}, {}},
      {"SELECT * FROM range(3) t, unnest([t.range]) u", {}, {}},
      {"SELECT * FROM range((SELECT count(*) FROM orders))", {T("orders")}, {}},
      {"SELECT * FROM unnest((SELECT list(id) FROM sales.orders))", {T("sales", "orders")}, {}},
  });
}

TEST(ParseGate, RewritesValuesPivotAndEmptyFrom) {
  ExpectRewrites({
      {"SELECT 1", {}, {}},
      {"SELECT * FROM (VALUES (1), (2)) v(x)", {}, {}},
      {"SELECT * FROM (VALUES (1), ((SELECT max(id) FROM orders))) v(x)", {T("orders")}, {}},
      {"SELECT * FROM orders PIVOT (sum(amount) FOR region IN ('east', 'west'))", {T("orders")}, {"PIVOT"}},
      {"PIVOT orders ON region IN ('east', 'west') USING sum(amount)", {T("orders")}, {}},
      {"SELECT * FROM orders PIVOT (sum(amount) FILTER (WHERE id IN (SELECT id FROM t2)) FOR region IN ('east'))",
       {T("orders"), T("t2")},
       {}},
      {"UNPIVOT orders ON a, b INTO NAME k VALUE v", {T("orders")}, {"UNPIVOT"}},
      {"SELECT * FROM (SELECT * FROM orders) UNPIVOT (v FOR k IN (a, b))", {T("orders")}, {}},
  });
}

TEST(ParseGate, RewritesEveryQueryNodeType) {
  ExpectRewrites({
      {"SELECT a FROM t1 UNION SELECT a FROM t2", {T("t1"), T("t2")}, {}},
      {"SELECT a FROM t1 UNION ALL BY NAME SELECT a FROM t2", {T("t1"), T("t2")}, {}},
      {"SELECT a FROM t1 INTERSECT SELECT a FROM t2", {T("t1"), T("t2")}, {}},
      {"SELECT a FROM t1 EXCEPT SELECT a FROM t2 EXCEPT SELECT a FROM t3", {T("t1"), T("t2"), T("t3")}, {}},
      {"WITH c AS (SELECT * FROM t1) SELECT * FROM c", {T("t1")}, {}},
      {"WITH c AS MATERIALIZED (SELECT * FROM t1) SELECT * FROM c, t2", {T("t1"), T("t2")}, {}},
      {"WITH c AS NOT MATERIALIZED (SELECT * FROM t1) SELECT * FROM c", {T("t1")}, {}},
      {"WITH a AS (SELECT * FROM t1), b AS (SELECT * FROM a, t2) SELECT * FROM a, b", {T("t1"), T("t2")}, {}},
      {"WITH RECURSIVE r(n) AS (SELECT min(id) FROM orders UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
       "SELECT * FROM r",
       {T("orders")},
       {}},
      {"WITH RECURSIVE r(n) USING KEY (n) AS (SELECT 1 UNION SELECT n + 1 FROM r, t1 WHERE n < t1.a) "
       "SELECT * FROM r",
       {T("t1")},
       {}},
      {"SELECT * FROM (WITH c AS (SELECT * FROM t1) SELECT * FROM c) s", {T("t1")}, {}},
      {"SELECT (WITH c AS (SELECT 1) SELECT * FROM c, t1)", {T("t1")}, {}},
  });
}

TEST(ParseGate, CteNamesShadowOnlyUnqualifiedNamesInScope) {
  ExpectRewrites({
      // The CTE hides the lake table of the same name...
      {"WITH orders AS (SELECT 1 AS id) SELECT * FROM orders", {}, {}},
      {"WITH Recent AS (SELECT 1 AS id) SELECT * FROM recent", {}, {}},
      {"WITH RECURSIVE orders(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM orders WHERE n < 3) SELECT * FROM orders",
       {},
       {}},
      // ...but not a qualified name...
      {"WITH orders AS (SELECT 1 AS id) SELECT * FROM sales.orders", {T("sales", "orders")}, {}},
      {"WITH orders AS (SELECT 1 AS id) SELECT * FROM orders, lake.sales.orders", {{"lake", "sales", "orders"}}, {}},
      // ...and only inside the query that defines it.
      {"SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c) s, c", {T("c")}, {}},
      {"SELECT (WITH c AS (SELECT 1) SELECT * FROM c) FROM c", {T("c")}, {}},
  });
}

// A non-recursive CTE cannot refer to itself, nor to a CTE defined after it
// in the same WITH: in DuckDB (as in SQL) such a name binds to the catalog.
// The gate must resolve it as a table.
TEST(ParseGate, ResolvesCteSelfReferenceAsTable) {
  for (const auto& c : std::vector<RewriteCase>{
           {"WITH orders AS (SELECT * FROM orders WHERE id > 1) SELECT * FROM orders", {T("orders")}, {}},
           {"WITH a AS (SELECT * FROM b), b AS (SELECT 1 AS x) SELECT * FROM a", {T("b")}, {}},
       }) {
    SCOPED_TRACE(c.sql);
    Gated gated = Gate(c.sql);
    ASSERT_TRUE(gated.status.ok()) << gated.status.ToString();
    if (Distinct(gated.calls) != c.calls) {
      FAIL() << "regression: parse_gate.cc puts every name of a WITH clause in scope for every CTE body, "
                "including the CTE itself and later ones; DuckDB binds those names to its catalog, so "
                "the reference is neither rewritten nor resolved (sql: "
             << c.sql << ")";
    }
  }
}

// --- Expressions: subquery bodies anywhere are walked -------------------------

TEST(ParseGate, RewritesTablesInsideEveryExpressionClass) {
  ExpectRewrites({
      // CASE
      {"SELECT CASE WHEN (SELECT count(*) FROM t1) > 0 THEN (SELECT max(a) FROM t2) "
       "ELSE (SELECT min(a) FROM t3) END",
       {T("t1"), T("t2"), T("t3")},
       {}},
      {"SELECT CASE (SELECT 1 FROM t1) WHEN 1 THEN 'x' END", {T("t1")}, {}},
      // CAST
      {"SELECT CAST((SELECT max(a) FROM t1) AS VARCHAR)", {T("t1")}, {}},
      {"SELECT (SELECT max(a) FROM t1)::INTEGER", {T("t1")}, {}},
      {"SELECT TRY_CAST((SELECT max(a) FROM t1) AS INTEGER)", {T("t1")}, {}},
      // COLLATE
      {"SELECT (SELECT max(s) FROM t1) COLLATE nocase", {T("t1")}, {}},
      // COMPARISON
      {"SELECT 1 WHERE (SELECT 1 FROM t1) = (SELECT 1 FROM t2)", {T("t1"), T("t2")}, {}},
      {"SELECT 1 WHERE (SELECT 1 FROM t1) IS DISTINCT FROM 2", {T("t1")}, {}},
      // CONJUNCTION
      {"SELECT 1 WHERE true AND EXISTS (SELECT 1 FROM t1) OR NOT EXISTS (SELECT 1 FROM t2)", {T("t1"), T("t2")}, {}},
      // OPERATOR
      {"SELECT -(SELECT 1 FROM t1)", {T("t1")}, {}},
      {"SELECT (SELECT 1 FROM t1) IS NULL", {T("t1")}, {}},
      {"SELECT 1 IN (1, (SELECT 1 FROM t1))", {T("t1")}, {}},
      {"SELECT TRY((SELECT 1 FROM t1) / 0)", {T("t1")}, {}},
      {"SELECT [(SELECT 1 FROM t1)][1]", {T("t1")}, {}},
      // BETWEEN
      {"SELECT 1 BETWEEN (SELECT 0 FROM t1) AND (SELECT 2 FROM t2)", {T("t1"), T("t2")}, {}},
      // FUNCTION: arguments, FILTER, ORDER BY
      {"SELECT coalesce((SELECT 1 FROM t1), 0)", {T("t1")}, {}},
      {"SELECT {'a': (SELECT 1 FROM t1)}", {T("t1")}, {}},
      {"SELECT count(*) FILTER (WHERE a IN (SELECT a FROM t2)) FROM t1", {T("t2"), T("t1")}, {}},
      {"SELECT string_agg(s ORDER BY (SELECT 1 FROM t2)) FROM t1", {T("t2"), T("t1")}, {}},
      {"SELECT lower(s) FROM t1", {T("t1")}, {}},
      // WINDOW: arguments, partitions, orders, frame bounds, filter, offset, default
      {"SELECT sum(a) OVER (PARTITION BY (SELECT 1 FROM t2) ORDER BY (SELECT 1 FROM t3) "
       "ROWS BETWEEN (SELECT 1 FROM t4) PRECEDING AND (SELECT 1 FROM t5) FOLLOWING) FROM t1",
       {T("t2"), T("t3"), T("t4"), T("t5"), T("t1")},
       {}},
      {"SELECT count(*) FILTER (WHERE a > (SELECT 1 FROM t2)) OVER () FROM t1", {T("t2"), T("t1")}, {}},
      {"SELECT lag(a, (SELECT 1 FROM t2), (SELECT 0 FROM t3)) OVER (ORDER BY a) FROM t1",
       {T("t2"), T("t3"), T("t1")},
       {}},
      {"SELECT first_value((SELECT 1 FROM t2)) OVER w FROM t1 WINDOW w AS (ORDER BY a)", {T("t2"), T("t1")}, {}},
      {"SELECT row_number() OVER (ORDER BY a) FROM t1", {T("t1")}, {}},
      // STAR
      {"SELECT * REPLACE ((SELECT 1 FROM t2) AS a) FROM t1", {T("t2"), T("t1")}, {}},
      {"SELECT * EXCLUDE (a) FROM t1", {T("t1")}, {}},
      {"SELECT t1.* FROM t1", {T("t1")}, {}},
      {"SELECT COLUMNS('a.*') FROM t1", {T("t1")}, {}},
      {"SELECT COLUMNS(c -> c LIKE 'a%') FROM t1", {T("t1")}, {}},
      {"SELECT max(COLUMNS(*)) FROM t1", {T("t1")}, {}},
      // SUBQUERY in the select list, WHERE, IN, EXISTS, ANY, ALL, and nested
      {"SELECT (SELECT max(a) FROM t1)", {T("t1")}, {}},
      {"SELECT 1 WHERE 1 IN (SELECT a FROM t1)", {T("t1")}, {}},
      {"SELECT 1 WHERE (SELECT 1 FROM t1) IN (SELECT a FROM t2)", {T("t1"), T("t2")}, {}},
      {"SELECT 1 WHERE 1 NOT IN (SELECT a FROM t1)", {T("t1")}, {}},
      {"SELECT 1 WHERE EXISTS (SELECT 1 FROM t1)", {T("t1")}, {}},
      {"SELECT 1 WHERE 1 = ANY (SELECT a FROM t1)", {T("t1")}, {}},
      {"SELECT 1 WHERE 1 > ALL (SELECT a FROM t1)", {T("t1")}, {}},
      {"SELECT (SELECT (SELECT max(a) FROM t3) FROM t2) FROM t1", {T("t3"), T("t2"), T("t1")}, {}},
      {"SELECT ARRAY(SELECT a FROM t1)", {T("t1")}, {}},
      // LAMBDA, both syntaxes, and list comprehensions
      {"SELECT list_transform([1, 2], x -> x + (SELECT 1 FROM t1))", {T("t1")}, {}},
      {"SELECT list_transform([1, 2], lambda x: x + (SELECT 1 FROM t1))", {T("t1")}, {}},
      {"SELECT [x + (SELECT 1 FROM t1) FOR x IN [1, 2]]", {T("t1")}, {}},
      // POSITIONAL_REFERENCE, PARAMETER, CONSTANT, COLUMN_REF
      {"SELECT #1 FROM t1", {T("t1")}, {}},
      {"SELECT * FROM t1 WHERE a = $1", {T("t1")}, {"$1"}},
      {"SELECT * FROM t1 WHERE a = ?", {T("t1")}, {}},
      {"SELECT * FROM t1 WHERE a = $name", {T("t1")}, {}},
      // Qualified scalar functions DuckDB places in main and pg_catalog
      {"SELECT main.lower('x'), pg_catalog.lower('y')", {}, {}},
  });
}

TEST(ParseGate, RewritesTablesInClausesAndResultModifiers) {
  ExpectRewrites({
      {"SELECT a FROM t1 GROUP BY a HAVING count(*) > (SELECT 1 FROM t2)", {T("t1"), T("t2")}, {}},
      {"SELECT a FROM t1 GROUP BY (SELECT 1 FROM t2), a", {T("t1"), T("t2")}, {}},
      {"SELECT a FROM t1 GROUP BY ALL", {T("t1")}, {}},
      {"SELECT a FROM t1 GROUP BY ROLLUP (a)", {T("t1")}, {}},
      {"SELECT * FROM t1 QUALIFY row_number() OVER () < (SELECT 5 FROM t2)", {T("t1"), T("t2")}, {}},
      {"SELECT * FROM t1 ORDER BY (SELECT 1 FROM t2)", {T("t2"), T("t1")}, {}},
      {"SELECT * FROM t1 LIMIT (SELECT 1 FROM t2) OFFSET (SELECT 0 FROM t3)", {T("t2"), T("t3"), T("t1")}, {}},
      {"SELECT * FROM t1 LIMIT (SELECT 5 FROM t2) %", {T("t2"), T("t1")}, {}},
      {"SELECT * FROM t1 LIMIT 50%", {T("t1")}, {}},
      {"SELECT DISTINCT ON ((SELECT 1 FROM t2)) a FROM t1", {T("t2"), T("t1")}, {}},
      {"SELECT DISTINCT a FROM t1", {T("t1")}, {}},
      {"SELECT a FROM t1 UNION SELECT a FROM t2 ORDER BY 1 LIMIT (SELECT 1 FROM t3)", {T("t3"), T("t1"), T("t2")}, {}},
  });
}

// --- Refusals ------------------------------------------------------------

void ExpectRefused(const std::vector<std::string>& sqls) {
  for (const auto& sql : sqls) {
    SCOPED_TRACE(sql);
    Gated gated = Gate(sql);
    EXPECT_EQ(gated.status.code(), StatusCode::kPermissionDenied) << gated.status.ToString();
  }
}

TEST(ParseGate, RefusesTableFunctionsOffTheAllowlist) {
  const std::vector<std::string> functions = {
      "read_parquet('x.parquet')",
      "parquet_scan('x.parquet')",
      "read_csv('x.csv')",
      "read_csv_auto('x.csv')",
      "read_json('x.json')",
      "read_json_auto('x.json')",
      "read_ndjson('x.json')",
      "read_text('x')",
      "read_blob('x')",
      "glob('*')",
      "parquet_metadata('x.parquet')",
      "parquet_schema('x.parquet')",
      "parquet_file_metadata('x.parquet')",
      "parquet_kv_metadata('x.parquet')",
      "sniff_csv('x.csv')",
      "query('SELECT 1')",
      "query_table('orders')",
      "query_table(['a', 'b'])",
      "duckdb_tables()",
      "duckdb_settings()",
      "duckdb_secrets()",
      "duckdb_logs()",
      "pragma_table_info('orders')",
      "pragma_version()",
      "which_secret('s3://b/x', 's3')",
      "checkpoint()",
      "force_checkpoint()",
      "enable_logging()",
      "json_execute_serialized_sql('x')",
      "test_all_types()",
      "repeat_row(1, num_rows => 3)",
      "system.main.read_text('x')",
      "main.read_parquet('x.parquet')",
      "system.main.range(3)",  // allowed name, but qualified
      "main.range(3)",
      "weir_scan(0)",  // only the gate's rewrite may produce it
      "READ_PARQUET('x.parquet')",
      "\"Read_Parquet\"('x.parquet')",
      "Read_Text('x')",
      "GLOB('*')",
      "read_parquet((SELECT 'x' FROM orders))",
  };
  for (const auto& f : functions) {
    ExpectRefused({"SELECT * FROM " + f, "FROM " + f + " AS t", "SELECT (SELECT count(*) FROM " + f + ")",
                   "SELECT * FROM range(3) r(x) WHERE x IN (SELECT 1 FROM " + f + ")",
                   "SELECT * FROM orders JOIN " + f + " AS t ON true",
                   "WITH c AS (SELECT * FROM " + f + ") SELECT * FROM c"});
  }
}

TEST(ParseGate, TableFunctionAllowlist) {
  struct Case {
    const char* name;
    bool allowed;
  };
  for (const auto& c : std::vector<Case>{{"range", true},
                                         {"generate_series", true},
                                         {"unnest", true},
                                         {"RANGE", true},
                                         {"Unnest", true},
                                         {"read_parquet", false},
                                         {"read_csv", false},
                                         {"query", false},
                                         {"query_table", false},
                                         {"glob", false},
                                         {"weir_scan", false},
                                         {"duckdb_settings", false},
                                         {"", false}}) {
    EXPECT_EQ(TableFunctionAllowed(c.name), c.allowed) << c.name;
  }
}

TEST(ParseGate, RefusesShowDescribeAndSummarizeInQueries) {
  ExpectRefused({
      "DESCRIBE orders",
      "SHOW TABLES",
      "SHOW orders",
      "SUMMARIZE orders",
      "SUMMARIZE SELECT * FROM orders",
      "DESCRIBE SELECT * FROM read_parquet('x.parquet')",
      "SELECT * FROM (DESCRIBE orders)",
      "SELECT * FROM (SHOW TABLES)",
      "SELECT * FROM (SUMMARIZE orders)",
      "SELECT * FROM orders WHERE id IN (SELECT count(*) FROM (SUMMARIZE orders))",
      "SELECT (SELECT count(*) FROM (DESCRIBE SELECT * FROM read_csv('x.csv')))",
  });
}

TEST(ParseGate, RefusesTimeTravel) {
  ExpectRefused({
      "SELECT * FROM orders AT (VERSION => 1)",
      "SELECT * FROM sales.orders AT (TIMESTAMP => now())",
      "SELECT * FROM t1 WHERE a IN (SELECT a FROM t2 AT (VERSION => 3))",
  });
}

TEST(ParseGate, RefusesDeniedAndQualifiedScalarFunctions) {
  ExpectRefused({
      "SELECT current_setting('threads')",
      "SELECT CURRENT_SETTING('allowed_directories')",
      "SELECT \"Current_Setting\"('threads')",
      "SELECT getvariable('x')",
      "SELECT write_log('x')",
      "SELECT nextval('s')",
      "SELECT currval('s')",
      "SELECT json_execute_serialized_sql('x')",
      "SELECT weir_scan(0)",
      "SELECT main.current_setting('threads')",
      "SELECT pg_catalog.current_setting('threads')",
      "SELECT current_setting('threads') OVER ()",
      "SELECT * FROM t1 WHERE a = (SELECT current_setting('threads'))",
      "SELECT * FROM t1 ORDER BY getvariable('x')",
      "SELECT * FROM t1 LIMIT (SELECT getvariable('n'))",
      "SELECT list_transform([1], x -> current_setting('threads'))",
      "SELECT * FROM range(3) r(x) WHERE x = (SELECT nextval('s'))",
      "SELECT * FROM (VALUES (current_setting('threads'))) v(x)",
      "SELECT system.main.lower('x')",
      "SELECT memory.main.lower('x')",
      "SELECT other.lower('x')",
      "SELECT information_schema.lower('x')",
      "SELECT system.main.sum(1) OVER ()",
      "SELECT main.sum(1) OVER ()",
      // Method-call syntax parses as a schema-qualified name: refused too.
      "SELECT s.lower() FROM t1",
  });
}

TEST(ParseGate, RefusesConstructsOutsideTheKnownSet) {
  ExpectRefused({
      "SELECT DEFAULT",
      "SELECT sum(a) EXPORT_STATE FROM t1",
  });
}

// --- Resolver decisions ----------------------------------------------------

TEST(ParseGate, PassesOnTheResolversDenial) {
  for (const std::string sql :
       {"SELECT * FROM hidden", "SELECT * FROM sales.hidden", "SELECT * FROM t1 WHERE a IN (SELECT a FROM hidden)",
        "SELECT (SELECT count(*) FROM hidden)", "SELECT * FROM t1 JOIN hidden USING (a)",
        "WITH c AS (SELECT * FROM hidden) SELECT * FROM c"}) {
    SCOPED_TRACE(sql);
    Gated gated = Gate(sql);
    EXPECT_EQ(gated.status.code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(gated.status.message(), FakeDenial("hidden").message());
  }
}

TEST(ParseGate, ReplacementScanSyntaxIsResolvedAsATableName) {
  // `FROM 'file.parquet'` is a base table named after the path: the resolver
  // sees (and here denies) the path; no file reader is ever bound.
  for (const auto& c : std::vector<std::pair<std::string, std::string>>{
           {"SELECT * FROM 'file.parquet'", "file.parquet"},
           {"FROM \"file.parquet\"", "file.parquet"},
           {"SELECT * FROM 'data/*.csv'", "data/*.csv"},
           {"SELECT (SELECT count(*) FROM 'file.parquet')", "file.parquet"},
       }) {
    SCOPED_TRACE(c.first);
    Gated gated = Gate(c.first);
    EXPECT_EQ(gated.status.code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(gated.status.message(), FakeDenial(c.second).message());
    EXPECT_EQ(gated.calls, std::vector<Call>{T(c.second)});
  }
}

TEST(ParseGate, AssignsEachReferenceItsOwnScan) {
  Gated gated = Gate("SELECT * FROM t1 a JOIN t1 b USING (x) WHERE x IN (SELECT x FROM t2)");
  ASSERT_TRUE(gated.status.ok()) << gated.status.ToString();
  EXPECT_EQ(gated.calls, (std::vector<Call>{T("t1"), T("t1"), T("t2")}));
  EXPECT_NE(gated.text.find("weir_scan(0) AS a"), std::string::npos) << gated.text;
  EXPECT_NE(gated.text.find("weir_scan(1) AS b"), std::string::npos) << gated.text;
  EXPECT_NE(gated.text.find("weir_scan(2) AS t2"), std::string::npos) << gated.text;
}

}  // namespace
}  // namespace weir::engine
