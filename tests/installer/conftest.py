"""Helpers for the installer tests: the modules under installer/ are scripts, not a package."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))

# CI sets this so that a missing tool fails the test instead of skipping it.
REQUIRE_TOOLS = os.environ.get("KEXIE_REQUIRE_INSTALLER_TOOLS") == "1"


def need_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed"
        if REQUIRE_TOOLS:
            pytest.fail(message + " (KEXIE_REQUIRE_INSTALLER_TOOLS=1)")
        pytest.skip(message)
    return found
