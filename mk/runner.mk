# Self-tests of our Test::Nginx::Socket work-alike (t/lib/Test/Nginx/),
# run against the stock nginx binary (no module needed).
#
#   make runner-selftest
#
# Needs only nginx and perl (core modules); "deps" installs them.

RUNNER_NGINX ?=		$(NGINX_BIN)
RUNNER_PROVE_FLAGS ?=

.PHONY: runner-selftest

runner-selftest: | deps
	TEST_NGINX_BINARY=$(RUNNER_NGINX) prove -I t/lib $(RUNNER_PROVE_FLAGS) t/selftest/
