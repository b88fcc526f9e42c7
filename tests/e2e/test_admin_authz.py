"""Admin commands acting as a user (--user / $WEIR_USER, $WEIR_PASSWORD), authorized by IAM actions."""

import json
import os
import subprocess

import pytest

from conftest import WEIR

ACCOUNT = "123456789012"


def role_arn(name):
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource, sid=None):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if sid:
        statement["Sid"] = sid
    return statement


def run_as(weir, user, password, *args, stdin=None, flag=True):
    """Runs `weir ARGS --data-dir D` as `user`: by --user (or $WEIR_USER when
    not `flag`), the password in $WEIR_PASSWORD (unset when None)."""
    env = {k: v for k, v in os.environ.items() if k not in ("WEIR_USER", "WEIR_PASSWORD")}
    if password is not None:
        env["WEIR_PASSWORD"] = password
    command = [str(WEIR), *args, "--data-dir", str(weir.data_dir)]
    if user is not None:
        if flag:
            command += ["--user", user]
        else:
            env["WEIR_USER"] = user
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, timeout=60)


def admin_password(weir):
    return (weir.data_dir / "admin-password").read_text().strip()


def put_policy(weir, role, name, document):
    proc = subprocess.run([str(WEIR), "role", "put-policy", role, name, "-", "--data-dir", str(weir.data_dir)],
                          input=document, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture
def team(fresh, tmp_path):
    """User dana (password "dana-pw") whose execution role may create and tag
    roles named team-*, list roles, and nothing else."""
    fresh.admin("role", "create", "dana-role")
    put_policy(fresh, "dana-role", "narrow", policy(
        allow("iam:CreateRole", role_arn("team-*"), sid="TeamRoles"),
        allow("iam:TagRole", role_arn("team-*")),
        allow("iam:ListRoles", "*"),
    ))
    proc = subprocess.run([str(WEIR), "user", "create", "dana", "--execution-role", "dana-role",
                           "--password-env", "DANA_PW", "--data-dir", str(fresh.data_dir)],
                          env=dict(os.environ, DANA_PW="dana-pw"), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return fresh


def test_bootstrap_admin_can_administer(fresh):
    password = admin_password(fresh)
    for args in [("role", "create", "analyst"),
                 ("user", "create", "tina", "--execution-role", "analyst"),
                 ("role", "tag", "analyst", "--tag", "team=sales"),
                 ("cluster", "tag", "--tag", "env=test"),
                 ("role", "list"),
                 ("user", "list"),
                 ("cluster", "show")]:
        proc = run_as(fresh, "admin", password, *args, flag=False)
        assert proc.returncode == 0, (args, proc.stderr)
    proc = run_as(fresh, "admin", password, "role", "put-policy", "analyst", "p", "-",
                  stdin=policy(allow("s3:GetObject", "*")), flag=False)
    assert proc.returncode == 0, proc.stderr
    records = [r for r in fresh.audit_records() if r["action"] == "create_role"]
    assert records[-1]["actor"] == "admin"
    assert records[-1]["role"] == "weir-admin"
    assert records[-1]["decision"] == "allow"
    assert records[-1]["detail"]["authorization"][0]["action"] == "iam:CreateRole"


def test_narrow_policy_allows_exactly_what_it_says(team):
    ok = run_as(team, "dana", "dana-pw", "role", "create", "team-red")
    assert ok.returncode == 0, ok.stderr
    assert run_as(team, "dana", "dana-pw", "role", "tag", "team-red", "--tag", "owner=dana").returncode == 0
    listed = run_as(team, "dana", "dana-pw", "role", "list")
    assert listed.returncode == 0 and "team-red" in listed.stdout.split()

    denied = run_as(team, "dana", "dana-pw", "role", "create", "finance")
    assert denied.returncode == 1
    assert ("user dana is not authorized to perform iam:CreateRole on resource "
            f"{role_arn('finance')} (no identity policy") in denied.stderr
    assert "42501" in denied.stderr
    # Removing a tag is another action.
    untag = run_as(team, "dana", "dana-pw", "role", "tag", "team-red", "--untag", "owner")
    assert untag.returncode == 1 and "iam:UntagRole" in untag.stderr
    for args, action in [(("user", "list"), "iam:ListUsers"),
                         (("role", "delete", "team-red"), "iam:DeleteRole"),
                         (("database", "create", "sales"), "glue:CreateDatabase"),
                         (("sts", "rotate-key"), "weir:RotateSessionKey"),
                         (("cluster", "show"), "elasticmapreduce:DescribeCluster")]:
        proc = run_as(team, "dana", "dana-pw", *args)
        assert proc.returncode == 1, args
        assert f"user dana is not authorized to perform {action}" in proc.stderr, proc.stderr

    # Nothing was changed by the denials, and each was audited.
    roles = team.admin("role", "list").stdout.split()
    assert "finance" not in roles and "team-red" in roles
    denials = [r for r in team.audit_records() if r["decision"] == "deny"]
    assert [r["action"] for r in denials][:2] == ["create_role", "tag_role"]
    assert all(r["actor"] == "dana" and r["role"] == "dana-role" for r in denials)
    assert denials[0]["error"].startswith("42501: user dana is not authorized to perform iam:CreateRole")


def test_lake_permissions_are_authorized_on_the_table(sample_lake):
    weir = sample_lake
    weir.admin("table", "register", "shop.customers", "--location", "shop/customers", "--create-database")
    weir.admin("role", "create", "analyst")
    weir.admin("role", "create", "steward-role")
    table = f"arn:aws:glue:local:{ACCOUNT}:table/shop/customers"
    put_policy(weir, "steward-role", "grants", policy(
        allow(["lakeformation:GrantPermissions", "lakeformation:RevokePermissions"], table),
        allow("lakeformation:ListPermissions", table),
    ))
    subprocess.run([str(WEIR), "user", "create", "sam", "--execution-role", "steward-role", "--password-env", "PW",
                    "--data-dir", str(weir.data_dir)], env=dict(os.environ, PW="sam-pw"), check=True,
                   capture_output=True)
    # IAM allows the action; Lake Formation's grant option is needed too.
    grant = run_as(weir, "sam", "sam-pw", "grant", "--role", "analyst", "--table", "shop.customers",
                   "--exclude-columns", "email")
    assert grant.returncode == 1 and "holds no permissions with grant option" in grant.stderr
    weir.admin("grant", "--role", "steward-role", "--table", "shop.customers", "--grantable", "SELECT")
    grant = run_as(weir, "sam", "sam-pw", "grant", "--role", "analyst", "--table", "shop.customers",
                   "--exclude-columns", "email")
    assert grant.returncode == 0, grant.stderr
    explain = run_as(weir, "sam", "sam-pw", "access", "explain", "--role", "analyst", "--table", "shop.customers")
    assert explain.returncode == 0, explain.stderr
    listed = run_as(weir, "sam", "sam-pw", "access", "list", "--role", "analyst")
    assert listed.returncode == 1
    assert f"lakeformation:ListPermissions on resource arn:aws:glue:local:{ACCOUNT}:catalog" in listed.stderr
    register = run_as(weir, "sam", "sam-pw", "table", "register", "shop.orders", "--location", "shop/orders")
    assert register.returncode == 1
    assert f"glue:CreateTable on resource arn:aws:glue:local:{ACCOUNT}:table/shop/orders" in register.stderr


def test_explicit_deny_names_the_statement(team):
    put_policy(team, "dana-role", "guard", policy(
        {"Sid": "NoTeamBlue", "Effect": "Deny", "Action": "iam:*", "Resource": role_arn("team-blue")}))
    proc = run_as(team, "dana", "dana-pw", "role", "create", "team-blue")
    assert proc.returncode == 1
    assert "explicitly denied by statement NoTeamBlue" in proc.stderr
    assert run_as(team, "dana", "dana-pw", "role", "create", "team-green").returncode == 0


def test_wrong_credentials_fail_alike(team):
    wrong = run_as(team, "dana", "not-her-password", "role", "list")
    assert wrong.returncode == 1
    assert "authentication failed for user dana" in wrong.stderr
    unknown = run_as(team, "nobody", "dana-pw", "role", "list", flag=False)
    assert unknown.returncode == 1
    assert "authentication failed for user nobody" in unknown.stderr
    assert wrong.stderr.replace("dana", "X") == unknown.stderr.replace("nobody", "X")
    team.admin("user", "update", "dana", "--disable")
    disabled = run_as(team, "dana", "dana-pw", "role", "list")
    assert disabled.returncode == 1 and "authentication failed for user dana" in disabled.stderr


def test_a_user_without_a_password_in_the_environment_is_refused(team):
    proc = run_as(team, "dana", None, "role", "list", flag=False)
    assert proc.returncode == 1
    assert "WEIR_PASSWORD" in proc.stderr
    # Never from a flag.
    flag = subprocess.run([str(WEIR), "role", "list", "--user", "dana", "--password", "dana-pw",
                           "--data-dir", str(team.data_dir)], capture_output=True, text=True)
    assert flag.returncode == 2


def test_access_key_authenticates_as_its_user(team):
    created = team.admin("user", "create-access-key", "dana").stdout
    fields = dict(line.split(": ", 1) for line in created.splitlines())
    key_id, secret = fields["access_key_id"], fields["secret_access_key"]
    proc = run_as(team, key_id, secret, "role", "create", "team-keyed")
    assert proc.returncode == 0, proc.stderr
    assert team.audit_records()[-1]["actor"] == "dana"
    bad = run_as(team, key_id, "wrong-secret", "role", "list")
    assert bad.returncode == 1 and f"authentication failed for user {key_id}" in bad.stderr


def test_without_a_user_the_local_administrator_acts(team):
    env = {k: v for k, v in os.environ.items() if k not in ("WEIR_USER", "WEIR_PASSWORD")}
    proc = subprocess.run([str(WEIR), "role", "create", "finance", "--data-dir", str(team.data_dir)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    record = team.audit_records()[-1]
    assert record["actor"].startswith("local:") and record["role"] == ""


def test_session_credentials_for_another_user_need_the_action(team):
    team.admin("user", "create", "tina", "--execution-role", "dana-role")
    own = run_as(team, "dana", "dana-pw", "sts", "get-session-credentials", "--user", "dana", "--role", "dana-role",
                 "--json", flag=False)
    assert own.returncode == 0, own.stderr
    other = run_as(team, "dana", "dana-pw", "sts", "get-session-credentials", "--user", "tina", "--role",
                   "dana-role", flag=False)
    assert other.returncode == 1
    assert "elasticmapreduce:GetClusterSessionCredentials" in other.stderr
    # The bootstrap administrator may.
    admin = run_as(team, "admin", admin_password(team), "sts", "get-session-credentials", "--user", "tina",
                   "--role", "dana-role", flag=False)
    assert admin.returncode == 0, admin.stderr
