#!/usr/bin/env bash
# t/cli/fetch.sh BUILD: pprof-summary fetching URLs, against the fake
# APIServer (make cli-fetch-test).
#
# Every run's stdout and stderr are kept; at the end none may contain the
# token.  Request counts are read from the fake APIServer's control API.
# The in-cluster defaults (the pod's token and CA) are checked in a
# private mount namespace (unshare -m, a tmpfs on /run) when root may
# make one; skipped otherwise.
#
# Ends with "cli-fetch: N passed, M failed, K skipped".
set -u

cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:-build}
# shellcheck source=t/sh/checks.sh
. t/sh/checks.sh
checks_start cli-fetch
# shellcheck source=t/cli/lib.sh
. t/cli/lib.sh

checks_apiserver
CERTS=$TEST_NGINX_CERTS_DIR
TOKEN=$TEST_NGINX_TOKEN_FILE
API=https://127.0.0.1:$TEST_NGINX_APISERVER_PORT

count() { apiserver_count "${1:-}"; }
reset() { curl -s -o /dev/null "http://127.0.0.1:$TEST_NGINX_APISERVER_CONTROL_PORT/reset"; }


# success: the token and the CA; the profile rendered as a file would be

reset
run ok --token-file "$TOKEN" --cacert "$CERTS/ca.crt" "$API/debug/pprof/heap"
is "$RC" "0" "token + CA: exit status 0"
grep -q '^Type: inuse_space$' "$O/ok.out" && grep -qE '^ +flat +flat%' "$O/ok.out" &&
    ok "token + CA: the heap profile's top table" ||
    fail "token + CA: no top table in $(head -c 300 "$O/ok.out")"
is "$(wc -c < "$O/ok.err")" "0" "token + CA: nothing on stderr"
is "$(count 'path=/debug/pprof/heap&auth=valid')" "1" \
    "token + CA: one request, with the valid token"

# every existing flag applies: --format collapsed, --sample-type
run collapsed --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
    --format collapsed --sample-type alloc_space "$API/debug/pprof/allocs"
is "$RC" "0" "--format collapsed --sample-type alloc_space: exit status 0"
[ -s "$O/collapsed.out" ] && ! grep -qvE '^[^ ]+( [^ ]+)* [0-9]+$' "$O/collapsed.out" &&
    ok "--format collapsed: folded stacks" ||
    fail "--format collapsed: $(head -c 200 "$O/collapsed.out")"

# --seconds: the profile's argument
reset
run cpu --token-file "$TOKEN" --cacert "$CERTS/ca.crt" --seconds 1 \
    --format json "$API/debug/pprof/profile"
is "$RC" "0" "--seconds 1 profile: exit status 0"
is "$(count 'path=/debug/pprof/profile')" "1" "--seconds 1: one request"
q=$(curl -s "http://127.0.0.1:$TEST_NGINX_APISERVER_CONTROL_PORT/requests")
case $q in
    *"GET /debug/pprof/profile?seconds=1 auth=valid"*)
        ok "--seconds 1: sent as ?seconds=1" ;;
    *) fail "--seconds 1: the request was '$q'" ;;
esac

# --output: the exact bytes the APIServer served.  The CPU profile behind
# /faults/slow/ is the one captured at the server's start: every request
# gets the same bytes, so curl's copy is the reference
SAME=$API/faults/slow/debug/pprof/profile
curl -sf --cacert "$CERTS/ca.crt" -H "Authorization: Bearer $(cat "$TOKEN")" \
    -o "$O/reference.pb.gz" "$SAME?seconds=0.1" ||
    fail "curl: the reference profile"
run output --token-file "$TOKEN" --cacert "$CERTS/ca.crt" --seconds 0.1 \
    --output "$O/saved.pb.gz" "$SAME"
is "$RC" "0" "--output: exit status 0"
is "$(wc -c < "$O/output.out")" "0" "--output: nothing rendered on stdout"
if [ -s "$O/reference.pb.gz" ] && cmp -s "$O/reference.pb.gz" "$O/saved.pb.gz"; then
    ok "--output: the exact bytes served ($(wc -c < "$O/saved.pb.gz") bytes)"
else
    fail "--output: $O/saved.pb.gz differs from $O/reference.pb.gz"
fi
# rendered as the file would be: the same output, flag for flag
for fmt in top json; do
    run "url-$fmt" --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
        --seconds 0.1 --format "$fmt" --nodecount 5 "$SAME"
    run "file-$fmt" --format "$fmt" --nodecount 5 "$O/reference.pb.gz"
    if [ -s "$O/url-$fmt.out" ] && cmp -s "$O/url-$fmt.out" "$O/file-$fmt.out"
    then
        ok "--format $fmt --nodecount 5: the URL rendered as the saved file"
    else
        fail "--format $fmt: the URL's output differs from the file's"
    fi
done
run raw --token-file "$TOKEN" --cacert "$CERTS/ca.crt" --seconds 0.1 \
    --format raw "$SAME"
cmp -s "$O/reference.pb.gz" "$O/raw.out" &&
    ok "--format raw: the same bytes on stdout" ||
    fail "--format raw: stdout differs from the served bytes"

# a path: KUBERNETES_SERVICE_HOST and _PORT, as in a pod
reset
KUBERNETES_SERVICE_HOST=127.0.0.1 \
KUBERNETES_SERVICE_PORT=$TEST_NGINX_APISERVER_PORT \
    run path --token-file "$TOKEN" --cacert "$CERTS/ca.crt" /debug/pprof/goroutine
is "$RC" "0" "/debug/pprof/goroutine with KUBERNETES_SERVICE_*: exit status 0"
is "$(count 'path=/debug/pprof/goroutine&auth=valid')" "1" \
    "a path: one request to KUBERNETES_SERVICE_HOST:PORT"
env -u KUBERNETES_SERVICE_HOST -u KUBERNETES_SERVICE_PORT \
    "$CLI" --token-file "$TOKEN" /debug/pprof/heap > "$O/nohost.out" 2> "$O/nohost.err"
RC=$?
N=$((N + 1))
one_line nohost 'KUBERNETES_SERVICE_HOST' "a path outside a pod"
KUBERNETES_SERVICE_HOST='evil.example/x?' KUBERNETES_SERVICE_PORT=443 \
    run badhost --token-file "$TOKEN" /debug/pprof/heap
one_line badhost 'not a host and a port' "KUBERNETES_SERVICE_HOST with a path"


# failures: one line each, exit status 1

reset
run wrongca --token-file "$TOKEN" --cacert "$CERTS/other-ca.crt" \
    "$API/debug/pprof/heap"
one_line wrongca 'TLS verification failed' "another CA"
is "$(count)" "0" "another CA: no request reached the APIServer"

run selfsigned --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
    "https://127.0.0.1:$TEST_NGINX_APISERVER_SELFSIGNED_PORT/debug/pprof/heap"
one_line selfsigned 'TLS verification failed' "a self-signed server"
run wrongname --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
    "https://127.0.0.1:$TEST_NGINX_APISERVER_WRONGNAME_PORT/debug/pprof/heap"
one_line wrongname 'TLS verification failed' "a certificate for another name"
is "$(count)" "0" "bad certificates: no request reached the APIServer"

printf 'not-the-token\n' > "$RUN_DIR/bad-token"
reset
run badtoken --token-file "$RUN_DIR/bad-token" --cacert "$CERTS/ca.crt" \
    "$API/debug/pprof/heap"
one_line badtoken '401 Unauthorized.*bad-token.*expired' "a rejected token"
is "$(count 'auth=invalid')" "1" "a rejected token: one request, invalid"
run notoken --cacert "$CERTS/ca.crt" "$API/debug/pprof/heap"
one_line notoken '401 Unauthorized: no token was sent' "no token"

run forbidden --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
    "$API/forbidden/debug/pprof/heap"
one_line forbidden '403 Forbidden: forbidden: User "system:serviceaccount:[^"]*" cannot get path "/debug/pprof/heap"; .*nonResourceURLs \[\"/debug/pprof/\*\"\]' \
    "403 (RBAC)"

run timeout --token-file "$TOKEN" --cacert "$CERTS/ca.crt" --seconds 30 \
    --timeout 1 "$API/faults/slow/debug/pprof/heap"
one_line timeout 'timed out after 1 s' "a server slower than --timeout"
is "$(curl -s "http://127.0.0.1:$TEST_NGINX_APISERVER_CONTROL_PORT/inflight")" "0" \
    "timed out: the request was given up (none in flight)"

run unknown --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
    "$API/debug/pprof/nosuchprofile"
one_line unknown 'HTTP 404: Unknown profile' "an unknown profile"

run redirect --token-file "$TOKEN" --cacert "$CERTS/ca.crt" "$API/debug/pprof"
one_line redirect 'HTTP 302: redirected to .*/debug/pprof/ \(not followed\)' \
    "a redirect"

run truncated --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
    "$API/faults/close/debug/pprof/heap"
is "$RC" "1" "a connection closed mid-body: exit status 1"
is "$(wc -l < "$O/truncated.err")" "1" "a connection closed mid-body: one line"

run garbage --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
    "$API/faults/garbage/debug/pprof/heap"
is "$RC" "1" "not a profile: exit status 1"
grep -q "^pprof-summary: $API/faults/garbage/debug/pprof/heap: " "$O/garbage.err" &&
    ok "not a profile: the engine's error names the URL" ||
    fail "not a profile: $(head -c 200 "$O/garbage.err")"

reset
run http --token-file "$TOKEN" "http://127.0.0.1:$TEST_NGINX_APISERVER_CONTROL_PORT/debug/pprof/heap"
one_line http 'https:// only' "http://"
run userinfo --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
    "https://user:pw@127.0.0.1:$TEST_NGINX_APISERVER_PORT/debug/pprof/heap"
one_line userinfo 'user:password@ is not allowed' "a URL with user:password@"
grep -q 'pw' "$O/userinfo.err" && fail "user:password@: the password is quoted" ||
    ok "user:password@: the password is not quoted"
run space --token-file "$TOKEN" "$API/debug/pprof/heap x"
one_line space 'not allowed in a URL' "a URL with a space"
is "$(count)" "0" "refused URLs: no request"
printf 'two\ntokens\n' > "$RUN_DIR/two-tokens"
run twotokens --token-file "$RUN_DIR/two-tokens" --cacert "$CERTS/ca.crt" \
    "$API/debug/pprof/heap"
one_line twotokens 'not one token' "a token file of two lines"
run missing --token-file "$RUN_DIR/none" "$API/debug/pprof/heap"
one_line missing 'token file .*none: No such file' "a missing token file"

run badseconds --token-file "$TOKEN" --seconds 1x "$API/debug/pprof/profile"
is "$RC" "2" "--seconds 1x: usage error (exit status 2)"
grep -q 'bad --seconds' "$O/badseconds.err" && ok "--seconds 1x: says bad --seconds" ||
    fail "--seconds 1x: $(head -1 "$O/badseconds.err")"


# -v: what it does, never the token

reset
run verbose -v --token-file "$TOKEN" --cacert "$CERTS/ca.crt" \
    --output "$O/v.pb.gz" "$API/debug/pprof/heap"
is "$RC" "0" "-v: exit status 0"
grep -q "token: $TOKEN" "$O/verbose.err" && grep -q 'HTTP 200, [0-9]* bytes' "$O/verbose.err" &&
    ok "-v: names the token file and the answer" ||
    fail "-v: $(cat "$O/verbose.err")"
run verbosebad -v --token-file "$RUN_DIR/bad-token" --cacert "$CERTS/ca.crt" \
    "$API/debug/pprof/heap"
is "$RC" "1" "-v with a rejected token: exit status 1"


# the pod's defaults: token and ca.crt where Kubernetes projects them

if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
    # shellcheck disable=SC2016  # expanded by the inner shell
    KUBERNETES_SERVICE_HOST=127.0.0.1 \
    KUBERNETES_SERVICE_PORT=$TEST_NGINX_APISERVER_PORT \
    unshare -m sh -c '
        mount -t tmpfs tmpfs /run &&
        d=/var/run/secrets/kubernetes.io/serviceaccount &&
        mkdir -p $d && cp "$1" $d/token && cp "$2" $d/ca.crt &&
        "$3" --format top /debug/pprof/heap' sh \
        "$TOKEN" "$CERTS/ca.crt" "$CLI" > "$O/incluster.out" 2> "$O/incluster.err"
    RC=$?
    N=$((N + 1))
    is "$RC" "0" "in a pod's mount namespace, no flags: exit status 0"
    grep -q '^File: fake-apiserver' "$O/incluster.out" &&
    grep -q '^Type: inuse_space' "$O/incluster.out" &&
        ok "in a pod: /debug/pprof/heap with the projected token and ca.crt" ||
        fail "in a pod: $(head -c 300 "$O/incluster.err")"
else
    skip "the pod's defaults: no private mount namespace (unshare -m) here"
fi


# the token appears in nothing the CLI printed

tok=$(tr -d '[:space:]' < "$TOKEN")
is "$(ls "$O"/*.out "$O"/*.err | wc -l)" "$((N * 2))" "every run's output kept ($N runs)"
leaks=$(grep -lF "$tok" "$O"/*.out "$O"/*.err)
is "$leaks" "" "the token is in no run's stdout or stderr"
leaks=$(grep -lF "not-the-token" "$O"/*.out "$O"/*.err)
is "$leaks" "" "a rejected token is in no run's stdout or stderr either"

checks_done
