# The share links' signature (src/ngx_http_pprof_link.c, no nginx in it)
# on its own: t/link/link_test.c, plain and under ASan/UBSan.
#
#   make link-test      ends with "link: N passed, 0 failed"
#
# A fuzzer calls ngx_http_pprof_link_verify() the same way: the file and
# -lcrypto are all it needs.

LINK_SRCS :=		src/ngx_http_pprof_link.c
LINK_HDRS :=		src/ngx_http_pprof_link.h

.PHONY: link-test

$(BUILD)/link-test: t/link/link_test.c $(LINK_SRCS) $(LINK_HDRS) | deps
	@mkdir -p $(BUILD)
	$(CC) $(ENGINE_CFLAGS) -o $@ t/link/link_test.c $(LINK_SRCS) -lcrypto

$(BUILD)/link-test-san: t/link/link_test.c $(LINK_SRCS) $(LINK_HDRS) | deps
	@mkdir -p $(BUILD)
	$(ENGINE_SAN_CC) $(ENGINE_SAN_FLAGS) -Wall -Wextra -Werror \
	    -o $@ t/link/link_test.c $(LINK_SRCS) -lcrypto

link-test: $(BUILD)/link-test $(BUILD)/link-test-san
	$(BUILD)/link-test
	ASAN_OPTIONS=detect_leaks=1 $(BUILD)/link-test-san

TEST_TARGETS +=		link-test
