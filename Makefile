# Two entry points for a fresh machine with only Python 3.11 and make:
#   make build   set up .venv, build the bundled collection into build/
#   make test    set up .venv, run the whole test suite
#   make test-fast   the same minus the slow tests (browser, quality tools, kill, timing): a few minutes
#   make dist    the generator's own package: wheel and sdist in dist/, checked as PyPI will
# Both are idempotent: the venv is reinstalled only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: build test test-fast check serve clean browser quality-tools dist messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/site-builder build

check: $(STAMP)
	$(BIN)/site-builder check

# Two workers (pytest-xdist): the browser tests are one group on one worker (one browser for the
# session, see tests/conftest.py) while the other worker runs the rest. Tests marked `alone`
# measure timing (Lighthouse's performance score), so they run afterwards with nothing beside them.
test: $(STAMP) browser quality-tools dist
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not alone"
	$(BIN)/python -m pytest -m alone

# The sdist, then the wheel built from it (as pip builds it from PyPI), so CI proves both build;
# twine then checks them as PyPI's upload will (metadata, and that README.md renders). Built with
# the venv's hatchling (a test extra), so nothing is downloaded.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/python -m twine check --strict dist/*

# Every test but those marked slow (see pyproject.toml), for the edit-test loop: no browser or tools needed.
# Two workers (pytest-xdist): the fast tests are many small builds, each in its own folder.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -n 2

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

# The tools tests/test_quality.py measures the theme with: axe-core, Lighthouse and the Nu HTML
# checker from npm (exact versions in .tools/package-lock.json, into .tools/node_modules; no install
# scripts run, so nothing downloads a browser or a Java), and Debian's Java for the Nu checker.
# Reinstalled only when the lock file changes. Without them the quality tests are skipped, loudly.
quality-tools:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's default-jre-headless for the HTML checker..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else \
	    echo "WARNING: java is missing and this is not root: the HTML validity test will be SKIPPED."; \
	  fi; \
	fi
	@if ! command -v npm >/dev/null; then \
	  echo "WARNING: npm is missing: the axe, Lighthouse and HTML validity tests will be SKIPPED."; \
	elif [ ! .tools/node_modules/.package-lock.json -nt .tools/package-lock.json ]; then \
	  echo "Installing the quality tools into .tools/node_modules..."; \
	  cd .tools && export CHROMEDRIVER_SKIP_DOWNLOAD=true PUPPETEER_SKIP_DOWNLOAD=1 && \
	    { npm ci --ignore-scripts --no-audit --no-fund --loglevel=error || \
	      npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error; }; \
	fi

# The default theme's catalogues: extract its strings into themes/default/locale/messages.pot, bring
# every language's messages.po up to date (new strings empty, changed ones fuzzy), list what each lacks.
# Start a language with: make messages LANGS=es. tests/test_i18n.py fails while any string is untranslated.
messages: $(STAMP)
	$(BIN)/python -m site_builder.catalogues $(LANGS)

# Builds, serves build/ under the site's base path and rebuilds + reloads the browser on every save.
serve: $(STAMP)
	$(BIN)/site-builder serve --port $(PORT)

clean:
	rm -rf build dist $(VENV)
