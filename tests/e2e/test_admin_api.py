"""The admin HTTPS API beside the query server: authentication, IAM
authorization, errors, the OpenAPI document, stack files through it, and
the CLI finding the running server through D/server.json."""
import base64
import hashlib
import json
import os
import socket
import ssl
import subprocess
from pathlib import Path

import psycopg
import pytest

from conftest import WEIR, Weir, WeirServer

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed" / "stack.yaml"
PASSWORDS = {"ALICE_PASSWORD": "alice-pw", "DAVID_PASSWORD": "david-pw", "TINA_PASSWORD": "tina-pw"}


class Api:
    def __init__(self, info: dict):
        url = info["api_url"]
        assert url.startswith("https://")
        host, port = url[len("https://"):].rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.fingerprint = info["fingerprint"]
        self.ctx = ssl.create_default_context()
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE

    def call(self, method, path, body=None, auth=None, raw=None, length=None):
        """Returns (status, headers, parsed JSON body). `length` declares a
        Content-Length without sending the body."""
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nConnection: close\r\n"
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            head += f"Authorization: Basic {token}\r\n"
        head += f"Content-Length: {len(payload) if length is None else length}\r\n\r\n"
        with socket.create_connection((self.host, self.port), timeout=60) as sock:
            with self.ctx.wrap_socket(sock) as tls:
                cert = tls.getpeercert(binary_form=True)
                got = ":".join(f"{b:02X}" for b in hashlib.sha256(cert).digest())
                assert got == self.fingerprint, "the API presents the query server's certificate"
                tls.sendall(head.encode() + payload)
                data = b""
                while chunk := tls.recv(65536):
                    data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        return status, headers, json.loads(body) if body.strip() else None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    weir = Weir(tmp_path_factory.mktemp("api") / "d")
    weir.admin("init")
    weir.run("datagen", "--scale", "0.01", "--out", str(weir.data_dir / "lake" / "tpc"))
    with WeirServer(weir) as server:
        yield weir, server, Api(server.info)


def admin_auth(weir):
    return ("admin", (weir.data_dir / "admin-password").read_text().strip())


def test_openapi_and_errors(served):
    weir, _, api = served
    status, _, doc = api.call("GET", "/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.")
    for path in ["/v1/roles", "/v1/grants", "/v1/stacks/apply", "/v1/access/explain", "/v1/me/roles"]:
        assert path in doc["paths"]
    assert doc["paths"]["/v1/roles/{role}"]["get"]["description"] == "IAM action: iam:GetRole"

    status, headers, body = api.call("GET", "/v1/roles")
    assert status == 401 and headers["www-authenticate"].startswith("Basic")
    status, _, body = api.call("GET", "/v1/roles", auth=("admin", "wrong"))
    assert status == 401 and body["error"]["message"] == "authentication failed for user admin"
    status, _, body = api.call("GET", "/v1/nothing", auth=admin_auth(weir))
    assert status == 404
    status, _, body = api.call("PATCH", "/v1/roles", auth=admin_auth(weir))
    assert status == 405
    status, _, body = api.call("POST", "/v1/roles", raw=b"{not json", auth=admin_auth(weir))
    assert status == 400 and "JSON object" in body["error"]["message"]
    status, _, body = api.call("POST", "/v1/roles", {"name": "Bad Name"}, auth=admin_auth(weir))
    assert status == 400 and body["error"]["sqlstate"] == "22023"
    status, _, body = api.call("POST", "/v1/roles", {"name": "api-made"}, auth=admin_auth(weir))
    assert status == 201
    status, _, body = api.call("POST", "/v1/roles", {"name": "api-made"}, auth=admin_auth(weir))
    assert status == 409
    status, _, body = api.call("GET", "/v1/roles/api-made", auth=admin_auth(weir))
    assert status == 200 and body["name"] == "api-made"
    assert api.call("DELETE", "/v1/roles/api-made", auth=admin_auth(weir))[0] == 200
    assert api.call("GET", "/v1/roles/api-made", auth=admin_auth(weir))[0] == 404
    # A request larger than the limit is refused without reading it.
    status, _, _ = api.call("POST", "/v1/roles", length=5 * 1024 * 1024, auth=admin_auth(weir))
    assert status == 413


def test_seed_through_the_cli_and_api(served):
    weir, server, api = served
    # The server holds the data directory: the CLI goes through its API.
    applied = subprocess.run([str(WEIR), "apply", str(SEED), "--data-dir", str(weir.data_dir)],
                             capture_output=True, text=True, env={**os.environ, **PASSWORDS}, timeout=120)
    assert applied.returncode == 0, applied.stderr
    assert "applied stack seed through the server" in applied.stdout
    plan = subprocess.run([str(WEIR), "plan", str(SEED), "--data-dir", str(weir.data_dir), "--json"],
                          capture_output=True, text=True, env={**os.environ, **PASSWORDS}, timeout=120)
    assert json.loads(plan.stdout)["changes"] == []

    # The running server enforces it at once.
    dsn = server.dsn("david", "david-pw", role="marketing-data-access-role", database="tpc")
    with psycopg.connect(dsn) as conn:
        cols = [d.name for d in conn.execute("SELECT * FROM dl_tpc_customer LIMIT 1").description]
    assert "c_customer_id" in cols and "c_email_address" not in cols

    david = ("david", "david-pw")
    status, _, body = api.call("GET", "/v1/whoami", auth=david)
    assert body == {"user": "david", "execution_role": "david-execution-role"}
    status, _, body = api.call("GET", "/v1/me/roles", auth=david)
    assert "marketing-data-access-role" in body["roles"] and "sales-data-access-role" not in body["roles"]
    status, _, body = api.call("GET", "/v1/roles", auth=david)
    assert status == 403
    assert "user david is not authorized to perform iam:ListRoles" in body["error"]["message"]
    status, _, body = api.call("POST", "/v1/roles", {"name": "davids"}, auth=david)
    assert status == 403

    # alice is a lake administrator, but IAM still decides admin verbs.
    status, _, body = api.call("GET", "/v1/access/explain?role=marketing-data-access-role"
                               "&table=tpc.dl_tpc_customer&column=c_email_address", auth=admin_auth(weir))
    assert status == 200 and body["column"] == {"name": "c_email_address", "visible": False}, body
    status, _, body = api.call("GET", "/v1/access/explain?role=marketing-data-access-role"
                               "&table=tpc.dl_tpc_customer&column=c_customer_id", auth=admin_auth(weir))
    assert body["column"]["visible"] is True and body["column"]["granted_by"], body
    status, _, body = api.call("GET", "/v1/access/can-assume?user=tina&role=marketing-data-access-role",
                               auth=admin_auth(weir))
    assert body["allowed"] is False and body["check"] == "execution_role_policy"

    # Temporary credentials authenticate too (acting as their user).
    status, _, creds = api.call("POST", "/v1/sts/session-credentials", {"role": "marketing-data-access-role"},
                                auth=david)
    assert status == 200 and creds["username"] == "sts:david"
    status, _, body = api.call("GET", "/v1/whoami", auth=(creds["username"], creds["password"]))
    assert status == 200 and body["user"] == "david"
    status, _, body = api.call("GET", "/v1/whoami", auth=("david", creds["password"]))
    assert status == 200 and body["user"] == "david"
    status, _, body = api.call("GET", "/v1/whoami", auth=(creds["username"], creds["password"] + "x"))
    assert status == 401

    # A grant through the API, in the stack file's grant shape.
    grant = {"principal": "role/sales-data-access-role", "permissions": ["SELECT"],
             "resource": {"table": {"database": "tpc", "name": "dl_tpc_store"}}}
    assert api.call("POST", "/v1/grants", grant, auth=admin_auth(weir))[0] == 200
    status, _, body = api.call("GET", "/v1/grants?role=sales-data-access-role", auth=admin_auth(weir))
    assert any(g["table"] == "dl_tpc_store" for g in body["grants"])
    assert api.call("POST", "/v1/grants/revoke", grant, auth=admin_auth(weir))[0] == 200
    bad = dict(grant, permissions=["SELEC"])
    status, _, body = api.call("POST", "/v1/grants", bad, auth=admin_auth(weir))
    assert status == 400 and "permissions[0]: unknown permission 'SELEC'" in body["error"]["message"]


def test_tags_and_audit_through_the_api(served):
    weir, _, api = served
    admin = admin_auth(weir)
    assert api.call("POST", "/v1/tags", {"key": "Domain", "values": ["Sales", "HR"]}, auth=admin)[0] == 201
    status, _, body = api.call("GET", "/v1/tags", auth=admin)
    assert {"key": "domain", "values": ["hr", "sales"]} in body["tags"]
    weir.run("datagen", "--dataset", "shop", "--out", str(weir.data_dir / "lake" / "shop"))
    status, _, body = api.call("POST", "/v1/tables", {"database": "shop", "name": "orders", "location": "shop/orders",
                                                      "create_database": True}, auth=admin)
    assert status == 201, body
    assert api.call("POST", "/v1/tags/assign", {"database": "shop", "tags": {"domain": "sales"}}, auth=admin)[0] == 200
    status, _, body = api.call("POST", "/v1/tags/assign", {"database": "shop", "tags": {"domain": "finance"}},
                               auth=admin)
    assert status == 400 and "finance" in body["error"]["message"]
    assert api.call("PATCH", "/v1/tags/domain", {"add": ["finance"]}, auth=admin)[0] == 200

    status, _, body = api.call("GET", "/v1/audit?action=create_lf_tag&limit=5", auth=admin)
    assert status == 200 and body["records"], body
    record = body["records"][-1]
    assert record["action"] == "create_lf_tag" and record["actor"] == "admin" and len(record["hash"]) == 64
    status, _, body = api.call("GET", "/v1/audit?since=nonsense", auth=admin)
    assert status == 400
    status, _, body = api.call("GET", "/v1/audit", auth=("david", "david-pw"))
    assert status == 403 and "cloudtrail:LookupEvents" in body["error"]["message"]
