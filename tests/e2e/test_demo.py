"""weir demo: the seed walkthrough over the PostgreSQL protocol, and
`weir demo --serve` left running for psql."""
import json
import os
import re
import signal
import stat
import subprocess
import time

import pytest

from conftest import WEIR


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo") / "d"
    first = subprocess.run([str(WEIR), "demo", "--data-dir", str(data_dir)], capture_output=True, text=True,
                           timeout=300)
    return data_dir, first


def test_walkthrough(demo):
    data_dir, first = demo
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    assert "Every step behaved as the walkthrough expects." in out
    assert "NOT AS EXPECTED" not in out
    # David: 10 customers without the personal columns, then the denial.
    david = out[out.index("== David, with the marketing role"):out.index("== Tina, with the sales role")]
    table = david[david.index("SELECT * FROM dl_tpc_customer LIMIT 10"):]
    header = table.splitlines()[1]
    assert "c_customer_id" in header
    for column in ["c_first_name", "c_last_name", "c_email_address", "c_birth_year", "c_login"]:
        assert column not in header
    assert "(10 rows)" in table
    assert "ERROR:  42501" in david
    # Tina: web sales, the item denial, then Electronics only after SET ROLE.
    tina = out[out.index("== Tina, with the sales role"):out.index("== David may not use the sales role")]
    assert "(10 rows)" in tina
    assert tina.index("ERROR:  42501") < tina.index("SET ROLE")
    after = tina[tina.index("SET ROLE"):]
    assert "Electronics" in after and "Books" not in after
    # The refused connections.
    assert "user david may not use role sales-data-access-role" in out
    assert "user tina may not use role marketing-data-access-role" in out

    creds = data_dir / "demo-credentials.json"
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    users = json.loads(creds.read_text())["users"]
    assert set(users) == {"alice", "david", "tina"} and all(len(u["password"]) >= 16 for u in users.values())


def test_rerun_reuses_the_data_dir(demo):
    data_dir, _ = demo
    creds = (data_dir / "demo-credentials.json").read_text()
    again = subprocess.run([str(WEIR), "demo", "--data-dir", str(data_dir)], capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Stack seed is up to date" in again.stdout
    assert "Generating" not in again.stdout
    assert (data_dir / "demo-credentials.json").read_text() == creds


def test_serve_keeps_serving_for_psql(demo):
    data_dir, _ = demo
    proc = subprocess.Popen([str(WEIR), "demo", "--serve", "--data-dir", str(data_dir), "--pg-listen",
                             "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        deadline = time.time() + 120
        lines = []
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"Weir is serving on 127\.0\.0\.1:(\d+)", line)
            if m:
                port = int(m.group(1))
            if line.startswith("Stop with Ctrl-C"):
                break
        assert port, "".join(lines)
        text = "".join(lines)
        assert "PGOPTIONS='-c role=marketing-data-access-role' psql" in text
        password = json.loads((data_dir / "demo-credentials.json").read_text())["users"]["david"]["password"]
        env = {**os.environ, "PGPASSWORD": password, "PGOPTIONS": "-c role=marketing-data-access-role"}
        psql = subprocess.run(["psql", f"host=127.0.0.1 port={port} user=david dbname=tpc sslmode=require",
                               "-At", "-c", "SELECT count(*) FROM dl_tpc_customer"],
                              capture_output=True, text=True, env=env, timeout=60)
        assert psql.returncode == 0, psql.stderr
        assert int(psql.stdout.strip()) == 1000
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert proc.returncode == 0
