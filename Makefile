# The two commands a newcomer types: `make demo` and `make test`. Both install what they need first.
SWIFT ?= swift
PACKAGES := libncursesw5-dev libcurl4-openssl-dev tmux
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build demo test screens release clean

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

## One optimized binary with the Swift runtime linked in, to copy onto a bastion host.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib
	@echo "release binary: $$($(SWIFT) build -c release --static-swift-stdlib --show-bin-path)/argotop"

clean:
	rm -rf .build
