# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint audit format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## make demo: install, create and seed instance/quizengine.db, serve on 127.0.0.1:5000
demo: $(STAMP)
	$(BIN)/quizengine demo

## make test: lint, then the whole suite (PostgreSQL tests run when QUIZ_TEST_POSTGRES_URL is set)
test: $(STAMP) lint
	$(BIN)/pytest; status=$$?; if [ $$status -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$status

## lint: ruff, and the layering contract of pyproject.toml [tool.importlinter] (layers, pure core, no cycles)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## make audit: known vulnerabilities in the installed dependencies (needs PyPI's JSON API or OSV)
audit: $(STAMP)
	$(BIN)/pip-audit --progress-spinner off --skip-editable

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache dist build
