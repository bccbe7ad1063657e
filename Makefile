# Every target installs what it needs; recipes stay one-liners that call scripts.
BUN := node_modules/.bin/bun

.PHONY: install build test demo local local-stop release release-check bench lint typecheck clean

install: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund && touch $@

build: install
	$(BUN) scripts/build.ts

test: build
	bash scripts/test.sh

demo: build
	$(BUN) scripts/demo.ts

local: build
	$(BUN) scripts/local.ts start

local-stop: install
	$(BUN) scripts/local.ts stop

release: install
	$(BUN) scripts/build.ts --release && bash scripts/check-release.sh --remind

release-check: install
	bash scripts/release-check.sh

bench: build
	$(BUN) bench/run.ts

typecheck: install
	node_modules/.bin/tsc --noEmit

lint: install
	node_modules/.bin/biome check .

clean:
	rm -rf dist
