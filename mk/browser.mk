# The HTML pages in a real browser: Debian's Chromium driven by
# playwright-core (pinned in t/browser/package.json, locked in
# package-lock.json), against the demo stack (conf/demo.sh).
#
#   make browser-test   ends with "browser: N passed, M failed";
#                       screenshots in $(BUILD)/browser/
#
# Chromium comes from Debian (apt, when missing); playwright-core from the
# npm registry into t/browser/node_modules (npm ci).  Playwright's own
# browser downloads are never used.

BROWSER_DIR :=		t/browser
BROWSER_CHROMIUM :=	/usr/bin/chromium
BROWSER_NPM_STAMP :=	$(BROWSER_DIR)/node_modules/.package-lock.json

.PHONY: browser-test browser-deps

browser-deps: | deps
	@missing=""; \
	[ -x $(BROWSER_CHROMIUM) ] && dpkg -s chromium >/dev/null 2>&1 || \
	    missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BROWSER_NPM_STAMP): $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json \
		| browser-deps
	cd $(BROWSER_DIR) && npm ci --no-audit --no-fund
	@touch $@

browser-test: all $(BUILD)/fake-apiserver browser-deps $(BROWSER_NPM_STAMP)
	BUILD=$(BUILD) $(BROWSER_DIR)/run.sh
