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
source bench/lib/throwaway-server.sh
start_postgres -c max_connections=200 -c fsync=off

python3 - "$work" "$port" "$databases" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from pg import run
port, databases = int(sys.argv[2]), int(sys.argv[3])
run(port, "postgres", [f"CREATE DATABASE app{d}" for d in range(databases)])
for d in range(databases):
    run(port, f"app{d}", ["CREATE TABLE t (id bigint PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 100) g"])
PY

start_sink

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
