"""Fixtures for end-to-end tests that drive build/weir as a user would."""

import json
import os
import shutil
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
    weir = Weir(data_dir)
    weir.run("demo", "--data-dir", str(data_dir))
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
    src = tmp_path / "src"
    Weir(src).run("demo", "--data-dir", str(src))
    weir = Weir(tmp_path / "d")
    weir.admin("init")
    shutil.copytree(src / "lake" / "shop", weir.data_dir / "lake" / "shop")
    return weir
