# Two commands do everything on a fresh machine: `make run` (dashboard) and `make test` (whole suite).
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install run test browser lint bench

install:
	$(PIP)

run: install
	$(PYTHON) -m streamlit run app.py

browser:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null)

test: install browser
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check .

bench: install
	$(PYTHON) benchmarks/ingest.py
