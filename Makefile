# signpost: two commands do everything on a fresh machine.
#   make run    set up, load the bundled directory, train if stale, start the assistant with the web widget
#   make test   the same set-up, then the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

# Rasa 3.6 runs on Python 3.10 only: find one, wherever it is installed.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: help setup run test lint kb model browser-deps proxy-deps bench clean

help:
	@echo "make run   - set up, load the directory, train if stale, start signpost (chat page on :5005/webhooks/widget/)"
	@echo "make test  - set up, then run the whole test suite"
	@echo "make bench - print NLU, latency, memory and training figures"

$(BIN)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11+)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==24.0
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

setup: $(BIN)/.installed

kb: setup
	$(BIN)/signpost kb init

model: setup
	$(BIN)/signpost train

# Real Chromium (Debian's package) and axe-core (npm) for the widget's browser tests.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium not installed and cannot apt-get it: browser tests will be skipped"; fi; }
	@if [ -f package-lock.json ] && command -v npm >/dev/null 2>&1; then \
		test -d node_modules/axe-core || npm ci --silent --no-audit --no-fund; fi

# A real reverse proxy (Debian's nginx) for the production fault test (tests/production/) and the load bench.
proxy-deps:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
		else echo "nginx not installed and cannot apt-get it: the production fault test will be skipped"; fi; }

run: kb model
	$(BIN)/signpost run

lint: setup
	$(BIN)/ruff check .

test: lint kb model browser-deps proxy-deps
	$(BIN)/signpost kb check
	$(BIN)/pytest

bench: kb model proxy-deps
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) models build var node_modules .pytest_cache
