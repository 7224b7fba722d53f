"""The core and the command line must work without Qt (Anki's pylib rule)."""

import subprocess
import sys
from pathlib import Path

import kexie_desktop

PACKAGE = Path(kexie_desktop.__file__).parent


def test_core_modules_do_not_mention_qt() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "core").rglob("*.py")
        if "PySide6" in path.read_text(encoding="utf-8")
        or "PyQt" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_importing_core_and_cli_loads_no_qt_and_no_heavy_modules() -> None:
    # Recursive: core/importing and core/store (and any later sub-package, its __init__ as
    # the package itself) are held to the same rule.
    modules = [
        "kexie_desktop." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in sorted((PACKAGE / "core").rglob("*.py"))
        if p.stem != "__init__"
    ] + [
        "kexie_desktop." + ".".join(p.parent.relative_to(PACKAGE).parts)
        for p in sorted((PACKAGE / "core").rglob("__init__.py"))
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "import kexie_desktop.cli\n"
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'docx', 'openpyxl'))\n" + "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
    assert len(modules) >= 7
    assert any(m.startswith("kexie_desktop.core.importing.") for m in modules)
    assert "kexie_desktop.core.store" in modules
    assert "kexie_desktop.core.store.records" in modules
