# Tongban: `make run` serves a demo on 127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/tongban
PYTEST_ARGS ?= -n 2

.PHONY: setup system-packages run test test-sqlite test-postgres lint messages clean bench load

# An existing .venv (or a worktree's link to one) is kept: `python -m venv` refuses a link.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

var/local.env: scripts/make_local_env.py
	$(PYTHON) scripts/make_local_env.py $@
	touch $@

setup: $(VENV)/.installed var/local.env system-packages

# Receipts are printed by WeasyPrint, which needs Pango and a font with Chinese characters; the receipt
# tests read the PDFs back with pdftotext. Installed from Debian when missing and we are root.
system-packages:
	@if fc-list 2>/dev/null | grep -qi "Noto Sans CJK" && command -v pdftotext >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing fonts-noto-cjk, poppler-utils and Pango for PDF receipts"; \
		apt-get install -y fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 \
		|| (apt-get update && apt-get install -y fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0) \
		|| echo "Could not install them: PDF receipts will lack Chinese glyphs and their tests will be skipped."; \
	else \
		echo "PDF receipts need the Noto Sans CJK fonts and the receipt tests pdftotext: install fonts-noto-cjk"; \
		echo "and poppler-utils (Debian/Ubuntu: sudo apt-get install fonts-noto-cjk poppler-utils)."; \
	fi
	@# The browser journeys (tongban/journeys) drive Debian's Chromium; Playwright downloads no browser here.
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing chromium for the browser journeys"; \
		apt-get install -y chromium || (apt-get update && apt-get install -y chromium) \
		|| echo "Could not install chromium: the browser journeys will be skipped."; \
	else \
		echo "The browser journeys need Chromium at /usr/bin/chromium (Debian/Ubuntu: sudo apt-get install chromium);"; \
		echo "without it they are skipped."; \
	fi

run: setup
	set -a && . ./var/local.env && set +a && PORT=$(PORT) ./scripts/serve.sh

test: setup lint test-sqlite test-postgres

lint: setup
	$(VENV)/bin/ruff check tongban conftest.py scripts
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run > /dev/null || \
		(echo "A model change has no migration: run makemigrations."; exit 1)

test-sqlite: setup
	@echo "== tests on SQLite =="
	$(PY) -m pytest $(PYTEST_ARGS)

# PostgreSQL runs when one answers on 127.0.0.1:5432; under CI it must.
test-postgres: setup
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then \
		echo "== tests on PostgreSQL =="; \
		DATABASE_URL="$(PG_URL)" $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL does not answer at 127.0.0.1:5432; CI needs it."; exit 1; \
	else \
		echo "PostgreSQL does not answer at 127.0.0.1:5432: skipping the PostgreSQL run."; \
	fi

# City-scale benchmark (issue #8): builds or reuses 100,000 children on SQLite (var/bench.sqlite3) and on
# PostgreSQL (tongban_bench), writes bench/results.{json,md}. Takes many minutes; never part of `make test`.
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/tongban_bench
BENCH_ARGS ?=
bench: setup
	DATABASE_URL=sqlite:///var/bench.sqlite3 $(PY) manage.py bench $(BENCH_ARGS)
	@if $(PY) scripts/pg_ready.py "$(BENCH_PG_URL)"; then \
		DATABASE_URL="$(BENCH_PG_URL)" $(PY) manage.py bench $(BENCH_ARGS); \
	else \
		echo "PostgreSQL does not answer at 127.0.0.1:5432: benchmarked SQLite only."; \
	fi

# 10 then 50 parallel clients against gunicorn, mixed reads and writes, on the benchmark's city dataset.
LOAD_DATABASE_URL ?= sqlite:///var/bench.sqlite3
LOAD_ARGS ?=
load: setup
	DATABASE_URL="$(LOAD_DATABASE_URL)" $(PY) manage.py bench --load-only $(LOAD_ARGS)

messages: setup
	DEBUG=1 $(PY) manage.py makemessages --locale zh_Hans --ignore .venv --ignore var --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages --locale zh_Hans --ignore .venv

clean:
	rm -rf $(VENV) var
