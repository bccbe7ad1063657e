# Every target installs what it needs; recipes stay one-liners that call scripts.
BUN := node_modules/.bin/bun
# Where make install puts bin/sentinel.
PREFIX ?= /usr/local

.PHONY: deps build install test demo local local-stop release release-check bench lint typecheck clean

deps: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund && touch $@

build: deps
	$(BUN) scripts/build.ts

install: build
	$(BUN) scripts/install.ts "$(PREFIX)"

test: build
	bash scripts/test.sh

demo: build
	$(BUN) scripts/demo.ts

local: build
	$(BUN) scripts/local.ts start

local-stop: deps
	$(BUN) scripts/local.ts stop

release: deps
	$(BUN) scripts/build.ts --release && bash scripts/check-release.sh --remind

release-check: deps
	bash scripts/release-check.sh

bench: build
	$(BUN) bench/run.ts

typecheck: deps
	node_modules/.bin/tsc --noEmit

lint: deps
	node_modules/.bin/biome check .

clean:
	rm -rf dist
