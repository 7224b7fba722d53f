# Two commands for a newcomer: `make run` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench demo clean installer-windows

$(STAMP): requirements.lock requirements-build.lock requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更新版本 (Python 3.11+ required)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kexie-desktop

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check kexie_desktop tests bench installer build_installer.py
	$(BIN)/ruff format --check kexie_desktop tests bench installer build_installer.py
	$(BIN)/mypy

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_startup_search.py
	$(BIN)/python bench/bench_summary.py
	$(BIN)/python bench/bench_ledger.py
	$(BIN)/python bench/bench_import.py
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

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
