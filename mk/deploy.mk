# deploy/: the Kubernetes manifests (kustomize), the image recipe, and the
# ConfigMap's nginx.conf with the built module, all checked offline.
#
#   make deploy-test   ends with "deploy: N passed, M failed, K skipped"
#
# kubectl: the one on PATH if there is one, else Debian's kubernetes-client
# (the two conflict).  Steps this kubectl cannot do without a cluster
# (apply --dry-run=client needs the APIServer's discovery) and docker build
# (only when a Docker daemon answers) are skipped, saying why.

DEPLOY_DEB_PACKAGES :=	python3-yaml binutils util-linux curl

.PHONY: deploy-test deploy-deps

deploy-deps: | deps
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEPLOY_DEB_PACKAGES)"
	@command -v kubectl >/dev/null 2>&1 || \
	    $(MAKE) --no-print-directory deps DEB_PACKAGES=kubernetes-client

deploy-test: module $(BUILD)/fake-apiserver | deploy-deps
	t/deploy/run.sh $(BUILD)

TEST_TARGETS +=		deploy-test
