# The two commands of the README:
#   make demo   set up and run the main job (validate, plan, apply, plan) on examples/fleet
#   make test   install what the tests need and run them
# Both create their own virtual environment in .venv (Python 3.10 or newer as $(PYTHON)).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

DEMO := examples/fleet

# The main job, against the embedded emulator (the `local` account), from an empty account each time:
# validate, plan, apply, and plan again (which must show no changes: --detailed-exitcode exits 2 otherwise).
demo: $(VENV)/.installed
	rm -f $(DEMO)/.zcd/local.sqlite
	$(BIN)/zcd-schema validate --project $(DEMO)
	$(BIN)/zcd-schema plan --project $(DEMO)
	$(BIN)/zcd-schema apply --project $(DEMO) --yes
	$(BIN)/zcd-schema plan --project $(DEMO) --detailed-exitcode

# Lint and types are tests: a ruff finding, a file ruff would reformat or a mypy error fails like a test.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check zcd_schema tests benchmarks scripts
	$(BIN)/ruff format --check zcd_schema tests benchmarks scripts
	$(BIN)/mypy zcd_schema

# mermaid's own parser checks the diagrams graph and plan write (tests/test_graph.py); installed
# from the npm registry when npm is on the machine, skipped (and said so) when it is not.
MERMAID := tests/mermaid/node_modules/.installed
$(MERMAID): tests/mermaid/package-lock.json
	cd tests/mermaid && npm ci --silent --no-audit --no-fund
	touch $@

test: lint $(if $(shell command -v npm),$(MERMAID))
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/plan_apply.py
	$(BIN)/python benchmarks/custom_objects.py
	$(BIN)/python benchmarks/import_write.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis benchmarks/.work tests/mermaid/node_modules
