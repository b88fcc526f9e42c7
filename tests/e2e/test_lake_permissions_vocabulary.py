"""Lake Formation's permission vocabulary through the CLI: permissions per
resource kind (catalog, database, all tables of a database, table, columns,
data cells filter), the grant option, data lake administrators, and what
`weir sql --as-role` makes of them."""

import json
import os
import subprocess

import pytest

from conftest import WEIR, make_filtered_lake

ALLOW_ALL = json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


@pytest.fixture
def lake(tmp_path, weir_bin):
    """make_filtered_lake (tpc.item, hr.people, role electronics), plus role
    `analyst` and user `sam` (execution role `steward`, every IAM action
    allowed, no Lake Formation permissions)."""
    weir = make_filtered_lake(tmp_path / "d")
    weir.admin("role", "create", "analyst")
    weir.admin("role", "create", "steward")
    weir.run("role", "put-policy", "steward", "all", "-", "--data-dir", str(weir.data_dir), stdin=ALLOW_ALL)
    env = dict(os.environ, SAM_PASSWORD="sam-pw")
    subprocess.run([str(WEIR), "user", "create", "sam", "--execution-role", "steward", "--password-env",
                    "SAM_PASSWORD", "--data-dir", str(weir.data_dir)], check=True, capture_output=True, env=env,
                   timeout=60)
    return weir


def as_sam(weir, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("WEIR_USER", "WEIR_PASSWORD")}
    env["WEIR_USER"] = "sam"
    env["WEIR_PASSWORD"] = "sam-pw"
    return subprocess.run([str(WEIR), *args, "--data-dir", str(weir.data_dir)], capture_output=True, text=True,
                          env=env, timeout=60)


def error_line(proc):
    return next(line for line in proc.stderr.splitlines() if line.startswith("ERROR:"))


def register_orders(weir):
    orders = weir.data_dir / "lake" / "tpc" / "orders"
    orders.mkdir(parents=True)
    (orders / "o.csv").write_text("o_id,o_item\n1,1\n2,3\n")
    weir.admin("table", "register", "tpc.orders", "--location", "tpc/orders", "--format", "csv")


@pytest.mark.parametrize("target,permission", [
    (["--catalog"], "SELECT"),
    (["--catalog"], "DESCRIBE"),
    (["--database", "tpc"], "SELECT"),
    (["--database", "tpc"], "INSERT"),
    (["--database", "tpc"], "CREATE_DATABASE"),
    (["--database", "tpc", "--all-tables"], "CREATE_TABLE"),
    (["--table", "tpc.item"], "CREATE_TABLE"),
    (["--table", "tpc.item"], "DATA_LOCATION_ACCESS"),
    (["--table", "tpc.item", "--columns", "i_item_id"], "DESCRIBE"),
    (["--table", "tpc.item", "--filter", "electronics"], "INSERT"),
    (["--table", "tpc.item"], "ASSOCIATE"),
])
def test_invalid_combinations_are_refused_with_the_reason(lake, target, permission):
    proc = lake.admin("grant", "--role", "analyst", *target, "--permissions", permission, check=False)
    assert proc.returncode == 1
    assert f"permission {permission} cannot be granted on a" in error_line(proc)
    assert json.loads(lake.admin("access", "list", "--role", "analyst", "--json").stdout)["grants"] == []


def test_unknown_permission_and_grantable_outside_permissions(lake):
    proc = lake.admin("grant", "--role", "analyst", "--table", "tpc.item", "--permissions", "READ", check=False)
    assert proc.returncode == 1 and "unknown permission 'READ'" in error_line(proc)
    proc = lake.admin("grant", "--role", "analyst", "--table", "tpc.item", "--grantable", "INSERT", check=False)
    assert proc.returncode == 1 and "must be among the granted permissions" in error_line(proc)
    proc = lake.admin("grant", "--role", "analyst", "--table", "tpc.item", "--database", "tpc", check=False)
    assert proc.returncode != 0


def test_valid_grants_on_every_resource_kind_are_listed_with_permissions(lake):
    lake.admin("grant", "--role", "analyst", "--catalog", "--permissions", "CREATE_DATABASE")
    lake.admin("grant", "--role", "analyst", "--database", "tpc", "--permissions", "CREATE_TABLE,DESCRIBE")
    lake.admin("grant", "--role", "analyst", "--database", "hr", "--all-tables", "--permissions", "DESCRIBE")
    lake.admin("grant", "--role", "analyst", "--table", "tpc.item", "--permissions", "SELECT,DESCRIBE",
               "--grantable", "SELECT")
    lake.admin("grant", "--role", "analyst", "--table", "tpc.item", "--columns", "i_item_id")
    lake.admin("grant", "--role", "analyst", "--table", "tpc.item", "--filter", "electronics")
    doc = json.loads(lake.admin("access", "list", "--role", "analyst", "--json").stdout)
    assert [(g["resource"], g["permissions"], g["grantable"]) for g in doc["grants"]] == [
        ("catalog", "CREATE_DATABASE", ""),
        ("database tpc", "DESCRIBE,CREATE_TABLE", ""),
        ("all tables of hr", "DESCRIBE", ""),
        ("table tpc.item", "SELECT,DESCRIBE", "SELECT"),
        ("table tpc.item columns [i_item_id]", "SELECT", ""),
        ("filter electronics on tpc.item", "SELECT", ""),
    ]
    text = lake.admin("access", "list", "--role", "analyst").stdout.splitlines()
    assert "grants:" in text
    assert any(line.split()[1:] == ["table", "tpc.item", "SELECT,DESCRIBE", "(grantable", "SELECT)"] for line in text)
    explained = lake.admin("access", "explain", "--role", "analyst", "--table", "tpc.item").stdout
    assert "SELECT,DESCRIBE (grantable SELECT)" in explained


def test_default_permission_is_select_and_revoke_takes_the_same_shapes(lake):
    lake.admin("grant", "--role", "analyst", "--table", "tpc.item", "--exclude-columns", "i_supplier")
    rows, state, _ = lake.sql("analyst", "SELECT * FROM tpc.item ORDER BY i_item_id LIMIT 1")
    assert state is None and list(rows[0]) == ["i_item_id", "i_category", "i_price"]
    lake.admin("revoke", "--role", "analyst", "--table", "tpc.item")
    _, state, _ = lake.sql("analyst", "SELECT * FROM tpc.item")
    assert state == "42501"
    proc = lake.admin("revoke", "--role", "analyst", "--table", "tpc.item", check=False)
    assert proc.returncode == 1 and "holds no such SELECT grant" in error_line(proc)


def test_all_tables_grant_covers_a_table_registered_later(lake):
    lake.admin("grant", "--role", "analyst", "--database", "tpc", "--all-tables")
    rows, state, _ = lake.sql("analyst", "SELECT count(*) AS n FROM tpc.item")
    assert state is None and rows == [{"n": 5}]
    _, state, _ = lake.sql("analyst", "SELECT * FROM hr.people")
    assert state == "42501"
    register_orders(lake)
    rows, state, _ = lake.sql("analyst", "SELECT count(*) AS n FROM tpc.orders")
    assert state is None and rows == [{"n": 2}]
    rows, _, _ = lake.sql("analyst", "SHOW TABLES FROM tpc")
    assert rows == [{"name": "item"}, {"name": "orders"}]
    rows, _, _ = lake.sql("analyst", "SHOW DATABASES")
    assert rows == [{"database_name": "tpc"}]
    lake.admin("revoke", "--role", "analyst", "--database", "tpc", "--all-tables")
    _, state, _ = lake.sql("analyst", "SELECT count(*) FROM tpc.orders")
    assert state == "42501"


def test_all_implies_select(lake):
    lake.admin("grant", "--role", "analyst", "--table", "hr.people", "--permissions", "ALL")
    rows, state, _ = lake.sql("analyst", "SELECT count(*) AS n FROM hr.people")
    assert state is None and rows == [{"n": 5}]


def test_describe_lists_a_table_without_making_it_readable(lake):
    lake.admin("grant", "--role", "analyst", "--table", "hr.people", "--permissions", "DESCRIBE")
    rows, _, _ = lake.sql("analyst", "SHOW TABLES FROM hr")
    assert rows == [{"name": "people"}]
    rows, _, _ = lake.sql("analyst", "SHOW DATABASES")
    assert rows == [{"database_name": "hr"}]
    _, state, _ = lake.sql("analyst", "SELECT * FROM hr.people")
    assert state == "42501"


def test_a_user_grants_only_what_its_role_holds_grantable(lake):
    proc = as_sam(lake, "grant", "--role", "analyst", "--table", "tpc.item")
    assert proc.returncode == 1
    assert "cannot grant SELECT on table tpc.item" in error_line(proc)
    denied = lake.audit_records()[-1]
    assert (denied["action"], denied["decision"], denied["actor"]) == ("grant", "deny", "sam")
    lake.admin("grant", "--role", "steward", "--table", "tpc.item", "--permissions", "SELECT,INSERT",
               "--grantable", "SELECT")
    proc = as_sam(lake, "grant", "--role", "analyst", "--table", "tpc.item", "--columns", "i_item_id")
    assert proc.returncode == 0, proc.stderr
    rows, state, _ = lake.sql("analyst", "SELECT * FROM tpc.item ORDER BY i_item_id LIMIT 1")
    assert state is None and rows == [{"i_item_id": 1}]
    proc = as_sam(lake, "grant", "--role", "analyst", "--table", "tpc.item", "--permissions", "INSERT")
    assert proc.returncode == 1 and "cannot grant INSERT" in error_line(proc)
    # Revoking the grant option takes the power away again.
    lake.admin("revoke", "--role", "steward", "--table", "tpc.item", "--grantable", "SELECT")
    proc = as_sam(lake, "revoke", "--role", "analyst", "--table", "tpc.item", "--columns", "i_item_id")
    assert proc.returncode == 1 and "cannot revoke SELECT" in error_line(proc)


def test_lake_admins_grant_anything_see_everything_read_nothing(lake):
    assert lake.admin("lake-admin", "list").stdout == "user/admin\n"
    lake.admin("lake-admin", "add", "user/sam")
    lake.admin("lake-admin", "add", "role/steward")
    assert lake.admin("lake-admin", "list").stdout.splitlines() == ["role/steward", "user/admin", "user/sam"]
    proc = as_sam(lake, "grant", "--role", "analyst", "--catalog", "--permissions", "CREATE_DATABASE")
    assert proc.returncode == 0, proc.stderr
    proc = as_sam(lake, "grant", "--role", "analyst", "--table", "tpc.item", "--grantable", "SELECT")
    assert proc.returncode == 0, proc.stderr
    # A lake administrator's role sees every database and table, and reads none.
    rows, _, _ = lake.sql("steward", "SHOW DATABASES")
    assert rows == [{"database_name": "hr"}, {"database_name": "tpc"}]
    rows, _, _ = lake.sql("steward", "SHOW TABLES FROM tpc")
    assert rows == [{"name": "item"}]
    _, state, _ = lake.sql("steward", "SELECT * FROM tpc.item")
    assert state == "42501"
    lake.admin("lake-admin", "remove", "user/sam")
    proc = as_sam(lake, "grant", "--role", "analyst", "--database", "tpc", "--permissions", "DESCRIBE")
    assert proc.returncode == 0, proc.stderr  # still: its role steward is one
    lake.admin("lake-admin", "remove", "role/steward")
    proc = as_sam(lake, "grant", "--role", "analyst", "--database", "hr", "--permissions", "DESCRIBE")
    assert proc.returncode == 1
    proc = lake.admin("lake-admin", "add", "role/ghost", check=False)
    assert proc.returncode == 1 and "role ghost does not exist" in error_line(proc)
    proc = lake.admin("lake-admin", "add", "steward", check=False)
    assert proc.returncode == 1
    actions = [r.get("action") for r in lake.audit_records()]
    assert "add_lake_admin" in actions and "remove_lake_admin" in actions
