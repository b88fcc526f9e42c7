"""`weir access explain` and `weir access list`: what a role can read and why,
through the CLI, checked against what `weir sql --as-role` actually returns."""

import fcntl
import json
import subprocess

import pytest

from conftest import WEIR, make_filtered_lake

ELECTRONICS = "(\"i_category\" = 'Electronics')"
BOOKS = "(\"i_category\" = 'Books')"


@pytest.fixture
def lake(tmp_path, weir_bin):
    """make_filtered_lake, plus a `books` filter (Books rows; i_item_id and i_price)."""
    weir = make_filtered_lake(tmp_path / "d")
    weir.admin("filter", "create", "books", "--table", "tpc.item", "--row-filter", "i_category = 'Books'",
               "--columns", "i_item_id,i_price")
    return weir


def explain(weir, role, table, *extra, check=True):
    return weir.admin("access", "explain", "--role", role, "--table", table, *extra, check=check)


def explain_json(weir, role, table, *extra):
    return json.loads(explain(weir, role, table, "--json", *extra).stdout)


def error_line(proc):
    return next(line for line in proc.stderr.splitlines() if line.startswith("ERROR:"))


def test_explain_shows_rows_columns_hidden_and_grants(lake):
    out = explain(lake, "electronics", "tpc.item").stdout
    lines = out.splitlines()
    assert lines[0] == "tpc.item as role electronics"
    assert lines[1] == f"  rows:     {ELECTRONICS}   [filter electronics]"
    assert lines[2] == "  columns:"
    assert lines[3:6] == [
        "    i_item_id    BIGINT    always   [filter electronics]",
        "    i_category   VARCHAR   always   [filter electronics]",
        "    i_price      BIGINT    always   [filter electronics]",
    ]
    assert lines[6] == "  hidden:   i_supplier"
    assert lines[7] == "  grants:"
    assert lines[8].split() == ["#1", "filter", "electronics", "SELECT", "columns", "exclude", "[i_supplier]", "rows",
                                *ELECTRONICS.split()]


def test_explain_json_describes_every_column_and_grant(lake):
    doc = explain_json(lake, "electronics", "tpc.item")
    grant = {"grant_id": 1, "kind": "data_cells_filter", "filter": "electronics", "permissions": "SELECT",
             "grantable": "", "columns": "exclude [i_supplier]", "row_filter": ELECTRONICS}
    assert doc == {
        "role": "electronics",
        "table": "tpc.item",
        "row_predicate": ELECTRONICS,
        "rows_granted_by": [grant],
        "columns": [
            {"name": "i_item_id", "type": "BIGINT", "visible": True, "cell_condition": "always", "granted_by": [grant]},
            {"name": "i_category", "type": "VARCHAR", "visible": True, "cell_condition": "always",
             "granted_by": [grant]},
            {"name": "i_price", "type": "BIGINT", "visible": True, "cell_condition": "always", "granted_by": [grant]},
            {"name": "i_supplier", "visible": False},
        ],
        "grants": [grant],
    }


def test_all_rows_grant_wins_and_masks_cells(lake):
    lake.admin("grant", "--role", "electronics", "--table", "tpc.item", "--columns", "i_item_id")
    doc = explain_json(lake, "electronics", "tpc.item")
    assert doc["row_predicate"] == "all rows"
    assert [g["kind"] for g in doc["rows_granted_by"]] == ["table"]
    assert doc["rows_granted_by"][0]["columns"] == "include [i_item_id]"
    conditions = {c["name"]: c.get("cell_condition") for c in doc["columns"]}
    assert conditions == {"i_item_id": "always", "i_category": ELECTRONICS, "i_price": ELECTRONICS,
                          "i_supplier": None}
    ids = next(c for c in doc["columns"] if c["name"] == "i_item_id")
    assert [g["kind"] for g in ids["granted_by"]] == ["data_cells_filter", "table"]


# Grant setups for the agreement check: (role's grants as `weir grant` arguments).
SETUPS = {
    "filter": [["--table", "tpc.item", "--filter", "electronics"]],
    "two_filters": [["--table", "tpc.item", "--filter", "electronics"], ["--table", "tpc.item", "--filter", "books"]],
    "filter_and_all_rows": [["--table", "tpc.item", "--filter", "books"],
                            ["--table", "tpc.item", "--columns", "i_item_id,i_category"]],
    "include_exclude_union": [["--table", "tpc.item", "--columns", "i_supplier"],
                              ["--table", "tpc.item", "--exclude-columns", "i_supplier,i_price"]],
}


@pytest.mark.parametrize("setup", sorted(SETUPS))
def test_explanation_agrees_with_what_sql_returns(lake, setup):
    lake.admin("role", "create", "probe")
    for args in SETUPS[setup]:
        lake.admin("grant", "--role", "probe", *args)
    # A role that sees everything evaluates the explanation's SQL over all the rows.
    lake.admin("role", "create", "everything")
    lake.admin("grant", "--role", "everything", "--table", "tpc.item")
    doc = explain_json(lake, "probe", "tpc.item")

    visible = [c["name"] for c in doc["columns"] if c["visible"]]
    rows, state, err = lake.sql("probe", "DESCRIBE tpc.item")
    assert state is None, err
    assert [r["column_name"] for r in rows] == visible

    where = "true" if doc["row_predicate"] == "all rows" else doc["row_predicate"]
    expected, state, err = lake.sql("everything", f"SELECT * FROM tpc.item WHERE {where} ORDER BY i_item_id")
    assert state is None, err
    seen, state, err = lake.sql("probe", "SELECT * FROM tpc.item ORDER BY i_item_id")
    assert state is None, err
    assert [r["i_item_id"] for r in seen] == [r["i_item_id"] for r in expected]
    for column in doc["columns"]:
        if not column["visible"]:
            continue
        name = column["name"]
        condition = "true" if column["cell_condition"] == "always" else column["cell_condition"]
        shown, _, err = lake.sql("everything", f"SELECT i_item_id FROM tpc.item WHERE {where} AND {condition}")
        shown_ids = {r["i_item_id"] for r in shown}
        for row in seen:
            assert (row[name] is not None) == (row["i_item_id"] in shown_ids), (name, row)


def test_cell_level_explanation_matches_masked_cells(lake):
    lake.admin("filter", "create", "us", "--table", "hr.people", "--row-filter", "country = 'US'")
    lake.admin("filter", "create", "uk", "--table", "hr.people", "--row-filter", "country = 'UK'",
               "--exclude-columns", "address")
    lake.admin("role", "create", "hr")
    lake.admin("grant", "--role", "hr", "--table", "hr.people", "--filter", "us")
    lake.admin("grant", "--role", "hr", "--table", "hr.people", "--filter", "uk")
    doc = explain_json(lake, "hr", "hr.people")
    assert doc["row_predicate"] == "((\"country\" = 'US') OR (\"country\" = 'UK'))"
    address = next(c for c in doc["columns"] if c["name"] == "address")
    assert address["cell_condition"] == "(\"country\" = 'US')"
    assert [g["filter"] for g in address["granted_by"]] == ["us"]
    rows, _, _ = lake.sql("hr", "SELECT country, address FROM hr.people ORDER BY id")
    assert [(r["country"], r["address"] is not None) for r in rows] == [
        ("US", True), ("US", True), ("UK", False), ("UK", False)]


def test_one_column(lake):
    lake.admin("grant", "--role", "electronics", "--table", "tpc.item", "--filter", "books")
    out = explain(lake, "electronics", "tpc.item", "--column", "i_category").stdout
    assert out.splitlines()[0] == "tpc.item.i_category as role electronics"
    assert "  type:     VARCHAR" in out.splitlines()
    assert f"  cells:    {ELECTRONICS}" in out.splitlines()
    assert "books" not in out.split("granted by:")[1]
    doc = explain_json(lake, "electronics", "tpc.item", "--column", "i_price")
    assert doc["column"]["cell_condition"] == "always"
    assert [g["filter"] for g in doc["column"]["granted_by"]] == ["electronics", "books"]
    assert doc["row_predicate"] == f"({ELECTRONICS} OR {BOOKS})"


@pytest.mark.parametrize("column, state", [("i_supplier", "42501"), ("no_such_column", "42703")])
def test_unreadable_column_fails_naming_it(lake, column, state):
    proc = explain(lake, "electronics", "tpc.item", "--column", column, check=False)
    assert proc.returncode == 1
    assert proc.stdout == ""
    line = error_line(proc)
    assert state in line and column in line and "not readable by role electronics" in line


@pytest.mark.parametrize(
    "role, table, state, words",
    [
        ("electronics", "hr.people", "42501", "cannot read hr.people"),
        ("electronics", "tpc.nope", "42704", "tpc.nope does not exist"),
        ("ghost", "tpc.item", "42704", "role ghost does not exist"),
        ("electronics", "not-qualified", "22023", "DATABASE.TABLE"),
    ],
)
def test_unreadable_table_fails(lake, role, table, state, words):
    proc = explain(lake, role, table, check=False)
    assert proc.returncode == 1
    assert proc.stdout == ""
    line = error_line(proc)
    assert state in line and words in line


def test_missing_options_are_usage_errors(lake):
    assert lake.admin("access", "explain", "--role", "electronics", check=False).returncode == 2
    assert lake.admin("access", "list", check=False).returncode == 2
    assert lake.run("access", check=False).returncode == 2


def test_list_every_readable_table(lake):
    lake.admin("grant", "--role", "electronics", "--table", "hr.people", "--columns", "id")
    out = lake.admin("access", "list", "--role", "electronics").stdout
    assert out.splitlines() == [
        "role electronics can read 2 tables",
        "  hr.people   1 of 3 columns   rows all rows",
        f"  tpc.item    3 of 4 columns   rows {ELECTRONICS}",
        "grants:",
        "  #1   filter electronics on tpc.item   SELECT",
        "  #2   table hr.people columns [id]   SELECT",
    ]
    doc = json.loads(lake.admin("access", "list", "--role", "electronics", "--json").stdout)
    assert doc["role"] == "electronics"
    assert [t["table"] for t in doc["tables"]] == ["hr.people", "tpc.item"]
    assert doc["tables"][1] == explain_json(lake, "electronics", "tpc.item")


def test_list_for_a_role_without_access_and_a_missing_role(lake):
    lake.admin("role", "create", "nobody")
    proc = lake.admin("access", "list", "--role", "nobody")
    assert proc.stdout == "role nobody can read no tables\n"
    assert json.loads(lake.admin("access", "list", "--role", "nobody", "--json").stdout) == {
        "role": "nobody", "tables": [], "grants": []}
    proc = lake.admin("access", "list", "--role", "ghost", check=False)
    assert proc.returncode == 1 and "role ghost does not exist" in error_line(proc)


def test_demo_analyst(shop):
    out = shop.admin("access", "explain", "--role", "analyst", "--table", "shop.customers").stdout
    assert "  rows:     all rows   [table exclude [email, phone]]" in out.splitlines()
    assert "  hidden:   email, phone" in out.splitlines()


def test_explaining_changes_nothing(lake):
    before = lake.audit_records()
    explain(lake, "electronics", "tpc.item")
    lake.admin("access", "list", "--role", "electronics")
    assert lake.audit_records() == before


def test_respects_the_data_directory_lock(lake):
    with open(lake.data_dir / "weir.lock", "r+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        proc = explain(lake, "electronics", "tpc.item", check=False)
        assert proc.returncode == 1
        assert "held by another Weir process" in error_line(proc)
        fcntl.flock(held, fcntl.LOCK_UN)
    assert explain(lake, "electronics", "tpc.item").returncode == 0


def test_help_describes_output_and_exit_status(weir_bin):
    proc = subprocess.run([str(WEIR), "access", "explain", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "--column" in proc.stdout and "Exit status" in proc.stdout and "cell_condition" in proc.stdout
    proc = subprocess.run([str(WEIR), "access", "list", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Exit status" in proc.stdout
