# pprof-summary fetching like `kubectl get --raw` (tools/pprof_fetch.c,
# libcurl), against the fake APIServer.
#
#   make cli-fetch-test   ends with "cli-fetch: N passed, M failed, K skipped"

.PHONY: cli-fetch-test

cli-fetch-test: $(BUILD)/pprof-summary $(BUILD)/fake-apiserver | deps
	t/cli/fetch.sh $(BUILD)

TEST_TARGETS +=		cli-fetch-test
