# ngx_http_pprof_module
#
#   make          build/ngx_http_pprof_module.so and build/pprof-summary
#   make run      fake APIServer + nginx with conf/demo.conf, prints a URL
#   make test     every test suite (what CI runs)
#   make bench    engine benchmark against go tool pprof and zcat
#   make fuzz     libFuzzer on the decoder and the argument parsers
#   make valgrind the nginx suites under memcheck (mk/valgrind.mk)
#   make load     wrk against a running gateway (mk/load.mk)
#   make static-test  nginx built with the module statically: views, blocks
#
# Packages come from Debian; the first target that needs one installs it.

SHELL :=		/bin/bash
NGINX_SRC ?=		/usr/share/nginx/src
NGINX_BIN ?=		/usr/sbin/nginx
BUILD :=		build
CC ?=			cc

DEB_PACKAGES :=		nginx nginx-dev libssl-dev zlib1g-dev libpcre2-dev \
			golang-go golang-github-google-pprof-dev clang \
			libclang-rt-14-dev openssl curl time perl \
			libio-socket-ssl-perl valgrind libdeflate-dev \
			libcurl4-openssl-dev

# the engine's files: the list nginx's config reads too
include src/profile/sources
ENGINE_SRCS :=		$(addprefix src/profile/,$(subst ",,$(PPROF_ENGINE_SRCS)))
ENGINE_HDRS :=		$(addprefix src/profile/,$(subst ",,$(PPROF_ENGINE_DEPS)))
MODULE_SRCS :=		config src/profile/sources ngx_http_pprof_module.c \
			$(wildcard src/*.c src/*.h) $(ENGINE_SRCS) $(ENGINE_HDRS)

# nginx's own flags come from its configure; these are added to them
MODULE_CC_OPT :=	-fPIC -Wall -Wextra -Werror \
			-Wno-unused-parameter -Wno-missing-field-initializers

.PHONY: all deps module run test valgrind bench fuzz clean

all: module $(BUILD)/pprof-summary

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -q --no-install-recommends $$missing; \
	fi

module: $(BUILD)/ngx_http_pprof_module.so

# Debian's nginx_mod way: configure a copy of nginx-dev's tree with the
# flags nginx itself was built with, then build only the modules.
# a file added to config or to the engine's list configures anew
$(BUILD)/objs/Makefile: config src/profile/sources | deps
	rm -rf $(BUILD)/nginx-src $(BUILD)/objs
	mkdir -p $(BUILD)
	cp -r $(NGINX_SRC) $(BUILD)/nginx-src
	cd $(BUILD)/nginx-src && . ./conf_flags && \
	    ./configure --with-cc-opt="$(MODULE_CC_OPT)" --with-ld-opt="-fPIC" \
	        "$${NGX_CONF_FLAGS[@]}" --add-dynamic-module=$(CURDIR) \
	        --builddir=$(CURDIR)/$(BUILD)/objs > $(CURDIR)/$(BUILD)/configure.log

$(BUILD)/ngx_http_pprof_module.so: $(BUILD)/objs/Makefile $(MODULE_SRCS)
	$(MAKE) -C $(BUILD)/nginx-src -f $(CURDIR)/$(BUILD)/objs/Makefile modules
	cp $(BUILD)/objs/ngx_http_pprof_module.so $@

# unit tests, the runner, the fake APIServer, the reference comparison
# with go tool pprof, a short fuzz run, the pages in a real browser, and
# last the nginx suites, whose prove summary closes the run
test: all
	$(MAKE) engine-test
	$(MAKE) runner-selftest
	$(MAKE) apiserver-test
	$(MAKE) compare
	$(MAKE) fuzz-short
	$(MAKE) browser-test
	$(MAKE) static-test
	for t in $(TEST_TARGETS); do $(MAKE) $$t || exit 1; done
	t/run.sh t/*.t

# more test targets, appended by the files of mk/ (TEST_TARGETS += name);
# they run after the ones above and before the nginx suites
TEST_TARGETS :=

run: all $(BUILD)/fake-apiserver
	conf/demo.sh

clean:
	rm -rf $(BUILD) t/servroot*

-include mk/*.mk
