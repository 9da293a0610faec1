# Two commands do all set-up:  `make demo` (the shipped model) and `make test` (the test suite).
# `make demo` installs what the model, the demo and the server need; `make test` adds the eval and
# test extras (pytest, selenium, transformers, ruff, onnx, openai) on top.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# The CPU wheel pin for this project's machines; GPU users: `pip install -e .` keeps your torch.
CONSTRAINTS ?= constraints.txt

.PHONY: venv test-venv browser test lint demo clean

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) requirements-nodeps.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c $(CONSTRAINTS) torch
	$(PIP) install -q -c $(CONSTRAINTS) -e ".[data,serve]"
	$(PIP) install -q --no-deps -r requirements-nodeps.txt
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(PIP) install -q -c $(CONSTRAINTS) -e ".[data,eval,serve,test]"
	touch $@

venv: $(VENV)/.installed

test-venv: $(VENV)/.test-installed

# The web page's browser test uses Debian's chromium + chromium-driver when present (it skips
# otherwise); as root on Debian we install them once.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null) || \
	    echo "chromium not installed: the browser test will be skipped"; }

# Tests run in TEST_JOBS processes (pytest-xdist; each one thread): the machine's cores, at most 4 (each
# process holds its own small models). `make test TEST_JOBS=0` runs them in this one process.
TEST_JOBS ?= $(shell $(PYTHON) -c "import os; print(min(4, len(os.sched_getaffinity(0))))")

test: test-venv browser
	$(PY) -m pytest -q -n $(TEST_JOBS) --durations=10

lint: test-venv
	$(PY) -m ruff check unif2ace tests benchmarks

demo: venv
	$(VENV)/bin/unif2ace demo

clean:
	rm -rf $(VENV) build *.egg-info
