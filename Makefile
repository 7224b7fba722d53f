# Two commands for a newcomer: `make run` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint bench clean test-compat installer-compat installer-windows installers

$(STAMP): requirements.lock requirements-build.lock requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更新版本 (Python 3.11+ required)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# PySide6 6.9.x, the Qt of the compat package (UOS V20 / Kylin V10 / deepin 20): a second venv.
VENV69 := .venv-qt69
STAMP69 := $(VENV69)/.installed

$(STAMP69): requirements-compat.lock requirements-compat-dev.lock pyproject.toml
	test -x $(VENV69)/bin/python || $(PYTHON) -m venv $(VENV69)
	$(VENV69)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-compat-dev.lock
	$(VENV69)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP69)

run: $(STAMP)
	$(BIN)/kexie-desktop

# Every test but the two installers built from scratch (pyproject's addopts leaves out the
# windows_build and compat_build markers): those take minutes; `make installers` runs them.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# For iteration: every test but the slow ones (marked `slow`: the crash test and the import
# bombs, 20-80 s of the suite as the shared machine is idle or busy) and the packaging tests.
# `make test` still runs them all before a commit.
test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow and not installer"

# The whole suite but the packaging tests, on PySide6 6.9.x.
test-compat: $(STAMP69)
	QT_QPA_PLATFORM=offscreen $(VENV69)/bin/python -m pytest -m "not installer"

# Build the glibc-2.28 package (build_installer.py --compat) and install it into a Debian 11 root.
installer-compat: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m compat_build

lint: $(STAMP)
	$(BIN)/ruff check kexie_desktop tests bench installer build_installer.py
	$(BIN)/ruff format --check kexie_desktop tests bench installer build_installer.py
	$(BIN)/mypy

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_startup_search.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_overview.py
	$(BIN)/python bench/bench_summary.py
	$(BIN)/python bench/bench_ledger.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_package.py
	$(BIN)/python bench/bench_hostile_import.py
	$(BIN)/python bench/bench_stats.py

# The Windows installer, built on Linux under Wine (installer/windows_build.py), then installed
# and run under Wine by its tests: the file tested is the file in dist/. Minutes with a cache
# (~/.cache/kexie-build/windows), longer from cold.
VERSION = $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' kexie_desktop/__init__.py)
installer-windows: $(STAMP)
	$(BIN)/python build_installer.py --windows
	KEXIE_WINDOWS_INSTALLER="dist/科协工作台-$(VERSION)-安装程序.exe" QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -m windows_build --basetemp=build/pytest-windows tests/installer/test_windows_build.py

# Both installers built from scratch and install-tested (Wine; a Debian 11 root), as CI does.
installers: installer-windows installer-compat

clean:
	rm -rf $(VENV) $(VENV69) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
