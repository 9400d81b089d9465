#!/usr/bin/python3
"""dockerfile.py DOCKERFILE CONTEXT: the image recipe takes nothing but
Debian bookworm packages and files of the build context.

  - FROM is debian:bookworm or debian:bookworm-slim, once
  - no ADD (it can fetch URLs), no URL anywhere in an instruction
  - every RUN is apt-get update / apt-get install (of packages the
    machine's apt, a Debian archive, knows) / rm -rf /var/lib/apt/lists/*,
    joined by &&
  - every COPY source exists in CONTEXT, and no COPY --from
  - USER is a numeric non-root uid (runAsNonRoot can check it)
  - every library the module needs (NEEDED, resolved by ldconfig) comes
    from a package the RUN installs or one that nginx depends on

Prints "ok NAME" / "not ok NAME: why" and "dockerfile: N passed, M failed".
"""

import os
import re
import shlex
import subprocess
import sys

from tally import check, done


def instructions(path):
    """(KEYWORD, rest) of every instruction, continuation lines joined"""
    out, cur = [], ""
    with open(path) as f:
        for line in f:
            s = line.rstrip("\n")
            if not cur and (s.strip().startswith("#") or not s.strip()):
                continue
            if s.strip().startswith("#"):
                continue
            if s.endswith("\\"):
                cur += s[:-1] + " "
                continue
            cur += s
            kw, _, rest = cur.strip().partition(" ")
            out.append((kw.upper(), rest.strip()))
            cur = ""
    return out


def apt_known(pkg):
    r = subprocess.run(["apt-cache", "show", "--no-all-versions", pkg],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True)
    return r.returncode == 0 and "Package: " + pkg in r.stdout


def module_packages(so):
    """the Debian packages of the libraries the .so links"""
    r = subprocess.run(["objdump", "-p", so], stdout=subprocess.PIPE,
                       text=True, check=True)
    libs = re.findall(r"^\s*NEEDED\s+(\S+)", r.stdout, re.M)
    cache = subprocess.run(["ldconfig", "-p"], stdout=subprocess.PIPE,
                           text=True, check=True).stdout
    pkgs = {}
    for lib in libs:
        m = re.search(r"^\s*" + re.escape(lib) + r" .*=> (\S+)$", cache, re.M)
        pkg = None
        # dpkg knows one spelling of a path: merged /usr or not, the
        # link or its target
        paths = []
        if m:
            for q in (m.group(1), os.path.realpath(m.group(1))):
                paths += [q, re.sub(r"^/usr/lib/", "/lib/", q)]
        for q in paths:
            d = subprocess.run(["dpkg", "-S", q], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
            if d.returncode == 0:
                pkg = d.stdout.split(":")[0]
                break
        pkgs[lib] = pkg
    return pkgs


def nginx_depends():
    r = subprocess.run(["apt-cache", "depends", "--no-recommends",
                        "--no-suggests", "nginx"], stdout=subprocess.PIPE,
                       text=True)
    return set(re.findall(r"Depends: <?([^\s>:]+)", r.stdout))


INSTALLED = []


def check_run(cmd):
    for part in [p.strip() for p in cmd.split("&&")]:
        words = shlex.split(part)
        env = []
        while words and re.match(r"^[A-Z_]+=", words[0]):
            env.append(words.pop(0))
        if words[:2] == ["apt-get", "update"] and len(words) == 2:
            check(True, "RUN: apt-get update")
        elif words[:2] == ["apt-get", "install"]:
            pkgs = [w for w in words[2:] if not w.startswith("-")]
            INSTALLED.extend(pkgs)
            check("--no-install-recommends" in words,
                  "RUN: apt-get install --no-install-recommends")
            check(pkgs != [], "RUN: apt-get install names packages")
            for p in pkgs:
                check(re.match(r"^[a-z0-9][a-z0-9+.-]*$", p) and apt_known(p),
                      "RUN: %s is a Debian package" % p)
        elif words == ["rm", "-rf", "/var/lib/apt/lists/*"]:
            check(True, "RUN: rm -rf /var/lib/apt/lists/*")
        else:
            check(False, "RUN: only apt-get from Debian", part)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, ctx = sys.argv[1], sys.argv[2]
    ins = instructions(path)

    froms = [r for k, r in ins if k == "FROM"]
    check(len(froms) == 1 and
          froms[0] in ("debian:bookworm", "debian:bookworm-slim"),
          "FROM debian:bookworm, once", repr(froms))
    check(not any(k == "ADD" for k, _ in ins), "no ADD")
    for k, r in ins:
        check(not re.search(r"\b(https?|ftp)://", r),
              "%s: no URL" % k, r)
    runs = [r for k, r in ins if k == "RUN"]
    check(runs != [], "RUN: installs packages")
    for r in runs:
        check_run(r)
    copies = [r for k, r in ins if k == "COPY"]
    check(copies != [], "COPY: the module")
    for r in copies:
        words = shlex.split(r)
        check(not any(w.startswith("--from") for w in words),
              "COPY: from the context only", r)
        srcs = [w for w in words[:-1] if not w.startswith("--")]
        for s in srcs:
            check(os.path.exists(os.path.join(ctx, s)),
                  "COPY: %s exists in the context" % s)
    so = [r for r in copies if "ngx_http_pprof_module.so" in r]
    check(len(so) == 1 and shlex.split(so[0])[-1] ==
          "/usr/lib/nginx/modules/ngx_http_pprof_module.so",
          "COPY: the module into /usr/lib/nginx/modules")
    so = os.path.join(ctx, "build/ngx_http_pprof_module.so")
    if os.path.exists(so):
        have = set(INSTALLED) | nginx_depends()
        for lib, pkg in module_packages(so).items():
            check(pkg in have, "the module's %s (%s) is installed" % (lib, pkg),
                  "not in " + " ".join(sorted(have)))

    users = [r for k, r in ins if k == "USER"]
    check(len(users) == 1 and
          re.match(r"^[1-9][0-9]*(:[0-9]+)?$", users[0]) is not None,
          "USER: a numeric non-root uid", repr(users))

    ign = os.path.join(ctx, ".dockerignore")
    if os.path.exists(ign):
        with open(ign) as f:
            keep = [l.strip()[1:] for l in f if l.strip().startswith("!")]
        for s in [w for r in copies for w in shlex.split(r)[:-1]]:
            check(s in keep, ".dockerignore: keeps " + s)

    done("dockerfile")


main()
