"""Fixtures for end-to-end tests that drive build/weir as a user would."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEIR = Path(os.environ.get("WEIR_BIN", ROOT / "build" / "weir"))


class Weir:
    """Runs `weir` commands against one data directory."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir

    def run(self, *args, check=True, stdin=None, timeout=60):
        proc = subprocess.run(
            [str(WEIR), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"weir {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
        return proc

    def admin(self, *args, check=True):
        return self.run(*args, "--data-dir", str(self.data_dir), check=check)

    def sql(self, role, sql, database=None, check=False):
        """Runs SQL as `role`; returns (rows as dicts, sqlstate or None, stderr)."""
        args = ["sql", "--data-dir", str(self.data_dir), "--as-role", role, "--format", "json", "-c", sql]
        if database:
            args += ["--database", database]
        proc = self.run(*args, check=False)
        rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        state = None
        if proc.returncode != 0:
            for line in proc.stderr.splitlines():
                if line.startswith("ERROR:"):
                    state = line.split()[1].rstrip(":")
                    break
            assert state, f"failed without an ERROR line: {proc.stderr}"
        if check and state:
            raise AssertionError(f"{sql} failed: {proc.stderr}")
        return rows, state, proc.stderr

    def audit_records(self):
        path = self.data_dir / "audit" / "audit.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="session")
def weir_bin():
    assert WEIR.exists(), f"{WEIR} is missing: run make"
    return WEIR


@pytest.fixture(scope="session")
def shop(tmp_path_factory, weir_bin):
    """A data directory with the demo's sample lake: shop.customers (analyst may
    read all but email and phone) and shop.orders (auditor may read all)."""
    data_dir = tmp_path_factory.mktemp("shop") / "d"
    return make_shop(Weir(data_dir))


def make_shop(weir: "Weir") -> "Weir":
    """Initializes weir's data directory with the shop sample lake, its two
    tables and the roles analyst and auditor."""
    weir.admin("init")
    weir.run("datagen", "--dataset", "shop", "--out", str(weir.data_dir / "lake" / "shop"))
    weir.admin("table", "register", "shop.customers", "--location", "shop/customers", "--create-database")
    weir.admin("table", "register", "shop.orders", "--location", "shop/orders")
    weir.admin("role", "create", "analyst")
    weir.admin("grant", "--role", "analyst", "--table", "shop.customers", "--exclude-columns", "email,phone")
    weir.admin("role", "create", "auditor")
    weir.admin("grant", "--role", "auditor", "--table", "shop.orders")
    return weir


@pytest.fixture
def fresh(tmp_path, weir_bin):
    """An empty, initialized data directory."""
    weir = Weir(tmp_path / "d")
    weir.admin("init")
    return weir


@pytest.fixture
def sample_lake(tmp_path, weir_bin):
    """A copy of the demo lake's files in a new, empty data directory."""
    weir = Weir(tmp_path / "d")
    weir.admin("init")
    weir.run("datagen", "--dataset", "shop", "--out", str(weir.data_dir / "lake" / "shop"))
    return weir


# A small lake with row- and cell-level material: tpc.item (CSV) and hr.people (CSV).
ITEMS = [
    # id, category, price, supplier (supplier is sensitive)
    (1, "Electronics", 100, "acme"),
    (2, "Electronics", 250, "globex"),
    (3, "Books", 20, "initech"),
    (4, "Books", 0, "umbrella"),
    (5, "Home", 75, "hooli"),
]

PEOPLE = [
    # id, country, address
    (1, "US", "1 Main St"),
    (2, "US", "2 Oak Ave"),
    (3, "UK", "3 High St"),
    (4, "UK", "secret"),
    (5, "FR", "5 Rue X"),
]


def make_filtered_lake(data_dir: Path) -> Weir:
    """Initializes `data_dir` with tpc.item and hr.people registered, and role
    `electronics` holding the data cells filter `electronics` (Electronics
    rows, all columns but i_supplier) on tpc.item."""
    weir = Weir(data_dir)
    weir.admin("init")
    items = weir.data_dir / "lake" / "tpc" / "item"
    items.mkdir(parents=True)
    (items / "part-0.csv").write_text(
        "i_item_id,i_category,i_price,i_supplier\n" + "".join(f"{a},{b},{c},{d}\n" for a, b, c, d in ITEMS)
    )
    people = weir.data_dir / "lake" / "hr" / "people"
    people.mkdir(parents=True)
    (people / "p.csv").write_text("id,country,address\n" + "".join(f"{a},{b},{c}\n" for a, b, c in PEOPLE))
    weir.admin("table", "register", "tpc.item", "--location", "tpc/item", "--format", "csv", "--create-database")
    weir.admin("table", "register", "hr.people", "--location", "hr/people", "--format", "csv", "--create-database")
    weir.admin("filter", "create", "electronics", "--table", "tpc.item", "--row-filter", "i_category = 'Electronics'",
               "--exclude-columns", "i_supplier")
    weir.admin("role", "create", "electronics")
    weir.admin("grant", "--role", "electronics", "--table", "tpc.item", "--filter", "electronics")
    return weir


class WeirServer:
    """A `weir serve` process on an ephemeral port, for wire-protocol tests."""

    def __init__(self, weir: Weir, *extra_args):
        import time

        self.weir = weir
        info_path = weir.data_dir / "server.json"
        if info_path.exists():
            info_path.unlink()
        self.stderr_path = weir.data_dir / "serve.log"
        self.proc = subprocess.Popen(
            [str(WEIR), "serve", "--data-dir", str(weir.data_dir), "--pg-listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0", *extra_args],
            stdout=subprocess.DEVNULL,
            stderr=open(self.stderr_path, "w"),
        )
        deadline = time.time() + 30
        while not info_path.exists():
            if self.proc.poll() is not None:
                raise AssertionError(f"weir serve exited: {self.stderr_path.read_text()}")
            if time.time() > deadline:
                self.proc.kill()
                raise AssertionError("weir serve did not start")
            time.sleep(0.05)
        self.info = json.loads(info_path.read_text())
        self.port = self.info["pg_port"]

    def dsn(self, user, password=None, role=None, database=None, sslmode="require", **extra):
        parts = [f"host=127.0.0.1 port={self.port} user={user} sslmode={sslmode}"]
        if password is not None:
            parts.append(f"password={password}")
        if role is not None:
            parts.append(f"options='-c role={role}'")
        if database is not None:
            parts.append(f"dbname={database}")
        parts += [f"{k}={v}" for k, v in extra.items()]
        return " ".join(parts)

    def psql(self, user, password, *commands, role=None, database=None, sslmode="require"):
        """Runs psql; returns (stdout, stderr, returncode)."""
        env = dict(os.environ, PGPASSWORD=password, PGCONNECT_TIMEOUT="10")
        env.pop("PGOPTIONS", None)
        if role:
            env["PGOPTIONS"] = f"-c role={role}"
        args = ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                f"host=127.0.0.1 port={self.port} user={user} sslmode={sslmode}"
                + (f" dbname={database}" if database else "")]
        for c in commands:
            args += ["-c", c]
        proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
        return proc.stdout, proc.stderr, proc.returncode

    def stop(self, sig=None):
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(sig or signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log(self):
        return [json.loads(line) for line in self.stderr_path.read_text().splitlines() if line.startswith("{")]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# IAM documents the runtime-role tests share.


def role_arn(account: str, role: str) -> str:
    return f"arn:aws:iam::{account}:role/{role}"


def runtime_role_trust(account: str) -> dict:
    """A runtime role's trust policy: the cluster role may assume it, set the
    source identity and tag the session (the seed's trust relationship)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": role_arn(account, "weir-cluster-role")},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        }],
    }


def cluster_role_policy(account: str) -> dict:
    """The cluster role's own policy: it may assume any role of the account."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn(account, "*")}],
    }


def put_document(weir: Weir, *args, document: dict) -> subprocess.CompletedProcess:
    """`weir ARGS... - --data-dir D` with `document` as JSON on standard input."""
    return subprocess.run([str(WEIR), *args, "-", "--data-dir", str(weir.data_dir)], input=json.dumps(document),
                          capture_output=True, text=True)
