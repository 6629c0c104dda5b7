# One command per task; CI calls `make test` through .ci/run.
# Options go to the server through ARGS: make run ARGS="--port 9000 --workers 2".
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

# install-browser: Debian's chromium for the console tests (Playwright's downloads are not used).
.PHONY: install-browser install run keys test test-fast lint typecheck format bench clean

$(STAMP): pyproject.toml scripts/install.sh
	PYTHON=$(PYTHON) scripts/install.sh $(VENV) server,async,dev
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) install-browser

install-browser:
	test -x /usr/bin/chromium || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq chromium; } || echo 'chromium missing: console browser tests will be skipped'

run: $(STAMP)
	$(BIN)/imagekit-server serve $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: $(STAMP) install-browser lint typecheck
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -x -q

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

keys: $(STAMP)
	$(BIN)/imagekit-server keys $(ARGS)
