# The profile engine outside nginx: the pprof-summary CLI, the unit tests
# (also under ASan+UBSan), and the libFuzzer target.
#
#   make build/pprof-summary
#   make engine-test          ends with "engine: N passed, 0 failed"
#   make fuzz                 FUZZ_SECONDS (600) of libFuzzer: the decoder,
#                             the renderers, the query parsers, share links
#   make fuzz-short           60 s, for CI
#
# ENGINE_EXTRA_SRCS: more engine sources to link (a stand-in for a file
# that is not written yet, kept outside the tree).

ENGINE_CFLAGS :=	-O2 -g -Wall -Wextra -Werror
ENGINE_SAN_CC ?=	clang
ENGINE_SAN_FLAGS :=	-O1 -g -fno-omit-frame-pointer \
			-fsanitize=address,undefined -fno-sanitize-recover=all
ENGINE_TEST_SRCS :=	$(wildcard t/engine/*.c)
ENGINE_TEST_HDRS :=	$(wildcard t/engine/*.h)
ENGINE_EXTRA_SRCS ?=
# zlib streams what libdeflate's whole-buffer inflate declines (see
# pprof_inflate); the nginx module's config links the same two
ENGINE_LIBS :=		-lz -ldeflate -lm
ENGINE_ALL_SRCS =	$(ENGINE_SRCS) $(ENGINE_EXTRA_SRCS)

FUZZ_SECONDS ?=		600
FUZZ_CORPUS :=		fuzz/corpus
FUZZ_FLAGS :=		-g -O1 -fno-omit-frame-pointer \
			-fsanitize=fuzzer,address,undefined \
			-fno-sanitize-recover=all

.PHONY: engine-test fuzz fuzz-short

# the CLI alone fetches URLs: libcurl (libcurl4-openssl-dev) is its own;
# it parses a diff's base on a thread (-pthread)
CLI_SRCS :=		tools/pprof-summary.c tools/pprof_fetch.c
CLI_LIBS :=		-lcurl -pthread

$(BUILD)/pprof-summary: $(CLI_SRCS) tools/pprof_fetch.h $(ENGINE_ALL_SRCS) \
		$(ENGINE_HDRS) | deps
	@mkdir -p $(BUILD)
	$(CC) $(ENGINE_CFLAGS) -o $@ $(CLI_SRCS) $(ENGINE_ALL_SRCS) \
	    $(ENGINE_LIBS) $(CLI_LIBS)

# every t/engine/*.c is a program of its own, built plain and sanitized
ENGINE_TESTS :=		$(patsubst t/engine/%.c,%,$(ENGINE_TEST_SRCS))
ENGINE_TEST_BINS :=	$(ENGINE_TESTS:%=$(BUILD)/engine-tests/%) \
			$(ENGINE_TESTS:%=$(BUILD)/engine-tests/%-san)

$(BUILD)/engine-tests/%: t/engine/%.c $(ENGINE_TEST_HDRS) \
		$(ENGINE_ALL_SRCS) $(ENGINE_HDRS) | deps
	@mkdir -p $(BUILD)/engine-tests
	$(CC) $(ENGINE_CFLAGS) -Isrc/profile -o $@ $< $(ENGINE_ALL_SRCS) \
	    $(ENGINE_LIBS)

$(BUILD)/engine-tests/%-san: t/engine/%.c $(ENGINE_TEST_HDRS) \
		$(ENGINE_ALL_SRCS) $(ENGINE_HDRS) | deps
	@mkdir -p $(BUILD)/engine-tests
	$(ENGINE_SAN_CC) $(ENGINE_SAN_FLAGS) -Wall -Wextra -Werror \
	    -Isrc/profile -o $@ $< $(ENGINE_ALL_SRCS) $(ENGINE_LIBS)

# regex_cases.tsv is Go's regexp: Go checks it before regex_test does
engine-test: $(ENGINE_TEST_BINS)
	CC="$(CC)" t/engine/layers.sh $(BUILD)/engine-layers
	GOCACHE=$(CURDIR)/$(BUILD)/gocache \
	    go run t/engine/regex_ref.go t/engine/regex_cases.tsv
	ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    t/engine/run.sh $(ENGINE_TEST_BINS)

# the share links' signer and verifier too: plain C and OpenSSL
FUZZ_SRCS :=		src/ngx_http_pprof_link.c

$(BUILD)/pprof-fuzz: fuzz/pprof_fuzz.c $(FUZZ_SRCS) src/ngx_http_pprof_link.h \
		$(ENGINE_ALL_SRCS) $(ENGINE_HDRS) | deps
	@mkdir -p $(BUILD)
	clang $(FUZZ_FLAGS) -o $@ fuzz/pprof_fuzz.c $(FUZZ_SRCS) \
	    $(ENGINE_ALL_SRCS) $(ENGINE_LIBS) -lcrypto

# the committed corpus seeds a scratch copy, new finds stay in $(BUILD)
fuzz: $(BUILD)/pprof-fuzz
	@mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/pprof-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz-corpus $(FUZZ_CORPUS)

fuzz-short:
	$(MAKE) fuzz FUZZ_SECONDS=60
