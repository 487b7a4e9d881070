# ECS Online Systems. `make run` and `make test` do all set-up on a fresh Debian machine (as root).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt constraints.txt | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(REQ_HASH)
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng poppler-utils fonts-dejavu-core
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test install system-packages browsers node migrate demo lint format bench clean

run: install migrate demo
	DEBUG=1 $(PY) scripts/run.py

# Two test processes (pytest-xdist), each with its own database, Prefect server and task worker.
PYTEST_ARGS ?= -n 2
test: install browsers node_modules
	$(PY) -m pytest $(PYTEST_ARGS)

install: system-packages $(STAMP)

# apt only when something is missing, so a second run is quick.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

browsers:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

node:
	@command -v npm >/dev/null 2>&1 || { echo "Installing Debian's nodejs and npm for bpmnlint"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }

# bpmnlint (package.json, pinned by package-lock.json) for tests/bpmn/flows/test_bpmn.py.
node_modules: package.json package-lock.json | node
	npm ci --no-audit --no-fund --loglevel=error
	@touch node_modules

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

migrate: install
	DEBUG=1 $(PY) manage.py migrate --no-input -v 0

demo: install
	DEBUG=1 $(PY) manage.py load_demo

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@failed=""; for script in bench/*_bench.py; do echo "== $$script"; $(PY) $$script || failed="$$failed $$script"; done; \
	if [ -n "$$failed" ]; then echo "Missed a target:$$failed"; exit 1; fi

clean:
	rm -rf var/prefect var/db.sqlite3 var/media var/staticfiles
