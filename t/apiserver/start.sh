# Sourced by t/run.sh (the test suites) and conf/demo.sh (make run):
#
#   fake_apiserver_start RUN_DIR
#
# makes RUN_DIR/certs (gencerts.sh), a random token in RUN_DIR/token (the
# gateway's copy) and RUN_DIR/apiserver-token (the server's), starts
# $FAKE_APISERVER on random loopback ports, sets FAKE_APISERVER_PID as soon
# as it runs (so the caller's cleanup can stop it), waits until it listens
# and exports the TEST_NGINX_APISERVER_* ports, TEST_NGINX_CERTS_DIR,
# TEST_NGINX_TOKEN_FILE, TEST_NGINX_APISERVER_TOKEN_FILE and
# TEST_NGINX_RUN_DIR.  FAKE_APISERVER_ARGS adds flags.  Returns non-zero,
# with the reason on stderr, on failure.

fake_apiserver_start() {
    local run_dir=$1 certs=$1/certs ports=$1/ports token _

    "${ROOT:?}/t/apiserver/gencerts.sh" "$certs" || {
        echo "gencerts.sh failed" >&2; return 1; }
    chmod 755 "$certs"

    token=$(openssl rand -hex 20) || return 1     # 40 characters
    printf '%s\n' "$token" > "$run_dir/apiserver-token"
    printf '%s\n' "$token" > "$run_dir/token"
    chmod 644 "$run_dir/apiserver-token" "$run_dir/token"

    # shellcheck disable=SC2086  # FAKE_APISERVER_ARGS is a list of flags
    "${FAKE_APISERVER:?}" \
        -certs "$certs" \
        -token-file "$run_dir/apiserver-token" \
        -ports-file "$ports" \
        -listen 127.0.0.1:0 \
        -listen-wrongname 127.0.0.1:0 \
        -listen-selfsigned 127.0.0.1:0 \
        -control 127.0.0.1:0 \
        -exit-with-parent \
        ${FAKE_APISERVER_ARGS:-} \
        2> "$run_dir/apiserver.log" &
    FAKE_APISERVER_PID=$!

    for _ in $(seq 150); do             # 15 s
        [ -s "$ports" ] && break
        if ! kill -0 "$FAKE_APISERVER_PID" 2>/dev/null; then
            cat "$run_dir/apiserver.log" >&2
            echo "fake-apiserver exited during startup" >&2
            return 1
        fi
        sleep 0.1
    done

    if ! [ -s "$ports" ]; then
        cat "$run_dir/apiserver.log" >&2
        echo "fake-apiserver did not start in 15 s" >&2
        return 1
    fi

    set -a
    # shellcheck disable=SC1090
    . "$ports"
    set +a

    if [ -z "${TEST_NGINX_APISERVER_PORT:-}" ] \
       || [ -z "${TEST_NGINX_APISERVER_CONTROL_PORT:-}" ]
    then
        echo "bad ports file $ports" >&2
        return 1
    fi

    export TEST_NGINX_APISERVER_HOST=127.0.0.1
    export TEST_NGINX_CERTS_DIR=$certs
    export TEST_NGINX_TOKEN_FILE=$run_dir/token
    export TEST_NGINX_APISERVER_TOKEN_FILE=$run_dir/apiserver-token
    export TEST_NGINX_RUN_DIR=$run_dir
}
