# Two entry points for a fresh machine with only Python 3.11 and make:
#   make build   set up .venv, build the bundled collection into build/
#   make test    set up .venv, run the whole test suite
# Both are idempotent: the venv is reinstalled only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: build test check serve clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/site-builder build

check: $(STAMP)
	$(BIN)/site-builder check

test: $(STAMP) browser
	$(BIN)/python -m pytest

# Browser tests drive Debian's chromium with Playwright (never a downloaded browser).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "WARNING: /usr/bin/chromium is missing and this is not root: the browser tests will be SKIPPED."; \
	  fi; \
	fi

# Builds, serves build/ under the site's base path and rebuilds + reloads the browser on every save.
serve: $(STAMP)
	$(BIN)/site-builder serve --port $(PORT)

clean:
	rm -rf build $(VENV)
