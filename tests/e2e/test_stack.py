"""Stack files through the CLI: weir plan / apply / destroy with the seed
stack of examples/seed/stack.yaml, and the errors a bad file gets."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import WEIR, Weir, put_document

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed" / "stack.yaml"
PASSWORDS = {"ALICE_PASSWORD": "alice-pw", "DAVID_PASSWORD": "david-pw", "TINA_PASSWORD": "tina-pw"}


def stack(weir: Weir, verb: str, path: Path, *args, env=None):
    return subprocess.run([str(WEIR), verb, str(path), "--data-dir", str(weir.data_dir), *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture(scope="module")
def tpc(tmp_path_factory):
    """An initialized data directory with the TPC-DS sample data (not registered)."""
    weir = Weir(tmp_path_factory.mktemp("stack") / "d")
    weir.admin("init")
    weir.run("datagen", "--scale", "0.01", "--out", str(weir.data_dir / "lake" / "tpc"))
    return weir


def run_as(weir: Weir, user: str, password: str, *args):
    return subprocess.run([str(WEIR), *args, "--data-dir", str(weir.data_dir), "--user", user],
                          capture_output=True, text=True, env={**os.environ, "WEIR_PASSWORD": password})


def state(weir: Weir) -> dict:
    return {what: weir.admin(what, "list").stdout for what in ["role", "user", "table", "lake-admin"]}


def test_seed_stack_applies_once_and_enforces(tpc):
    plan = stack(tpc, "plan", SEED, env=PASSWORDS)
    assert plan.returncode == 0, plan.stderr
    assert "+ role marketing-data-access-role" in plan.stdout
    assert "+ data cells filter electronics-items on tpc.dl_tpc_item" in plan.stdout
    # plan changed nothing
    assert "marketing-data-access-role" not in tpc.admin("role", "list").stdout

    applied = stack(tpc, "apply", SEED, env=PASSWORDS)
    assert applied.returncode == 0, applied.stderr
    assert "applied stack seed" in applied.stdout
    again = stack(tpc, "plan", SEED, "--json", env=PASSWORDS)
    assert json.loads(again.stdout)["changes"] == []

    # What the stack declares is what the roles get.
    rows, _, _ = tpc.sql("marketing-data-access-role", "SELECT * FROM tpc.dl_tpc_customer LIMIT 3", check=True)
    assert len(rows) == 3 and "c_customer_id" in rows[0] and "c_email_address" not in rows[0]
    _, sqlstate, _ = tpc.sql("marketing-data-access-role", "SELECT * FROM tpc.dl_tpc_customer_address")
    assert sqlstate == "42501"
    rows, _, _ = tpc.sql("electronics-data-access-role", "SELECT DISTINCT i_category FROM tpc.dl_tpc_item",
                         check=True)
    assert rows == [{"i_category": "Electronics"}]
    can = tpc.admin("access", "can-assume", "david", "marketing-data-access-role")
    assert can.stdout.startswith("allowed")
    cannot = tpc.admin("access", "can-assume", "tina", "marketing-data-access-role", check=False)
    assert cannot.stdout.startswith("denied")
    # Passwords come from the environment variables the stack names.
    wrong = run_as(tpc, "alice", "nope", "user", "list")
    assert "authentication failed for user alice" in wrong.stderr
    right = run_as(tpc, "alice", "alice-pw", "user", "list")
    assert "authentication failed" not in right.stderr


def test_bad_stack_names_file_line_and_field_and_changes_nothing(tpc, tmp_path):
    before = state(tpc)
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED.read_text().replace("c_birth_country]", "c_birth_countri]"))
    result = stack(tpc, "apply", bad, env=PASSWORDS)
    assert result.returncode == 1
    assert f"{bad}:" in result.stderr and "grants[0]: " in result.stderr
    assert "has no column c_birth_countri" in result.stderr
    assert state(tpc) == before

    bad.write_text("stack: x\nroles:\n  - name: r\n    trust_policy: {Version: 1\n")
    result = stack(tpc, "apply", bad)
    assert result.returncode == 1
    assert f"{bad}:5:1: invalid YAML: end of map flow not found" in result.stderr, result.stderr

    bad.write_text("stack: x\nroles:\n  - name: r\n    trust_polcy: {}\n")
    result = stack(tpc, "plan", bad)
    assert result.returncode == 1
    assert f"{bad}:4:5: roles[0].trust_polcy: unknown field 'trust_polcy'" in result.stderr
    assert state(tpc) == before


def test_destroy_removes_exactly_the_stack(tmp_path):
    weir = Weir(tmp_path / "d")
    weir.admin("init")
    weir.run("datagen", "--scale", "0.01", "--tables", "item", "--out", str(weir.data_dir / "lake" / "tpc"))
    weir.admin("role", "create", "bystander")
    weir.admin("cluster", "tag", "--tag", "env=prod")
    before = state(weir)
    small = tmp_path / "small.yaml"
    small.write_text("""
stack: small
cluster: {tags: {team: sales}}
roles:
  - name: reader
    trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::${Weir::AccountId}:role/weir-cluster-role"}, Action: sts:AssumeRole}]}
  - name: bystander
    existing: true
    tags: {added-by: small}
databases:
  - name: tpc
    tables: [{name: item, location: tpc/item}]
grants:
  - principal: role/reader
    permissions: [SELECT]
    resource: {table: {database: tpc, name: item}}
""")
    assert stack(weir, "apply", small).returncode == 0
    assert "item" in weir.admin("table", "list").stdout
    destroyed = stack(weir, "destroy", small)
    assert destroyed.returncode == 0, destroyed.stderr
    assert "- role reader" in destroyed.stdout and "destroyed stack small" in destroyed.stdout
    assert state(weir) == before
    cluster = json.loads(weir.admin("cluster", "show").stdout)
    assert cluster["tags"] == {"env": "prod"}
    again = stack(weir, "destroy", small)
    assert again.returncode == 1 and "stack small has not been applied here" in again.stderr


def test_apply_as_a_user_needs_each_change_allowed(tmp_path):
    weir = Weir(tmp_path / "d")
    weir.admin("init")
    weir.admin("role", "create", "limited")
    created = subprocess.run([str(WEIR), "user", "create", "bob", "--execution-role", "limited", "--password-env",
                              "BOB_PW", "--data-dir", str(weir.data_dir)],
                             capture_output=True, text=True, env={**os.environ, "BOB_PW": "bob-pw"})
    assert created.returncode == 0, created.stderr
    f = tmp_path / "s.yaml"
    f.write_text("stack: s\nroles: [{name: made-by-bob}]\n")
    # Even a plan shows what exists: it needs the stack action first.
    plan = run_as(weir, "bob", "bob-pw", "plan", str(f))
    assert plan.returncode == 1
    assert "user bob is not authorized to perform cloudformation:CreateStack" in plan.stderr, plan.stderr
    assert "made-by-bob" not in plan.stdout
    stacks = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudformation:*",
                                                       "Resource": "*"}]}
    assert put_document(weir, "role", "put-policy", "limited", "stacks", document=stacks).returncode == 0
    result = run_as(weir, "bob", "bob-pw", "apply", str(f))
    assert result.returncode == 1
    assert "user bob is not authorized to perform iam:CreateRole" in result.stderr, result.stderr
    assert "made-by-bob" not in weir.admin("role", "list").stdout
    # The denial is audited even though the batch rolled back.
    denied = [r for r in weir.audit_records() if r.get("decision") == "deny"]
    assert denied and denied[-1]["action"] == "create_role"
