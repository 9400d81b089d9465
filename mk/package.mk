# debian/: the libnginx-mod-http-pprof package, built the way Debian
# builds its libnginx-mod-* packages (dh --with nginx), installed and used.
#
#   make package       build/package/libnginx-mod-http-pprof_*.deb
#   make package-test  builds it in a scratch copy, installs it (apt-get
#                      install ./...deb), nginx -t and a request with the
#                      installed module, then purges it (unless it was
#                      installed before); ends with
#                      "package: N passed, M failed, K skipped"
#
# The suites are not affected by an installed package: they load
# build/ngx_http_pprof_module.so by path and never include
# /etc/nginx/modules-enabled.

PACKAGE_DEB_PACKAGES :=	debhelper dpkg-dev nginx-dev build-essential \
			libdeflate-dev libpcre2-dev libssl-dev zlib1g-dev
# what the source package is made of (debian/ and what it builds from)
PACKAGE_FILES :=	config ngx_http_pprof_module.c src debian README.md \
			conf/in-cluster.conf
PACKAGE_DIR :=		$(BUILD)/package
PACKAGE_VERSION =	$(shell dpkg-parsechangelog -l debian/changelog -S Version)

.PHONY: package package-test package-deps

package-deps: | deps
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(PACKAGE_DEB_PACKAGES)"

package: | package-deps
	rm -rf $(PACKAGE_DIR)
	mkdir -p $(PACKAGE_DIR)/src
	tar cf - $(PACKAGE_FILES) | tar xf - -C $(PACKAGE_DIR)/src
	cd $(PACKAGE_DIR)/src && dpkg-buildpackage -us -uc -b
	@ls $(PACKAGE_DIR)/*.deb

package-test: module $(BUILD)/fake-apiserver | package-deps
	PACKAGE_FILES="$(PACKAGE_FILES)" t/deploy/package.sh $(BUILD)

TEST_TARGETS +=		package-test
