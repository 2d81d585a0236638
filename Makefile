# Two entry points for a fresh machine with only Python 3.11 and make:
#   make build   set up .venv, build the bundled collection into build/
#   make test    set up .venv, run the whole test suite
# Both are idempotent: the venv is reinstalled only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: build test check serve clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/site-builder build

check: $(STAMP)
	$(BIN)/site-builder check

test: $(STAMP)
	$(BIN)/python -m pytest

serve: build
	@echo "Serving build/ at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory build $(PORT)

clean:
	rm -rf build $(VENV)
