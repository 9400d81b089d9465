#!/usr/bin/env bash
# t/deploy/run.sh BUILD: deploy/ checked offline (make deploy-test).
#
#   1. the manifests as written (t/deploy/manifests.py files)
#   2. as `kubectl kustomize` renders deploy/ and deploy/multi-target/
#   3. `kubectl apply --dry-run=client -o yaml -k deploy/`, skipped with
#      the reason when this kubectl cannot do it without a cluster
#   4. deploy/Dockerfile: lint (t/deploy/dockerfile.py); `docker build`
#      only when a Docker daemon answers (skipped otherwise)
#   5. the ConfigMap's nginx.conf with the built module: nginx -t, then
#      served by nginx as an unprivileged user (as in the pod) in front of
#      the fake APIServer; then deploy/multi-target/'s (its targets.conf):
#      nginx -t, a kubelet's profile through the proxy path, a bad name.  What differs from the pod is substituted: the
#      module's path, the emptyDirs (/tmp, /var/cache/nginx) as
#      directories of the run, the port, the APIServer's address (its name
#      stays the one verified), and the projected token and ca.crt as the
#      run's.
#
# Ends with "deploy: N passed, M failed, K skipped"; exit 1 if any failed.
set -u

cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:-build}
# shellcheck source=t/sh/checks.sh
. t/sh/checks.sh
checks_start deploy
MODULE=$ROOT/$BUILD/ngx_http_pprof_module.so
NGINX=${NGINX:-/usr/sbin/nginx}
# Debian's, with python3-yaml (mk/deploy.mk installs it)
PYTHON=${PYTHON:-/usr/bin/python3}

for f in "$MODULE" "$ROOT/$BUILD/fake-apiserver"; do
    [ -e "$f" ] || { echo "deploy: $f is missing (make)" >&2; exit 1; }
done


# 1, 2: the files, then kustomize's renderings

$PYTHON -B t/deploy/manifests.py files deploy "$RUN_DIR/conf" \
    > "$RUN_DIR/files.out" 2>&1
tally "$RUN_DIR/files.out" "the manifests"

# kubectl must never reach a cluster (nor localhost:8080, its default):
# a kubeconfig of its own, naming a server nobody listens on
cat > "$RUN_DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: none
  cluster: {server: "https://127.0.0.1:1"}
contexts:
- name: none
  context: {cluster: none, user: none}
users:
- name: none
  user: {token: offline-test}
current-context: none
EOF
KUBECTL=(kubectl --kubeconfig="$RUN_DIR/kubeconfig" --request-timeout=5s)
# kustomize v4 and later (kubectl 1.21 and later): directories in
# resources:, inline patches.  Debian bookworm's kubectl is 1.20 (kustomize
# 2.0.3), older than any cluster it may talk to by the version skew policy
kver=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')
kname="kubectl $(kubectl version --client 2>/dev/null | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -1)"
if [ -z "$kver" ] || [ "$kver" -lt 4 ]; then
    kver=0
    skip "kubectl kustomize: $kname has no kustomize v4 or later (kubectl 1.21 or later)"
elif "${KUBECTL[@]}" kustomize deploy > "$RUN_DIR/base.yaml" 2> "$RUN_DIR/k.err" &&
   "${KUBECTL[@]}" kustomize deploy/multi-target > "$RUN_DIR/multi.yaml" \
       2>> "$RUN_DIR/k.err"
then
    ok "kubectl kustomize deploy/ and deploy/multi-target/"
    $PYTHON -B t/deploy/manifests.py rendered "$RUN_DIR/base.yaml" \
        "$RUN_DIR/multi.yaml" > "$RUN_DIR/rendered.out" 2>&1
    tally "$RUN_DIR/rendered.out" "kustomize's output"
else
    fail "kubectl kustomize: $(head -3 "$RUN_DIR/k.err")"
fi


# 3: the client-side dry run, where it works offline

if [ "$kver" = 0 ]; then
    skip "kubectl apply --dry-run=client -k deploy/: $kname has no kustomize v4 or later"
elif "${KUBECTL[@]}" apply --dry-run=client -o yaml -k deploy \
       > "$RUN_DIR/applied.yaml" 2> "$RUN_DIR/apply.err"
then
    $PYTHON -B t/deploy/manifests.py applied "$RUN_DIR/applied.yaml" \
        > "$RUN_DIR/applied.out" 2>&1
    tally "$RUN_DIR/applied.out" "kubectl apply --dry-run=client"
elif grep -qiE 'connection refused|was refused|unable to recognize|failed to download openapi|server API group list' \
         "$RUN_DIR/apply.err"
then
    skip "kubectl apply --dry-run=client -k deploy/: $kname needs the APIServer's discovery even for a client dry run ($(grep -oiE 'unable to recognize|failed to download openapi|server API group list' "$RUN_DIR/apply.err" | head -1))"
else
    fail "kubectl apply --dry-run=client: $(head -3 "$RUN_DIR/apply.err")"
fi


# 4: the image recipe

$PYTHON -B t/deploy/dockerfile.py deploy/Dockerfile . > "$RUN_DIR/docker.out" 2>&1
tally "$RUN_DIR/docker.out" "deploy/Dockerfile"

if command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
    if docker build -q -f deploy/Dockerfile -t ngx-http-pprof:deploy-test . \
           > "$RUN_DIR/docker-build.log" 2>&1
    then
        ok "docker build -f deploy/Dockerfile"
    else
        fail "docker build: $(tail -3 "$RUN_DIR/docker-build.log")"
    fi
else
    skip "docker build -f deploy/Dockerfile: no Docker daemon answers here"
fi


# 5: the ConfigMap's nginx.conf, served

checks_apiserver

# pod_start NAME DIR: the ConfigMap's files in DIR (nginx.conf,
# targets.conf) as the pod's nginx gets them, checked with nginx -t, then
# served: W (its run directory), PORT, URL, NGX (the command)
pod_start() {
    local name=$1 src=$2 f left
    PORT=$(free_port)
    W=$RUN_DIR/pod-$name
    mkdir -p "$W/tmp" "$W/cache" "$W/conf"

    # what runs the pod's nginx: a non-root uid, as the Deployment's
    # runAsUser; the emptyDirs are its, the rest is not writable to it
    RUN_AS=()
    if [ "$(id -u)" = 0 ]; then
        chown 65534:65534 "$W/tmp" "$W/cache"
        RUN_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    fi

    for f in targets.conf nginx.conf; do
        # the module's path last: a build under /tmp is no pod path
        sed -e "s| /tmp/| $W/tmp/|g" \
            -e "s| /var/cache/nginx/| $W/cache/|g" \
            -e "s|^\( *\)listen 8080;|\1listen 127.0.0.1:$PORT;|" \
            -e "s|^\( *\)access_log /dev/stdout;|\1access_log $W/tmp/access.log;|" \
            -e "s|^\( *\)pprof_pass https://kubernetes.default.svc\([;/]\)|\1pprof_ssl_name kubernetes.default.svc;\n\1pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT\2|" \
            -e "s|^http {|http {\n    pprof_token_file $TOKEN;\n    pprof_trusted_certificate $CA;|" \
            -e "s|^load_module modules/ngx_http_pprof_module.so;|load_module $MODULE;|" \
            "$src/$f" > "$W/conf/$f"
    done

    # every substitution took: none of the pod's paths is left
    # (the test's own paths, under the build, taken out first: a build
    # under /tmp is no pod path)
    left=$(sed "s|$ROOT/$BUILD/||g" "$W/conf/nginx.conf" "$W/conf/targets.conf" \
           | grep -nE '(^| )(/tmp/|/var/cache/nginx|modules/)|listen 8080|kubernetes\.default\.svc[;/]|/dev/stdout' \
           | grep -v pprof_ssl_name)
    is "$left" "" "$name: the test's nginx.conf: every pod path substituted"

    NGX=("${RUN_AS[@]}" "$NGINX" -p "$W" -e stderr -c "$W/conf/nginx.conf")
    if "${NGX[@]}" -t > "$W/nginx-t.log" 2>&1; then
        ok "$name: nginx -t: the ConfigMap's nginx.conf with the built module"
        # the module warns of a pprof_pass it sees no access control in front of
        is "$(grep '\[warn\]' "$W/nginx-t.log")" "" \
            "$name: nginx -t: no warning (the access control is seen)"
    else
        fail "$name: nginx -t: $(grep -v 'syntax is ok' "$W/nginx-t.log" | head -3)"
        return 1
    fi

    URL=http://127.0.0.1:$PORT
    nginx_serve "$URL/healthz" "${NGX[@]}"
}

# pod_done NAME: the token is nowhere in what nginx wrote or answered, no
# emerg, alert, crit; nginx stopped
pod_done() {
    local tok
    tok=$(tr -d '[:space:]' < "$TOKEN")
    if grep -rqF "$tok" "$W" "$RUN_DIR/nginx-serve.log" --exclude=nginx.conf; then
        fail "$1: the token appears in $(grep -rlF "$tok" "$W" "$RUN_DIR/nginx-serve.log" --exclude=nginx.conf)"
    else
        ok "$1: the token appears in no log, response or stored file"
    fi
    grep -E '\[(emerg|alert|crit)\]' "$RUN_DIR/nginx-serve.log" && \
        fail "$1: nginx's error log has emerg/alert/crit lines" || \
        ok "$1: nginx's error log: no emerg, alert, crit"
    kill -QUIT "$NGINX_PID" 2>/dev/null
    wait "$NGINX_PID" 2>/dev/null
    NGINX_PID=
}

# get_profile NAME PATH UPSTREAM: GET PATH from 127.0.0.1 ($W/h1, $W/heap1)
# is a gzip profile, from one request to the APIServer's UPSTREAM with
# the token
get_profile() {
    curl -s -D "$W/h1" -o "$W/heap1" -w '%{http_code}' "$URL$2" > "$W/code"
    is "$(cat "$W/code")" "200" "$1: GET $2 from 127.0.0.1: 200"
    is "$(head -c2 "$W/heap1" | od -An -tx1 | tr -d ' ')" "1f8b" \
        "$1: GET $2: a gzip profile"
    is "$(apiserver_count "path=$3&auth=valid")" "1" \
        "$1: GET $2: one APIServer request to $3, with the token"
}

CA=$TEST_NGINX_CERTS_DIR/ca.crt
TOKEN=$TEST_NGINX_TOKEN_FILE
pod_start base "$RUN_DIR/conf/base" || { checks_done; exit 1; }

# the probes' location never reaches the APIServer
curl -s -o "$W/healthz" -w '%{http_code}' "$URL/healthz" > "$W/code"
is "$(cat "$W/code") $(cat "$W/healthz")" "200 ok" "probe /healthz: 200 ok"
is "$(apiserver_count)" "0" "probe /healthz: no APIServer request"

# a profile through the pod's loopback, with the token, verified TLS
get_profile base /debug/pprof/heap /debug/pprof/heap
is "$(tr -d '\r' < "$W/h1" | sed -n 's/^X-Pprof-Cache: //Ip')" "MISS" \
    "GET /debug/pprof/heap: captured (X-Pprof-Cache: MISS)"

# the capture store on the emptyDir: the next request is a HIT
curl -s -D "$W/h2" -o /dev/null "$URL/debug/pprof/heap?view=top&format=top"
is "$(tr -d '\r' < "$W/h2" | sed -n 's/^X-Pprof-Cache: //Ip')" "HIT" \
    "the capture store: a view of the same capture is a HIT"
is "$(apiserver_count 'path=/debug/pprof/heap')" "1" \
    "the capture store: no second APIServer request"
stored=$(find "$W/cache/pprof" -type f | wc -l)
[ "$stored" -ge 1 ] && ok "the capture store: a file on the emptyDir" ||
    fail "the capture store: no file in $W/cache/pprof"

# only the pod's loopback address: another one (as a pod's IP) is denied
curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 \
    "$URL/debug/pprof/heap?refresh=1" > "$W/code"
is "$(cat "$W/code")" "403" "from 127.0.0.2 (not the pod's loopback): 403"
is "$(apiserver_count)" "1" "from 127.0.0.2: no APIServer request"
curl -s -o /dev/null -w '%{http_code}' "$URL/" > "$W/code"
is "$(cat "$W/code")" "404" "GET /: 404"

# as the Deployment runs it: not root, nothing written outside the emptyDirs
if [ ${#RUN_AS[@]} -gt 0 ]; then
    user=$(ps -o user= -p "$NGINX_PID" | tr -d ' ')
    is "$user" "nobody" "the master process runs unprivileged"
    bad=$(find "$W" -mindepth 1 -newer "$W/conf/nginx.conf" -not -path "$W/tmp*" \
          -not -path "$W/cache*" -not -name '*.log' -not -name code \
          -not -name 'h[12]' -not -name 'heap1' -not -name healthz)
    is "$bad" "" "nginx wrote only in the emptyDirs"
else
    skip "unprivileged run: not root, cannot change user"
fi

pod_done base


# deploy/multi-target/: the base's nginx.conf with its targets.conf

pod_start multi-target "$RUN_DIR/conf/multi" || { checks_done; exit 1; }
before=$(apiserver_count)

# a kubelet's heap, through the APIServer's proxy path, with the token
get_profile multi-target /nodes/node-1/debug/pprof/heap \
    /api/v1/nodes/node-1/proxy/debug/pprof/heap
is "$(apiserver_count)" "$((before + 1))" "multi-target: no other APIServer request"

# a name that is no Kubernetes name: 400 with the reason, nothing sent
curl -s -o "$W/bad" -w '%{http_code}' \
    "$URL/nodes/BAD_NAME/debug/pprof/heap" > "$W/code"
is "$(cat "$W/code")" "400" "multi-target: /nodes/BAD_NAME/debug/pprof/heap: 400"
is "$(grep -c 'the value of "\$node" must be a Kubernetes name' "$W/bad")" "1" \
    "multi-target: /nodes/BAD_NAME/...: one line naming \$node"
# an encoded slash is decoded before routing: no node location matches
curl -s -o /dev/null -w '%{http_code}' \
    "$URL/nodes/BAD%2fNAME/debug/pprof/heap" > "$W/code"
is "$(cat "$W/code")" "404" "multi-target: /nodes/BAD%2fNAME/debug/pprof/heap: 404 (location /)"
# the pod's loopback only, as the base
curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 \
    "$URL/nodes/node-1/debug/pprof/heap" > "$W/code"
is "$(cat "$W/code")" "403" "multi-target: /nodes/node-1/... from 127.0.0.2: 403"
is "$(apiserver_count)" "$((before + 1))" \
    "multi-target: the bad name, the slash, 127.0.0.2: no APIServer request"

pod_done multi-target

checks_done
