"""LF-Tags: tag keys, assignment with inheritance and override, grants by
tag expression, through the CLI and `weir sql --as-role`."""

import json

import pytest

from conftest import make_filtered_lake


@pytest.fixture
def lake(tmp_path, weir_bin):
    weir = make_filtered_lake(tmp_path / "d")
    weir.admin("tag", "create", "Domain", "--values", "Sales,HR")
    weir.admin("tag", "create", "pii", "--values", "yes,no")
    weir.admin("role", "create", "sales")
    return weir


def test_keys_and_values_are_lower_cased_and_listed(lake):
    tags = json.loads(lake.admin("tag", "list", "--json").stdout)
    assert tags == [{"key": "domain", "values": ["hr", "sales"]}, {"key": "pii", "values": ["no", "yes"]}]
    lake.admin("tag", "update", "domain", "--add-values", "Finance", "--remove-values", "hr")
    assert "domain\tfinance,sales" in lake.admin("tag", "list").stdout
    bad = lake.admin("tag", "create", "x" * 129, "--values", "a", check=False)
    assert bad.returncode == 1 and "limit is 128" in bad.stderr
    bad = lake.admin("tag", "create", "domain", "--values", "a", check=False)
    assert bad.returncode == 1 and "already exists" in bad.stderr


def test_tag_grant_narrows_select_star_and_column_override_hides_a_column(lake):
    lake.admin("tag", "assign", "--database", "tpc", "domain=sales", "pii=no")
    # A column overriding the inherited value leaves the expression's match.
    lake.admin("tag", "assign", "--database", "tpc", "--table", "item", "--column", "i_supplier", "pii=yes")
    lake.admin("grant", "--role", "sales", "--tag-expression", "domain=sales;pii=no", "--permissions", "SELECT")
    rows, state, err = lake.sql("sales", "SELECT * FROM tpc.item ORDER BY i_item_id LIMIT 1")
    assert state is None, err
    assert list(rows[0]) == ["i_item_id", "i_category", "i_price"]
    _, state, _ = lake.sql("sales", "SELECT i_supplier FROM tpc.item")
    assert state == "42703"
    # hr is not tagged: invisible and unreadable.
    _, state, _ = lake.sql("sales", "SELECT * FROM hr.people")
    assert state == "42501"

    shown = json.loads(lake.admin("tag", "show", "--database", "tpc", "--table", "item", "--json").stdout)
    assert shown["tags"] == [
        {"key": "domain", "value": "sales", "source": "database"},
        {"key": "pii", "value": "no", "source": "database"},
    ]
    supplier = next(c for c in shown["columns"] if c["name"] == "i_supplier")
    assert {"key": "pii", "value": "yes", "source": "column"} in supplier["tags"]

    explained = json.loads(lake.admin("access", "explain", "--role", "sales", "--table", "tpc.item", "--json").stdout)
    assert explained["grants"][0]["kind"] == "lf_tag_policy"
    assert explained["grants"][0]["expression"] == "domain=sales;pii=no"
    assert explained["grants"][0]["columns"] == "tagged [i_item_id, i_category, i_price]"


def test_listings_follow_tags(lake):
    lake.admin("grant", "--role", "sales", "--tag-expression", "domain=sales")
    # Nothing is tagged yet: the role sees no database.
    _, state, _ = lake.sql("sales", "SHOW TABLES", database="tpc")
    assert state == "3D000"
    lake.admin("tag", "assign", "--database", "tpc", "--table", "item", "domain=sales")
    rows, _, _ = lake.sql("sales", "SHOW TABLES", database="tpc")
    assert [r["name"] for r in rows] == ["item"]
    rows, _, _ = lake.sql("sales", "SELECT count(*) AS n FROM tpc.item")
    assert rows == [{"n": 5}]  # every row: a tag grant has no row filter
    # Removing the tag takes the access with it.
    lake.admin("tag", "unassign", "--database", "tpc", "--table", "item", "domain")
    _, state, _ = lake.sql("sales", "SELECT count(*) AS n FROM tpc.item")
    assert state == "42501"


def test_tag_grant_unions_with_named_grants_and_revokes(lake):
    lake.admin("tag", "assign", "--database", "hr", "domain=hr")
    lake.admin("grant", "--role", "sales", "--tag-expression", "domain=hr")
    lake.admin("grant", "--role", "sales", "--table", "tpc.item", "--columns", "i_item_id")
    rows, state, err = lake.sql("sales", "SELECT * FROM hr.people ORDER BY id LIMIT 1")
    assert state is None, err
    rows, _, _ = lake.sql("sales", "SELECT * FROM tpc.item ORDER BY i_item_id LIMIT 1")
    assert list(rows[0]) == ["i_item_id"]
    lake.admin("revoke", "--role", "sales", "--tag-expression", "DOMAIN=HR")
    _, state, _ = lake.sql("sales", "SELECT * FROM hr.people")
    assert state == "42501"


def test_bad_assignments_are_refused_and_change_nothing(lake):
    before = lake.admin("tag", "show", "--database", "tpc", "--table", "item", "--json").stdout
    for args, message in [
        (["domain=marketing"], "has no value marketing"),
        (["color=red"], "LF-Tag color does not exist"),
        (["domain=sales", "domain=hr"], "given twice"),
        (["--column", "nope", "domain=sales"], "has no column nope"),
    ]:
        proc = lake.admin("tag", "assign", "--database", "tpc", "--table", "item", *args, check=False)
        assert proc.returncode == 1, args
        assert message in proc.stderr, proc.stderr
    assert lake.admin("tag", "show", "--database", "tpc", "--table", "item", "--json").stdout == before


def test_deleting_a_tag_removes_its_assignments_and_grants(lake):
    lake.admin("tag", "assign", "--database", "tpc", "domain=sales")
    lake.admin("grant", "--role", "sales", "--tag-expression", "domain=sales")
    lake.admin("tag", "delete", "domain")
    _, state, _ = lake.sql("sales", "SELECT * FROM tpc.item")
    assert state == "42501"
    listed = json.loads(lake.admin("access", "list", "--role", "sales", "--json").stdout)
    assert listed["grants"] == []
    shown = json.loads(lake.admin("tag", "show", "--database", "tpc", "--json").stdout)
    assert shown["tags"] == []


def test_every_tag_subcommand_has_help(lake):
    for sub in ["create", "update", "delete", "list", "assign", "unassign", "show"]:
        proc = lake.run("tag", sub, "--help")
        assert proc.returncode == 0
        assert "--data-dir" in proc.stdout
