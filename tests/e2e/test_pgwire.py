"""The shared query server over PostgreSQL's wire protocol, through real
clients: psql, psycopg 3 and psycopg2, plus raw sockets for the edges."""

import json
import os
import re
import signal
import socket
import ssl
import struct
import subprocess
import threading
import time

import psycopg
import psycopg2
import pytest

from conftest import WEIR, WeirServer, make_filtered_lake, cluster_role_policy, put_document, role_arn, runtime_role_trust

ACCOUNT = "123456789012"


def arn(role):
    return role_arn(ACCOUNT, role)


TRUST = runtime_role_trust(ACCOUNT)
CLUSTER_ROLE_POLICY = cluster_role_policy(ACCOUNT)
TINA_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "AllowEMRRuntimeRole", "Effect": "Allow",
        "Action": "elasticmapreduce:GetClusterSessionCredentials",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"elasticmapreduce:ResourceTag/team": "sales"},
            "StringLike": {"elasticmapreduce:ExecutionRoleArn": [arn("electronics"), arn("people-reader")]},
        },
    }],
}
PASSWORDS = {"tina": "tina-pw-1", "david": "david-pw-1"}


def put(weir, *args, document):
    proc = put_document(weir, *args, document=document)
    assert proc.returncode == 0, proc.stderr


def build_lake(data_dir):
    """tpc.item behind the `electronics` filter, hr.people for `people-reader`,
    users tina (may use both roles) and david (only his own execution role)."""
    weir = make_filtered_lake(data_dir)
    weir.admin("cluster", "tag", "--tag", "team=sales")
    weir.admin("role", "create", "people-reader")
    weir.admin("grant", "--role", "people-reader", "--table", "hr.people")
    for role in ["tina-exec", "david-exec"]:
        weir.admin("role", "create", role)
    for role in ["electronics", "people-reader"]:
        put(weir, "role", "set-trust-policy", role, document=TRUST)
    put(weir, "role", "put-policy", "weir-cluster-role", "assume", document=CLUSTER_ROLE_POLICY)
    put(weir, "role", "put-policy", "tina-exec", "emr", document=TINA_POLICY)
    for user, role in [("tina", "tina-exec"), ("david", "david-exec")]:
        proc = subprocess.run([str(WEIR), "user", "create", user, "--execution-role", role, "--password-env", "PW",
                               "--data-dir", str(data_dir)], env=dict(os.environ, PW=PASSWORDS[user]),
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    return weir


@pytest.fixture(scope="module")
def server(tmp_path_factory, weir_bin):
    weir = build_lake(tmp_path_factory.mktemp("pgwire") / "d")
    creds = json.loads(weir.admin("sts", "get-session-credentials", "--user", "tina", "--role", "electronics",
                                  "--json").stdout)
    with WeirServer(weir) as s:
        s.session_credentials = creds
        yield s


def connect(server, user="tina", role=None, **kwargs):
    return psycopg.connect(server.dsn(user, PASSWORDS.get(user, "x"), role=role), **kwargs)


# --- psql -------------------------------------------------------------------------------


def test_psql_over_tls_with_scram_sees_only_its_rows(server):
    out, err, rc = server.psql("tina", PASSWORDS["tina"], "SELECT i_item_id, i_category FROM tpc.item ORDER BY 1",
                               "SHOW role", role="electronics")
    assert rc == 0, err
    assert out.split() == ["1|Electronics", "2|Electronics", "electronics"]


def test_psql_runs_several_statements_of_one_message_in_order(server):
    out, err, rc = server.psql("tina", PASSWORDS["tina"], "SELECT 1; SELECT 2; SHOW role", role="electronics")
    assert rc == 0, err
    assert out.split() == ["1", "2", "electronics"]


def test_an_unterminated_comment_or_string_refuses_the_whole_message(server):
    with connect(server, autocommit=True) as conn:
        for sql, what in [("SELECT 1; /* open", "unterminated /* comment"),
                          ("SET application_name = 'abc", "unterminated quoted string"),
                          ("SET application_name = 'x'; SELECT \"open", "unterminated quoted identifier")]:
            with pytest.raises(psycopg.errors.SyntaxError, match=re.escape(what)):
                conn.execute(sql.encode())  # bytes: the simple query protocol, as psql sends it
        assert conn.execute("SHOW application_name").fetchone()[0] == ""
        with pytest.raises(psycopg.errors.SyntaxError, match="syntax error"):
            conn.execute(b"SET statement_timeout = 1 000")


def test_psql_hidden_column_is_refused(server):
    _, err, rc = server.psql("tina", PASSWORDS["tina"], "SELECT i_supplier FROM tpc.item", role="electronics")
    assert rc != 0 and "i_supplier" in err


def test_plaintext_is_refused_when_tls_is_required(server):
    _, err, rc = server.psql("tina", PASSWORDS["tina"], "SELECT 1", sslmode="disable")
    assert rc != 0 and "requires TLS" in err


def test_wrong_password_and_unknown_user_fail_alike(server):
    _, wrong, rc1 = server.psql("tina", "nope", "SELECT 1")
    _, unknown, rc2 = server.psql("nobody", "nope", "SELECT 1")
    assert rc1 != 0 and rc2 != 0
    assert 'password authentication failed for user "tina"' in wrong
    assert 'password authentication failed for user "nobody"' in unknown


def test_role_the_user_may_not_use_is_refused_at_connect(server):
    with pytest.raises(psycopg.OperationalError) as error:
        connect(server, "david", role="electronics")
    message = str(error.value)
    assert "may not use role electronics" in message and "execution role" in message


def test_execution_role_is_the_default(server):
    with connect(server, "david") as conn:
        assert conn.execute("SHOW role").fetchone()[0] == "david-exec"
        assert conn.execute("SELECT current_user").fetchone()[0] == "david"


def test_startup_database_becomes_current_and_hidden_equals_missing(server):
    with psycopg.connect(server.dsn("tina", PASSWORDS["tina"], role="electronics", database="tpc")) as conn:
        assert conn.execute("SELECT count(*) FROM item").fetchone()[0] == 2
    messages = []
    for database in ["hr", "nope"]:
        with pytest.raises(psycopg.OperationalError) as error:
            psycopg.connect(server.dsn("tina", PASSWORDS["tina"], role="electronics", database=database))
        messages.append(str(error.value).replace(database, "X"))
    assert messages[0] == messages[1] and "does not exist" in messages[0]


# --- psycopg: extended protocol, types, transactions -------------------------------------------


def test_parameters_in_text_and_binary(server):
    with connect(server, role="electronics") as conn:
        for binary in (False, True):
            cur = conn.cursor(binary=binary)
            cur.execute("SELECT i_item_id, i_price FROM tpc.item WHERE i_price > %s AND i_category = %s ORDER BY 1",
                        (150, "Electronics"))
            assert cur.fetchall() == [(2, 250)]
            cur.execute("SELECT %s::int + 1, %s || '!', %s::double", (41, "hi", 2.5))
            assert cur.fetchone() == (42, "hi!", 2.5)


def test_types_round_trip(server):
    import datetime
    import decimal

    query = ("SELECT 1::smallint, 2::bigint, 2.5::float, 'x'::varchar, true, date '2024-01-02', "
             "timestamp '2024-01-02 03:04:05.5', timestamptz '2024-01-02 03:04:05+00', 12.50::decimal(10,2), "
             "[1, 2, NULL], interval '1 day 2 hours', '\\xff'::blob, NULL::int, "
             "'6b1c7c1e-5e2a-4d3b-9f7e-1a2b3c4d5e6f'::uuid, ['a', 'b c']")
    expected = (1, 2, 2.5, "x", True, datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5, 500000),
                datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), decimal.Decimal("12.50"),
                [1, 2, None], datetime.timedelta(days=1, hours=2), b"\xff", None)
    with connect(server, role="electronics") as conn:
        for binary in (False, True):
            row = conn.cursor(binary=binary).execute(query).fetchone()
            assert row[:13] == expected, binary
            assert str(row[13]) == "6b1c7c1e-5e2a-4d3b-9f7e-1a2b3c4d5e6f"
            assert row[14] == ["a", "b c"]


def test_psycopg2_works_too(server):
    conn = psycopg2.connect(server.dsn("tina", PASSWORDS["tina"], role="electronics"))
    cur = conn.cursor()
    cur.execute("SELECT i_item_id FROM tpc.item WHERE i_price >= %s ORDER BY 1", (100,))
    assert cur.fetchall() == [(1,), (2,)]
    conn.rollback()
    conn.close()


def test_failed_block_ignores_statements_until_rollback(server):
    with connect(server, role="electronics") as conn:
        conn.execute("SELECT 1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM hr.people")
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            conn.execute("SELECT 1")
        conn.rollback()
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_set_role_switches_and_rollback_undoes_it(server):
    with connect(server, role="electronics", autocommit=True) as conn:
        conn.execute("BEGIN")
        conn.execute("SET ROLE \"people-reader\"")
        assert conn.execute("SELECT count(*) FROM hr.people").fetchone() == (5,)
        conn.execute("ROLLBACK")
        assert conn.execute("SHOW role").fetchone() == ("electronics",)
        conn.execute("SET ROLE \"people-reader\"")
        assert conn.execute("SELECT current_role").fetchone() == ("people-reader",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM tpc.item")
        with pytest.raises(psycopg.errors.InvalidAuthorizationSpecification) as error:
            conn.execute("SET ROLE \"david-exec\"")
        assert "may not use role david-exec" in str(error.value)
        assert conn.execute("SHOW role").fetchone() == ("people-reader",)
        conn.execute("RESET ROLE")
        assert conn.execute("SHOW role").fetchone() == ("electronics",)


def test_client_settings_stay_in_the_session(server):
    with connect(server, role="electronics", autocommit=True) as conn:
        conn.execute("SET application_name = 'notebook'")
        conn.execute("SET extra_float_digits = 3")
        conn.execute("SET search_path = tpc")
        assert conn.execute("SHOW application_name").fetchone() == ("notebook",)
        assert conn.execute("SELECT count(*) FROM item").fetchone() == (2,)
        assert conn.info.parameter_status("application_name") == "notebook"
        with pytest.raises(psycopg.errors.UndefinedObject):
            conn.execute("SET threads = 1")
        with pytest.raises(psycopg.errors.InvalidCatalogName):
            conn.execute("SET search_path = hr")


def test_the_filter_applies_before_user_predicates(server):
    # The Books rows do not exist for the role: error() never sees them.
    with connect(server, role="electronics") as conn:
        count = conn.execute("SELECT count(*) FROM tpc.item WHERE CASE WHEN i_category = 'Books' "
                             "THEN error('leak') ELSE true END").fetchone()[0]
        assert count == 2


def test_server_side_cursor(server):
    with connect(server, role="electronics") as conn:
        with conn.cursor(name="big") as cur:
            cur.itersize = 1000
            cur.execute("SELECT i FROM range(5000) t(i)")
            assert sum(1 for _ in cur) == 5000
        conn.commit()


def test_copy_to_stdout_in_three_formats(server):
    with connect(server, role="electronics") as conn:
        cur = conn.cursor()
        with cur.copy("COPY (SELECT i_item_id, i_category FROM tpc.item ORDER BY 1) TO STDOUT") as copy:
            assert list(copy.rows()) == [("1", "Electronics"), ("2", "Electronics")]
        data = b""
        with cur.copy("COPY (SELECT i_item_id, i_category FROM tpc.item ORDER BY 1) TO STDOUT "
                      "WITH (FORMAT csv, HEADER)") as copy:
            for block in copy:
                data += bytes(block)
        assert data.decode() == "i_item_id,i_category\n1,Electronics\n2,Electronics\n"
        with cur.copy("COPY (SELECT i_item_id::bigint, i_category FROM tpc.item ORDER BY 1) TO STDOUT "
                      "(FORMAT binary)") as copy:
            copy.set_types(["int8", "text"])
            assert list(copy.rows()) == [(1, "Electronics"), (2, "Electronics")]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with cur.copy("COPY (SELECT * FROM hr.people) TO STDOUT") as copy:
                list(copy)


def test_cancel_stops_a_running_query(server):
    with connect(server, role="electronics", autocommit=True) as conn:
        timer = threading.Timer(0.5, conn.cancel)
        timer.start()
        started = time.time()
        with pytest.raises(psycopg.errors.QueryCanceled) as error:
            conn.execute("SELECT count(*) FROM range(100000000000) a(x) WHERE x % 7 = 3")
        assert "user request" in str(error.value)
        assert time.time() - started < 20
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_statement_timeout(server):
    with connect(server, role="electronics", autocommit=True) as conn:
        conn.execute("SET statement_timeout = '300ms'")
        with pytest.raises(psycopg.errors.QueryCanceled) as error:
            conn.execute("SELECT count(*) FROM range(100000000000) a(x) WHERE x % 7 = 3")
        assert "statement timeout" in str(error.value)


def test_a_cancel_with_the_wrong_secret_does_nothing(server):
    with connect(server, role="electronics", autocommit=True) as victim:
        pid = victim.info.backend_pid
        result = {}

        def run():
            try:
                victim.execute("SET statement_timeout = '3s'")
                victim.execute("SELECT count(*) FROM range(100000000000) a(x) WHERE x % 7 = 3")
            except psycopg.Error as e:
                result["error"] = str(e)

        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(0.5)
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.sendall(struct.pack("!iiii", 16, 80877102, pid, 12345))
        thread.join()
        assert "statement timeout" in result["error"]  # not "user request"


def test_temporary_credentials_open_a_session_as_their_role(server):
    creds = server.session_credentials
    with psycopg.connect(server.dsn(creds["username"], creds["password"])) as conn:
        assert conn.execute("SHOW role").fetchone() == ("electronics",)
        assert conn.execute("SELECT current_user").fetchone() == ("tina",)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.dsn(creds["username"], creds["password"], role="people-reader"))
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.dsn("sts:david", creds["password"]))


def test_garbage_bytes_close_that_connection_only(server):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"\x00\x00\x00\x08garbage!" * 4)
        s.settimeout(5)
        try:
            reply = s.recv(4096)
        except ConnectionResetError:
            reply = b""
        assert reply == b"" or reply[:1] == b"E"
    with connect(server, role="electronics") as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_unencrypted_bytes_after_ssl_request_are_refused(server):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(struct.pack("!ii", 8, 80877103) + b"\x00\x00\x00\x08")
        s.settimeout(5)
        data = s.recv(4096)
        assert data[:1] == b"E"


# --- lifecycle ------------------------------------------------------------------------------------


def test_sigterm_closes_idle_sessions_and_audit_names_the_user(tmp_path, weir_bin):
    weir = build_lake(tmp_path / "d")
    s = WeirServer(weir)
    conn = psycopg.connect(s.dsn("tina", PASSWORDS["tina"], role="electronics"), autocommit=True)
    conn.execute("SELECT count(*) FROM tpc.item").fetchone()
    assert s.stop(signal.SIGTERM) == 0
    with pytest.raises(psycopg.OperationalError):
        conn.execute("SELECT 1")
    records = weir.audit_records()
    queries = [r for r in records if r.get("statement") == "SELECT count(*) FROM tpc.item"]
    assert queries and queries[-1]["actor"] == "tina" and queries[-1]["role"] == "electronics"
    connects = [r for r in records if r.get("kind") == "connection"]
    assert any(r["actor"] == "tina" and r["decision"] == "allow" for r in connects)
    events = [line["event"] for line in s.log()]
    assert "listening" in events and "stopped" in events


def test_idle_polling_on_and_off_answer_alike(tmp_path, weir_bin):
    """Sessions that poll their socket between requests (quick clients, several
    at once, a slow client that turns polling off and a quick one again) get
    exactly what sessions that never poll get."""
    weir = build_lake(tmp_path / "d")
    bad = weir.run("serve", "--idle-poll-us", "20000", check=False)
    assert bad.returncode != 0 and "--idle-poll-us" in bad.stderr

    def workload(server):
        def one_client(pause, out):
            with psycopg.connect(server.dsn("tina", PASSWORDS["tina"], role="electronics"), autocommit=True) as conn:
                rows = []
                for i in range(60):
                    if i % 20 == 10:
                        time.sleep(pause)
                    rows.append(conn.execute("SELECT %s::INTEGER + count(*) FROM tpc.item", (i,)).fetchone()[0])
                rows.append(conn.execute("SELECT i_item_id FROM tpc.item ORDER BY 1").fetchall())
                out.append(rows)

        results = []
        clients = [threading.Thread(target=one_client, args=(pause, results)) for pause in (0, 0, 0.01, 0.2)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
        return results

    answers = []
    for poll in ("0", "2000"):
        with WeirServer(weir, "--idle-poll-us", poll) as server:
            answers.append(workload(server))
    assert len(answers[0]) == len(answers[1]) == 4
    assert all(a == answers[0][0] for a in answers[0] + answers[1])


# --- catalog commands answer from what the role can see -------------------------------------------


def test_psql_catalog_commands_show_only_visible_objects(server):
    def psql(*commands, role="electronics"):
        out, err, rc = server.psql("tina", PASSWORDS["tina"], *commands, role=role)
        assert rc == 0, err
        return out

    assert psql("\\dn").split() == ["tpc|weir"]
    assert psql("\\dt tpc.*").split() == ["tpc|item|table|weir"]
    assert psql("\\l").split("\n")[0].startswith("tpc|")
    described = psql("\\d tpc.item")
    assert "i_category" in described and "i_supplier" not in described
    assert psql("\\dn", role="people-reader").split() == ["hr|weir"]
    out, err, rc = server.psql("tina", PASSWORDS["tina"], "\\d hr.people", role="electronics")
    assert "Did not find any relation" in err


def test_information_schema_lists_only_visible_columns(server):
    with connect(server, role="electronics") as conn:
        rows = conn.execute("SELECT table_schema, table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY ordinal_position"
                            ).fetchall()
        assert rows == [("tpc", "item", "i_item_id"), ("tpc", "item", "i_category"), ("tpc", "item", "i_price")]
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            conn.execute("SELECT * FROM tpc.item, information_schema.tables")


def test_kill_9_under_load_leaves_a_data_directory_that_serves_again(tmp_path, weir_bin):
    weir = build_lake(tmp_path / "d")
    s = WeirServer(weir)
    stop = threading.Event()
    done = []

    def client():
        try:
            with psycopg.connect(s.dsn("tina", PASSWORDS["tina"], role="electronics"), autocommit=True) as conn:
                while not stop.is_set():
                    conn.execute("SELECT count(*) FROM tpc.item").fetchone()
                    done.append(1)
        except psycopg.Error:
            pass  # the server died under it

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    deadline = time.time() + 20
    while len(done) < 50 and time.time() < deadline:
        time.sleep(0.05)
    s.proc.kill()
    s.proc.wait()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(done) >= 50
    with WeirServer(weir) as again:
        with psycopg.connect(again.dsn("tina", PASSWORDS["tina"], role="electronics")) as conn:
            assert conn.execute("SELECT count(*) FROM tpc.item").fetchone() == (2,)
    # The store is intact and its audit trail readable.
    assert weir.admin("role", "list").stdout.split().count("electronics") == 1
    assert any(r.get("actor") == "tina" for r in weir.audit_records())
