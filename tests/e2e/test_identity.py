"""Users, roles, policies, the cluster and runtime-role checks, through the CLI."""

import json
import os
import stat
import subprocess

import pytest

from conftest import WEIR, Weir, cluster_role_policy, put_document, role_arn, runtime_role_trust

ACCOUNT = "111122223333"
CLUSTER_ARN = f"arn:aws:elasticmapreduce:local:{ACCOUNT}:cluster/weir"


def arn(role):
    return role_arn(ACCOUNT, role)


TRUST = runtime_role_trust(ACCOUNT)
CLUSTER_ROLE_POLICY = cluster_role_policy(ACCOUNT)
# The two policy shapes of the seed write-up, ARNs filled in.
DAVID_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "AllowEMRRuntimeRole", "Effect": "Allow",
        "Action": "elasticmapreduce:GetClusterSessionCredentials",
        "Resource": [CLUSTER_ARN],
        "Condition": {"StringLike": {"elasticmapreduce:ExecutionRoleArn": [arn("marketing-data-access-role")]}},
    }],
}
TINA_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "AllowEMRRuntimeRole", "Effect": "Allow",
        "Action": "elasticmapreduce:GetClusterSessionCredentials",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"elasticmapreduce:ResourceTag/team": "sales"},
            "StringLike": {"elasticmapreduce:ExecutionRoleArn": [
                arn("sales-data-access-role"), arn("electronics-data-access-role")]},
        },
    }],
}


def put(weir, *args, document):
    return put_document(weir, *args, document=document)


@pytest.fixture
def seed(tmp_path, weir_bin):
    weir = Weir(tmp_path / "d")
    weir.run("init", "--data-dir", str(weir.data_dir), "--account", ACCOUNT)
    weir.admin("cluster", "tag", "--tag", "team=sales")
    for role in ["marketing-data-access-role", "sales-data-access-role", "electronics-data-access-role",
                 "david-execution-role", "tina-execution-role"]:
        weir.admin("role", "create", role)
    for role in ["marketing-data-access-role", "sales-data-access-role", "electronics-data-access-role"]:
        assert put(weir, "role", "set-trust-policy", role, document=TRUST).returncode == 0
    assert put(weir, "role", "put-policy", "weir-cluster-role", "assume", document=CLUSTER_ROLE_POLICY).returncode == 0
    assert put(weir, "role", "put-policy", "david-execution-role", "emr", document=DAVID_POLICY).returncode == 0
    assert put(weir, "role", "put-policy", "tina-execution-role", "emr", document=TINA_POLICY).returncode == 0
    weir.admin("user", "create", "david", "--execution-role", "david-execution-role")
    weir.admin("user", "create", "tina", "--execution-role", "tina-execution-role")
    return weir


def can_assume(weir, user, role):
    out = weir.admin("access", "can-assume", user, role, "--json").stdout
    return json.loads(out)


@pytest.mark.parametrize(
    "user, role, allowed, check",
    [
        ("david", "marketing-data-access-role", True, "allowed"),
        ("david", "sales-data-access-role", False, "execution_role_policy"),
        ("david", "david-execution-role", True, "execution_role"),
        ("tina", "sales-data-access-role", True, "allowed"),
        ("tina", "electronics-data-access-role", True, "allowed"),
        ("tina", "marketing-data-access-role", False, "execution_role_policy"),
        ("tina", arn("sales-data-access-role"), True, "allowed"),
        ("tina", "no-such-role", False, "unknown_role"),
        ("nobody", "sales-data-access-role", False, "unknown_user"),
    ],
)
def test_seed_policies_decide_runtime_roles(seed, user, role, allowed, check):
    decision = can_assume(seed, user, role)
    assert decision["allowed"] is allowed
    assert decision["check"] == check


def test_tag_based_policy_follows_the_cluster_tags(seed):
    assert can_assume(seed, "tina", "sales-data-access-role")["allowed"]
    seed.admin("cluster", "tag", "--tag", "team=marketing")
    decision = can_assume(seed, "tina", "sales-data-access-role")
    assert not decision["allowed"] and decision["check"] == "execution_role_policy"
    # david's ARN-list policy does not look at tags.
    assert can_assume(seed, "david", "marketing-data-access-role")["allowed"]


def test_trust_and_cluster_role_checks_are_named(seed):
    # Without a trust policy the role cannot be assumed through the cluster.
    seed.admin("role", "create", "untrusted")
    policy = json.loads(json.dumps(TINA_POLICY))
    policy["Statement"][0]["Condition"]["StringLike"]["elasticmapreduce:ExecutionRoleArn"].append(arn("untrusted"))
    assert put(seed, "role", "put-policy", "tina-execution-role", "emr", document=policy).returncode == 0
    decision = can_assume(seed, "tina", "untrusted")
    assert not decision["allowed"] and decision["check"] == "trust_policy"
    assert "sts:AssumeRole" in decision["message"]
    # Remove the cluster role's permission: check (c) decides.
    seed.admin("role", "delete-policy", "weir-cluster-role", "assume")
    decision = can_assume(seed, "tina", "sales-data-access-role")
    assert not decision["allowed"] and decision["check"] == "cluster_role_policy"


def test_roles_a_user_may_assume(seed):
    out = seed.admin("user", "roles", "tina").stdout.splitlines()
    assert [line.split("\t")[0] for line in out] == [
        "tina-execution-role", "electronics-data-access-role", "sales-data-access-role"]


def test_disabled_user_may_assume_nothing(seed):
    seed.admin("user", "update", "david", "--disable")
    assert can_assume(seed, "david", "david-execution-role")["check"] == "unknown_user"


def test_invalid_policy_is_refused_with_its_path_and_changes_nothing(seed):
    before = seed.audit_records()
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                                                   "Condition": {"DateLessThan": {"aws:CurrentTime": "yesterday"}}}]}
    proc = put(seed, "role", "put-policy", "david-execution-role", "bad", document=bad)
    assert proc.returncode == 1
    assert "Statement[0].Condition.DateLessThan" in proc.stderr
    proc = put(seed, "role", "set-trust-policy", "sales-data-access-role", document={"Version": "2012-10-17"})
    assert proc.returncode == 1
    assert seed.audit_records() == before


def test_init_bootstraps_the_cluster_and_admin(tmp_path, weir_bin):
    weir = Weir(tmp_path / "d")
    out = weir.run("init", "--data-dir", str(weir.data_dir), "--region", "eu-west-1", "--cluster-name", "shared").stdout
    assert "arn:aws:elasticmapreduce:eu-west-1:123456789012:cluster/shared" in out
    secret = weir.data_dir / "admin-password"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_text().strip()) >= 16
    show = json.loads(weir.admin("cluster", "show").stdout)
    assert show["cluster_role"] == "arn:aws:iam::123456789012:role/weir-cluster-role"
    users = weir.admin("user", "list").stdout
    assert users.startswith("admin\tarn:aws:iam::123456789012:user/admin\tweir-admin\tenabled")
    proc = weir.admin("role", "delete", "weir-cluster-role", check=False)
    assert proc.returncode == 1


def test_admin_password_from_the_environment(tmp_path, weir_bin):
    d = tmp_path / "d"
    env = dict(os.environ, WEIR_ADMIN_PASSWORD="s3cret-from-env")
    subprocess.run([str(weir_bin), "init", "--data-dir", str(d)], env=env, check=True, capture_output=True)
    assert not (d / "admin-password").exists()


def test_user_lifecycle(seed):
    env = dict(os.environ, NEWPW="a-long-password")
    subprocess.run([str(WEIR), "user", "create", "erin", "--execution-role", "david-execution-role", "--password-env",
                    "NEWPW", "--tag", "team=ops", "--data-dir", str(seed.data_dir)], env=env, check=True,
                   capture_output=True)
    assert "erin\t" in seed.admin("user", "list").stdout
    out = seed.admin("user", "set-password", "erin").stdout
    assert out.startswith("password: ")
    proc = seed.admin("role", "delete", "david-execution-role", check=False)
    assert proc.returncode == 1 and "execution role" in proc.stderr
    seed.admin("user", "delete", "erin")
    assert "erin\t" not in seed.admin("user", "list").stdout


def get_credentials(weir, user, role, *extra):
    return weir.admin("sts", "get-session-credentials", "--user", user, "--role", role, "--json", *extra, check=False)


def check_credentials(weir, user, password):
    return subprocess.run([str(WEIR), "sts", "check", "--user", user, "--data-dir", str(weir.data_dir)],
                          input=password + "\n", capture_output=True, text=True)


def test_session_credentials_follow_the_runtime_role_checks(seed):
    proc = get_credentials(seed, "tina", "sales-data-access-role", "--duration", "900")
    assert proc.returncode == 0, proc.stderr
    creds = json.loads(proc.stdout)
    assert creds["username"] == "sts:tina" and creds["password"].startswith("weir-sts.")
    claims = json.loads(check_credentials(seed, "tina", creds["password"]).stdout)
    assert claims["role"] == "sales-data-access-role" and claims["user"] == "tina"
    # Bound to the user.
    assert check_credentials(seed, "david", creds["password"]).returncode == 1
    # Denied pairs get no credentials, and say which check failed.
    proc = get_credentials(seed, "david", "sales-data-access-role")
    assert proc.returncode == 1 and "42501" in proc.stderr and "execution_role_policy" in proc.stderr
    # Longer than the role allows.
    proc = get_credentials(seed, "tina", "sales-data-access-role", "--duration", "999999")
    assert proc.returncode == 1
    # The issue is audited.
    issued = [r for r in seed.audit_records() if r["action"] == "get_session_credentials"]
    assert len(issued) == 1 and issued[0]["detail"]["role_arn"] == arn("sales-data-access-role")


def test_rotating_the_key_revokes_credentials(seed):
    creds = json.loads(get_credentials(seed, "tina", "electronics-data-access-role").stdout)
    assert check_credentials(seed, "tina", creds["password"]).returncode == 0
    seed.admin("sts", "rotate-key")
    proc = check_credentials(seed, "tina", creds["password"])
    assert proc.returncode == 1 and "invalid or were revoked" in proc.stderr


def test_access_keys(seed):
    out = seed.admin("user", "create-access-key", "david").stdout.splitlines()
    key_id = out[0].split(": ")[1]
    secret = out[1].split(": ")[1]
    assert key_id.startswith("AKIA") and len(key_id) == 20 and len(secret) == 40
    seed.admin("user", "create-access-key", "david")
    proc = seed.admin("user", "create-access-key", "david", check=False)
    assert proc.returncode == 1 and "two access keys" in proc.stderr
    assert key_id in seed.admin("user", "list").stdout
    assert secret not in (seed.data_dir / "audit" / "audit.jsonl").read_text()
    seed.admin("user", "delete-access-key", "david", key_id)
    assert key_id not in seed.admin("user", "list").stdout
    assert seed.admin("user", "delete-access-key", "david", key_id, check=False).returncode == 1
