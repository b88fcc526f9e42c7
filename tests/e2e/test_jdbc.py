"""pgJDBC, the driver behind Java tools and most BI clients, against a real
server: tests/jdbc/JdbcTest.java runs its checks and exits non-zero on the
first failure. Skipped when no Java is installed."""

import shutil
import subprocess

import pytest

from conftest import ROOT, WeirServer
from test_pgwire import PASSWORDS, build_lake


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java on this machine")
def test_pgjdbc_connects_queries_and_reads_metadata(tmp_path, weir_bin):
    jar = subprocess.run([str(ROOT / "scripts" / "pgjdbc.sh")], capture_output=True, text=True, check=True)
    weir = build_lake(tmp_path / "d")
    with WeirServer(weir) as server:
        proc = subprocess.run(
            ["java", "-cp", jar.stdout.strip(), str(ROOT / "tests" / "jdbc" / "JdbcTest.java"), str(server.port),
             "tina", PASSWORDS["tina"]],
            capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "jdbc ok" in proc.stdout
