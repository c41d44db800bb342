# Sourced by the bench/*/measure.sh scripts from the repository root: a throwaway PostgreSQL 18 on loopback, a
# minimal wire-protocol client for it and an OTLP/HTTP sink, removed again when the script exits.
# Sets bin, work, port, sink_port, health_port and pids (the background processes the EXIT trap stops).
bin=.postgres/node_modules/pg18/native/bin
work=$(mktemp -d) && chown postgres "$work"
free_port() { python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
port=$(free_port) sink_port=$(free_port) health_port=$(free_port)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; runuser -u postgres -- "$bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# start_postgres [-c name=value ...]: initdb and start on $port, with the settings given.
start_postgres() {
  runuser -u postgres -- "$bin/initdb" -D "$work/data" -U postgres --auth=trust --no-sync >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work $*" start >/dev/null
}

# $work/pg.py: run(port, database, statements) runs statements and returns the first column of the last row
# (there is no psql on the machine). Python scripts import it after sys.path.insert(0, work).
cat > "$work/pg.py" <<'PY'
import socket, struct
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

# start_sink: an OTLP/HTTP sink on $sink_port that accepts everything, as New Relic would.
start_sink() {
  python3 - "$sink_port" <<'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0))); self.send_response(200); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
  pids+=($!)
}
