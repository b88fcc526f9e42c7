"""Data directory and admin verbs, through the CLI (issue: foundation)."""

import json
import os
import subprocess
import time

import pytest

from conftest import WEIR


def test_version_names_weir_and_duckdb(weir_bin):
    out = subprocess.run([str(weir_bin), "--version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("weir ") and "DuckDB v1.4.4" in out


@pytest.mark.parametrize(
    "command",
    [
        [], ["init"], ["role"], ["role", "create"], ["role", "delete"], ["role", "list"], ["database"],
        ["database", "create"], ["table"], ["table", "register"], ["table", "list"], ["table", "describe"],
        ["table", "drop"], ["grant"], ["revoke"], ["sql"], ["demo"],
    ],
)
def test_every_subcommand_has_help(weir_bin, command):
    proc = subprocess.run([str(weir_bin), *command, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "Usage" in proc.stdout or "usage" in proc.stdout.lower()


def test_init_creates_the_layout_and_refuses_twice(fresh):
    assert (fresh.data_dir / "lake").is_dir()
    assert (fresh.data_dir / "weir.db").is_file()
    proc = fresh.admin("init", check=False)
    assert proc.returncode == 1 and "already initialized" in proc.stderr


def test_data_dir_defaults_to_env(tmp_path, weir_bin):
    env = dict(os.environ, WEIR_DATA_DIR=str(tmp_path / "envdir"))
    subprocess.run([str(weir_bin), "init"], env=env, check=True, capture_output=True)
    assert (tmp_path / "envdir" / "weir.db").exists()


def test_uninitialized_dir_is_refused(tmp_path, weir_bin):
    proc = subprocess.run(
        [str(weir_bin), "role", "create", "r", "--data-dir", str(tmp_path / "nope")], capture_output=True, text=True
    )
    assert proc.returncode == 1 and "not initialized" in proc.stderr


def test_register_reads_schema_and_partitions(sample_lake):
    out = sample_lake.admin("table", "register", "shop.orders", "--location", "shop/orders", "--create-database")
    assert "registered shop.orders" in out.stdout
    cols = sample_lake.admin("table", "describe", "shop.orders").stdout.splitlines()
    assert "region\tVARCHAR\tpartition" in cols
    assert any(c.startswith("order_id\tBIGINT") for c in cols)


def test_register_refuses_bad_locations(sample_lake):
    sample_lake.admin("database", "create", "shop")
    for location in ["../etc", "/etc", "shop/../../x", "shop/none"]:
        proc = sample_lake.admin("table", "register", "shop.t", "--location", location, check=False)
        assert proc.returncode == 1, location
    proc = sample_lake.admin("table", "register", "shop.t", "--location", "shop/orders", "--format", "csv", check=False)
    assert proc.returncode == 1 and "no csv files" in proc.stderr


def test_csv_table(fresh):
    d = fresh.data_dir / "lake" / "misc" / "people"
    d.mkdir(parents=True)
    (d / "a.csv").write_text("id,name,secret\n1,ann,s1\n2,bob,s2\n")
    fresh.admin("table", "register", "misc.people", "--location", "misc/people", "--format", "csv",
                "--create-database")
    fresh.admin("role", "create", "reader")
    fresh.admin("grant", "--role", "reader", "--table", "misc.people", "--columns", "id,name")
    rows, state, _ = fresh.sql("reader", "SELECT * FROM misc.people ORDER BY id")
    assert state is None and rows == [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}]


def test_grant_include_exclude_union_and_revoke(sample_lake):
    w = sample_lake
    w.admin("table", "register", "shop.customers", "--location", "shop/customers", "--create-database")
    w.admin("role", "create", "r")
    w.admin("grant", "--role", "r", "--table", "shop.customers", "--columns", "customer_id")
    rows, _, _ = w.sql("r", "SELECT * FROM shop.customers LIMIT 1")
    assert list(rows[0]) == ["customer_id"]
    w.admin("grant", "--role", "r", "--table", "shop.customers", "--exclude-columns", "email,phone,full_name")
    rows, _, _ = w.sql("r", "SELECT * FROM shop.customers LIMIT 1")
    assert list(rows[0]) == ["customer_id", "region", "signup_date"]
    # Granting the same again changes nothing.
    w.admin("grant", "--role", "r", "--table", "shop.customers", "--columns", "customer_id")
    w.admin("revoke", "--role", "r", "--table", "shop.customers", "--exclude-columns", "email,phone,full_name")
    rows, _, _ = w.sql("r", "SELECT * FROM shop.customers LIMIT 1")
    assert list(rows[0]) == ["customer_id"]
    w.admin("revoke", "--role", "r", "--table", "shop.customers")
    _, state, _ = w.sql("r", "SELECT * FROM shop.customers")
    assert state == "42501"
    proc = w.admin("revoke", "--role", "r", "--table", "shop.customers", check=False)
    assert proc.returncode == 1 and "no such SELECT grant" in proc.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["grant", "--role", "ghost", "--table", "shop.customers"], "role ghost does not exist"),
        (["grant", "--role", "r", "--table", "shop.nope"], "table shop.nope does not exist"),
        (["grant", "--role", "r", "--table", "shop.customers", "--columns", "nope"], "has no column nope"),
        (["grant", "--role", "r", "--table", "customers"], "expected DATABASE.TABLE"),
        (["role", "create", "Bad Name"], "invalid role name"),
        (["role", "create", "r"], "already exists"),
    ],
)
def test_bad_admin_input_changes_nothing(sample_lake, args, message):
    w = sample_lake
    w.admin("table", "register", "shop.customers", "--location", "shop/customers", "--create-database")
    w.admin("role", "create", "r")
    before = w.audit_records()
    proc = w.admin(*args, check=False)
    assert proc.returncode == 1
    assert message in proc.stderr
    assert w.audit_records() == before


def test_admin_changes_are_audited_as_local_admin(sample_lake):
    w = sample_lake
    w.admin("role", "create", "r")
    w.admin("table", "register", "shop.customers", "--location", "shop/customers", "--create-database")
    w.admin("grant", "--role", "r", "--table", "shop.customers", "--exclude-columns", "email")
    records = w.audit_records()
    assert records[0]["action"] == "bootstrap"  # weir init
    records = records[1:]
    assert [r["action"] for r in records] == ["create_role", "register_table", "grant"]
    assert all(r["kind"] == "admin" and r["actor"].startswith("local:") for r in records)
    assert records[2]["detail"]["table"] == "shop.customers"
    seqs = [r["seq"] for r in records]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_queries_are_audited(shop):
    shop.sql("analyst", "SELECT customer_id, region FROM shop.customers LIMIT 2")
    shop.sql("analyst", "SELECT * FROM shop.orders")
    records = [r for r in shop.audit_records() if r["kind"] == "query"]
    ok = [r for r in records if r["statement"] == "SELECT customer_id, region FROM shop.customers LIMIT 2"][-1]
    assert ok["decision"] == "allow" and ok["role"] == "analyst" and ok["rows"] == 2
    assert ok["tables"] == ["shop.customers"]
    assert ok["columns"] == ["shop.customers.customer_id", "shop.customers.region"]
    assert ok["actor"].startswith("local:")
    denied = [r for r in records if r["statement"] == "SELECT * FROM shop.orders"][-1]
    assert denied["decision"] == "deny" and denied["error"].startswith("42501")


def test_a_held_data_directory_refuses_other_processes(shop):
    holder = subprocess.Popen(
        [str(WEIR), "sql", "--data-dir", str(shop.data_dir), "--as-role", "analyst"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lock = shop.data_dir / "weir.lock"
        deadline = time.time() + 20
        while f"pid {holder.pid}" not in lock.read_text():
            assert holder.poll() is None, holder.stderr.read()
            assert time.time() < deadline
            time.sleep(0.05)
        proc = shop.admin("role", "create", "late", check=False)
        assert proc.returncode == 1
        assert f"held by another Weir process (pid {holder.pid})" in proc.stderr
    finally:
        holder.communicate("", timeout=10)
    shop.admin("role", "create", "late")
    shop.admin("role", "delete", "late")
