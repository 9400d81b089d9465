# Profiles for testing the engine against `go tool pprof`, and its benchmark.
#
#   make compare           pprof-summary vs go tool pprof, every profile in
#                          $(BUILD)/profiles and every sample type
#   make compare-text      pprof-summary --format top vs go tool pprof -top
#                          -nodefraction=0 (all rows), line by line: informational
#   make compare-selftest  the same harness against a Go stand-in for
#                          pprof-summary (t/profiles/refsummary)
#   make bench             bench/run.sh on a generated 200k-sample profile
#   make fuzz-seeds        refresh fuzz/corpus/real-*.pb.gz from new captures
#
# Go programs build in GOPATH mode with Debian's packages (no module proxy);
# everything go writes stays under $(BUILD).

PROFILES_GO_ENV :=	GO111MODULE=off GOFLAGS= \
			GOCACHE=$(CURDIR)/$(BUILD)/gocache \
			GOPATH=$(CURDIR)/$(BUILD)/gopath:/usr/share/gocode

PROFILES_TOOLS :=	capture gen compare refsummary

.PHONY: compare compare-text compare-selftest profiles fuzz-seeds

$(PROFILES_TOOLS:%=$(BUILD)/profile-%): $(BUILD)/profile-%: \
		$(wildcard t/profiles/*/*.go) | deps
	@mkdir -p $(BUILD)
	cd t/profiles/$* && $(PROFILES_GO_ENV) go build -o $(CURDIR)/$@ .

profiles: $(BUILD)/profiles/.done

$(BUILD)/profiles/.done: $(BUILD)/profile-capture $(BUILD)/profile-gen \
		t/profiles/make-profiles.sh
	t/profiles/make-profiles.sh $(BUILD) $(BUILD)/profiles
	touch $@

compare: $(BUILD)/pprof-summary $(BUILD)/profile-compare $(BUILD)/profiles/.done
	t/profiles/compare.sh $(BUILD)

compare-text: $(BUILD)/pprof-summary $(BUILD)/profile-compare $(BUILD)/profiles/.done
	t/profiles/compare.sh $(BUILD) -text

compare-selftest: $(BUILD)/profile-refsummary $(BUILD)/profile-compare \
		$(BUILD)/profiles/.done
	SUMMARY=$(BUILD)/profile-refsummary t/profiles/compare.sh $(BUILD)

bench: $(BUILD)/pprof-summary $(BUILD)/profile-gen | deps
	bench/run.sh $(BUILD)

# Small real profiles as committed fuzz seeds (each at most 30 KB).
fuzz-seeds: $(BUILD)/profiles/.done
	@mkdir -p fuzz/corpus
	@for p in heap cpu goroutine mutex block; do \
	    f=$(BUILD)/profiles/real/$$p.pb.gz; \
	    if [ $$(stat -c %s $$f) -le 30720 ]; then \
	        cp $$f fuzz/corpus/real-$$p.pb.gz && echo "fuzz/corpus/real-$$p.pb.gz"; \
	    else \
	        echo "skipped $$f: over 30 KB"; \
	    fi; \
	done
