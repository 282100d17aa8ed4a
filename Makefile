# The two commands a newcomer types: `make demo` and `make test`. Both install what they need first.
SWIFT ?= swift
PACKAGES := libncursesw5-dev libcurl4-openssl-dev zlib1g-dev tmux
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build demo test screens release clean fuzz fuzz-build check-sanitizers bench

deps:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

## Build, then browse the embedded demo cluster.
demo: build
	$$($(SWIFT) build --show-bin-path)/argotop --demo

## Build, then run every test.
test: build
	$(SWIFT) test

## Re-record the captures in Screens/ (review the diff before committing).
screens: build
	RECORD_SCREENS=1 $(SWIFT) test --filter ScreensTests

## One optimized binary: the Swift runtime, libgcc, libstdc++ and zlib linked in; it loads only libc (with libm
## and the loader), ncursesw/tinfo and libcurl. The linker takes libstdc++.a and libz.a from STATIC_LIBS, which
## it searches before the system's directories; the target fails if the binary names any other shared library.
STATIC_LIBS := .build/static-libs
## Exclusivity is checked at run time in debug builds (every test run); the release binary leaves the checks out
## (the tree's builder touches its class's arrays once a node: the checks cost more than the work).
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -static-libgcc \
	-Xswiftc -enforce-exclusivity=unchecked -Xlinker -L$(CURDIR)/$(STATIC_LIBS)
# Its own build folder: the plain `swift build -c release` (other flags) would otherwise rebuild over it.
RELEASE_BUILD = $(SWIFT) build $(RELEASE_FLAGS) --scratch-path .build-release
RELEASE_ALLOWED := libc.so.6 libm.so.6 ld-linux-x86-64.so.2 libncursesw.so.6 libtinfo.so.6 libcurl.so.4
release: deps
	@mkdir -p $(STATIC_LIBS) && for lib in libstdc++.a libz.a; do \
		path="$$(cc -print-file-name=$$lib)"; [ -f "$$path" ] || path="/usr/lib/$$(cc -print-multiarch)/$$lib"; \
		[ -f "$$path" ] || { echo "release: $$lib not found (install libstdc++-12-dev and zlib1g-dev)"; exit 1; }; \
		ln -sf "$$path" $(STATIC_LIBS)/$$lib; done
	$(RELEASE_BUILD) --product argotop
	@bin="$$($(RELEASE_BUILD) --show-bin-path)/argotop"; echo "release binary: $$bin ($$(du -m "$$bin" | cut -f1) MB)"; \
		echo "shared libraries it loads:"; needed="$$(readelf -d "$$bin" | grep NEEDED | sed 's/.*\[//; s/\]//')"; \
		echo "$$needed" | sed 's/^/  /'; \
		for lib in $$needed; do case " $(RELEASE_ALLOWED) " in *" $$lib "*) ;; \
			*) echo "release: $$lib is not one of: $(RELEASE_ALLOWED)"; exit 1 ;; esac; done

## The speed targets of issue 7, each against its peer (Python through python3) in the same run: a table of
## figure, ours, peer, ratio, target, pass/fail. It measures the binary `make release` ships (and is built the
## same way itself); timing never enters `make test`.
BENCH_FLAGS ?=
bench: release
	@command -v python3 >/dev/null || { echo "make bench needs python3 (the peer it measures against)"; exit 1; }
	$(RELEASE_BUILD) --product argobench
	$$($(RELEASE_BUILD) --show-bin-path)/argobench $(BENCH_FLAGS)

clean:
	rm -rf .build .build-release .build-fuzz .build-asan .build-tsan .build-fuzzcheck

## libFuzzer targets (Sources/Fuzz*/, not SwiftPM targets): the modules are built instrumented into
## .build-fuzz (Yams and its C part, libyaml, too), then each fuzzer is linked with swiftc. FUZZ_SECONDS per
## target (default 60).
FUZZ_SECONDS ?= 60
FUZZ_DIR := .build-fuzz/debug
# CYaml brings its own module map, which SwiftPM leaves in the package checkout.
FUZZ_CYAML := .build-fuzz/checkouts/Yams/Sources/CYaml/include
FUZZ_FLAGS := -sanitize=fuzzer,address -parse-as-library -g -I $(FUZZ_DIR)/Modules \
	-Xcc -fmodule-map-file=$(FUZZ_DIR)/CCurl.build/module.modulemap -Xcc -I -Xcc Sources/CCurl/include \
	-Xcc -fmodule-map-file=$(FUZZ_DIR)/CZlib.build/module.modulemap -Xcc -I -Xcc Sources/CZlib/include \
	-Xcc -fmodule-map-file=$(FUZZ_DIR)/CJSONScan.build/module.modulemap -Xcc -I -Xcc Sources/CJSONScan/include \
	-Xcc -fmodule-map-file=$(FUZZ_CYAML)/module.modulemap -Xcc -I -Xcc $(FUZZ_CYAML)
FUZZ_OBJECTS = $(FUZZ_DIR)/ArgoAPI.build/*.o $(FUZZ_DIR)/ArgoViewModel.build/*.o \
	$(FUZZ_DIR)/ArgoRender.build/*.o $(FUZZ_DIR)/ArgoKube.build/*.o $(FUZZ_DIR)/Yams.build/*.o \
	$(FUZZ_DIR)/CYaml.build/src/*.o $(FUZZ_DIR)/CCurl.build/*.o $(FUZZ_DIR)/CZlib.build/*.o $(FUZZ_DIR)/CJSONScan.build/*.o -lcurl -lz
FUZZ_SWIFT_BUILD := $(SWIFT) build -c debug --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address \
	-Xcc -fsanitize=fuzzer-no-link,address
FUZZERS := FuzzWorkflow FuzzFramer FuzzText FuzzKubeconfig

fuzz-build: deps
	$(FUZZ_SWIFT_BUILD) --target ArgoRender
	$(FUZZ_SWIFT_BUILD) --target ArgoKube
	mkdir -p $(FUZZ_DIR)/fuzzers
	for f in $(FUZZERS); do \
		swiftc $(FUZZ_FLAGS) Sources/$$f/$$f.swift $(FUZZ_OBJECTS) -o $(FUZZ_DIR)/fuzzers/$$f 2>&1 \
			| grep -v 'Cannot export local symbol' || true; \
		test -x $(FUZZ_DIR)/fuzzers/$$f || exit 1; \
	done

## Runs each fuzzer FUZZ_SECONDS; new corpus entries go to .build-fuzz/corpus/NAME (the fixtures are read only).
fuzz: fuzz-build
	@set -e; work=.build-fuzz/work; mkdir -p $$work; \
	for f in $(FUZZERS); do \
		corpus=.build-fuzz/corpus/$$f; rm -rf $$work/$$f; mkdir -p $$corpus $$work/$$f; \
		case $$f in \
			FuzzWorkflow) seeds=../shared/argo-fixtures/real ;; \
			FuzzFramer) seeds=Sources/FuzzFramer/seeds ;; \
			FuzzText) seeds=Sources/FuzzText/seeds ;; \
			FuzzKubeconfig) seeds=Sources/FuzzKubeconfig/seeds ;; \
		esac; \
		status=0; ( cd $$work/$$f && SWIFT_BACKTRACE=enable=no ../../../$(FUZZ_DIR)/fuzzers/$$f -max_total_time=$(FUZZ_SECONDS) \
			-rss_limit_mb=4096 -print_final_stats=1 ../../../$$corpus $$(realpath ../../../$$seeds) ) \
			> $$work/$$f.log 2>&1 || status=$$?; \
		runs=$$(grep -o 'stat::number_of_executed_units: *[0-9]*' $$work/$$f.log | grep -o '[0-9]*$$' || echo '?'); \
		crashes=$$(ls $$work/$$f | grep -c '^\(crash\|leak\|timeout\|oom\)-' || true); \
		echo "$$f: $$runs executions, $$crashes crashes (exit $$status; log $$work/$$f.log)"; \
	done

## AddressSanitizer and ThreadSanitizer over the test suite, each in its own scratch path (not part of `test`).
## LeakSanitizer is off: the Swift runtime's own one-time allocations make every child process exit 1 at its end.
check-sanitizers: deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --scratch-path .build-asan --sanitize=address
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --scratch-path .build-tsan --sanitize=thread
