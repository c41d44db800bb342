#!/usr/bin/env bash
# Counts the connections a running collector holds to its server over time: the sessions in pg_stat_activity with the
# collector's application_name, sampled every second, while it scrapes a throwaway PostgreSQL 18 on loopback with
# <databases> databases (plus postgres) and exports to a local OTLP sink. Prints the samples' minimum, mean and maximum,
# and how many samples saw none. Usage (as root, after the PostgreSQL binaries are installed, --target=Postgres):
#   bench/connections/measure.sh <collector binary> [interval=5s] [seconds=90] [databases=30]
# e.g. with artifacts/publish/pgmetrics (./build.sh --target=Publish) or PgMetrics.Collector/bin/Release/net10.0/pgmetrics.
set -euo pipefail
collector_binary=$(realpath "$1")
cd "$(dirname "$0")/../.."
interval=${2:-5s} seconds=${3:-90} databases=${4:-30}
bin=.postgres/node_modules/pg18/native/bin
work=$(mktemp -d) && chown postgres "$work"
free_port() { python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
port=$(free_port) sink_port=$(free_port) health_port=$(free_port)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; runuser -u postgres -- "$bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

runuser -u postgres -- "$bin/initdb" -D "$work/data" -U postgres --auth=trust --no-sync >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work -c max_connections=200 -c fsync=off" start >/dev/null

# A minimal PostgreSQL wire-protocol client (no psql here): runs statements, prints the first column of the last result.
cat > "$work/pg.py" <<'PY'
import socket, struct, sys
def run(port, database, statements):
    s = socket.create_connection(("127.0.0.1", port))
    def recv(n):
        data = b""
        while len(data) < n: data += s.recv(n - len(data))
        return data
    params = b"user\0postgres\0database\0" + database.encode() + b"\0application_name\0bench\0\0"
    s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
    value = None
    def read_until_ready():
        nonlocal value
        while True:
            kind = recv(1); body = recv(struct.unpack("!i", recv(4))[0] - 4)
            if kind == b"E": raise SystemExit(body.decode(errors="replace"))
            if kind == b"D":
                length = struct.unpack("!i", body[2:6])[0]
                value = body[6:6 + length].decode()
            if kind == b"Z": return
    read_until_ready()
    for statement in statements:
        q = statement.encode() + b"\0"
        s.sendall(b"Q" + struct.pack("!i", 4 + len(q)) + q); read_until_ready()
    s.close()
    return value
PY
python3 - "$work" "$port" "$databases" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from pg import run
port, databases = int(sys.argv[2]), int(sys.argv[3])
run(port, "postgres", [f"CREATE DATABASE app{d}" for d in range(databases)])
for d in range(databases):
    run(port, f"app{d}", ["CREATE TABLE t (id bigint PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 100) g"])
PY

python3 - "$sink_port" <<'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0))); self.send_response(200); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
pids+=($!)

cat > "$work/pgmetrics.yaml" <<YAML
receivers:
  postgresql:
    endpoint: 127.0.0.1:$port
    username: postgres
    collection_interval: $interval
    initial_delay: 0s
    timeout: 60s  # a scrape on a loaded machine may take longer than a short interval; connections are what is measured
    tls: {insecure: true}
exporters:
  otlp:
    endpoint: http://127.0.0.1:$sink_port
service:
  exporters: [otlp]
  telemetry:
    logs: {level: warn, encoding: json}
    health: {endpoint: 127.0.0.1:$health_port}
YAML

"$collector_binary" run --config "$work/pgmetrics.yaml" >"$work/collector.log" 2>&1 &
pids+=($!)
python3 - "$work" "$port" "$seconds" "$interval" "$databases" <<'PY'
import sys, time; sys.path.insert(0, sys.argv[1]); from pg import run
port, seconds, interval, databases = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
samples = []
for _ in range(seconds):
    time.sleep(1)
    samples.append(int(run(port, "postgres", ["SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgmetrics'"])))
print(f"interval {interval}, {databases} databases (+ postgres), {seconds} samples 1 s apart: "
      f"min {min(samples)}, mean {sum(samples) / len(samples):.1f}, max {max(samples)}, samples with none {samples.count(0)}")
print("  per second: " + " ".join(map(str, samples)))
PY
echo "  collector warnings or errors logged: $(grep -c . "$work/collector.log" || true)"; head -c 600 "$work/collector.log"
