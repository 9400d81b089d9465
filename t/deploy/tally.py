"""The checks of t/deploy/'s Python checkers: one line a check, a last
line "NAME: N passed, M failed" (t/sh/checks.sh's tally reads it)."""

import sys

PASSED = 0
FAILED = 0


def check(cond, name, why=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print("ok " + name)
    else:
        FAILED += 1
        print("not ok " + name + (": " + why if why else ""))
    return cond


def done(name):
    print("%s: %d passed, %d failed" % (name, PASSED, FAILED))
    sys.exit(1 if FAILED else 0)
