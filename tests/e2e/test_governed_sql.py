"""The governed query path, through `weir sql --as-role` (issue: foundation)."""

import pytest

CUSTOMER_VISIBLE = ["customer_id", "full_name", "region", "signup_date"]


def test_select_star_returns_only_permitted_columns(shop):
    rows, state, _ = shop.sql("analyst", "SELECT * FROM shop.customers ORDER BY customer_id LIMIT 3")
    assert state is None
    assert len(rows) == 3
    assert list(rows[0].keys()) == CUSTOMER_VISIBLE
    assert rows[0]["customer_id"] == 1


@pytest.mark.parametrize("column", ["email", "phone"])
def test_excluded_column_fails_like_a_missing_one(shop, column):
    _, hidden_state, hidden_err = shop.sql("analyst", f"SELECT {column} FROM shop.customers")
    _, missing_state, missing_err = shop.sql("analyst", "SELECT no_such_column FROM shop.customers")
    assert hidden_state == missing_state == "42703"
    assert hidden_err.replace(column, "X").split("\n")[0] == missing_err.replace("no_such_column", "X").split("\n")[0]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT email FROM shop.customers WHERE customer_id = 1",
        "SELECT * FROM shop.customers WHERE email LIKE '%example%'",
        "SELECT count(*) FROM shop.customers GROUP BY phone",
        "SELECT c.email FROM shop.customers c",
        "SELECT * FROM shop.customers ORDER BY email",
        "SELECT (SELECT max(email) FROM shop.customers)",
    ],
)
def test_hidden_column_is_unusable_anywhere(shop, sql):
    _, state, _ = shop.sql("analyst", sql)
    assert state == "42703"


def test_ungranted_and_missing_tables_fail_identically(shop):
    _, s1, e1 = shop.sql("analyst", "SELECT * FROM shop.orders")
    _, s2, e2 = shop.sql("analyst", "SELECT * FROM shop.no_such_table")
    _, s3, e3 = shop.sql("analyst", "SELECT * FROM nodb.orders")
    assert s1 == s2 == s3 == "42501"
    assert "permission denied for table shop.orders, or it does not exist" in e1
    assert e1.replace("shop.orders", "T") == e2.replace("shop.no_such_table", "T")
    assert e1.replace("shop.orders", "T") == e3.replace("nodb.orders", "T")


def test_unqualified_name_uses_current_database(shop):
    rows, state, _ = shop.sql("analyst", "SELECT count(*) AS n FROM customers", database="shop")
    assert state is None and rows == [{"n": 200}]
    _, state, err = shop.sql("analyst", "SELECT count(*) FROM customers")
    assert state == "42501" and "no database selected" in err


def test_use_then_query_in_one_input(shop):
    rows, state, _ = shop.sql("analyst", "USE shop; SELECT count(*) AS n FROM customers")
    assert state is None and rows == [{"n": 200}]


LAKE_FILE = "lake/shop/customers/part-0.parquet"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_parquet('{lake}')",
        "SELECT * FROM READ_PARQUET('{lake}')",
        "SELECT * FROM parquet_scan(['{lake}'])",
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_blob('{lake}')",
        "SELECT * FROM '{lake}'",
        'SELECT * FROM "{lake}"',
        "SELECT * FROM glob('{dir}/*')",
        "SELECT * FROM parquet_metadata('{lake}')",
        "SELECT * FROM query('SELECT 1')",
        "SELECT * FROM query_table('customers')",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM duckdb_tables()",
        "SELECT current_setting('allowed_directories')",
        "SELECT getvariable('x')",
        "COPY (SELECT 1) TO '{dir}/lake/out.csv'",
        "COPY shop.customers FROM '{lake}'",
        "EXPORT DATABASE '{dir}/lake/exp'",
        "ATTACH '{dir}/lake/x.db' AS x",
        "ATTACH ':memory:' AS m",
        "DETACH m",
        "INSTALL httpfs",
        "LOAD parquet",
        "PRAGMA disable_optimizer",
        "PRAGMA enable_profiling",
        "CALL enable_logging()",
        "CALL pragma_version()",
        "SET threads = 1",
        "SET memory_limit = '1GB'",
        "SET enable_external_access = true",
        "RESET lock_configuration",
        "SET VARIABLE x = 1",
        "CREATE TABLE t AS SELECT 1",
        "CREATE VIEW v AS SELECT * FROM shop.customers",
        "CREATE MACRO m() AS TABLE SELECT 1",
        "CREATE SECRET s (TYPE http)",
        "DROP TABLE shop.customers",
        "INSERT INTO shop.customers VALUES (1)",
        "UPDATE shop.customers SET full_name = 'x'",
        "DELETE FROM shop.customers",
        "CHECKPOINT",
        "PREPARE p AS SELECT 1",
        "EXPLAIN SELECT * FROM shop.customers",
        "SUMMARIZE shop.customers",
        "SELECT * FROM weir_scan(0)",
    ],
)
def test_escapes_are_refused(shop, sql):
    sql = sql.format(lake=shop.data_dir / LAKE_FILE, dir=shop.data_dir)
    rows, state, err = shop.sql("analyst", sql)
    assert state is not None, f"{sql} was not refused"
    # DuckDB's settings are not session settings: 42704 (unrecognized
    # configuration parameter), or 42601 for DuckDB-only SET syntax.
    assert state in ("42501", "0A000", "42P01", "42704", "42601"), err
    assert rows == []


@pytest.mark.parametrize(
    "role, sql, expected",
    [
        ("auditor", "SELECT count(*) AS n FROM shop.orders", [{"n": 2000}]),
        (
            "auditor",
            "WITH big AS (SELECT * FROM shop.orders WHERE amount > 400) SELECT count(*) AS n FROM big",
            None,
        ),
        (
            "auditor",
            "SELECT region, count(*) AS n FROM shop.orders GROUP BY region ORDER BY region",
            [{"region": r, "n": 500} for r in ["east", "north", "south", "west"]],
        ),
        (
            "auditor",
            "SELECT order_id, rank() OVER (PARTITION BY region ORDER BY amount DESC, order_id) AS r "
            "FROM shop.orders QUALIFY r = 1 ORDER BY order_id",
            None,
        ),
        (
            "auditor",
            "SELECT count(*) AS n FROM shop.orders o WHERE o.amount > (SELECT avg(amount) FROM shop.orders)",
            None,
        ),
        (
            "auditor",
            "SELECT count(*) AS n FROM shop.orders a JOIN shop.orders b ON a.order_id = b.order_id",
            [{"n": 2000}],
        ),
        ("analyst", "SELECT count(DISTINCT region) AS n FROM shop.customers", [{"n": 4}]),
        ("analyst", "SELECT * FROM range(3) t(i) ORDER BY i", [{"i": 0}, {"i": 1}, {"i": 2}]),
        ("analyst", "SELECT 1 AS a UNION ALL SELECT 2 ORDER BY a", [{"a": 1}, {"a": 2}]),
    ],
)
def test_read_only_queries_work(shop, role, sql, expected):
    rows, state, err = shop.sql(role, sql)
    assert state is None, err
    assert rows
    if expected is not None:
        assert rows == expected


def test_cte_named_like_a_hidden_table_cannot_reach_it(shop):
    # The CTE shadows the name; a schema-qualified reference still goes through the grants.
    rows, state, _ = shop.sql("analyst", "WITH orders AS (SELECT 1 AS x) SELECT * FROM orders", database="shop")
    assert state is None and rows == [{"x": 1}]
    _, state, _ = shop.sql("analyst", "WITH orders AS (SELECT 1 AS x) SELECT * FROM shop.orders")
    assert state == "42501"


def test_listings_show_only_visible_objects(shop):
    rows, _, _ = shop.sql("analyst", "SHOW DATABASES")
    assert rows == [{"database_name": "shop"}]
    rows, _, _ = shop.sql("analyst", "SHOW TABLES FROM shop")
    assert rows == [{"name": "customers"}]
    rows, _, _ = shop.sql("analyst", "DESCRIBE shop.customers")
    assert [r["column_name"] for r in rows] == CUSTOMER_VISIBLE
    _, state, _ = shop.sql("analyst", "DESCRIBE shop.orders")
    assert state == "42501"
    _, state, _ = shop.sql("analyst", "USE nodb")
    assert state == "3D000"


def test_several_statements_stop_at_first_error(shop):
    proc = shop.run(
        "sql", "--data-dir", str(shop.data_dir), "--as-role", "analyst", "--format", "csv", "-c",
        "SELECT 1 AS a; SELECT * FROM shop.orders; SELECT 2 AS b", check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == ["a", "1"]
    assert "42501" in proc.stderr


def test_runtime_errors_are_reported(shop):
    _, state, _ = shop.sql("analyst", "SELECT 1 / 0 = 1 AS x, CAST('x' AS INTEGER)")
    assert state == "22000"
    _, state, _ = shop.sql("analyst", "SELEC 1")
    assert state == "42601"


def test_unknown_role_is_refused(shop):
    _, state, err = shop.sql("nobody", "SELECT 1")
    assert state == "42501" and "nobody" in err


def test_interactive_prompt_reads_statements(shop):
    proc = shop.run(
        "sql", "--data-dir", str(shop.data_dir), "--as-role", "analyst", "--format", "csv",
        stdin="SELECT 1 AS a;\nSELECT\n 2 AS b;\n", check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["a", "1", "b", "2"]
