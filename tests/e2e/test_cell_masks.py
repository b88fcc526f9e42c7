"""Cell-level security inside the secure scan: every query a role with two
combined data cells filters runs must return what the hand-written query
(row filter in WHERE, CASE WHEN condition THEN column END for each masked
column) returns to a role that sees the whole table.

The tables cover the scan's paths: Parquet with several row groups (scanned
by several threads), dictionary-encoded strings, CSV (no filter pushdown),
two columns sharing one condition, a condition identical to the row
predicate, and filters DuckDB pushes into the scan on masked columns (those
rejecting NULL, which only visible cells can pass, and those that do not).
"""

import pytest

from conftest import Weir

# Per table: (row filter of the data cells filter granting every column,
# row filter of the one granting only `narrow`, narrow columns, the
# hand-written equivalent of both as a subquery over the table).
SALES_WIDE = "ss_store_sk = 1"
SALES_NARROW = "ss_quantity > 90"
SALES_COLUMNS = ["ss_item_sk", "ss_quantity"]
SALES_MASKED = ["ss_store_sk", "ss_sales_price", "ss_net_paid", "ss_customer_sk"]

CUSTOMER_WIDE = "c_birth_country = 'MEXICO'"
CUSTOMER_NARROW = "c_birth_year > 1980"
CUSTOMER_COLUMNS = ["c_customer_sk", "c_birth_year"]
CUSTOMER_MASKED = ["c_birth_country", "c_email_address", "c_last_name", "c_preferred_cust_flag"]

PEOPLE_WIDE = "country = 'US'"
PEOPLE_NARROW = "id > 3"
PEOPLE_COLUMNS = ["id"]
PEOPLE_MASKED = ["country", "address"]
PEOPLE = [(i, ["US", "UK", "FR"][i % 3], f"{i} Main St") for i in range(1, 61)]


def hand_written(table, wide, narrow, narrow_columns, masked):
    columns = narrow_columns + [f"CASE WHEN {wide} THEN {c} END AS {c}" for c in masked]
    return f"(SELECT {', '.join(columns)} FROM {table} WHERE ({wide}) OR ({narrow}))"


TABLES = {
    "tpc.store_sales": hand_written("tpc.store_sales", SALES_WIDE, SALES_NARROW, SALES_COLUMNS, SALES_MASKED),
    "tpc.customer": hand_written("tpc.customer", CUSTOMER_WIDE, CUSTOMER_NARROW, CUSTOMER_COLUMNS, CUSTOMER_MASKED),
    "hr.people": hand_written("hr.people", PEOPLE_WIDE, PEOPLE_NARROW, PEOPLE_COLUMNS, PEOPLE_MASKED),
}


@pytest.fixture(scope="module")
def lake(tmp_path_factory, weir_bin):
    weir = Weir(tmp_path_factory.mktemp("cells") / "d")
    weir.admin("init")
    # 288,000 sales rows in three row groups: the scan runs on every core.
    weir.run("datagen", "--scale", "0.1", "--tables", "store_sales,customer", "--out",
             str(weir.data_dir / "lake" / "tpc"))
    people = weir.data_dir / "lake" / "hr" / "people"
    people.mkdir(parents=True)
    (people / "p.csv").write_text("id,country,address\n" + "".join(f"{a},{b},{c}\n" for a, b, c in PEOPLE))
    weir.admin("table", "register", "tpc.store_sales", "--location", "tpc/store_sales", "--create-database")
    weir.admin("table", "register", "tpc.customer", "--location", "tpc/customer")
    weir.admin("table", "register", "hr.people", "--location", "hr/people", "--format", "csv", "--create-database")
    weir.admin("role", "create", "cells")
    weir.admin("role", "create", "everything")
    specs = {
        "tpc.store_sales": (SALES_WIDE, SALES_NARROW, SALES_COLUMNS, SALES_MASKED),
        "tpc.customer": (CUSTOMER_WIDE, CUSTOMER_NARROW, CUSTOMER_COLUMNS, CUSTOMER_MASKED),
        "hr.people": (PEOPLE_WIDE, PEOPLE_NARROW, PEOPLE_COLUMNS, PEOPLE_MASKED),
    }
    for table, (wide, narrow, narrow_columns, masked) in specs.items():
        name = table.split(".")[1]
        weir.admin("filter", "create", f"{name}_wide", "--table", table, "--row-filter", wide,
                   "--columns", ",".join(narrow_columns + masked))
        weir.admin("filter", "create", f"{name}_narrow", "--table", table, "--row-filter", narrow,
                   "--columns", ",".join(narrow_columns))
        weir.admin("grant", "--role", "cells", "--table", table, "--filter", f"{name}_wide")
        weir.admin("grant", "--role", "cells", "--table", table, "--filter", f"{name}_narrow")
        weir.admin("grant", "--role", "everything", "--table", table)
    return weir


def same_as_hand_written(lake, table, query):
    governed, state, err = lake.sql("cells", query.format(t=table))
    assert state is None, err
    expected, state, err = lake.sql("everything", query.format(t=TABLES[table]))
    assert state is None, err
    assert governed == expected
    return governed


@pytest.mark.parametrize(
    "query",
    [
        "SELECT count(*) AS n, count(ss_sales_price) AS p, sum(ss_net_paid) AS s FROM {t}",
        # Filters on masked columns that reject NULL, alone and beside one on
        # an unmasked column (which the reader applies).
        "SELECT count(*) AS n, sum(ss_sales_price) AS s FROM {t} WHERE ss_sales_price > 50",
        "SELECT count(*) AS n, sum(ss_quantity) AS q FROM {t} WHERE ss_sales_price BETWEEN 10 AND 20 "
        "AND ss_quantity < 95",
        "SELECT count(*) AS n FROM {t} WHERE ss_store_sk IN (1, 2)",
        "SELECT count(*) AS n FROM {t} WHERE ss_store_sk = 2",
        "SELECT count(*) AS n FROM {t} WHERE ss_customer_sk IS NOT NULL",
        # Filters that NULL passes.
        "SELECT count(*) AS n FROM {t} WHERE ss_sales_price IS NULL",
        "SELECT count(*) AS n FROM {t} WHERE ss_sales_price > 50 OR ss_sales_price IS NULL",
        "SELECT count(*) AS n FROM {t} WHERE coalesce(ss_store_sk, 7) = 7",
        # Grouping on a masked column; two masked columns sharing a condition.
        "SELECT ss_store_sk, count(*) AS n, sum(ss_net_paid) AS s FROM {t} GROUP BY ALL ORDER BY ALL",
        "SELECT ss_store_sk, ss_quantity, count(*) AS n FROM {t} WHERE ss_net_paid > 100 GROUP BY ALL ORDER BY ALL",
        "SELECT ss_item_sk, ss_quantity, ss_store_sk, ss_sales_price, ss_net_paid, ss_customer_sk FROM {t} "
        "WHERE ss_item_sk < 40 ORDER BY ALL",
    ],
)
def test_parquet_over_several_threads(lake, query):
    same_as_hand_written(lake, "tpc.store_sales", query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT c_birth_country, count(*) AS n FROM {t} GROUP BY ALL ORDER BY ALL",
        "SELECT count(*) AS n FROM {t} WHERE c_birth_country = 'MEXICO'",
        "SELECT count(*) AS n FROM {t} WHERE c_birth_country = 'ALBANIA'",
        "SELECT count(*) AS n FROM {t} WHERE c_birth_country <> 'MEXICO'",
        "SELECT count(*) AS n FROM {t} WHERE c_birth_country IS NULL",
        "SELECT count(*) AS n FROM {t} WHERE c_birth_country LIKE 'M%'",
        "SELECT c_last_name, count(*) AS n FROM {t} WHERE c_birth_year > 1985 GROUP BY ALL ORDER BY n DESC, "
        "c_last_name NULLS FIRST LIMIT 5",
        "SELECT c_preferred_cust_flag, max(c_email_address) AS e FROM {t} GROUP BY ALL ORDER BY ALL",
    ],
)
def test_dictionary_encoded_strings(lake, query):
    same_as_hand_written(lake, "tpc.customer", query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM {t} ORDER BY id",
        "SELECT count(*) AS n FROM {t} WHERE address = '1 Main St'",
        "SELECT count(*) AS n FROM {t} WHERE address > '3' AND id < 50",
        "SELECT count(*) AS n FROM {t} WHERE address IS NULL",
        "SELECT country, count(*) AS n FROM {t} GROUP BY ALL ORDER BY ALL",
    ],
)
def test_csv_without_filter_pushdown(lake, query):
    same_as_hand_written(lake, "hr.people", query)


def test_filters_on_masked_columns_see_only_visible_cells(lake):
    """A filter on a masked column runs on the rows the role sees, with the
    masked value: probes that fail on a hidden value find none."""
    probes = [
        ("tpc.store_sales", "CASE WHEN ss_store_sk = 2 THEN error('saw a hidden cell') ELSE true END"),
        ("tpc.store_sales", "CASE WHEN ss_quantity <= 90 AND ss_store_sk IS NULL THEN error('saw a hidden row') "
                            "ELSE ss_sales_price > 50 END"),
        ("tpc.customer", "CAST(CASE WHEN c_birth_country = 'ALBANIA' THEN 'x' ELSE '1' END AS INTEGER) = 1"),
        ("hr.people", "100 / CASE WHEN country = 'UK' THEN 0 ELSE 1 END > 0"),
    ]
    for table, predicate in probes:
        same_as_hand_written(lake, table, "SELECT count(*) AS n FROM {t} WHERE " + predicate)


def test_condition_equal_to_the_row_predicate_masks_nothing(lake):
    """Two filters with the same rows but different columns: every column is
    visible on every row the role sees."""
    lake.admin("filter", "create", "mx_a", "--table", "tpc.customer", "--row-filter", CUSTOMER_WIDE,
               "--columns", "c_customer_sk,c_last_name")
    lake.admin("filter", "create", "mx_b", "--table", "tpc.customer", "--row-filter", CUSTOMER_WIDE,
               "--columns", "c_customer_sk,c_birth_country")
    lake.admin("role", "create", "mexico")
    lake.admin("grant", "--role", "mexico", "--table", "tpc.customer", "--filter", "mx_a")
    lake.admin("grant", "--role", "mexico", "--table", "tpc.customer", "--filter", "mx_b")
    rows, state, err = lake.sql(
        "mexico", "SELECT count(*) AS n, count(c_last_name) AS l, count(c_birth_country) AS c FROM tpc.customer")
    assert state is None, err
    expected, _, _ = lake.sql(
        "everything",
        "SELECT count(*) AS n, count(c_last_name) AS l, count(c_birth_country) AS c FROM tpc.customer "
        f"WHERE {CUSTOMER_WIDE}")
    assert rows == expected and rows[0]["n"] > 0
    rows, state, err = lake.sql("mexico", "SELECT count(*) AS n FROM tpc.customer WHERE c_last_name IS NULL")
    assert state is None, err
    expected, _, _ = lake.sql(
        "everything", f"SELECT count(*) AS n FROM tpc.customer WHERE {CUSTOMER_WIDE} AND c_last_name IS NULL")
    assert rows == expected


def test_masked_nested_columns(tmp_path, weir_bin):
    """A masked STRUCT or LIST column reads NULL, children included (such
    columns are masked with CASE expressions)."""
    duckdb = pytest.importorskip("duckdb")
    weir = Weir(tmp_path / "d")
    weir.admin("init")
    folder = weir.data_dir / "lake" / "geo" / "places"
    folder.mkdir(parents=True)
    duckdb.sql(
        "COPY (SELECT i AS id, ['north', 'south'][1 + i % 2] AS region, {'lat': i, 'name': 'p' || i} AS pos, "
        f"[i, i + 1] AS tags FROM range(5000) t(i)) TO '{folder / 'p.parquet'}' (FORMAT parquet)"
    )
    weir.admin("table", "register", "geo.places", "--location", "geo/places", "--create-database")
    weir.admin("filter", "create", "north", "--table", "geo.places", "--row-filter", "region = 'north'")
    weir.admin("filter", "create", "small", "--table", "geo.places", "--row-filter", "id < 100",
               "--columns", "id")
    weir.admin("role", "create", "cells")
    weir.admin("grant", "--role", "cells", "--table", "geo.places", "--filter", "north")
    weir.admin("grant", "--role", "cells", "--table", "geo.places", "--filter", "small")
    rows, state, err = weir.sql(
        "cells",
        "SELECT count(*) AS n, count(pos) AS p, count(pos.name) AS pn, count(tags) AS t, sum(len(tags)) AS tl, "
        "count(region) AS r FROM geo.places")
    assert state is None, err
    assert rows == [{"n": 2550, "p": 2500, "pn": 2500, "t": 2500, "tl": 5000, "r": 2500}]
    rows, state, err = weir.sql("cells", "SELECT count(*) AS n FROM geo.places WHERE pos.lat < 10")
    assert state is None, err
    assert rows == [{"n": 5}]
    rows, state, err = weir.sql(
        "cells", "SELECT id, pos, tags FROM geo.places WHERE id BETWEEN 2 AND 5 ORDER BY id")
    assert state is None, err
    assert [r["pos"] is None for r in rows] == [False, True, False, True]


THREE_A = "ss_store_sk = 1 AND ss_quantity < 50"
THREE_B = "ss_store_sk IN (2, 4) OR ss_customer_sk < 100"
THREE_VISIBLE = f"({THREE_A}) OR ({THREE_B})"
THREE_HAND = (f"(SELECT ss_item_sk, ss_quantity, CASE WHEN {THREE_VISIBLE} THEN ss_store_sk END AS ss_store_sk, "
              f"CASE WHEN {THREE_VISIBLE} THEN ss_net_paid END AS ss_net_paid FROM tpc.store_sales "
              f"WHERE {THREE_VISIBLE} OR ({SALES_NARROW}))")


@pytest.fixture(scope="module")
def three(lake):
    """Role `three`: two filters granting ss_store_sk and ss_net_paid (one
    row filter an AND, the other an OR) and the narrow one."""
    lake.admin("role", "create", "three")
    wide = "ss_item_sk,ss_quantity,ss_store_sk,ss_net_paid"
    for name, rows, columns in [("t_a", THREE_A, wide), ("t_b", THREE_B, wide),
                                ("t_n", SALES_NARROW, "ss_item_sk,ss_quantity")]:
        lake.admin("filter", "create", name, "--table", "tpc.store_sales", "--row-filter", rows, "--columns", columns)
        lake.admin("grant", "--role", "three", "--table", "tpc.store_sales", "--filter", name)
    return lake


@pytest.mark.parametrize(
    "query",
    [
        "SELECT count(*) AS n, count(ss_net_paid) AS p FROM {t}",
        "SELECT count(*) AS n, sum(ss_net_paid) AS s FROM {t} WHERE ss_net_paid > 20",
        "SELECT ss_store_sk, count(*) AS n FROM {t} WHERE ss_store_sk < 4 GROUP BY ALL ORDER BY ALL",
        "SELECT count(*) AS n FROM {t} WHERE ss_net_paid IS NULL",
    ],
)
def test_three_filters_with_nested_conditions(three, query):
    """The cell condition (an OR of two row filters) is none of the row
    predicate's alternatives, so a filter on a masked column adds it to the
    predicate beside the row predicate."""
    governed, state, err = three.sql("three", query.format(t="tpc.store_sales"))
    assert state is None, err
    expected, state, err = three.sql("everything", query.format(t=THREE_HAND))
    assert state is None, err
    assert governed == expected and governed


def test_distinct_conditions_on_chunks_whose_rows_all_pass(lake):
    """Three filters admitting every row between them, each granting its own
    column: each column is masked by its own condition."""
    lake.admin("role", "create", "each")
    for name, rows, column in [("e_all", "ss_quantity >= 0 OR ss_quantity IS NULL", "ss_net_paid"),
                               ("e_store", "ss_store_sk = 1", "ss_store_sk"),
                               ("e_big", "ss_quantity > 50", "ss_customer_sk")]:
        lake.admin("filter", "create", name, "--table", "tpc.store_sales", "--row-filter", rows,
                   "--columns", f"ss_item_sk,{column}")
        lake.admin("grant", "--role", "each", "--table", "tpc.store_sales", "--filter", name)
    query = ("SELECT count(*) AS n, count(ss_net_paid) AS p, count(ss_store_sk) AS s, count(ss_customer_sk) AS c, "
             "sum(ss_store_sk) AS ss, sum(ss_customer_sk) AS cs FROM {t}")
    hand = ("(SELECT ss_item_sk, ss_net_paid, CASE WHEN ss_store_sk = 1 THEN ss_store_sk END AS ss_store_sk, "
            "CASE WHEN ss_quantity > 50 THEN ss_customer_sk END AS ss_customer_sk FROM tpc.store_sales)")
    governed, state, err = lake.sql("each", query.format(t="tpc.store_sales"))
    assert state is None, err
    expected, _, _ = lake.sql("everything", query.format(t=hand))
    assert governed == expected
    assert 0 < governed[0]["s"] < governed[0]["c"] < governed[0]["n"]


def test_row_filter_conjuncts_skip_row_groups(tmp_path, weir_bin):
    """A conjunct of the row predicate comparing a column with a constant
    also goes to the Parquet reader, which skips the row groups its
    statistics exclude; the rows and cells are the same."""
    duckdb = pytest.importorskip("duckdb")
    weir = Weir(tmp_path / "d")
    weir.admin("init")
    folder = weir.data_dir / "lake" / "s" / "sorted"
    folder.mkdir(parents=True)
    duckdb.sql(
        "COPY (SELECT i AS id, ['north', 'south', 'east'][1 + i % 3] AS region, i % 7 AS v FROM range(20000) t(i)) "
        f"TO '{folder / 'p.parquet'}' (FORMAT parquet, ROW_GROUP_SIZE 1000)"
    )
    weir.admin("table", "register", "s.sorted", "--location", "s/sorted", "--create-database")
    weir.admin("filter", "create", "late", "--table", "s.sorted", "--row-filter",
               "id >= 15500 AND region <> 'east'")
    weir.admin("filter", "create", "v", "--table", "s.sorted", "--row-filter", "id < 1200", "--columns", "id,v")
    weir.admin("role", "create", "r")
    weir.admin("grant", "--role", "r", "--table", "s.sorted", "--filter", "late")
    weir.admin("grant", "--role", "r", "--table", "s.sorted", "--filter", "v")
    rows, state, err = weir.sql("r", "SELECT count(*) AS n, count(region) AS r, sum(v) AS s, min(id) AS lo "
                                     "FROM s.sorted")
    assert state is None, err
    late = [i for i in range(15500, 20000) if i % 3 != 2]
    assert rows == [{"n": len(late) + 1200, "r": len(late), "s": sum(i % 7 for i in late + list(range(1200))),
                     "lo": 0}]
    rows, state, err = weir.sql("r", "SELECT count(*) AS n FROM s.sorted WHERE region = 'north'")
    assert state is None, err
    assert rows == [{"n": len([i for i in late if i % 3 == 0])}]
