# Load: wrk against the gateway on loopback (bench/load.sh), part of make
# test.
#
#   make load                  LOAD_SECONDS (60) on each of: a stored
#                              capture's cached views, the index, a mix
#   make load LOAD_SECONDS=10  shorter
#
# Fails on any non-2xx answer, a worker crash or RSS growth (see the
# script); results in $(BUILD)/load/results.md.  wrk from Debian
# (bench-gateway-deps installs it).

LOAD_SECONDS ?=		60

.PHONY: load load-test

load: module $(BUILD)/profiles/.done | deps bench-gateway-deps
	LOAD_SECONDS=$(LOAD_SECONDS) bench/load.sh $(BUILD)

load-test: load

TEST_TARGETS +=		load-test
