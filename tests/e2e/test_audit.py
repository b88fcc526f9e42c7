"""The audit trail: the hash chain and `weir audit verify`, `weir audit`
queries (beside a running server, and --follow), role-assumption records,
rotation, and the admin-only weir_audit table over weir sql and pgwire."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time

import psycopg
import pytest

from conftest import WEIR, WeirServer
from test_pgwire import PASSWORDS, build_lake


def verify(weir, *extra):
    return weir.run("audit", "verify", "--data-dir", str(weir.data_dir), *extra, check=False)


def audit_json(weir, *filters):
    proc = weir.run("audit", "--data-dir", str(weir.data_dir), "--json", *filters)
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.fixture
def changed(fresh):
    """A data directory with a few admin records."""
    for role in ["analyst", "sales", "marketing", "finance"]:
        fresh.admin("role", "create", role)
    return fresh


# --- the chain and verify ------------------------------------------------------------


def test_every_record_is_chained_and_verify_reports_the_head(changed):
    records = changed.audit_records()
    assert len(records) >= 5
    assert records[0]["prev_hash"] == "0" * 64
    for before, after in zip(records, records[1:]):
        assert after["prev_hash"] == before["hash"]
    proc = verify(changed)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"ok: {len(records)} records, chain head {records[-1]['hash']}")
    report = json.loads(verify(changed, "--json").stdout)
    assert report["ok"] is True and report["records"] == len(records) and report["head"] == records[-1]["hash"]


@pytest.mark.parametrize("sql, broken_seq", [
    ("UPDATE audit SET record = json_set(record, '$.detail.role', 'admin') WHERE seq = 3", 3),
    ("DELETE FROM audit WHERE seq = 3", 4),
    ("UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 4; "
     "UPDATE audit SET seq = 4 WHERE seq = -1", 2),
    ("INSERT INTO audit (seq, time_us, kind, actor, role, action, decision, record, hash) "
     "SELECT 1000, time_us, kind, actor, role, action, decision, json_set(record, '$.seq', 1000), hash "
     "FROM audit WHERE seq = 2", 1000),
], ids=["edited", "deleted", "reordered", "inserted"])
def test_verify_detects_tampering_with_the_store(changed, sql, broken_seq):
    db = sqlite3.connect(changed.data_dir / "weir.db")
    db.executescript(sql)
    db.close()
    proc = verify(changed)
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"broken: seq {broken_seq} (store)"), proc.stdout
    report = json.loads(verify(changed, "--json").stdout)
    assert report["ok"] is False and report["broken"]["seq"] == broken_seq


def edit_lines(weir, edit):
    path = weir.data_dir / "audit" / "audit.jsonl"
    lines = path.read_text().splitlines()
    edit(lines)
    path.write_text("".join(line + "\n" for line in lines))


def set_field(lines, index, key, value):
    record = json.loads(lines[index])
    record[key] = value
    lines[index] = json.dumps(record)


@pytest.mark.parametrize("edit, broken_seq", [
    (lambda lines: set_field(lines, 2, "actor", "someone-else"), 3),
    (lambda lines: set_field(lines, 2, "time", "2001-01-01T00:00:00.000000Z"), 3),
    (lambda lines: lines.pop(2), 4),
    (lambda lines: lines.insert(2, lines.pop(3)), 4),
    (lambda lines: lines.insert(2, lines[2]), 3),
], ids=["edited", "edited time text", "deleted", "reordered", "inserted"])
def test_verify_detects_tampering_with_the_file(changed, edit, broken_seq):
    edit_lines(changed, edit)
    proc = verify(changed)
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"broken: seq {broken_seq} (audit.jsonl line"), proc.stdout


def test_a_user_needs_the_audit_action(changed):
    env = dict(os.environ, PW="pw-alice-1")
    subprocess.run([str(WEIR), "user", "create", "alice", "--execution-role", "analyst", "--password-env", "PW",
                    "--data-dir", str(changed.data_dir)], env=env, check=True, capture_output=True)
    as_alice = dict(os.environ, WEIR_USER="alice", WEIR_PASSWORD="pw-alice-1")
    for args in (["audit"], ["audit", "verify"]):
        proc = subprocess.run([str(WEIR), *args, "--data-dir", str(changed.data_dir)], env=as_alice,
                              capture_output=True, text=True)
        assert proc.returncode == 1
        assert "cloudtrail:LookupEvents" in proc.stderr
    policy = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}]}
    subprocess.run([str(WEIR), "role", "put-policy", "analyst", "audit", "-", "--data-dir", str(changed.data_dir)],
                   input=json.dumps(policy), text=True, check=True, capture_output=True)
    proc = subprocess.run([str(WEIR), "audit", "--data-dir", str(changed.data_dir), "--action", "put_role_policy"],
                          env=as_alice, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "put_role_policy" in proc.stdout


# --- queries -----------------------------------------------------------------------------


def test_audit_filters_records(changed):
    everything = audit_json(changed)
    assert [r["seq"] for r in everything] == list(range(1, len(everything) + 1))
    created = audit_json(changed, "--action", "create_role")
    assert [r["detail"]["role"] for r in created] == ["analyst", "sales", "marketing", "finance"]
    assert [r["detail"]["role"] for r in audit_json(changed, "--action", "create_role", "--limit", "2")] == [
        "marketing", "finance"]
    actor = everything[0]["actor"]
    assert len(audit_json(changed, "--user", actor)) == len(everything)
    assert audit_json(changed, "--user", "nobody") == []
    assert audit_json(changed, "--decision", "deny") == []
    assert len(audit_json(changed, "--since", "10m")) == len(everything)
    assert audit_json(changed, "--until", "10m") == []
    assert audit_json(changed, "--since", "2999-01-01T00:00:00Z") == []
    assert len(audit_json(changed, "--since", everything[2]["time"])) == len(everything) - 2
    table = changed.run("audit", "--data-dir", str(changed.data_dir), "--action", "create_role").stdout.splitlines()
    assert table[0].split()[:6] == ["SEQ", "TIME", "USER", "ROLE", "ACTION", "DECISION"]
    assert len(table) == 5 and "finance" in table[-1]


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday"], "invalid time 'yesterday'"),
    (["--until", "2026-11-30T04:34:22"], "RFC 3339"),
    (["--decision", "maybe"], "--decision must be allow, deny or error"),
    (["--limit", "-1"], "--limit must not be negative"),
])
def test_audit_refuses_bad_filters(changed, args, message):
    proc = changed.run("audit", "--data-dir", str(changed.data_dir), *args, check=False)
    assert proc.returncode == 1
    assert message in proc.stderr


# --- with a server: role assumptions, --follow, weir_audit, rotation ------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory, weir_bin):
    """The pgwire lake with `people-reader` a data lake administrator role, served
    with a small audit file size so it rotates."""
    weir = build_lake(tmp_path_factory.mktemp("audit") / "d")
    weir.admin("lake-admin", "add", "role/people-reader")
    with WeirServer(weir, "--audit-max-file-size", "4KB") as server:
        yield server


def connect(server, user="tina", role=None, **kwargs):
    return psycopg.connect(server.dsn(user, PASSWORDS[user], role=role), **kwargs)


def wait_for(weir, predicate, *filters, timeout=10):
    deadline = time.time() + timeout
    while True:
        records = audit_json(weir, *filters)
        if predicate(records) or time.time() > deadline:
            return records
        time.sleep(0.1)


def test_role_assumptions_are_audited(served):
    weir = served.weir
    before = audit_json(weir)[-1]["seq"]
    with connect(served, role="electronics", autocommit=True) as conn:
        conn.execute("SET ROLE \"people-reader\"")
        with pytest.raises(psycopg.errors.InvalidAuthorizationSpecification):
            conn.execute("SET ROLE \"david-exec\"")
        conn.execute("RESET ROLE")
    with pytest.raises(psycopg.OperationalError):
        connect(served, user="david", role="people-reader")

    def assumptions(records):
        return [(r["actor"], r["role"], r["decision"], r["detail"]["via"]) for r in records if r["seq"] > before]

    want = [
        ("tina", "electronics", "allow", "connect"),
        ("tina", "people-reader", "allow", "set_role"),
        ("tina", "david-exec", "deny", "set_role"),
        ("tina", "electronics", "allow", "reset_role"),
        ("david", "people-reader", "deny", "connect"),
    ]
    # Read beside the running server (no lock), as the records are committed.
    records = wait_for(weir, lambda rs: assumptions(rs) == want, "--action", "assume_role")
    assert assumptions(records) == want
    denied = [r for r in records if r["seq"] > before and r["decision"] == "deny"]
    assert all(r["error"].startswith("28000: user ") for r in denied)
    assert "may not use role david-exec" in denied[0]["error"]
    assert denied[0]["detail"]["from_role"] == "people-reader"
    assert all(r["source_identity"] == r["actor"] for r in records)


def test_follow_prints_records_as_they_are_committed(served):
    weir = served.weir
    follow = subprocess.Popen([str(WEIR), "audit", "--data-dir", str(weir.data_dir), "--json", "--follow", "--role",
                               "electronics", "--action", "query", "--since", "1s"],
                              stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        with connect(served, role="electronics", autocommit=True) as conn:
            conn.execute("SELECT 'followed' AS marker").fetchall()
        deadline = time.time() + 10
        line = ""
        while time.time() < deadline:
            line = follow.stdout.readline()
            if "followed" in line:
                break
        record = json.loads(line)
        assert record["statement"] == "SELECT 'followed' AS marker"
        assert record["actor"] == "tina" and record["role"] == "electronics"
    finally:
        follow.send_signal(signal.SIGTERM)
        follow.wait(timeout=10)


def test_weir_audit_table_for_a_lake_admin_role_over_psycopg(served):
    with connect(served, role="people-reader", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT seq, time, actor, role, action, decision, detail, hash FROM weir_audit "
            "WHERE action = 'assume_role' AND actor = 'david' ORDER BY seq").fetchall()
        assert rows, "david's denied connection is in weir_audit"
        seq, at, actor, role, action, decision, detail, digest = rows[-1]
        assert (actor, role, action, decision) == ("david", "people-reader", "assume_role", "deny")
        assert at.tzinfo is not None and json.loads(detail)["via"] == "connect" and len(digest) == 64
        count, first_prev = conn.execute(
            "SELECT count(*), min(prev_hash) FILTER (WHERE seq = 1) FROM weir_audit").fetchone()
        assert count >= seq and first_prev == "0" * 64


def test_weir_audit_is_an_unknown_table_for_other_roles(served):
    with connect(served, role="electronics", autocommit=True) as conn:
        errors = []
        for table in ["weir_audit", "no_such_table"]:
            with pytest.raises(psycopg.Error) as raised:
                conn.execute(f"SELECT * FROM {table}")
            errors.append((raised.value.sqlstate, str(raised.value).replace(table, "T")))
        assert errors[0] == errors[1]


def test_weir_audit_over_psql(served):
    out, err, rc = served.psql("tina", PASSWORDS["tina"],
                               "SELECT count(*) > 0 FROM weir_audit WHERE kind = 'connection'", role="people-reader")
    assert rc == 0, err
    assert out.strip() == "t"


def test_rotation_under_a_running_server_verifies(served):
    weir = served.weir
    with connect(served, role="electronics", autocommit=True) as conn:
        for i in range(40):
            conn.execute(f"SELECT {i} AS n, 'padding padding padding padding padding' AS p").fetchall()
    audit_dir = weir.data_dir / "audit"
    deadline = time.time() + 10
    while len(list(audit_dir.glob("audit-*.jsonl"))) < 2 and time.time() < deadline:
        time.sleep(0.1)
    rotated = sorted(audit_dir.glob("audit-*.jsonl"))
    assert len(rotated) >= 2
    for path in rotated:
        first, last = (int(n) for n in path.stem.split("-")[1:])
        lines = path.read_text().splitlines()
        assert json.loads(lines[0])["seq"] == first and json.loads(lines[-1])["seq"] == last
    proc = verify(weir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("ok: ")


# --- weir sql --------------------------------------------------------------------------------


def test_weir_audit_through_weir_sql(changed):
    changed.admin("lake-admin", "add", "role/analyst")
    rows, state, err = changed.sql("analyst", "SELECT seq, action, decision FROM weir_audit ORDER BY seq")
    assert state is None, err
    assert [r["action"] for r in rows][-1] == "add_lake_admin"
    assert rows[0]["seq"] == 1
    denied = changed.sql("sales", "SELECT * FROM weir_audit")
    missing = changed.sql("sales", "SELECT * FROM no_such_table")
    assert denied[1] == missing[1]
    assert denied[2].replace("weir_audit", "T") == missing[2].replace("no_such_table", "T")


def test_kill_9_loses_no_acknowledged_change_or_its_record(tmp_path, weir_bin):
    """Admin changes acknowledged before a SIGKILL are in the store with their
    audit records, and the chain verifies after the restart's catch-up."""
    weir = build_lake(tmp_path / "d")
    for i in range(5):
        weir.admin("role", "create", f"burst-{i}")
    server = WeirServer(weir)
    with connect(server, role="electronics", autocommit=True) as conn:
        conn.execute("SELECT 1").fetchall()
    server.stop(signal.SIGKILL)
    names = {r["detail"].get("role") for r in audit_json(weir, "--action", "create_role")}
    assert {f"burst-{i}" for i in range(5)} <= names
    with WeirServer(weir):
        pass
    proc = verify(weir)
    assert proc.returncode == 0, proc.stdout
