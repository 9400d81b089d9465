#!/usr/bin/env bash
# make run: the fake APIServer (t/apiserver) and nginx with conf/demo.conf
# on a random free loopback port (DEMO_PORT=N to choose one).  Prints the
# URL, then serves in the foreground until Ctrl-C; both stop together.
#
# Non-interactive use (make browser-test): DEMO_READY_FILE=path makes it
# write the base URL (http://127.0.0.1:PORT) to that file once nginx
# answers, atomically; SIGTERM stops everything.  Without nginx answering
# in 5 s it exits non-zero and writes nothing.
set -u

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build}
FAKE_APISERVER=$ROOT/$BUILD/fake-apiserver
MODULE=$ROOT/$BUILD/ngx_http_pprof_module.so
NGINX=${NGINX:-/usr/sbin/nginx}

for f in "$FAKE_APISERVER" "$MODULE"; do
    [ -e "$f" ] || { echo "demo: $f is missing: run make" >&2; exit 1; }
done

RUN_DIR=$(mktemp -d "$ROOT/$BUILD/demo.XXXXXX") || exit 1
chmod 755 "$RUN_DIR"
FAKE_APISERVER_PID=
NGINX_PID=

stop() {
    trap - EXIT INT TERM HUP
    [ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null
    [ -n "$FAKE_APISERVER_PID" ] && kill "$FAKE_APISERVER_PID" 2>/dev/null
    wait 2>/dev/null
    [ -n "${DEMO_KEEP:-}" ] || rm -rf "$RUN_DIR"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# shellcheck source=t/apiserver/start.sh
. "$ROOT/t/apiserver/start.sh"
fake_apiserver_start "$RUN_DIR" || exit 1

PORT=${DEMO_PORT:-$(perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")
         ->sockport')}

sed -e "s|@MODULE@|$MODULE|g" -e "s|@RUN_DIR@|$RUN_DIR|g" \
    -e "s|@PORT@|$PORT|g" -e "s|@APISERVER_PORT@|$TEST_NGINX_APISERVER_PORT|g" \
    -e "s|@CERTS@|$TEST_NGINX_CERTS_DIR|g" \
    -e "s|@TOKEN_FILE@|$TEST_NGINX_TOKEN_FILE|g" \
    conf/demo.conf > "$RUN_DIR/nginx.conf"

"$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -t -q || exit 1
"$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" &
NGINX_PID=$!

URL=http://127.0.0.1:$PORT/debug/pprof/
READY=
for _ in $(seq 50); do
    curl -fs -o /dev/null "$URL" && { READY=1; break; }
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$RUN_DIR/error.log"; exit 1; }
    sleep 0.1
done

if [ -n "${DEMO_READY_FILE:-}" ]; then
    [ -n "$READY" ] || { echo "demo: nginx did not answer $URL" >&2; exit 1; }
    printf 'http://127.0.0.1:%s\n' "$PORT" > "$DEMO_READY_FILE.tmp" &&
        mv -f "$DEMO_READY_FILE.tmp" "$DEMO_READY_FILE" || exit 1
fi

cat <<MSG

  ngx_http_pprof_module demo: the gateway in front of a fake APIServer

    $URL                   the profiler's index (the APIServer's own page)
    ${URL}heap               open in a browser: top table, flame graph
    ${URL}goroutine          goroutines grouped by stack
    http://127.0.0.1:$PORT/nodes/node-1/debug/pprof/heap   a kubelet, via the APIServer's proxy
    http://127.0.0.1:$PORT/pods/default/web-0:6060/debug/pprof/heap   a pod
    go tool pprof -top ${URL}heap
    curl -o heap.pb.gz ${URL}heap?format=raw
    http://127.0.0.1:$PORT/forbidden/debug/pprof/heap   an RBAC denial, explained

  logs: $RUN_DIR/error.log    Ctrl-C stops nginx and the fake APIServer

MSG

wait "$NGINX_PID"
