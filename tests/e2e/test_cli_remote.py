"""The CLI's admin verbs beside a running server: with `weir serve` holding
the data directory, every verb goes through its admin API (D/server.json),
prints what it prints without a server, fails with the same errors and IAM
messages, and what it changes is enforced by the running server at once."""
import json
import os
import subprocess

import psycopg
import pytest

from conftest import WEIR, Weir, WeirServer, make_shop

BOB_PASSWORD = "bob-pw-1"

POLICY = {"Version": "2012-10-17",
          "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}]}


def cli(weir, *args, env=None, stdin=None):
    """Runs `weir ARGS --data-dir D` with only the environment given (no
    WEIR_USER unless `env` sets it)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("WEIR_")}
    return subprocess.run([str(WEIR), *args, "--data-dir", str(weir.data_dir)], capture_output=True, text=True,
                          env={**base, **(env or {})}, input=stdin, timeout=120)


def ok(weir, *args, **kwargs):
    proc = cli(weir, *args, **kwargs)
    assert proc.returncode == 0, f"weir {' '.join(args)}: {proc.stderr}"
    return proc


# Reads whose output must not depend on where they ran (ERROR lines included).
READS = [
    ("role", "list"),
    ("role", "show", "analyst"),
    ("role", "show", "nope"),
    ("user", "list"),
    ("user", "roles", "bob"),
    ("user", "roles", "nobody"),
    ("policy", "list"),
    ("cluster", "show"),
    ("table", "list"),
    ("table", "describe", "shop.customers"),
    ("table", "describe", "shop.missing"),
    ("filter", "list"),
    ("lake-admin", "list"),
    ("tag", "list"),
    ("tag", "list", "--json"),
    ("tag", "show", "--database", "shop"),
    ("tag", "show", "--database", "shop", "--table", "customers"),
    ("tag", "show", "--database", "shop", "--table", "customers", "--json"),
    ("access", "explain", "--role", "analyst", "--table", "shop.customers"),
    ("access", "explain", "--role", "analyst", "--table", "shop.customers", "--json"),
    ("access", "explain", "--role", "analyst", "--table", "shop.customers", "--column", "full_name"),
    ("access", "explain", "--role", "analyst", "--table", "shop.customers", "--column", "email"),
    ("access", "explain", "--role", "analyst", "--table", "shop.customers", "--column", "nope"),
    ("access", "explain", "--role", "auditor", "--table", "shop.customers"),
    ("access", "explain", "--role", "analyst", "--table", "shop.nothing"),
    ("access", "list", "--role", "analyst"),
    ("access", "list", "--role", "analyst", "--json"),
    ("access", "list", "--role", "nobody"),
    ("access", "can-assume", "bob", "analyst"),
    ("access", "can-assume", "bob", "auditor", "--json"),
    ("audit", "--action", "create_role"),
    ("audit", "--action", "grant", "--json", "--limit", "2"),
]


def run_reads(weir, env=None):
    return {" ".join(args): (p.returncode, p.stdout, p.stderr)
            for args in READS for p in [cli(weir, *args, env=env)]}


@pytest.fixture
def shop_dir(tmp_path, weir_bin):
    return make_shop(Weir(tmp_path / "d"))


def test_admin_verbs_go_through_the_server_and_print_as_locally(shop_dir):
    weir = shop_dir
    with WeirServer(weir) as server:
        # Mutations: each would fail on the lock if it opened D itself.
        ok(weir, "role", "create", "reviewer", "--description", "made through the API")
        ok(weir, "policy", "create", "read-roles", "-", "--description", "read roles", stdin=json.dumps(POLICY))
        ok(weir, "role", "attach-policy", "reviewer", "read-roles")
        ok(weir, "role", "put-policy", "analyst", "inline", "-", stdin=json.dumps(POLICY))
        ok(weir, "role", "tag", "analyst", "--tag", "team=bi")
        created = ok(weir, "user", "create", "bob", "--execution-role", "analyst", "--password-env", "BOB_PW",
                     "--tag", "dept=sales", env={"BOB_PW": BOB_PASSWORD})
        assert created.stdout == ""
        generated = ok(weir, "user", "create", "carol", "--execution-role", "reviewer")
        assert generated.stdout.startswith("password: ")
        key = ok(weir, "user", "create-access-key", "carol").stdout
        assert key.startswith("access_key_id: AKIA") and "secret_access_key: " in key
        ok(weir, "user", "update", "carol", "--tag", "level=2")
        ok(weir, "filter", "create", "us_only", "--table", "shop.customers", "--row-filter", "region = 'us'",
           "--columns", "customer_id,full_name")
        ok(weir, "grant", "--role", "reviewer", "--table", "shop.customers", "--filter", "us_only")
        ok(weir, "grant", "--role", "reviewer", "--database", "shop", "--permissions", "DESCRIBE")
        ok(weir, "tag", "create", "domain", "--values", "sales,hr")
        ok(weir, "tag", "assign", "--database", "shop", "domain=sales")
        ok(weir, "tag", "assign", "--database", "shop", "--table", "customers", "--column", "email", "domain=hr")
        ok(weir, "lake-admin", "add", "role/reviewer")
        ok(weir, "cluster", "tag", "--tag", "env=test")
        ok(weir, "database", "create", "scratch")
        assert ok(weir, "database", "delete", "scratch").stdout == ""
        registered = ok(weir, "table", "register", "shop.orders_copy", "--location", "shop/orders")
        assert registered.stdout == "registered shop.orders_copy (4 columns)\n"
        ok(weir, "table", "drop", "shop.orders_copy")
        # A mutation's error keeps its SQLSTATE and message.
        dup = cli(weir, "role", "create", "reviewer")
        assert dup.returncode == 1 and dup.stderr == "ERROR:  42710: role 'reviewer' already exists\n", dup.stderr

        remote = run_reads(weir)
        # The verbs really went through the server: its audit trail has them,
        # acted by the bootstrap administrator the API authenticated.
        audit = ok(weir, "audit", "--action", "create_role", "--json").stdout.splitlines()
        assert any(json.loads(line)["actor"] == "admin" for line in audit)
        assert server.proc.poll() is None

    local = run_reads(weir)
    for args, result in remote.items():
        assert result == local[args], f"weir {args}: through the server {result!r}, locally {local[args]!r}"
    # Spot checks that the comparison compared something.
    assert remote["role list"][1].splitlines() == ["analyst", "auditor", "reviewer", "weir-admin",
                                                   "weir-cluster-role"]
    assert remote["role show nope"] == (1, "", "ERROR:  42704: role nope does not exist\n")
    assert "shop.customers\tus_only\t(\"region\" = 'us')\tinclude customer_id,full_name" in remote["filter list"][1]
    assert "role/reviewer" in remote["lake-admin list"][1].splitlines()
    assert json.loads(remote["tag list --json"][1]) == [{"key": "domain", "values": ["hr", "sales"]}]
    code, _, err = remote["access explain --role analyst --table shop.customers --column email"]
    assert code == 1 and err.startswith("ERROR:  42501: column email of shop.customers is not readable")
    assert remote["access explain --role analyst --table shop.customers --column nope"][2].startswith("ERROR:  42703")
    assert "bob\tarn:aws:iam::" in remote["user list"][1] and "dept=sales" in remote["user list"][1]
    assert remote["audit --action create_role"][1].count("create_role") >= 3


def test_denials_and_credentials_through_the_server(shop_dir):
    weir = shop_dir
    ok(weir, "user", "create", "bob", "--execution-role", "analyst", "--password-env", "BOB_PW",
       env={"BOB_PW": BOB_PASSWORD})
    bob = {"WEIR_USER": "bob", "WEIR_PASSWORD": BOB_PASSWORD}
    wrong = {"WEIR_USER": "bob", "WEIR_PASSWORD": "not-it"}
    checks = [(bob, ("role", "list")), (bob, ("role", "create", "bobs")), (bob, ("grant", "--role", "analyst",
                                                                                   "--table", "shop.orders")),
              (bob, ("audit",)), (wrong, ("role", "list")), (bob, ("access", "list", "--role", "analyst"))]
    with WeirServer(weir) as server:
        remote = [cli(weir, *args, env=env) for env, args in checks]
        # --server names the server explicitly.
        explicit = cli(weir, "role", "list", "--server", server.info["api_url"])
        assert explicit.returncode == 0 and "analyst" in explicit.stdout.split(), explicit.stderr
        # Temporary credentials come back through the API and check there.
        creds = ok(weir, "sts", "get-session-credentials", "--user", "bob", "--role", "analyst", "--json")
        creds = json.loads(creds.stdout)
        assert creds["username"] == "sts:bob" and creds["expiration"] > 0
        checked = ok(weir, "sts", "check", "--user", "bob", stdin=creds["password"] + "\n")
        assert json.loads(checked.stdout)["role"] == "analyst"
        ok(weir, "sts", "rotate-key")
        refused = cli(weir, "sts", "check", "--user", "bob", stdin=creds["password"] + "\n")
        assert refused.returncode == 1 and refused.stderr.startswith("ERROR:  42501"), refused.stderr
        # An access key authenticates the CLI like a password.
        key = dict(line.split(": ", 1) for line in ok(weir, "user", "create-access-key", "bob").stdout.splitlines())
        as_key = cli(weir, "access", "list", "--role", "analyst",
                     env={"WEIR_USER": key["access_key_id"], "WEIR_PASSWORD": key["secret_access_key"]})
        assert as_key.returncode == 1 and "is not authorized to perform lakeformation:ListPermissions" in as_key.stderr
        ok(weir, "user", "delete-access-key", "bob", key["access_key_id"])
    local = [cli(weir, *args, env=env) for env, args in checks]

    for (env, args), r, l in zip(checks, remote, local):
        assert (r.returncode, r.stdout, r.stderr) == (l.returncode, l.stdout, l.stderr), args
    role_list = remote[0]
    assert role_list.returncode == 1
    assert role_list.stderr.startswith("ERROR:  42501: user bob is not authorized to perform iam:ListRoles"), \
        role_list.stderr
    assert remote[1].stderr.startswith("ERROR:  42501: user bob is not authorized to perform iam:CreateRole")
    assert "cloudtrail:LookupEvents" in remote[3].stderr
    assert remote[4].returncode == 1 and remote[4].stderr == "ERROR:  42501: authentication failed for user bob\n"
    # Without a password the CLI refuses before asking anyone.
    no_password = cli(weir, "role", "list", env={"WEIR_USER": "bob"})
    assert no_password.returncode == 1 and "WEIR_PASSWORD" in no_password.stderr


def test_a_grant_through_the_cli_is_enforced_by_the_running_server_at_once(shop_dir):
    weir = shop_dir
    ok(weir, "user", "create", "bob", "--execution-role", "analyst", "--password-env", "BOB_PW",
       env={"BOB_PW": BOB_PASSWORD})
    with WeirServer(weir) as server:
        with psycopg.connect(server.dsn("bob", BOB_PASSWORD, role="analyst", database="shop"),
                             autocommit=True) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT count(*) FROM orders")
            ok(weir, "grant", "--role", "analyst", "--table", "shop.orders", "--columns", "order_id,amount")
            # The same session sees the new snapshot with its next statement.
            assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] > 0
            with pytest.raises(psycopg.errors.UndefinedColumn):
                conn.execute("SELECT customer_id FROM orders")
            ok(weir, "revoke", "--role", "analyst", "--table", "shop.orders")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT count(*) FROM orders")
