"""Data cells filters: row-, column- and cell-level security with Lake
Formation's combination rules, through `weir sql --as-role`."""

import pytest

from conftest import make_filtered_lake

@pytest.fixture
def lake(tmp_path, weir_bin):
    return make_filtered_lake(tmp_path / "d")


def test_row_filter_limits_rows_and_columns(lake):
    rows, state, err = lake.sql("electronics", "SELECT * FROM tpc.item ORDER BY i_item_id")
    assert state is None, err
    assert rows == [
        {"i_item_id": 1, "i_category": "Electronics", "i_price": 100},
        {"i_item_id": 2, "i_category": "Electronics", "i_price": 250},
    ]
    _, state, _ = lake.sql("electronics", "SELECT i_supplier FROM tpc.item")
    assert state == "42703"


@pytest.mark.parametrize(
    "predicate",
    [
        "CASE WHEN i_category = 'Books' THEN error('saw a hidden row') ELSE true END",
        "CAST(CASE WHEN i_category = 'Books' THEN 'not a number' ELSE '1' END AS INTEGER) = 1",
        "100 / i_price > 0",  # a hidden Books row has price 0
        "i_category <> 'Books' OR error('boom') IS NULL",
    ],
)
def test_error_probing_predicates_see_only_visible_rows(lake, predicate):
    rows, state, err = lake.sql("electronics", f"SELECT count(*) AS n FROM tpc.item WHERE {predicate}")
    assert state is None, err
    assert rows == [{"n": 2}]


def test_hidden_rows_leave_no_trace_in_aggregates_or_joins(lake):
    rows, _, _ = lake.sql(
        "electronics",
        "SELECT count(*) AS n, sum(i_price) AS s, count(DISTINCT i_category) AS c FROM tpc.item",
    )
    assert rows == [{"n": 2, "s": 350, "c": 1}]
    rows, _, _ = lake.sql(
        "electronics",
        "SELECT count(*) AS n FROM tpc.item a JOIN tpc.item b ON a.i_category = b.i_category",
    )
    assert rows == [{"n": 4}]


def test_cell_level_security_nulls_cells_outside_their_filter(lake):
    lake.admin("filter", "create", "us", "--table", "hr.people", "--row-filter", "country = 'US'")
    lake.admin("filter", "create", "uk", "--table", "hr.people", "--row-filter", "country = 'UK'",
               "--exclude-columns", "address")
    lake.admin("role", "create", "hr")
    lake.admin("grant", "--role", "hr", "--table", "hr.people", "--filter", "us")
    lake.admin("grant", "--role", "hr", "--table", "hr.people", "--filter", "uk")
    rows, state, err = lake.sql("hr", "SELECT * FROM hr.people ORDER BY id")
    assert state is None, err
    assert rows == [
        {"id": 1, "country": "US", "address": "1 Main St"},
        {"id": 2, "country": "US", "address": "2 Oak Ave"},
        {"id": 3, "country": "UK", "address": None},
        {"id": 4, "country": "UK", "address": None},
    ]
    # Predicates on a masked column see the NULL, not the hidden value.
    rows, _, _ = lake.sql("hr", "SELECT count(*) AS n FROM hr.people WHERE address = 'secret'")
    assert rows == [{"n": 0}]
    rows, _, _ = lake.sql("hr", "SELECT count(*) AS n FROM hr.people WHERE address IS NULL")
    assert rows == [{"n": 2}]
    rows, _, _ = lake.sql(
        "hr", "SELECT count(*) AS n FROM hr.people WHERE CASE WHEN address = 'secret' THEN error('x') ELSE true END"
    )
    assert rows == [{"n": 4}]
    rows, _, _ = lake.sql("hr", "SELECT max(length(address)) AS m, count(address) AS c FROM hr.people")
    assert rows == [{"m": 9, "c": 2}]


def test_all_rows_grant_wins(lake):
    lake.admin("grant", "--role", "electronics", "--table", "tpc.item", "--columns", "i_item_id")
    rows, _, _ = lake.sql("electronics", "SELECT i_item_id, i_category FROM tpc.item ORDER BY i_item_id")
    # Every row now exists; i_category is visible only where the filter admits the row.
    assert [r["i_item_id"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["i_category"] for r in rows] == ["Electronics", "Electronics", None, None, None]


def test_filter_may_use_a_column_it_hides(lake):
    lake.admin("filter", "create", "cheap", "--table", "tpc.item", "--row-filter", "i_price < 80",
               "--columns", "i_item_id")
    lake.admin("role", "create", "cheap")
    lake.admin("grant", "--role", "cheap", "--table", "tpc.item", "--filter", "cheap")
    rows, state, _ = lake.sql("cheap", "SELECT * FROM tpc.item ORDER BY i_item_id")
    assert state is None and rows == [{"i_item_id": 3}, {"i_item_id": 4}, {"i_item_id": 5}]


@pytest.mark.parametrize(
    "row_filter, message",
    [
        ("i_category = ", "position"),
        ("upper(i_category) = 'X'", "position"),
        ("i_price > i_item_id", "position"),
        ("nope = 1", "nope"),
        ("i_price = 'cheap'", "i_price"),
        ("i_category LIKE 5", "position"),
    ],
)
def test_bad_filters_are_refused_and_change_nothing(lake, row_filter, message):
    before = lake.audit_records()
    proc = lake.admin("filter", "create", "bad", "--table", "tpc.item", "--row-filter", row_filter, check=False)
    assert proc.returncode == 1
    assert "22023" in proc.stderr and message in proc.stderr
    assert lake.audit_records() == before
    assert "bad" not in lake.admin("filter", "list").stdout


def test_listings_follow_filters(lake):
    rows, _, _ = lake.sql("electronics", "DESCRIBE tpc.item")
    assert [r["column_name"] for r in rows] == ["i_item_id", "i_category", "i_price"]
    rows, _, _ = lake.sql("electronics", "SHOW DATABASES")
    assert rows == [{"database_name": "tpc"}]


def test_deleting_a_filter_revokes_its_grants(lake):
    lake.admin("filter", "delete", "electronics", "--table", "tpc.item")
    _, state, _ = lake.sql("electronics", "SELECT * FROM tpc.item")
    assert state == "42501"


def test_audit_records_filter_administration(lake):
    actions = [r["action"] for r in lake.audit_records()]
    assert "create_data_filter" in actions
    record = [r for r in lake.audit_records() if r["action"] == "create_data_filter"][0]
    assert record["detail"]["row_filter"] == "(\"i_category\" = 'Electronics')"


def test_masked_parquet_columns_do_not_trust_the_files_statistics(fresh):
    """Parquet statistics say a column has no NULLs; a cell condition adds
    them. The optimizer must neither drop `IS NULL` as impossible nor skip
    NULL checks on the masked cells (grouping by one used to crash)."""
    fresh.run("datagen", "--dataset", "shop", "--out", str(fresh.data_dir / "lake" / "shop"))
    fresh.admin("table", "register", "shop.customers", "--location", "shop/customers", "--create-database")
    fresh.admin("filter", "create", "north", "--table", "shop.customers", "--row-filter", "region = 'north'")
    fresh.admin("filter", "create", "ids", "--table", "shop.customers", "--columns", "customer_id,region")
    fresh.admin("role", "create", "cells")
    fresh.admin("grant", "--role", "cells", "--table", "shop.customers", "--filter", "north")
    fresh.admin("grant", "--role", "cells", "--table", "shop.customers", "--filter", "ids")
    rows, state, err = fresh.sql("cells", "SELECT count(*) AS n FROM shop.customers WHERE email IS NULL")
    assert state is None, err
    assert rows == [{"n": 150}]
    rows, state, err = fresh.sql("cells", "SELECT email IS NULL AS hidden, count(*) AS n FROM shop.customers "
                                          "GROUP BY ALL ORDER BY hidden")
    assert state is None, err
    assert rows == [{"hidden": False, "n": 50}, {"hidden": True, "n": 150}]
    rows, state, err = fresh.sql("cells", "SELECT full_name, count(*) AS n FROM shop.customers "
                                          "GROUP BY full_name ORDER BY n DESC LIMIT 1")
    assert state is None, err
    assert rows == [{"full_name": None, "n": 150}]
