# The fake Kubernetes APIServer the nginx test suites run against
# (t/apiserver, standard library only) and its test certificates.
#
#   make build/fake-apiserver   the server
#   make certs                  build/certs/ (gencerts.sh; t/run.sh makes its own per run)
#   make apiserver-test         go vet + go test of the server itself
#   make t-nginx                t/run.sh: fake APIServer around prove (PROVE_ARGS=...)
#
# Go runs offline from the repo: its cache and GOPATH live under $(BUILD),
# no module proxy, no requirements in go.mod.

APISERVER_DIR :=	t/apiserver
APISERVER_SRCS :=	$(filter-out %_test.go,$(wildcard $(APISERVER_DIR)/*.go)) \
			$(APISERVER_DIR)/go.mod
APISERVER_GO :=		cd $(APISERVER_DIR) && \
			env GOCACHE=$(CURDIR)/$(BUILD)/gocache \
			    GOPATH=$(CURDIR)/$(BUILD)/gopath \
			    GOFLAGS=-modcacherw GOPROXY=off GOSUMDB=off \
			    GO111MODULE=on GOWORK=off GOENV=off CGO_ENABLED=0 go

.PHONY: apiserver apiserver-test certs t-nginx

apiserver: $(BUILD)/fake-apiserver

$(BUILD)/fake-apiserver: $(APISERVER_SRCS) | deps
	@mkdir -p $(BUILD)
	$(APISERVER_GO) build -trimpath -o $(CURDIR)/$@ .

certs: $(BUILD)/certs/server.crt

$(BUILD)/certs/server.crt: $(APISERVER_DIR)/gencerts.sh | deps
	$(APISERVER_DIR)/gencerts.sh $(BUILD)/certs

apiserver-test: | deps
	$(APISERVER_GO) vet .
	$(APISERVER_GO) test -count=1 .

t-nginx: module $(BUILD)/fake-apiserver
	t/run.sh $(PROVE_ARGS)
