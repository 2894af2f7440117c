# The README's two commands. Both start by installing what is missing (.ci/bootstrap.sh).
PY := .venv/bin/python
DEMO := $(HOME)/loupe-demo-lab

.PHONY: run test lint bench install

install:
	sh .ci/bootstrap.sh

run: install
	$(PY) -m gui demo "$(DEMO)" --if-missing
	$(PY) -m gui --lab "$(DEMO)"  # needs a display: without one it says what to do

test: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
	$(PY) -m ruff check storage gui tests bench

lint:
	$(PY) -m ruff check storage gui tests bench

bench: install
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done
