# The nginx suites with nginx under valgrind's memcheck
# (TEST_NGINX_USE_VALGRIND): part of make test.
#
#   make valgrind                      VALGRIND_SUITES, the set CI runs
#   make valgrind VALGRIND_SUITES="t/010-views.t"
#
# The set crosses every path of the module that allocates per request:
# the token (read, rotation, failures), every upstream failure, the
# views (the engine in thread pools, every format), hostile clients
# (routing and argument refusals) and hostile upstreams (held bodies cut
# at pprof_max_size or the deadline, crafted profiles).  Each block
# starts nginx under memcheck, so a block costs seconds: the set is what
# fits in about ten minutes on two cores (README, Hardening).  Any
# memcheck report fails the block that caused it (t/lib's runner reads
# each block's valgrind logs); the logs of the whole run are kept in the
# run directory and checked once more here, so a runner that only
# prints them (a system Test::Nginx) fails the target too.  Leaks: only
# definite ones are reported (--show-possibly-lost=no); nginx's own
# known one (ngx_set_environment) is suppressed by
# t/lib/Test/Nginx/valgrind.suppress.

VALGRIND_SUITES ?=	t/004-token.t t/006-errors.t t/010-views.t \
			t/017-hostile.t

# a client's wait for an answer (a floor over the blocks' own timeouts):
# memcheck runs nginx and the engine some 20 times slower
VALGRIND_TIMEOUT ?=	30

.PHONY: valgrind valgrind-test

valgrind: all
	@logs=$$(mktemp -d $(CURDIR)/$(BUILD)/valgrind-logs.XXXXXX); \
	TEST_NGINX_USE_VALGRIND=1 TEST_NGINX_TIMEOUT=$(VALGRIND_TIMEOUT) \
	    TEST_NGINX_VALGRIND_LOG_DIR=$$logs \
	    t/run.sh $(VALGRIND_SUITES); rc=$$?; \
	if grep -l '^==[0-9]*== ' $$logs/* 2>/dev/null; then \
	    echo "valgrind: memcheck reported errors (logs in $$logs)"; \
	    exit 1; \
	fi; \
	[ $$rc = 0 ] && rm -rf $$logs; exit $$rc

valgrind-test: valgrind

TEST_TARGETS +=		valgrind-test
