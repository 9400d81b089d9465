# pprof-summary fetching like `kubectl get --raw` (tools/pprof_fetch.c,
# libcurl), against the fake APIServer: the CLI as built, then the same
# checks with it under ASan+UBSan (leaks, memory errors and undefined
# behaviour print on stderr, which every check reads, and fail it).
#
#   make cli-fetch-test   ends, twice, with
#                         "cli-fetch: N passed, M failed, K skipped"
#   make cli-diff-test    a base parsed on its own thread (t/cli/diff.sh),
#                         the same two ways: "cli-diff: N passed, ..."

.PHONY: cli-fetch-test cli-diff-test

$(BUILD)/pprof-summary-san: $(CLI_SRCS) tools/pprof_fetch.h \
		$(ENGINE_ALL_SRCS) $(ENGINE_HDRS) | deps
	@mkdir -p $(BUILD)
	$(ENGINE_SAN_CC) $(ENGINE_SAN_FLAGS) -Wall -Wextra -Werror -o $@ \
	    $(CLI_SRCS) $(ENGINE_ALL_SRCS) $(ENGINE_LIBS) $(CLI_LIBS)

cli-fetch-test: $(BUILD)/pprof-summary $(BUILD)/pprof-summary-san \
		$(BUILD)/fake-apiserver | deps
	t/cli/fetch.sh $(BUILD)
	ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    CLI=$(CURDIR)/$(BUILD)/pprof-summary-san t/cli/fetch.sh $(BUILD)

cli-diff-test: $(BUILD)/pprof-summary $(BUILD)/pprof-summary-san \
		$(BUILD)/profiles/.done | deps
	t/cli/diff.sh $(BUILD)
	ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    CLI=$(CURDIR)/$(BUILD)/pprof-summary-san t/cli/diff.sh $(BUILD)

TEST_TARGETS +=		cli-fetch-test cli-diff-test
