# Every target sets itself up: `make run` and `make test` work on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps browser run test fuzz lint format typecheck lint-spec codegen codegen-check contract bench clean

install: $(VENV_STAMP) $(NODE_STAMP) system-deps

# The tests start a real Redis (the idempotency store for replicas): Debian's redis-server.
system-deps:
	@command -v redis-server >/dev/null || (apt-get update && apt-get install -y -o DPkg::Lock::Timeout=600 redis-server)

$(VENV_STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# No install step may reach beyond the package registries: no analytics ping (@scarf/scarf, pulled in by
# Prism), no browser download (puppeteer, pulled in by @asyncapi/html-template; see .puppeteerrc.cjs).
$(NODE_STAMP): package.json package-lock.json
	SCARF_ANALYTICS=false PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The docs test drives Debian's chromium (headless, through playwright-core); CI runs as root.
browser:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y -o DPkg::Lock::Timeout=600 chromium)

run: install
	$(PY) -m gateway --host $(HOST) --port $(PORT)

test: install browser
	$(MAKE) --no-print-directory lint typecheck lint-spec codegen-check
	$(PY) -m pytest

# The fuzz gate with a random seed and a larger budget (make test runs it with seed 1, 15 examples).
FUZZ_SEED ?= $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
FUZZ_MAX_EXAMPLES ?= 100
fuzz: install
	FUZZ_SEED=$(FUZZ_SEED) FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_TIMEOUT=3600 $(PY) -m pytest tests/fuzz -p no:cacheprovider

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install
	$(VENV)/bin/mypy

lint-spec: install
	$(PY) -m tools.lint_spec

codegen: install
	$(PY) codegen.py

codegen-check: install
	$(PY) codegen.py --check

contract: install
	$(PY) -m contract

# nginx is a peer in the benchmarks (a plain reverse proxy, run unprivileged from a temporary directory).
bench: install
	@command -v nginx >/dev/null || (apt-get update && apt-get install -y -o DPkg::Lock::Timeout=600 nginx) \
		|| echo "bench: nginx could not be installed; its rows say so"
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache
