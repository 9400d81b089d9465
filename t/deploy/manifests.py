#!/usr/bin/python3
"""Offline checks of deploy/: the manifests as written, and as kustomize
renders them.

  manifests.py files DEPLOY_DIR OUT_DIR
      every YAML file parses; base/kustomization.yaml lists them, deploy/
      and deploy/multi-target/ are on base/; the objects
      and the fields the gateway needs; writes the ConfigMap's files
      (nginx.conf, targets.conf) to OUT_DIR/base/ and, with
      multi-target/configmap.yaml's targets.conf, to OUT_DIR/multi/ (for
      nginx -t)
  manifests.py rendered BASE.yaml MULTI.yaml
      `kubectl kustomize deploy/` and `deploy/multi-target/`: the same
      objects, and the overlay adds nodes/proxy and pods/proxy get only,
      and the node and pod locations (targets.conf) only
  manifests.py applied FILE
      `kubectl apply --dry-run=client -o yaml -k deploy/`: a List of the
      same objects

Prints one line a check ("ok NAME" / "not ok NAME: why") and a last line
"manifests: N passed, M failed"; exits 1 if any failed.
"""

import os
import re
import sys

import yaml

from tally import check, done

TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
# deploy/multi-target/'s locations (as conf/in-cluster.conf's)
TARGETS = [
    ("~ ^/nodes/(?<node>[^/]+)/debug/pprof/",
     "https://kubernetes.default.svc/api/v1/nodes/$node/proxy/debug/pprof/"),
    ("~ ^/pods/(?<ns>[^/]+)/(?<pod>[^/]+):(?<port>[0-9]+)/debug/pprof/",
     "https://kubernetes.default.svc/api/v1/namespaces/$ns/pods/$pod:$port"
     "/proxy/debug/pprof/"),
]
KINDS = ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
         "ConfigMap", "Deployment", "Service"]


def get(obj, *path):
    """obj[path[0]][path[1]]..., None where a step is missing"""
    for p in path:
        if isinstance(obj, dict):
            obj = obj.get(p)
        elif isinstance(obj, list) and isinstance(p, int) and p < len(obj):
            obj = obj[p]
        else:
            return None
    return obj


def load_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def by_kind(docs):
    objs = {}
    for d in docs:
        objs.setdefault(d.get("kind"), []).append(d)
    return objs


def one(objs, kind):
    lst = objs.get(kind, [])
    check(len(lst) == 1, kind + ": exactly one", "%d found" % len(lst))
    return lst[0] if lst else {}


def conf_directives(conf):
    """(directive, args) of every simple directive, comments removed"""
    text = re.sub(r"#[^\n]*", "", conf)
    out = []
    for stmt in re.split(r"[;{}]", text):
        words = stmt.split()
        if words:
            out.append((words[0], words[1:]))
    return out


def conf_location(conf, name):
    """the body of `location NAME {...}` (no nested blocks), or None"""
    text = re.sub(r"#[^\n]*", "", conf)
    m = re.search(r"location\s+" + re.escape(name) + r"\s*\{([^{}]*)\}", text)
    return m.group(1) if m else None


def guarded(body):
    """the base's access control: the pod's loopback, nothing else"""
    return (body is not None and
            re.findall(r"\b(allow|deny)\s+([^;\s]+)\s*;", body) ==
            [("allow", "127.0.0.1"), ("allow", "::1"), ("deny", "all")])


def check_targets(targets, multi):
    """targets.conf: none in the base, the kubelets and pods in
    multi-target, each as guarded as /debug/pprof/"""
    passes = [a for n, a in conf_directives(targets) if n == "pprof_pass"]
    if not multi:
        check(passes == [], "targets.conf: no other target in the base",
              repr(passes))
        return
    check(len(passes) == len(TARGETS),
          "multi-target targets.conf: %d pprof_pass" % len(TARGETS),
          repr(passes))
    for loc, url in TARGETS:
        body = conf_location(targets, loc)
        check(body is not None and
              [a for n, a in conf_directives(body) if n == "pprof_pass"] ==
              [[url]],
              "multi-target: location %s: pprof_pass %s" % (loc, url))
        check(guarded(body), "multi-target: location %s: the pod's "
              "loopback only (allow 127.0.0.1, ::1; deny all)" % loc)


def under(path, mounts):
    return any(path == m or path.startswith(m.rstrip("/") + "/")
               for m in mounts)


def check_rbac(objs, multi):
    role = one(objs, "ClusterRole")
    rules = role.get("rules") or []
    urls = [(tuple(r.get("nonResourceURLs", [])), tuple(r.get("verbs", [])))
            for r in rules if "nonResourceURLs" in r]
    res = [r for r in rules if "resources" in r]
    check(sorted(urls) == sorted([(("/debug/pprof/*",), ("get",)),
                                  (("/debug/pprof/symbol",), ("post",))]),
          "ClusterRole: get /debug/pprof/*, post /debug/pprof/symbol only",
          repr(urls))
    for r in rules:
        check("*" not in r.get("verbs", []) and
              "*" not in r.get("resources", []),
              "ClusterRole: no wildcard verbs or resources", repr(r))
    if multi:
        want = [{"apiGroups": [""], "resources": ["nodes/proxy", "pods/proxy"],
                 "verbs": ["get"]}]
        check(res == want, "multi-target ClusterRole: nodes/proxy and "
              "pods/proxy, get only", repr(res))
    else:
        check(res == [], "ClusterRole: no resource rules (no nodes/proxy, "
              "pods/proxy) in the base", repr(res))

    sa = one(objs, "ServiceAccount")
    crb = one(objs, "ClusterRoleBinding")
    check(get(crb, "roleRef") == {"apiGroup": "rbac.authorization.k8s.io",
                                  "kind": "ClusterRole",
                                  "name": get(role, "metadata", "name")},
          "ClusterRoleBinding: roleRef is the ClusterRole",
          repr(get(crb, "roleRef")))
    check(get(crb, "subjects") == [{
        "kind": "ServiceAccount", "name": get(sa, "metadata", "name"),
        "namespace": get(sa, "metadata", "namespace")}],
        "ClusterRoleBinding: the ServiceAccount is its one subject",
        repr(get(crb, "subjects")))
    return sa


def check_objects(objs, multi=False):
    for k in KINDS:
        check(k in objs, "object of kind " + k)
    check(set(objs) <= set(KINDS), "no other kinds", repr(sorted(objs)))

    ns = get(one(objs, "Namespace"), "metadata", "name")
    for k in KINDS:
        for o in objs.get(k, []):
            name = "%s/%s" % (k, get(o, "metadata", "name"))
            check(o.get("apiVersion") and get(o, "metadata", "name"),
                  name + ": apiVersion and metadata.name")
            if k not in ("Namespace", "ClusterRole", "ClusterRoleBinding"):
                check(get(o, "metadata", "namespace") == ns,
                      name + ": in namespace " + str(ns))

    sa = check_rbac(objs, multi)

    cm = one(objs, "ConfigMap")
    conf = get(cm, "data", "nginx.conf") or ""
    check(conf != "", "ConfigMap: data nginx.conf")
    check(sorted(get(cm, "data") or {}) == ["nginx.conf", "targets.conf"],
          "ConfigMap: data nginx.conf and targets.conf only")
    check_targets(get(cm, "data", "targets.conf") or "", multi)

    dep = one(objs, "Deployment")
    pod = get(dep, "spec", "template", "spec") or {}
    labels = get(dep, "spec", "template", "metadata", "labels") or {}
    sel = get(dep, "spec", "selector", "matchLabels") or {}
    check(sel and all(labels.get(k) == v for k, v in sel.items()),
          "Deployment: selector matches the pod's labels")
    check(pod.get("serviceAccountName") == get(sa, "metadata", "name"),
          "Deployment: runs as the ServiceAccount")
    check(pod.get("automountServiceAccountToken", True) is True,
          "Deployment: the projected token is mounted (automount)")
    vols = pod.get("volumes") or []
    check(not any("secret" in v for v in vols) and
          not any("projected" in v for v in vols),
          "Deployment: no token Secret or hand-made projected volume",
          repr(vols))
    psc = pod.get("securityContext") or {}
    check(psc.get("runAsNonRoot") is True, "pod: runAsNonRoot")
    check(isinstance(psc.get("runAsUser"), int) and psc["runAsUser"] > 0,
          "pod: runAsUser a non-root uid")

    ctrs = pod.get("containers") or []
    check(len(ctrs) == 1, "Deployment: one container")
    c = ctrs[0] if ctrs else {}
    csc = c.get("securityContext") or {}
    check(csc.get("readOnlyRootFilesystem") is True,
          "container: readOnlyRootFilesystem")
    check(csc.get("allowPrivilegeEscalation") is False,
          "container: allowPrivilegeEscalation false")
    check(get(csc, "capabilities", "drop") == ["ALL"],
          "container: capabilities drop ALL")
    check(csc.get("privileged") is not True, "container: not privileged")
    check(c.get("image"), "container: image")

    req = get(c, "resources", "requests") or {}
    check("cpu" in req and "memory" in req,
          "container: cpu and memory requests")
    check(get(c, "resources", "limits", "memory"),
          "container: memory limit")

    ports = c.get("ports") or []
    port = get(ports, 0, "containerPort")
    check(isinstance(port, int) and port >= 1024,
          "container: a high port (%s)" % port)

    cmd = (c.get("command") or []) + (c.get("args") or [])
    conf_path = cmd[cmd.index("-c") + 1] if "-c" in cmd[:-1] else None
    check(conf_path is not None, "container: nginx -c CONFIG")

    mounts = {m["mountPath"]: m for m in c.get("volumeMounts") or []}
    vol = {v["name"]: v for v in vols}
    writable = [p for p, m in mounts.items()
                if not m.get("readOnly") and
                "emptyDir" in vol.get(m["name"], {})]
    cm_mount = [p for p, m in mounts.items()
                if get(vol.get(m["name"]), "configMap", "name") ==
                get(cm, "metadata", "name")]
    check(conf_path and cm_mount and
          os.path.dirname(conf_path) == cm_mount[0] and
          os.path.basename(conf_path) == "nginx.conf",
          "container: the ConfigMap's nginx.conf is the -c file",
          "%s vs %s" % (conf_path, cm_mount))
    check(not any(p == TOKEN_DIR or p.startswith(TOKEN_DIR) for p in mounts),
          "container: nothing mounted over the ServiceAccount directory")

    # what nginx writes is on an emptyDir
    dirs = conf_directives(conf)
    d = {}
    for name, args in dirs:
        d.setdefault(name, []).append(args)
    check("pid" in d and under(d["pid"][0][0], writable),
          "nginx.conf: pid on an emptyDir", repr(d.get("pid")))
    for t in ("client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path",
              "uwsgi_temp_path", "scgi_temp_path"):
        check(t in d and under(d[t][0][0], writable),
              "nginx.conf: %s on an emptyDir" % t, repr(d.get(t)))
    check("pprof_cache_path" in d and
          under(d["pprof_cache_path"][0][0], writable),
          "nginx.conf: the capture store on an emptyDir",
          repr(d.get("pprof_cache_path")))
    check(["pprof"] in d.get("pprof_cache", []), "nginx.conf: pprof_cache on")
    check("user" not in d, "nginx.conf: no user directive (not root)")
    check(d.get("load_module") == [["modules/ngx_http_pprof_module.so"]],
          "nginx.conf: loads the module from nginx's modules directory")
    check([str(port)] in d.get("listen", []),
          "nginx.conf: listens on the container port")
    check(d.get("pprof_pass") == [["https://kubernetes.default.svc"]],
          "nginx.conf: pprof_pass https://kubernetes.default.svc")
    for t in ("pprof_token_file", "pprof_trusted_certificate"):
        for args in d.get(t, []):
            check(args[0].startswith(TOKEN_DIR + "/"),
                  "nginx.conf: %s is the projected one" % t)
    check("pprof_ssl_verify" not in d or d["pprof_ssl_verify"] == [["on"]],
          "nginx.conf: TLS verification on")

    pp = conf_location(conf, "/debug/pprof/")
    check(pp is not None and "pprof_pass" in pp and guarded(pp),
          "nginx.conf: access control in front of pprof_pass")
    check(d.get("include") == [["targets.conf"]],
          "nginx.conf: includes targets.conf (the ConfigMap's, beside it)",
          repr(d.get("include")))

    for kind in ("readinessProbe", "livenessProbe"):
        path = get(c, kind, "httpGet", "path")
        pport = get(c, kind, "httpGet", "port")
        body = conf_location(conf, "= " + path) if path else None
        check(body is not None and "pprof_pass" not in body and
              re.search(r"\breturn\s+200\b", body) is not None,
              "%s: on %s, a location that returns 200 without the "
              "APIServer" % (kind, path))
        check(pport in (port, get(ports, 0, "name")),
              "%s: on the container port" % kind)

    svc = one(objs, "Service")
    check(get(svc, "spec", "selector") == sel,
          "Service: selects the Deployment's pods")
    tp = get(svc, "spec", "ports", 0, "targetPort")
    check(tp in (port, get(ports, 0, "name")),
          "Service: targets the container port (%s)" % tp)
    return conf


def write_conf(cm, out):
    os.makedirs(out, exist_ok=True)
    for name, text in (get(cm, "data") or {}).items():
        with open(os.path.join(out, name), "w") as f:
            f.write(text)


def files(deploy, conf_out):
    docs = []
    base = os.path.join(deploy, "base")
    paths = sorted(p for p in os.listdir(base) if p.endswith(".yaml"))
    for p in paths:
        full = os.path.join(base, p)
        try:
            d = load_all(full)
            check(True, "parses: " + full)
        except yaml.YAMLError as e:
            check(False, "parses: " + full, str(e).replace("\n", " "))
            continue
        if p != "kustomization.yaml":
            docs += d

    kust = load_all(os.path.join(base, "kustomization.yaml"))[0]
    res = kust.get("resources") or []
    check(sorted(res) == sorted(p for p in paths
                                if p != "kustomization.yaml"),
          "kustomization: lists every manifest", repr(res))
    image = get(one(by_kind(docs), "Deployment"), "spec", "template", "spec",
                "containers", 0, "image")
    check(any(i.get("name") == image for i in kust.get("images") or []),
          "kustomization: sets the Deployment's image (%s)" % image)

    for sub in (".", "multi-target"):
        k = os.path.normpath(os.path.join(deploy, sub, "kustomization.yaml"))
        try:
            res = load_all(k)[0].get("resources")
            check(True, "parses: " + k)
            check(res == ["base" if sub == "." else "../base"],
                  k + ": on base/", repr(res))
        except (OSError, yaml.YAMLError, IndexError) as e:
            check(False, "parses: " + k, str(e).replace("\n", " "))

    objs = by_kind(docs)
    check_objects(objs)
    cm = one(objs, "ConfigMap")
    write_conf(cm, os.path.join(conf_out, "base"))

    # multi-target/'s ConfigMap patch: targets.conf only, over the base's
    p = os.path.join(deploy, "multi-target", "configmap.yaml")
    try:
        patch = load_all(p)[0]
        check(True, "parses: " + p)
    except (OSError, yaml.YAMLError, IndexError) as e:
        check(False, "parses: " + p, str(e).replace("\n", " "))
        return
    check(ident(patch) == ident(cm) and
          sorted(get(patch, "data") or {}) == ["targets.conf"],
          p + ": the ConfigMap's targets.conf only", repr(ident(patch)))
    check_targets(get(patch, "data", "targets.conf") or "", True)
    data = dict(get(cm, "data") or {}, **(get(patch, "data") or {}))
    write_conf({"data": data}, os.path.join(conf_out, "multi"))


def ident(o):
    return (o.get("kind"), get(o, "metadata", "namespace"),
            get(o, "metadata", "name"))


def rendered(base, multi):
    b = load_all(base)
    m = load_all(multi)
    check_objects(by_kind(b))
    check_objects(by_kind(m), multi=True)
    check(sorted(map(ident, b)) == sorted(map(ident, m)),
          "multi-target: the same objects as the base")
    for o in m:
        if o.get("kind") not in ("ClusterRole", "ConfigMap"):
            check(o in b, "multi-target: %s/%s as in the base" % ident(o)[::2])
    bcm = one(by_kind(b), "ConfigMap")
    mcm = one(by_kind(m), "ConfigMap")
    check(get(mcm, "data", "nginx.conf") == get(bcm, "data", "nginx.conf"),
          "multi-target: the base's nginx.conf, unchanged")


def applied(path):
    docs = load_all(path)
    items = []
    for d in docs:
        items += d.get("items", [d]) if d.get("kind") == "List" else [d]
    check(len(items) == len(KINDS), "dry-run: %d objects" % len(KINDS),
          "%d" % len(items))
    check_objects(by_kind(items))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "files" and len(sys.argv) == 4:
        files(sys.argv[2], sys.argv[3])
    elif cmd == "rendered" and len(sys.argv) == 4:
        rendered(sys.argv[2], sys.argv[3])
    elif cmd == "applied" and len(sys.argv) == 3:
        applied(sys.argv[2])
    else:
        sys.exit(__doc__)
    done("manifests")


main()
