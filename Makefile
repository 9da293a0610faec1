# Two commands do all set-up:  `make demo` (the shipped model) and `make test` (the test suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# The CPU wheel pin for this project's machines; GPU users: `pip install -e .` keeps your torch.
CONSTRAINTS ?= constraints.txt

.PHONY: venv test lint demo clean

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) requirements-nodeps.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c $(CONSTRAINTS) torch
	$(PIP) install -q -c $(CONSTRAINTS) -e ".[data,eval,test]"
	$(PIP) install -q --no-deps -r requirements-nodeps.txt
	touch $@

venv: $(VENV)/.installed

test: venv
	$(PY) -m pytest -q

lint: venv
	$(PY) -m ruff check unif2ace tests benchmarks

demo: venv
	$(VENV)/bin/unif2ace demo

clean:
	rm -rf $(VENV) build *.egg-info
