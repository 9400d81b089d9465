# Sourced by the shell-driven tests (t/deploy/, t/cli/): counted checks,
# a run directory with the fake APIServer, nginx in the foreground.
#
#   checks_start NAME      ROOT, BUILD ($1 of the script, default build),
#                          RUN_DIR=$BUILD/NAME-test-XXXXXX (removed after
#                          a passing run, kept and named after a failing
#                          one); everything started below is stopped on exit
#   ok/fail/skip MSG       one line: "ok MSG", "not ok MSG", "skipped: MSG"
#   is GOT WANT MSG        ok when GOT = WANT, else fail showing both
#   tally FILE WHAT        adds a checker's "...: N passed, M failed" last line
#   checks_apiserver       the fake APIServer (t/apiserver/start.sh) in RUN_DIR
#   apiserver_count QUERY  its /count?QUERY (requests it received)
#   free_port              a free loopback port
#   nginx_serve URL CMD... CMD (nginx, daemon off) in the background,
#                          NGINX_PID; waits until URL answers (10 s)
#   checks_done            "NAME: N passed, M failed, K skipped"; the
#                          script's exit status (1 if any failed)

PASSED=0
FAILED=0
SKIPPED=0
FAKE_APISERVER_PID=
NGINX_PID=

ok()   { PASSED=$((PASSED + 1)); echo "ok $*"; }
fail() { FAILED=$((FAILED + 1)); echo "not ok $*"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "skipped: $*"; }
is()   { if [ "$1" = "$2" ]; then ok "$3"; else fail "$3: got '$1', want '$2'"; fi; }

tally() {
    local line p f
    line=$(tail -1 "$1")
    p=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<< "$line")
    f=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<< "$line")
    [ -n "$p" ] || { fail "$2: no summary line"; return; }
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    grep '^not ok' "$1"
    echo "$line ($2)"
}

checks_stop() {
    trap - EXIT INT TERM HUP
    [ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null
    [ -n "$FAKE_APISERVER_PID" ] && kill "$FAKE_APISERVER_PID" 2>/dev/null
    wait 2>/dev/null
    if [ "$FAILED" = 0 ] && [ -z "${KEEP_RUN_DIR:-}" ]; then
        rm -rf "$RUN_DIR"
    else
        echo "$CHECKS_NAME: run directory kept: $RUN_DIR" >&2
    fi
}

checks_start() {
    CHECKS_NAME=$1
    ROOT=$PWD
    BUILD=${BUILD:-build}
    mkdir -p "$BUILD" || exit 1
    # no dot: nginx's auto/make would take ".S..." in a path for an
    # assembler source
    RUN_DIR=$(mktemp -d "$ROOT/$BUILD/$CHECKS_NAME-test-XXXXXX") || exit 1
    # nginx workers may run as another user: they must reach the CA and token
    chmod 755 "$RUN_DIR"
    trap checks_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
}

checks_apiserver() {
    FAKE_APISERVER=${FAKE_APISERVER:-$ROOT/$BUILD/fake-apiserver}
    # shellcheck source=t/apiserver/start.sh
    . "$ROOT/t/apiserver/start.sh"
    fake_apiserver_start "$RUN_DIR" || { fail "fake-apiserver"; exit 1; }
}

apiserver_count() {
    curl -s "http://127.0.0.1:$TEST_NGINX_APISERVER_CONTROL_PORT/count?${1:-}"
}

free_port() {
    perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")
             ->sockport'
}

nginx_serve() {
    local url=$1 log=$RUN_DIR/nginx-serve.log _
    shift
    "$@" -g 'daemon off;' > "$log" 2>&1 &
    NGINX_PID=$!
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$url" && return 0
        kill -0 "$NGINX_PID" 2>/dev/null || break
        sleep 0.1
    done
    fail "nginx did not answer $url: $(tail -3 "$log")"
    return 1
}

checks_done() {
    echo "$CHECKS_NAME: $PASSED passed, $FAILED failed, $SKIPPED skipped"
    [ "$FAILED" = 0 ]
}
