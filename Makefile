# sora-unified: everything runs from a fresh clone with only python3 and make.
#   make demo             generate one video per vendor against the built-in sandbox (no key)
#   make test             install the pinned tools, then check, lint and run every test
#   make test-fast        the tests that start no command, PostgreSQL, Temporal or regeneration
#   make generate         regenerate generated/ from specs/ (and the sync client from the async one)
#   make check-generated  fail if generated/ does not match specs/, or the sync client its async text
#   make test-deep        the contract suite with many more hypothesis examples
#   make record VENDOR=kie SCENARIO=name [BASE_URL=https://api.kie.ai] [ACCEPT=1]   (re)record
#   make record-all       re-record every cassette from the sandbox and the documented errors
#   make sandbox          serve the vendor sandbox on 127.0.0.1:8800
#   make mutation         mutation testing of every package and spec; prints the catch rate per package
#   make steadiness       the whole suite 10 times, two at once (each under the other's load)
#   make bench            speed and memory figures, as ratios against raw httpx / nominal

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.8

# The suite starts hundreds of Python processes (xdist workers, the commands it runs, servers).
# With PYTHONDONTWRITEBYTECODE set, as some machines set it for everyone, each of them compiles
# every module it imports from source, and pytest rewrites its plugins' asserts again in each
# worker: about a third of the suite's CPU. Bytecode caches (__pycache__/, ignored by git) are
# written for what `make` runs.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help install generate check-generated lint typecheck test test-fast test-deep demo sandbox record record-all mutation steadiness bench clean

help:
	@sed -n 's/^#   //p' Makefile

$(STAMP): pyproject.toml requirements-dev.txt
	@echo "sora-unified: installing into $(VENV)/ (once): the package, the pinned test and server"
	@echo "  tools of requirements-dev.txt (pytest, uvicorn, openai, pgserver, ...), with uv"
	@# The venv gets no pip of its own when this python has one that installs into another
	@# interpreter (pip >= 22.3): seeding pip into a new venv was half of the install's time.
	@test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
	@$(PYTHON) -m pip --python $(PY) install --quiet --disable-pip-version-check uv==$(UV_VERSION) 2>/dev/null \
		|| { $(PY) -m ensurepip --default-pip >/dev/null \
			&& $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }
	@# uv is several times faster than pip; pip is the fallback if uv cannot reach the index.
	@$(BIN)/uv pip install --quiet --python $(PY) -r requirements-dev.txt -e . \
		|| { $(PY) -m ensurepip --default-pip >/dev/null \
			&& $(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e .; }
	@touch $@
	@echo "sora-unified: installed ($(VENV)/; make clean removes it)"

install: $(STAMP)

generate: $(STAMP)
	$(PY) tools/generate.py
	$(PY) tools/unasync.py

check-generated: $(STAMP)
	$(PY) tools/generate.py --check
	$(PY) tools/unasync.py --check

lint: $(STAMP)
	$(BIN)/ruff check wrappers contract_tests tools bench examples
	$(BIN)/ruff format --check wrappers contract_tests tools bench examples

typecheck: $(STAMP)
	$(BIN)/mypy --strict wrappers/sora_unified $(wildcard generated/*_client)

# Two workers per core: a third of the suite's time is spent waiting (on commands it runs, on
# servers, on signals), and a second worker per core fills it; more than two only adds set-up.
WORKERS ?= $(shell $(PYTHON) -c 'import os; print(2 * len(os.sched_getaffinity(0)))' 2>/dev/null || echo 4)

# The three checks are independent and mostly single-threaded (mypy is the longest): they run
# beside the tests, whose workers fill the cores the checks leave idle, and their output follows
# the tests'. Either failing fails `make test`. worksteal: an idle worker takes queued tests from
# a busy one, so the suite does not wait at its end for one worker's share of long tests; the
# slowest ten are shown.
test: $(STAMP)
	@checks=$$(mktemp -d); \
	{ $(MAKE) --no-print-directory -j 3 check-generated lint typecheck >$$checks/log 2>&1; \
	  echo $$? >$$checks/rc; } & \
	echo "$(PY) -m pytest -n $(WORKERS) --dist worksteal --durations=10"; \
	$(PY) -m pytest -n $(WORKERS) --dist worksteal --durations=10; tests=$$?; \
	wait; echo "== make check-generated lint typecheck =="; cat $$checks/log; \
	failed=$$(cat $$checks/rc); rm -rf $$checks; \
	if [ "$$failed" != 0 ]; then echo "make test: the checks above failed"; fi; \
	[ "$$failed" = 0 ] && [ "$$tests" = 0 ]

# The fast part: no commands run as subprocesses, no PostgreSQL or Temporal, no regeneration. What is left
# waits more than it computes (servers, timeouts, faults held open): three workers per core.
FAST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(3 * len(os.sched_getaffinity(0)))' 2>/dev/null || echo 6)
test-fast: $(STAMP)
	$(PY) -m pytest -n $(FAST_WORKERS) --dist worksteal -m "not subprocess and not postgres and not regeneration and not temporal"

test-deep: $(STAMP)
	HYPOTHESIS_PROFILE=deep $(PY) -m pytest

demo: $(STAMP)
	$(PY) -m sora_unified.demo

BASE_URL ?= sandbox
record: $(STAMP)
	$(PY) -m contract_tests.support.record --vendor "$(VENDOR)" $(if $(SCENARIO),--scenario "$(SCENARIO)") --base-url "$(BASE_URL)" $(if $(ACCEPT),--accept)

record-all: $(STAMP)
	$(PY) -m contract_tests.support.record --all $(if $(ACCEPT),--accept)

# Not part of `make test`: a full run takes most of an hour on two cores.
mutation: $(STAMP)
	$(PY) tools/mutation.py $(MUTATION_ARGS)

# Not part of `make test` either: five rounds of two whole suites at once, about an hour.
steadiness: $(STAMP)
	$(PY) tools/steadiness.py $(STEADINESS_ARGS)

sandbox: $(STAMP)
	$(BIN)/sora-unified sandbox --port 8800

# Not part of `make test` (minutes, and load-dependent); BENCH_ARGS="--jobs 5,50 --quick" is a smoke run.
bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis .schemathesis out .mutation
