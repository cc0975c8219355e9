# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: run chat test check lint format bench

PIP_LOG = $(VENV)/install.log
PIP     = $(PY) -m pip install --disable-pip-version-check
PIP_FAILED = { echo "安装失败。$(PIP_LOG) 的最后几行："; tail -n 25 $(PIP_LOG); exit 1; }

# pip's and setuptools' own output goes to $(PIP_LOG); the terminal gets what is happening.
$(STAMP): pyproject.toml
	@echo "准备运行环境：在 $(VENV) 中安装 nianbao 及其依赖（首次约 1 分钟）……"
	@$(PYTHON) -m venv $(VENV) || { echo "无法创建虚拟环境。Debian/Ubuntu 请先安装 python3-venv。"; exit 1; }
	@$(PIP) --upgrade pip > $(PIP_LOG) 2>&1 || $(PIP_FAILED)
	@$(PIP) -e '.[dev]' >> $(PIP_LOG) 2>&1 || $(PIP_FAILED)
	@touch $(STAMP)
	@echo "安装完成（日志：$(PIP_LOG)）。以后可直接运行 $(VENV)/bin/nianbao … 或 $(PY) bot.py …"

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
