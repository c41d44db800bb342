#!/usr/bin/env python3
"""Side-by-side benchmark of PgMetrics and Debian's prometheus-postgres-exporter on one throwaway PostgreSQL 18.

Run it through the build: ./build.sh --target=BenchPeers (installs the peer and psql, publishes the NativeAOT
collector, then runs this). Directly (as root, after those steps):
    python3 bench/peers/compare.py [--tables 1000,10000] [--runs 5] [--out bench/results/peers.md]

One server, one database `bench` with N tables (a primary key each, 100 rows in every 10th table, a few
sequential and index scans, then VACUUM ANALYZE), grown from the first count to the next. For each count it
measures, with the median of --runs:
  * postgres_exporter: one long-running process (the queries file Debian ships in its examples), GET /metrics
    with Accept-Encoding: gzip as Prometheus sends it; wall time seen by the client, CPU seconds from
    /proc/<pid>/stat around each scrape, peak RSS (VmHWM) after all scrapes.
  * pgmetrics once --format json: a fresh process per run; wall time, CPU (user + sys) and peak RSS from
    wait4's rusage.
  * pgmetrics run with an OTLP/HTTP exporter to a loopback sink: a fresh process per run until its first
    scrape is received; wall time from start to the last request, CPU and VmHWM read from /proc then.
  * the raw SQL floor: the statements each tool sent during one scrape (captured from PostgreSQL's jsonlog
    with log_min_duration_statement = 0, parameters inlined as the literals the log shows) replayed with
    psql, one psql per database one after another, output discarded.
Both PgMetrics modes run at the default max_relations_per_database (1,000) and with every table collected.
Writes a Markdown table to --out and prints it. Standard library only.
"""
import argparse, datetime, gzip, http.server, json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = ROOT / ".postgres/node_modules/pg18/native/bin"
PGMETRICS = ROOT / "artifacts/publish/pgmetrics"
PEER = Path("/usr/bin/prometheus-postgres-exporter")
PEER_QUERIES = Path("/usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml")
PSQL = Path("/usr/bin/psql")
TIME = "/usr/bin/time"
DRIVER_APP = "bench-driver"  # our own psql sessions, kept out of the captured statements
CLK_TCK = os.sysconf("SC_CLK_TCK")
ALL_TABLES = 1_000_000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args):
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + [str(a) for a in args]


class Server:
    """A throwaway PostgreSQL 18 cluster on loopback, logging to jsonlog so statements can be captured."""

    def __init__(self, work):
        self.work, self.port = work, free_port()
        self.data, self.logs = work / "data", work / "log"
        subprocess.run(as_postgres([PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{work}'\n"
                       f"logging_collector = on\nlog_destination = 'jsonlog'\nlog_directory = '{self.logs}'\n"
                       "fsync = off\nsynchronous_commit = off\nmax_locks_per_transaction = 1024\n")
        subprocess.run(as_postgres([PG_BIN / "pg_ctl", "-D", self.data, "-l", work / "startup.log", "-w", "start"]), check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run(as_postgres([PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def psql(self, database, sql=None, script=None, output=None):
        args = [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", database, "-A", "-t"]
        args += ["-c", sql] if sql is not None else ["-f", script]
        env = dict(os.environ, PGAPPNAME=DRIVER_APP)
        return subprocess.run([str(a) for a in args], check=True, env=env, capture_output=output is None, stdout=output).stdout

    def version(self):
        return self.psql("postgres", "SHOW server_version").decode().strip()

    def grow(self, database, start, end):
        """Tables t<start>..t<end-1>: a primary key each; every 10th gets 100 rows, a seq scan and an index scan."""
        for first in range(start, end, 500):
            body = "".join(
                f"CREATE TABLE t{i} (id bigint PRIMARY KEY, v text);" +
                (f"INSERT INTO t{i} SELECT g, md5(g::text) FROM generate_series(1, 100) g;" if i % 10 == 0 else "")
                for i in range(first, min(first + 500, end)))
            self.psql(database, body)
        tables = range(start, end, 10)
        self.psql(database, "SET enable_seqscan = off; " + "".join(f"SELECT v FROM t{i} WHERE id = 7;" for i in tables))
        self.psql(database, "".join(f"SELECT count(*) FROM t{i};" for i in tables))
        self.psql(database, "VACUUM (ANALYZE)")

    def set_log_min_duration(self, value):
        # ALTER SYSTEM cannot run inside the transaction a multi-statement -c makes.
        self.psql("postgres", f"ALTER SYSTEM SET log_min_duration_statement = {value}")
        self.psql("postgres", "SELECT pg_reload_conf()")

    def capture(self, action):
        """The statements client sessions other than ours ran during action(): [(database, sql)]."""
        self.set_log_min_duration("0")
        time.sleep(0.5)
        current = self.logs / self.psql("postgres", "SELECT pg_current_logfile('jsonlog')").decode().strip().split("/")[-1]
        offset = current.stat().st_size
        try:
            action()
        finally:
            self.set_log_min_duration("-1")
        time.sleep(0.5)
        statements = []
        with open(current) as log:
            log.seek(offset)
            for line in log:
                entry = json.loads(line)
                if entry.get("backend_type") != "client backend" or entry.get("application_name") == DRIVER_APP:
                    continue
                match = re.match(r"duration: [\d.]+ ms  (?:statement|execute [^:]*): (.*)", entry.get("message", ""), re.S)
                if not match:
                    continue
                sql = inline_parameters(match.group(1), entry.get("detail", ""))
                if not re.match(r"\s*(SET|RESET|BEGIN|COMMIT|ROLLBACK|DISCARD)\b", sql, re.I):
                    statements.append((entry.get("dbname"), sql))
        return statements


def inline_parameters(sql, detail):
    """Replaces $n with the literal the log shows for it (Parameters: $1 = '...', $2 = NULL)."""
    values = dict(re.findall(r"\$(\d+) = ('(?:[^']|'')*'|NULL)", detail or ""))
    for number in sorted(values, key=int, reverse=True):
        sql = sql.replace("$" + number, values[number])
    return sql


def sql_floor(server, statements, runs):
    """Median wall time of replaying the statements with psql, one database after another."""
    by_database = {}
    for database, sql in statements:
        by_database.setdefault(database, []).append(sql)
    scripts = []
    for index, (database, sqls) in enumerate(by_database.items()):
        script = server.work / f"replay{index}.sql"
        script.write_text("".join(s.rstrip().rstrip(";") + ";\n" for s in sqls))
        scripts.append((database, script))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for database, script in scripts:
            server.psql(database, script=script, output=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(statements)


def run_measured(args, stdout):
    """Runs a process to its end under GNU time (Debian package `time`): (wall seconds, cpu seconds, peak RSS bytes, exit code).

    Peak RSS comes from /usr/bin/time, not from our own wait4: Linux carries a process's peak RSS across
    fork and exec, so a child of this (large) Python process would report at least Python's own peak.
    """
    with tempfile.NamedTemporaryFile("r") as figures:
        started = time.perf_counter()
        process = subprocess.run([TIME, "-f", "%U %S %M", "-o", figures.name] + [str(a) for a in args], stdout=stdout, stderr=subprocess.PIPE)
        wall = time.perf_counter() - started
        user, system, max_rss_kb = figures.read().split()[-3:]
    if process.returncode != 0:
        print(f"  {args[0]} exited with {process.returncode}: {process.stderr.decode(errors='replace')[-2000:]}", file=sys.stderr)
    return wall, float(user) + float(system), int(max_rss_kb) * 1024, process.returncode


def proc_cpu(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_hwm(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def count_points(path):
    """Data points in an OTLP/JSON file: each has exactly one timeUnixNano (read in pieces, never whole)."""
    pattern = b'"timeUnixNano"'
    points, tail = 0, b""
    with open(path, "rb") as document:
        while chunk := document.read(1 << 20):
            data = tail + chunk
            points += data.count(pattern)
            tail = data[-(len(pattern) - 1):]  # too short to hold a whole match, so none is counted twice
    return points


class Sink:
    """An OTLP/HTTP receiver on loopback that answers 200 and records (arrival, bytes on the wire) per request of scraped data."""

    def __init__(self):
        self.requests, self.lock = [], threading.Lock()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            # Keep-alive, as New Relic's endpoint does. The HTTP/1.0 default closes each connection after its
            # answer, and a client sending the next request at once can race that close and wait out a retry.
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                plain = gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body
                # Only requests with PostgreSQL's metrics count: the collector's own metrics go separately.
                if self.path.endswith("/v1/metrics") and b"postgresql." in plain:
                    with sink.lock:
                        sink.requests.append((time.perf_counter(), len(body)))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self):
        with self.lock:
            taken, self.requests = self.requests, []
        return taken


def pgmetrics_config(work, server, relations, sink=None):
    path = work / f"pgmetrics-{relations}-{'otlp' if sink else 'once'}.yaml"
    text = (f"receivers:\n  postgresql:\n    endpoint: 127.0.0.1:{server.port}\n    username: postgres\n"
            f"    collection_interval: 1h\n    initial_delay: 0s\n    tls: {{insecure: true}}\n"
            f"    max_relations_per_database: {relations}\n")
    if sink:
        # Every table collected means every series sent too: the exporter's cardinality limits (2,000 series
        # per metric by default) are raised with the relation limit.
        cardinality = "    cardinality: {max_series_per_metric: 10000000, max_series_total: 10000000}\n" if relations == ALL_TABLES else ""
        text += (f"exporters:\n  otlp:\n    endpoint: http://127.0.0.1:{sink.port}\n{cardinality}"
                 f"service:\n  exporters: [otlp]\n  telemetry:\n    logs: {{level: warn}}\n    health: {{endpoint: 127.0.0.1:{free_port()}}}\n")
    path.write_text(text)
    return path


def measure_once(work, server, relations, runs):
    config = pgmetrics_config(work, server, relations)
    output = work / "once.json"
    samples = []
    for _ in range(runs):
        with open(output, "wb") as out:
            samples.append(run_measured([PGMETRICS, "once", "--config", config, "--format", "json"], out))
    points = count_points(output)
    return {"wall": statistics.median(s[0] for s in samples), "cpu": statistics.median(s[1] for s in samples),
            "rss": max(s[2] for s in samples), "points": points, "bytes": output.stat().st_size, "encoding": "OTLP/JSON (stdout)"}


def measure_run(work, server, relations, runs, sink):
    """pgmetrics run until its first scrape has been received: done when the sink has been quiet for a second."""
    config = pgmetrics_config(work, server, relations, sink)
    samples = []
    for _ in range(runs):
        sink.take()
        started = time.perf_counter()
        process = subprocess.Popen([str(PGMETRICS), "run", "--config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = started + 120
            while time.perf_counter() < deadline:
                time.sleep(0.05)
                with sink.lock:
                    last = sink.requests[-1][0] if sink.requests else None
                if last is not None and time.perf_counter() - last > 1.0:
                    break
            else:
                raise RuntimeError("pgmetrics run sent nothing within 120 s")
            cpu, hwm = proc_cpu(process.pid), proc_hwm(process.pid)
        finally:
            process.terminate()
            process.wait()
        requests = sink.take()
        samples.append((requests[-1][0] - started, cpu, hwm, sum(r[1] for r in requests), len(requests)))
    return {"wall": statistics.median(s[0] for s in samples), "cpu": statistics.median(s[1] for s in samples),
            "rss": max(s[2] for s in samples), "bytes": samples[-1][3], "requests": samples[-1][4], "encoding": "OTLP/protobuf, gzip"}


def measure_peer(work, server, runs):
    port = free_port()
    env = dict(os.environ, DATA_SOURCE_NAME=f"postgresql://postgres@127.0.0.1:{server.port}/bench?sslmode=disable")
    args = [str(PEER), f"--web.listen-address=127.0.0.1:{port}", "--log.level=error"]
    if PEER_QUERIES.exists():
        args.append(f"--extend.query-path={PEER_QUERIES}")
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        samples = []

        def scrape():
            request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers={"Accept-Encoding": "gzip"})
            cpu_before, started = proc_cpu(process.pid), time.perf_counter()
            with urllib.request.urlopen(request, timeout=300) as response:
                body, encoding = response.read(), response.headers.get("Content-Encoding")
            wall = time.perf_counter() - started
            text = gzip.decompress(body) if encoding == "gzip" else body
            series = sum(1 for line in text.splitlines() if line and not line.startswith(b"#"))
            samples.append((wall, proc_cpu(process.pid) - cpu_before, len(body), len(text), series))

        statements = server.capture(scrape)
        for _ in range(runs - 1):
            scrape()
        return {"wall": statistics.median(s[0] for s in samples), "cpu": statistics.median(s[1] for s in samples),
                "rss": proc_hwm(process.pid), "points": samples[-1][4], "bytes": samples[-1][2], "raw_bytes": samples[-1][3],
                "encoding": "Prometheus text, gzip"}, statements
    finally:
        process.terminate()
        process.wait()


def fmt_bytes(n):
    return f"{n / 1048576:.1f} MiB" if n >= 1048576 else f"{n / 1024:.0f} KiB"


def main():
    global PGMETRICS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "bench/results/peers.md"))
    parser.add_argument("--pgmetrics", default=str(PGMETRICS), help="the pgmetrics binary, e.g. an older build to compare")
    options = parser.parse_args()
    PGMETRICS = Path(options.pgmetrics)
    for needed in (PG_BIN / "postgres", PGMETRICS, PEER, PSQL, Path(TIME)):
        if not needed.exists():
            sys.exit(f"missing {needed}: run ./build.sh --target=BenchPeers, which installs and builds it")

    work = Path(tempfile.mkdtemp(prefix="pgmetrics-peers-"))
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
    server = Server(work)
    version = server.version()
    sink = Sink()
    rows = []
    load_before = os.getloadavg()
    try:
        server.psql("postgres", "CREATE DATABASE bench")
        grown = 0
        for tables in [int(t) for t in options.tables.split(",")]:
            print(f"{tables:,} tables: creating ...", flush=True)
            server.grow("bench", grown, tables)
            grown = tables
            peer, peer_sql = measure_peer(work, server, options.runs)
            peer["floor"], peer["statements"] = sql_floor(server, peer_sql, options.runs)
            rows.append((tables, "postgres_exporter `/metrics` (every table)", peer))
            print(f"  peer: {peer}", flush=True)
            for relations, label in ((1000, "default `max_relations_per_database` (1,000)"), (ALL_TABLES, "every table")):
                once_sql = server.capture(lambda: measure_once(work, server, relations, 1))
                once = measure_once(work, server, relations, options.runs)
                once["floor"], once["statements"] = sql_floor(server, once_sql, options.runs)
                rows.append((tables, f"`pgmetrics once --format json`, {label}", once))
                run = measure_run(work, server, relations, options.runs, sink)
                run["points"], run["floor"], run["statements"] = once["points"], once["floor"], once["statements"]
                rows.append((tables, f"`pgmetrics run`, OTLP export, {label}", run))
                print(f"  pgmetrics {relations}: once {once}\n    run {run}", flush=True)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    load_after = os.getloadavg()
    lines = [
        f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on PostgreSQL {version}, "
        f"{os.cpu_count()} cores, load average {load_before[0]:.2f} before and {load_after[0]:.2f} after; median of {options.runs}. "
        f"Command: `./build.sh --target=BenchPeers` (bench/peers/compare.py).",
        "",
        "| tables | what | wall per scrape | CPU per scrape | peak RSS | series / points | bytes on the wire | raw SQL floor (statements) | wall ÷ floor |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tables, label, r in rows:
        wire = f"{fmt_bytes(r['bytes'])} ({r['encoding']})"
        lines.append(f"| {tables:,} | {label} | {r['wall']:.2f} s | {r['cpu']:.2f} s | {r['rss'] / 1048576:.0f} MiB | {r['points']:,} | {wire} | "
                     f"{r['floor']:.2f} s ({r['statements']}) | {r['wall'] / r['floor']:.2f} |")
    table = "\n".join(lines) + "\n"
    Path(options.out).parent.mkdir(parents=True, exist_ok=True)
    Path(options.out).write_text("# PgMetrics and postgres_exporter side by side\n\n" + table)
    print(table)


if __name__ == "__main__":
    main()
