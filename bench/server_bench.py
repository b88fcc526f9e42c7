#!/usr/bin/env python3
"""Benchmarks of `weir serve` over loopback, beside PostgreSQL's figures on
the same machine and data when a PostgreSQL server binary is installed
(/usr/lib/postgresql/*/bin): connection setup, trivial-query round trip,
bulk export with COPY ... TO STDOUT (FORMAT binary) and a plain SELECT of a
governed 10-million-row, 5-column table, a concurrent load of many sessions
across 4 roles (errors and cross-role leaks counted), and the memory an idle
session costs. Prints figures and ratios; asserts nothing about speed.

  python3 bench/server_bench.py [--rows 10000000] [--sessions 200] [--duration 60] [--idle 1000]
                                [--serve-arg=--threads --serve-arg=1] [--skip-postgres]
"""

import argparse
import glob
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
WEIR = Path(os.environ.get("WEIR_BIN", ROOT / "build" / "weir"))
ROLES = ["r0", "r1", "r2", "r3"]
PASSWORD = "bench-password-1"


def run(*args, env=None):
    proc = subprocess.run([str(WEIR), *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"weir {' '.join(args)}: {proc.stderr}")
    return proc.stdout


def make_lake(data_dir: Path, rows: int):
    """facts (rows x 5 columns, Parquet) readable by every role; small
    per-role tables so a leak between roles would show."""
    import duckdb  # only the benchmark needs it, to write Parquet

    run("init", "--data-dir", str(data_dir))
    facts = data_dir / "lake" / "bench" / "facts"
    facts.mkdir(parents=True)
    con = duckdb.connect()
    con.execute(f"COPY (SELECT i AS id, i % 1000 AS k, i * 0.5 AS amount, 'name-' || (i % 97) AS label, "
                f"DATE '2020-01-01' + (i % 1500)::INTEGER AS day FROM range({rows}) t(i)) "
                f"TO '{facts}/part-0.parquet' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    run("table", "register", "bench.facts", "--location", "bench/facts", "--create-database", "--data-dir",
        str(data_dir))
    for n, role in enumerate(ROLES):
        own = data_dir / "lake" / "bench" / f"own_{role}"
        own.mkdir(parents=True)
        (own / "t.csv").write_text("role,n\n" + f"{role},{n}\n")
        run("table", "register", f"bench.own_{role}", "--location", f"bench/own_{role}", "--format", "csv",
            "--data-dir", str(data_dir))
        run("role", "create", role, "--data-dir", str(data_dir))
        run("grant", "--role", role, "--table", "bench.facts", "--data-dir", str(data_dir))
        run("grant", "--role", role, "--table", f"bench.own_{role}", "--data-dir", str(data_dir))
        run("user", "create", f"u{n}", "--execution-role", role, "--password-env", "PW", "--data-dir",
            str(data_dir), env=dict(os.environ, PW=PASSWORD))
    return data_dir / "lake" / "bench" / "facts" / "part-0.parquet"


class WeirTarget:
    name = "weir"

    def __init__(self, data_dir: Path, extra_args=()):
        (data_dir / "server.json").unlink(missing_ok=True)
        self.proc = subprocess.Popen([str(WEIR), "serve", "--data-dir", str(data_dir), "--pg-listen", "127.0.0.1:0",
                                      "--http-listen", "127.0.0.1:0", "--max-connections", "5000",
                                      "--role-concurrency", "16", *extra_args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not (data_dir / "server.json").exists():
            if self.proc.poll() is not None:
                sys.exit("weir serve exited")
            time.sleep(0.05)
        self.port = json.loads((data_dir / "server.json").read_text())["pg_port"]
        self.pid = self.proc.pid
        self.table = "bench.facts"

    def dsn(self, n=0):
        return f"host=127.0.0.1 port={self.port} user=u{n} password={PASSWORD} sslmode=require"

    def own_table(self, n):
        return f"bench.own_{ROLES[n]}"

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


class PostgresTarget:
    name = "postgres"

    def __init__(self, bindir: Path, work: Path, parquet: Path, rows: int):
        import duckdb

        self.dir = work / "pg"
        self.dir.mkdir()
        pwfile = work / "pg-password"
        pwfile.write_text(PASSWORD)
        chown_tree(self.dir)
        chown_tree(pwfile)
        subprocess.run([str(bindir / "initdb"), "-D", str(self.dir), "-U", "postgres", "--auth=scram-sha-256",
                        f"--pwfile={pwfile}"], text=True, check=True, capture_output=True, preexec_fn=demote())
        self.port = 15432
        conf = self.dir / "postgresql.conf"
        conf.write_text(conf.read_text() + f"\nport={self.port}\nlisten_addresses='127.0.0.1'\nssl=on\n"
                        "ssl_cert_file='server.crt'\nssl_key_file='server.key'\nmax_connections=1200\n"
                        f"unix_socket_directories='{self.dir}'\nshared_buffers=1GB\n")
        subprocess.run(["openssl", "req", "-new", "-x509", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout",
                        str(self.dir / "server.key"), "-out", str(self.dir / "server.crt")], check=True,
                       capture_output=True)
        os.chmod(self.dir / "server.key", 0o600)
        chown_tree(self.dir)
        subprocess.run([str(bindir / "pg_ctl"), "-D", str(self.dir), "-l", str(self.dir / "log"), "-w", "start"],
                       check=True, capture_output=True, preexec_fn=demote())
        self.table = "facts"
        csv = work / "facts.csv"
        duckdb.connect().execute(f"COPY (SELECT * FROM '{parquet}') TO '{csv}' (HEADER false)")
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute("CREATE TABLE facts (id bigint, k bigint, amount numeric(20,1), label text, day date)")
            with conn.cursor().copy("COPY facts FROM STDIN (FORMAT csv)") as copy, open(csv, "rb") as f:
                while block := f.read(1 << 20):
                    copy.write(block)
            for n, role in enumerate(ROLES):
                conn.execute(f"CREATE TABLE own_{role} (role text, n int)")
                conn.execute(f"INSERT INTO own_{role} VALUES ('{role}', {n})")
            conn.execute("VACUUM ANALYZE")
        self.pid = int((self.dir / "postmaster.pid").read_text().split()[0])
        self.bindir = bindir

    def dsn(self, n=0):
        return f"host=127.0.0.1 port={self.port} user=postgres password={PASSWORD} dbname=postgres sslmode=require"

    def own_table(self, n):
        return f"own_{ROLES[n]}"

    def stop(self):
        subprocess.run([str(self.bindir / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "stop"], capture_output=True,
                       preexec_fn=demote())


def demote():
    """PostgreSQL refuses to run as root: run its tools as `nobody`."""
    if os.getuid() != 0:
        return None
    import pwd

    user = pwd.getpwnam("nobody")
    return lambda: (os.setgid(user.pw_gid), os.setuid(user.pw_uid))


def chown_tree(path: Path):
    if os.getuid() != 0:
        return
    import pwd

    user = pwd.getpwnam("nobody")
    for root, dirs, files in os.walk(path):
        for name in [root, *[os.path.join(root, d) for d in dirs], *[os.path.join(root, f) for f in files]]:
            os.chown(name, user.pw_uid, user.pw_gid)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def connect_latency(target, count=200):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        conn = psycopg.connect(target.dsn(0))
        times.append(time.perf_counter() - start)
        conn.close()
    return statistics.median(times) * 1000


def client_scram_ms(iterations=4096, count=50):
    """The client's share of a connection that no server can save: SCRAM's
    key derivation (PBKDF2-HMAC-SHA-256 at the verifier's iteration count,
    4096 for both servers), measured here as libpq would run it."""
    import hashlib

    start = time.perf_counter()
    for _ in range(count):
        hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), b"0123456789abcdef", iterations)
    return (time.perf_counter() - start) / count * 1000


def trivial_rtt(target, count=2000):
    with psycopg.connect(target.dsn(0), autocommit=True) as conn:
        cur = conn.cursor()
        for _ in range(100):
            cur.execute("SELECT 1")
        times = []
        for _ in range(count):
            start = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchone()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def copy_binary(target):
    with psycopg.connect(target.dsn(0), autocommit=True) as conn:
        start = time.perf_counter()
        size = 0
        with conn.cursor().copy(f"COPY (SELECT id, k, amount, label, day FROM {target.table}) TO STDOUT "
                                f"(FORMAT binary)") as copy:
            for block in copy:
                size += len(block)
        return time.perf_counter() - start, size


def plain_select(target):
    with psycopg.connect(target.dsn(0), autocommit=True) as conn:
        start = time.perf_counter()
        rows = 0
        with conn.cursor(binary=True) as cur:
            cur.execute(f"SELECT id, k, amount, label, day FROM {target.table}")
            while batch := cur.fetchmany(100000):
                rows += len(batch)
        return time.perf_counter() - start, rows


def load_worker(args):
    dsn_list, own_tables, table, duration, sessions = args
    latencies, errors, leaks = [], 0, 0
    lock = threading.Lock()

    def session(i):
        nonlocal errors, leaks
        n = i % len(dsn_list)
        try:
            conn = psycopg.connect(dsn_list[n], autocommit=True)
        except psycopg.Error:
            with lock:
                errors += 1
            return
        end = time.time() + duration
        local = []
        while time.time() < end:
            start = time.perf_counter()
            try:
                role = conn.execute(f"SELECT role FROM {own_tables[n]}").fetchone()[0]
                conn.execute(f"SELECT count(*) FROM {table} WHERE k = %s", (i % 1000,)).fetchone()
                local.append(time.perf_counter() - start)
                if role != ROLES[n]:
                    with lock:
                        leaks += 1
            except psycopg.Error:
                with lock:
                    errors += 1
        conn.close()
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=session, args=(i,)) for i in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, leaks


def load(target, sessions, duration, processes=8):
    dsns = [target.dsn(n) for n in range(len(ROLES))]
    owns = [target.own_table(n) for n in range(len(ROLES))]
    chunks = [list(range(p, sessions, processes)) for p in range(processes)]
    with multiprocessing.Pool(processes) as pool:
        results = pool.map(load_worker, [(dsns, owns, target.table, duration, c) for c in chunks])
    latencies = [x for r in results for x in r[0]]
    return latencies, sum(r[1] for r in results), sum(r[2] for r in results)


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def idle_cost(target, count):
    before = rss_kb(target.pid)
    conns = [psycopg.connect(target.dsn(i % len(ROLES))) for i in range(count)]
    time.sleep(1)
    after = rss_kb(target.pid)
    for c in conns:
        c.close()
    return (after - before) / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--serve-arg", action="append", default=[],
                        help="an extra argument for weir serve (repeat: --serve-arg=--threads --serve-arg=1)")
    parser.add_argument("--skip-postgres", action="store_true", help="measure Weir only")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="weir-server-bench-"))
    os.chmod(work, 0o755)
    try:
        parquet = make_lake(work / "d", args.rows)
        targets = [WeirTarget(work / "d", args.serve_arg)]
        pg_bins = [] if args.skip_postgres else sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if pg_bins:
            targets.append(PostgresTarget(Path(pg_bins[-1]).parent, work, parquet, args.rows))
        else:
            print("PostgreSQL server not installed: figures for Weir only (apt-get install postgresql)")
        figures = {}
        print(f"client SCRAM key derivation (PBKDF2, 4096 iterations): {client_scram_ms():.2f} ms per connection",
              flush=True)
        for target in targets:
            f = figures[target.name] = {}
            f["connect_ms"] = connect_latency(target)
            f["rtt_us"] = trivial_rtt(target)
            seconds, size = copy_binary(target)
            f["copy_rows_s"] = args.rows / seconds
            f["copy_mb"] = size / 1e6
            seconds, rows = plain_select(target)
            f["select_rows_s"] = rows / seconds
            print(f"{target.name}: connect (TLS+SCRAM) p50 {f['connect_ms']:.2f} ms; SELECT 1 p50 "
                  f"{f['rtt_us']:.0f} us; COPY binary {f['copy_rows_s'] / 1e6:.2f} M rows/s ({f['copy_mb']:.0f} MB); "
                  f"SELECT via psycopg {f['select_rows_s'] / 1e6:.2f} M rows/s", flush=True)
            if target.name == "weir":
                # Idle cost first: the load test leaves freed memory behind
                # that new sessions would reuse.
                per = idle_cost(target, args.idle)
                print(f"weir idle sessions: {per:.0f} KB RSS each over {args.idle} (target <= 1024 KB)", flush=True)
                latencies, errors, leaks = load(target, args.sessions, args.duration)
                print(f"weir load: {args.sessions} sessions x {len(ROLES)} roles for {args.duration} s: "
                      f"{len(latencies)} queries, p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
                      f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, errors {errors}, leaks across roles {leaks}",
                      flush=True)
        if "postgres" in figures:
            w, p = figures["weir"], figures["postgres"]
            print(f"ratios (weir / postgres): connect {w['connect_ms'] / p['connect_ms']:.2f} (target: weir <= 5 ms "
                  f"absolute), round trip {w['rtt_us'] / p['rtt_us']:.2f} (target <= 2.0), COPY binary rows/s "
                  f"{w['copy_rows_s'] / p['copy_rows_s']:.2f} (target >= 1.0), SELECT rows/s "
                  f"{w['select_rows_s'] / p['select_rows_s']:.2f}")
        for target in targets:
            target.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
