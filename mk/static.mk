# The module linked into nginx itself (--add-module), as a static build
# would ship it: the views are header and body filters, and a filter
# module must take its place in the filter chain in a static binary too
# (config: ngx_module_type=HTTP_AUX_FILTER).
#
#   make static-test            $(STATIC_NGINX), then the views, blocks,
#                               targets and replicas suites against it
#                               (no load_module)
#   make build/static/nginx     the binary only
#
# The source is nginx 1.22.1 from Debian's source package: `apt-get source
# --download-only nginx` (a deb-src twin of the machine's Debian entries
# is added when there is none) fetches, hash-checked against the signed
# Sources index, nginx_1.22.1.orig.tar.gz, which is upstream's tarball;
# that is what is built (Debian's patches are not applied, and the .dsc
# may be missing from the archive anyway).  Everything stays under
# $(STATIC_DIR); a change to config or the engine's file list configures
# anew, a change to any module source rebuilds (nginx's own Makefile then
# recompiles what changed).

STATIC_VERSION :=	1.22.1
STATIC_DIR :=		$(BUILD)/static
STATIC_SRC :=		$(STATIC_DIR)/nginx-$(STATIC_VERSION)
STATIC_TARBALL :=	$(STATIC_DIR)/nginx_$(STATIC_VERSION).orig.tar.gz
STATIC_OBJS :=		$(STATIC_DIR)/objs
STATIC_NGINX :=		$(STATIC_DIR)/nginx
STATIC_SUITES :=	t/010-views.t t/011-blocks.t t/014-targets.t \
			t/015-replicas.t
STATIC_JOBS ?=		2

# what the suites use: TLS to the APIServer, proxy_pass (the /ctl/
# helper), if/set/return (rewrite), add_header, limit_except/deny,
# threads and PCRE JIT as Debian's binary has them; debug logging as the
# suites ask for it (log_level debug)
STATIC_CONF_FLAGS :=	--with-http_ssl_module --with-threads --with-pcre-jit \
			--with-debug --with-cc-opt="-O2 -g"

# apt-get source comes with dpkg-dev; the rest builds nginx and the module
STATIC_DEB_PACKAGES :=	dpkg-dev gcc make libc6-dev libssl-dev libpcre2-dev \
			zlib1g-dev libdeflate-dev

.PHONY: static-test static-deps

static-deps: | deps
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(STATIC_DEB_PACKAGES)"

# a deb-src entry only if there is none (deb822 or one-line style), and an
# apt-get update only if the Sources index has not been fetched
$(STATIC_TARBALL): | static-deps
	@if ! grep -Eqs '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list \
	        /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; then \
	    if [ -f /etc/apt/sources.list.d/debian.sources ]; then \
	        echo "adding /etc/apt/sources.list.d/debian-src.sources"; \
	        sed 's/^Types: deb$$/Types: deb-src/' \
	            /etc/apt/sources.list.d/debian.sources \
	            > /etc/apt/sources.list.d/debian-src.sources; \
	    else \
	        echo "adding /etc/apt/sources.list.d/debian-src.list"; \
	        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list \
	            > /etc/apt/sources.list.d/debian-src.list; \
	    fi; \
	    apt-get update -q; \
	elif ! ls /var/lib/apt/lists/*_source_Sources* >/dev/null 2>&1; then \
	    apt-get update -q; \
	fi
	@mkdir -p $(STATIC_DIR)
	cd $(STATIC_DIR) && apt-get source --download-only -q nginx || \
	    echo "static: apt-get source failed, using the upstream tarball if it came"
	@test -s $@ || { echo "static: no $@ (apt-get source nginx is not $(STATIC_VERSION)?)" >&2; exit 1; }

$(STATIC_SRC)/configure: $(STATIC_TARBALL)
	rm -rf $(STATIC_SRC)
	tar xzf $< -C $(STATIC_DIR)
	@test -x $@ && touch $@

$(STATIC_OBJS)/Makefile: $(STATIC_SRC)/configure config src/profile/sources \
		mk/static.mk | deps static-deps
	rm -rf $(STATIC_OBJS)
	cd $(STATIC_SRC) && ./configure $(STATIC_CONF_FLAGS) \
	    --prefix=$(CURDIR)/$(STATIC_DIR) --add-module=$(CURDIR) \
	    --builddir=$(CURDIR)/$(STATIC_OBJS) > $(CURDIR)/$(STATIC_DIR)/configure.log \
	    || { tail -20 $(CURDIR)/$(STATIC_DIR)/configure.log; exit 1; }

$(STATIC_NGINX): $(STATIC_OBJS)/Makefile $(MODULE_SRCS)
	$(MAKE) -j$(STATIC_JOBS) -C $(STATIC_SRC) -f $(CURDIR)/$(STATIC_OBJS)/Makefile binary
	cp $(STATIC_OBJS)/nginx $@
	@$@ -V 2>&1 | grep -q -- '--add-module=$(CURDIR)' || \
	    { echo "static: $@ was not built with --add-module" >&2; exit 1; }

static-test: $(STATIC_NGINX) $(BUILD)/fake-apiserver
	TEST_NGINX_BINARY=$(CURDIR)/$(STATIC_NGINX) TEST_NGINX_LOAD_MODULES= \
	    t/run.sh $(STATIC_SUITES)
