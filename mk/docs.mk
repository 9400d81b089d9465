# The reference against the module: every directive in nginx.org's form
# with the contexts the module accepts, every variable and header named
# (t/docs/check.pl).  docs/troubleshooting.md's log lines are checked by
# t/019-troubleshooting.t, with the nginx suites.

.PHONY: docs-test

docs-test:
	perl t/docs/check.pl

TEST_TARGETS += docs-test
