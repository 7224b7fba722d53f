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


def assert_unused_parts_left_out(internal: Path) -> None:
    """The bundle's _internal folder (Linux or Windows) lacks what installer/bundle_rules.py
    leaves out for size (issue 10) and keeps what the program reads instead."""
    names = {p.relative_to(internal).as_posix() for p in internal.rglob("*")}
    templates = "docx/templates"
    assert f"{templates}/default.docx" in names
    assert f"{templates}/default-styles.xml" in names
    assert not any(n.startswith(f"{templates}/default-docx-template") for n in names)
    # python-docx's sources: docx/parts only (its templates are found through that folder).
    assert "docx/parts/styles.py" in names
    assert not any(n.startswith("docx/") and n.endswith(".py") and "/parts/" not in n
                   for n in names)  # fmt: skip
    assert not any(n.startswith("tzdata") for n in names)
    # Extension modules of asyncio, multiprocessing and lxml's SAX and E-factory modules.
    left_out = ("_asyncio.", "_overlapped.", "_multiprocessing.", "sax.", "builder.")
    found = [
        n
        for n in names
        if n.endswith((".pyd", ".so")) and n.rsplit("/", 1)[-1].startswith(left_out)
    ]
    assert found == []
