# Two commands do everything on a fresh machine: `make run` (dashboard) and `make test` (whole suite).
# Both work in a project virtual environment (.venv) made with the machine's Python 3.11+; nothing is installed
# into the system interpreter (Debian 12 and Ubuntu 24.04 refuse that anyway, PEP 668).
PYTHON ?= python3
VENV ?= .venv
PY = $(VENV)/bin/python
PIP = $(PY) -m pip install --quiet --disable-pip-version-check
SUDO = $(shell [ "$$(id -u)" = 0 ] || command -v sudo)
APT_INSTALL = $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq

.PHONY: venv install install-dev run test browser nginx lint bench

# The environment itself. Debian ships `venv` without ensurepip unless python3-venv is installed: add it then.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Cần Python 3.11 trở lên / Python 3.11+ is required ($(PYTHON))"; exit 1; }
	@$(PYTHON) -m venv $(VENV) >/dev/null 2>&1 || { rm -rf $(VENV); \
		echo "Installing python3-venv (apt-get)"; $(APT_INSTALL) python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }

venv: $(PY)

# Stamps: reinstall only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime

install-dev: $(VENV)/.dev

run: install
	$(PY) -m cchc serve

# Debian's Chromium, and libatomic1, which playwright's bundled node needs (not on a minimal Debian 12).
browser:
	@command -v chromium >/dev/null && /sbin/ldconfig -p | grep -q libatomic.so.1 || \
		{ $(APT_INSTALL) chromium libatomic1 >/dev/null; }

# Debian's nginx for the deployment test (tests/test_deploy.py runs its own in the foreground; the system service
# is not started by the install).
nginx:
	@.ci/install-nginx

# The tests that run on both backends need a PostgreSQL server: CCHC_TEST_DATABASE_URL, 127.0.0.1:5432, or a
# throwaway cluster that .ci/with-postgres starts (installing Debian's postgresql when missing) and stops.
# The lint (ruff, then the type checker) runs first: seconds, and a type error fails the run before the suite.
test: lint browser nginx
	PY=$(PY) .ci/with-postgres $(PY) -m pytest

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m mypy

bench: install-dev
	$(PY) benchmarks/ingest.py
