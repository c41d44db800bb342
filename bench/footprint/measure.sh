#!/usr/bin/env bash
# Measures what the NativeAOT collector costs while it runs: resident memory (VmRSS, peak VmHWM from
# /proc/<pid>/status) and CPU time (utime + stime from /proc/<pid>/stat) while it scrapes a throwaway
# PostgreSQL on loopback and exports over OTLP/HTTP to a local sink, for the Kubernetes requests and
# limits in docs/deployment.md. Usage (as root, after ./build.sh --target=Publish and --target=Postgres):
#   bench/footprint/measure.sh [interval=10s] [seconds=120] [databases=5] [tables_per_database=200] [query_monitoring=false]
set -euo pipefail
cd "$(dirname "$0")/../.."
interval=${1:-10s} seconds=${2:-120} databases=${3:-5} tables=${4:-200} query_monitoring=${5:-false}
bin=.postgres/node_modules/pg18/native/bin
work=$(mktemp -d) && chown postgres "$work"
free_port() { python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
port=$(free_port) sink_port=$(free_port) health_port=$(free_port)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; runuser -u postgres -- "$bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

runuser -u postgres -- "$bin/initdb" -D "$work/data" -U postgres --auth=trust --no-sync >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work -c shared_preload_libraries=pg_stat_statements" start >/dev/null
# The databases and tables the collector walks, made through a minimal PostgreSQL wire-protocol client (no psql here).
python3 - "$port" "$databases" "$tables" <<'PY'
import socket, struct, sys
port, databases, tables = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def run(database, sql):
    s = socket.create_connection(("127.0.0.1", port))
    params = b"user\0postgres\0database\0" + database.encode() + b"\0\0"
    s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
    def read_until_ready():
        while True:
            kind = s.recv(1); length = struct.unpack("!i", recv(4))[0]; body = recv(length - 4)
            if kind == b"E": raise SystemExit(body.decode(errors="replace"))
            if kind == b"Z": return
    def recv(n):
        data = b""
        while len(data) < n: data += s.recv(n - len(data))
        return data
    read_until_ready()
    for statement in sql:
        q = statement.encode() + b"\0"
        s.sendall(b"Q" + struct.pack("!i", 4 + len(q)) + q); read_until_ready()
    s.close()
run("postgres", ["CREATE EXTENSION IF NOT EXISTS pg_stat_statements"] + [f"CREATE DATABASE app{d}" for d in range(databases)])
for d in range(databases):
    run(f"app{d}", [f"CREATE TABLE t{t} (id bigint PRIMARY KEY, v text); INSERT INTO t{t} SELECT g, md5(g::text) FROM generate_series(1, 100) g" for t in range(tables)])
PY

# An OTLP/HTTP sink that accepts everything, like New Relic would.
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
    tls: {insecure: true}
    query_monitoring: {enabled: $query_monitoring}
exporters:
  otlp:
    endpoint: http://127.0.0.1:$sink_port
    compression: zstd
    spool_directory: $work/spool
service:
  exporters: [otlp]
  telemetry:
    logs: {level: warn, encoding: json}
    health: {endpoint: 127.0.0.1:$health_port}
YAML

artifacts/publish/pgmetrics run --config "$work/pgmetrics.yaml" >"$work/collector.log" 2>&1 &
collector=$! && pids+=($collector)
ticks=$(getconf CLK_TCK) max_rss=0 samples=0 rss_sum=0
start=$(date +%s.%N)
for _ in $(seq "$seconds"); do
  sleep 1
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$collector/status")
  rss_sum=$((rss_sum + rss)) samples=$((samples + 1)); ((rss > max_rss)) && max_rss=$rss
done
end=$(date +%s.%N)
read -r utime stime < <(awk '{print $14, $15}' "/proc/$collector/stat")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$collector/status")
python3 - <<PY
elapsed = $end - $start
cpu = ($utime + $stime) / $ticks
print(f"interval $interval, $databases databases x $tables tables, query_monitoring $query_monitoring, {elapsed:.0f} s:")
print(f"  RSS mean {$rss_sum / $samples / 1024:.1f} MiB, max sampled {$max_rss / 1024:.1f} MiB, peak (VmHWM) {$hwm / 1024:.1f} MiB")
print(f"  CPU {cpu:.2f} s in {elapsed:.0f} s = {1000 * cpu / elapsed:.1f} millicores on average")
PY
echo "  exported: $(grep -c . "$work/collector.log" || true) log lines at warn or above; spool files left: $(ls "$work/spool" 2>/dev/null | wc -l)"
