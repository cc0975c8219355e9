# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: run chat test check lint format bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# With TELEGRAM_BOT_TOKEN or WECOM_SECRET set: every configured channel. Without: the terminal chat.
run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN$$WECOM_SECRET" ]; then $(PY) bot.py run; else $(PY) bot.py chat; fi

chat: $(STAMP)
	$(PY) bot.py chat

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint
	$(VENV)/bin/mypy

test: check
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/parse.py
	$(PY) bench/office_gold.py
	$(PY) bench/store.py
	$(PY) bench/ask.py
