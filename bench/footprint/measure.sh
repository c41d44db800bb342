#!/usr/bin/env bash
# Measures what the NativeAOT collector costs while it runs: resident memory (VmRSS, peak VmHWM from
# /proc/<pid>/status) and CPU time (utime + stime from /proc/<pid>/stat) while it scrapes a throwaway
# PostgreSQL on loopback and exports over OTLP/HTTP to a local sink, for the Kubernetes requests and
# limits in docs/deployment.md. Usage (as root, after ./build.sh --target=Publish and --target=Postgres):
#   bench/footprint/measure.sh [interval=10s] [seconds=120] [databases=5] [tables_per_database=200] [query_monitoring=false]
set -euo pipefail
cd "$(dirname "$0")/../.."
interval=${1:-10s} seconds=${2:-120} databases=${3:-5} tables=${4:-200} query_monitoring=${5:-false}
source bench/lib/throwaway-server.sh
start_postgres -c shared_preload_libraries=pg_stat_statements
# The databases and tables the collector walks.
python3 - "$work" "$port" "$databases" "$tables" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from pg import run
port, databases, tables = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
run(port, "postgres", ["CREATE EXTENSION IF NOT EXISTS pg_stat_statements"] + [f"CREATE DATABASE app{d}" for d in range(databases)])
for d in range(databases):
    run(port, f"app{d}", [f"CREATE TABLE t{t} (id bigint PRIMARY KEY, v text); INSERT INTO t{t} SELECT g, md5(g::text) FROM generate_series(1, 100) g" for t in range(tables)])
PY

start_sink

cat > "$work/pgmetrics.yaml" <<YAML
receivers:
  postgresql:
    endpoint: 127.0.0.1:$port
    username: postgres
    collection_interval: $interval
    initial_delay: 0s
    tls: {insecure: true}
    events:
      db.server.query_sample: {enabled: $query_monitoring}
      db.server.top_query: {enabled: $query_monitoring}
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
