# The gateway benchmark: the module in Debian's nginx on loopback, in
# front of a second nginx serving profiles over TLS (bench/gateway.sh).
#
#   make bench-gateway   cached HTML view req/s vs a static file (wrk),
#                        /ping latency while the 200k-sample profile
#                        renders, the worker's peak RSS, flame graph TTFB
#                        vs the CLI; Markdown tables, PASS/FAIL per goal
#
# DURATION, CONNECTIONS, RENDERS, TTFB_RUNS tune it (see the script).
# wrk comes from Debian (apt, when missing).

.PHONY: bench-gateway bench-gateway-deps

bench-gateway-deps: | deps
	@command -v wrk >/dev/null 2>&1 || { \
	    echo "installing: wrk"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -q --no-install-recommends wrk; \
	}

bench-gateway: module $(BUILD)/pprof-summary $(BUILD)/profile-gen \
		$(BUILD)/profiles/.done | deps bench-gateway-deps
	bench/gateway.sh $(BUILD)
