#!/usr/bin/env bash
# t/run.sh [prove args...]: run the Test::Nginx suites against a fresh fake
# APIServer.
#
#   t/run.sh                     prove -r t/
#   t/run.sh -v t/020-proxy.t    prove -r -v t/020-proxy.t
#   t/run.sh -j4                 prove -r -j4 t/
#
# Per run: build/t-run.XXXXXX/ with certs/ (gencerts.sh), a random token,
# the apiserver's log and ports file. The apiserver is killed on exit
# whatever happens; the exit status is prove's. The run directory is
# removed after a passing run and kept (path printed) after a failing one;
# KEEP_RUN_DIR=1 always keeps it.
#
# Exported to the tests:
#   TEST_NGINX_APISERVER_PORT             main TLS port: server.crt, good CA, good names
#   TEST_NGINX_APISERVER_WRONGNAME_PORT   good CA, SAN DNS:wrong.example only
#   TEST_NGINX_APISERVER_SELFSIGNED_PORT  good names, self-signed
#   TEST_NGINX_APISERVER_CONTROL_PORT     plain-HTTP control API
#   TEST_NGINX_APISERVER_PID              the apiserver's pid
#   TEST_NGINX_APISERVER_HOST             127.0.0.1
#   TEST_NGINX_CERTS_DIR                  ca.crt other-ca.crt selfsigned.crt ...
#   TEST_NGINX_TOKEN_FILE                 the token file the gateway reads
#   TEST_NGINX_APISERVER_TOKEN_FILE       the token file the apiserver checks
#                                         (same token; rewrite both to rotate)
#   TEST_NGINX_RUN_DIR                    the per-run directory
#   TEST_NGINX_SERVROOT                   default $RUN_DIR/servroot
#   TEST_NGINX_BINARY                     default /usr/sbin/nginx
#   TEST_NGINX_LOAD_MODULES               default $PWD/build/ngx_http_pprof_module.so
#                                         (set it empty to load none)
#
# FAKE_APISERVER=path uses that binary instead of building build/fake-apiserver;
# FAKE_APISERVER_ARGS adds flags (e.g. -no-session-tickets, -v).
set -u

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build}

die() { echo "t/run.sh: $*" >&2; exit 1; }

if [ -z "${FAKE_APISERVER:-}" ]; then
    make --no-print-directory -s "$BUILD/fake-apiserver" >&2 ||
        die "cannot build $BUILD/fake-apiserver"
    FAKE_APISERVER=$ROOT/$BUILD/fake-apiserver
fi
[ -x "$FAKE_APISERVER" ] || die "$FAKE_APISERVER is not executable"

mkdir -p "$BUILD" || exit 1
RUN_DIR=$(mktemp -d "$ROOT/$BUILD/t-run.XXXXXX") || die "mktemp failed"
# nginx workers may run as another user: they must reach the CA and token
chmod 755 "$RUN_DIR"

FAKE_APISERVER_PID=
STATUS=1
# shellcheck disable=SC2317  # invoked by the traps
cleanup() {
    trap - EXIT INT TERM HUP
    if [ -n "$FAKE_APISERVER_PID" ]; then
        kill "$FAKE_APISERVER_PID" 2>/dev/null
        for _ in $(seq 50); do
            kill -0 "$FAKE_APISERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$FAKE_APISERVER_PID" 2>/dev/null
        wait "$FAKE_APISERVER_PID" 2>/dev/null
    fi
    if [ "$STATUS" = 0 ] && [ -z "${KEEP_RUN_DIR:-}" ]; then
        rm -rf "$RUN_DIR"
    else
        echo "t/run.sh: run directory kept: $RUN_DIR (apiserver log: $RUN_DIR/apiserver.log)" >&2
    fi
    exit "$STATUS"
}
trap cleanup EXIT
trap 'STATUS=130; exit' INT
trap 'STATUS=143; exit' TERM HUP

# shellcheck source=t/apiserver/start.sh
. "$ROOT/t/apiserver/start.sh"
fake_apiserver_start "$RUN_DIR" || die "cannot start fake-apiserver"

# each run its own servroot: two runs at once must not stop each other's nginx
export TEST_NGINX_SERVROOT=${TEST_NGINX_SERVROOT:-$RUN_DIR/servroot}
export TEST_NGINX_BINARY=${TEST_NGINX_BINARY:-/usr/sbin/nginx}
# set but empty: load no module (e.g. the runner's own self-tests)
export TEST_NGINX_LOAD_MODULES=${TEST_NGINX_LOAD_MODULES-$ROOT/$BUILD/ngx_http_pprof_module.so}
for m in $TEST_NGINX_LOAD_MODULES; do
    [ -e "$m" ] || echo "t/run.sh: warning: $m does not exist (make module?)" >&2
done

# t/inc: what the suites share (no Test::Nginx in it)
INC=(-I "$ROOT/t/inc")
if perl -MTest::Nginx::Socket -e1 2>/dev/null; then
    RUNNER="system Test::Nginx"
else
    INC+=(-I "$ROOT/t/lib")
    RUNNER="t/lib Test::Nginx"
fi

# no test file or directory among the arguments: run everything under t/
have_target=
for a in "$@"; do
    case $a in -*) ;; *) [ -e "$a" ] && have_target=1 ;; esac
done
ARGS=("$@")
[ -n "$have_target" ] || ARGS+=(t/)

echo "t/run.sh: fake-apiserver pid $FAKE_APISERVER_PID on port $TEST_NGINX_APISERVER_PORT" \
     "(control $TEST_NGINX_APISERVER_CONTROL_PORT), $RUNNER, nginx $TEST_NGINX_BINARY" >&2

prove -r "${INC[@]}" "${ARGS[@]}"
STATUS=$?
if ! kill -0 "$FAKE_APISERVER_PID" 2>/dev/null; then
    echo "t/run.sh: fake-apiserver died during the run:" >&2
    tail -20 "$RUN_DIR/apiserver.log" >&2
    [ "$STATUS" = 0 ] && STATUS=1
fi
exit "$STATUS"
