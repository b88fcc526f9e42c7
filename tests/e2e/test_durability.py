"""kill -9 during a burst of admin changes through the API and queries: every
acknowledged change is there after a restart, with its audit record, and the
audit chain verifies."""
import json
import subprocess
import threading
import time

import psycopg

from conftest import WEIR, Weir, WeirServer
from test_admin_api import Api
from test_pgwire import PASSWORDS, build_lake

ROLES = 60


def test_sigkill_during_a_burst_of_grants_loses_nothing_acknowledged(tmp_path, weir_bin):
    weir = build_lake(tmp_path / "d")
    for i in range(ROLES):
        weir.admin("role", "create", f"burst-{i}")
    auth = ("admin", (weir.data_dir / "admin-password").read_text().strip())
    server = WeirServer(weir)
    api = Api(server.info)
    acknowledged = []
    queries = []
    stop = threading.Event()

    def grants():
        for i in range(ROLES):
            grant = {"principal": f"role/burst-{i}", "permissions": ["SELECT"],
                     "resource": {"table": {"database": "tpc", "name": "item"}}}
            try:
                status, _, _ = api.call("POST", "/v1/grants", grant, auth=auth)
            except (OSError, IndexError, ValueError):
                return  # the server died under the request (no or a cut answer): not acknowledged
            if status == 200:
                acknowledged.append(i)

    def client():
        try:
            with psycopg.connect(server.dsn("tina", PASSWORDS["tina"], role="electronics"), autocommit=True) as conn:
                while not stop.is_set():
                    conn.execute("SELECT count(*) FROM tpc.item").fetchone()
                    queries.append(1)
        except psycopg.Error:
            pass

    threads = [threading.Thread(target=grants)] + [threading.Thread(target=client) for _ in range(3)]
    for t in threads:
        t.start()
    deadline = time.time() + 60
    while len(acknowledged) < ROLES // 3 and time.time() < deadline:
        time.sleep(0.01)
    server.proc.kill()  # mid-burst
    server.proc.wait()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert len(acknowledged) >= ROLES // 3 and queries

    # Every acknowledged grant is in the store, with its audit record.
    with WeirServer(weir) as again:
        api = Api(again.info)
        status, _, body = api.call("GET", "/v1/grants", auth=auth)
        assert status == 200
        granted = {g["role"] for g in body["grants"] if g["table"] == "item"}
        for i in acknowledged:
            assert f"burst-{i}" in granted
        records = subprocess.run([str(WEIR), "audit", "--data-dir", str(weir.data_dir), "--action", "grant",
                                  "--json", "--limit", "1000"], capture_output=True, text=True, timeout=60)
        assert records.returncode == 0, records.stderr
        audited = {json.loads(line)["detail"]["role"] for line in records.stdout.splitlines() if line.strip()}
        for i in acknowledged:
            assert f"burst-{i}" in audited
        # The server still serves the roles.
        with psycopg.connect(again.dsn("tina", PASSWORDS["tina"], role="electronics")) as conn:
            assert conn.execute("SELECT count(*) FROM tpc.item").fetchone() == (2,)
    verify = subprocess.run([str(WEIR), "audit", "verify", "--data-dir", str(weir.data_dir)],
                            capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.startswith("ok: ")
