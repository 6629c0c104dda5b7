# One command per task; CI calls `make test` through .ci/run.
# Options go to the server through ARGS: make run ARGS="--port 9000 --workers 2".
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
# The lock covers the server, test and dev tools on every platform and Python >= 3.11
# (the async extra, httpx2, needs 3.11).
UV_COMPILE := pip compile pyproject.toml --extra server --extra async --extra dev --universal \
	--python-version 3.11 --generate-hashes --quiet --no-header

.PHONY: install install-browser lock lock-check run keys test test-fast lint typecheck format bench bench-tools clean fuzz

# Fails with the command to run when pyproject.toml's dependencies changed without `make lock`.
lock-check:
	@$(PYTHON) scripts/lock_digest.py --check

$(STAMP): pyproject.toml $(LOCK) scripts/install.sh
	PYTHON=$(PYTHON) scripts/install.sh $(VENV) server,async,dev
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Re-resolve every pinned version (with hashes) from pyproject.toml; commit the result.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install -q 'uv>=0.5'
	$(PYTHON) scripts/lock_digest.py > $(LOCK).new
	$(BIN)/uv $(UV_COMPILE) >> $(LOCK).new
	mv $(LOCK).new $(LOCK)

install: $(STAMP) install-browser

# Debian's chromium for the console tests (Playwright's own browser downloads are not used).
install-browser:
	test -x /usr/bin/chromium || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq chromium; } || echo 'chromium missing: console browser tests will be skipped'

run: $(STAMP)
	$(BIN)/imagekit-server serve $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	PYTHONPATH=src $(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: $(STAMP) install-browser lint typecheck
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -x -q

# The fuzz tests with FUZZ_EXAMPLES inputs each (CI runs a few dozen): docs/security.md.
FUZZ_EXAMPLES ?= 2000
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -o timeout=0 tests/server/fuzz \
		tests/server/imaging/test_fuzz.py

# What the benchmarks drive besides Python: wrk (load), nginx (the static reference and the
# shipped front), valgrind (instruction counts). Debian packages, installed when root.
BENCH_TOOLS = wrk nginx valgrind
bench-tools:
	@missing=""; for tool in $(BENCH_TOOLS); do PATH="$$PATH:/usr/sbin" command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	test -z "$$missing" || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq $$missing; } || echo "missing:$$missing (benchmarks that use them will fail)"

bench: $(STAMP) bench-tools
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

keys: $(STAMP)
	$(BIN)/imagekit-server keys $(ARGS)
