# The nginx suites with nginx under valgrind's memcheck
# (TEST_NGINX_USE_VALGRIND): part of make test.
#
#   make valgrind                      VALGRIND_SUITES, the set CI runs
#   make valgrind VALGRIND_SUITES="t/010-views.t"
#
# nginx loads a copy of the module (a rebuild during the run cannot
# touch it).  The set crosses the module's own code that allocates per
# request or per tick: the token (read, rotation, every failure), every
# upstream failure (held bodies cut at pprof_max_size or the deadline,
# timeouts, closed connections, crafted profiles), hostile clients
# (routing and argument refusals, pipelining).  The engine's memory is
# proven by ASan/LSan in engine-test and the fuzzer, so the views suite
# is not in the default set.  Each block starts nginx under memcheck, so
# a block costs seconds (README, Hardening: the time it takes).
#
# Any memcheck report fails the block that caused it (t/lib's runner
# reads each block's valgrind logs); every block's log is also copied to
# $(BUILD)/valgrind-logs.XXXXXX (removed after a clean run) and checked
# once more here, so a runner that only prints them (a system
# Test::Nginx) fails the target too.  Leaks: only definite ones are
# reported (--show-possibly-lost=no); nginx's own known ones are
# suppressed by t/lib/Test/Nginx/valgrind.suppress.

VALGRIND_SUITES ?=	t/004-token.t t/006-errors.t t/017-hostile.t

# a client's wait for an answer (a floor over the blocks' own timeouts):
# memcheck runs nginx and the engine some 20 times slower
VALGRIND_TIMEOUT ?=	30

.PHONY: valgrind valgrind-test

valgrind: all
	@logs=$$(mktemp -d $(CURDIR)/$(BUILD)/valgrind-logs.XXXXXX); chmod 755 $$logs; \
	cp $(BUILD)/ngx_http_pprof_module.so $$logs/module.so; \
	TEST_NGINX_USE_VALGRIND=1 TEST_NGINX_TIMEOUT=$(VALGRIND_TIMEOUT) \
	    TEST_NGINX_VALGRIND_LOG_DIR=$$logs \
	    TEST_NGINX_LOAD_MODULES=$$logs/module.so \
	    t/run.sh $(VALGRIND_SUITES); rc=$$?; \
	if grep -l '^==[0-9]*== ' $$logs/*.log 2>/dev/null; then \
	    echo "valgrind: memcheck reported errors (logs in $$logs)"; \
	    exit 1; \
	fi; \
	[ $$rc = 0 ] && rm -rf $$logs; exit $$rc

valgrind-test: valgrind

TEST_TARGETS +=		valgrind-test
