"""What installer/bundle_rules.py leaves out of the bundle, the program never needs.

EXCLUDED_MODULES is checked two ways: no import statement in the program's own code names an
excluded module (lazy imports inside functions included), and the program's work — the whole
self-test, which the builds also run on the bundle, then the command line's exports, backup,
attachments and package import — runs in a fresh interpreter where every excluded module fails
to import exactly as it does in the bundle, so a library's lazy import would show too.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import bundle_rules as rules

from tests.installer.conftest import ROOT

PROGRAM = ROOT / "kexie_desktop"

# Imports that are tried and done without, in the bundle just the same. A name here needs a
# reason; anything else attempted fails the test.
OPTIONAL_ATTEMPTS = {
    # Image.preinit() tries the BMP, GIF and PPM plugins too, each in try/except ImportError.
    "PIL.BmpImagePlugin": "preinit",
    "PIL.GifImagePlugin": "preinit",
    "PIL.PpmImagePlugin": "preinit",
    # hashlib falls back to its built-in SHA-256 (no OpenSSL in the bundle).
    "_hashlib": "hashlib",
    # zoneinfo (imported by dateutil) falls back to its pure-Python class.
    "_zoneinfo": "zoneinfo",
}

_RUNNER = r"""
import importlib.abc, json, sys, tempfile
from pathlib import Path

EXCLUDED = json.loads(sys.argv[1])
attempted = []

def excluded(name):
    return any(name == m or name.startswith(m + ".") for m in EXCLUDED)

class LeftOut(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if excluded(name):
            attempted.append(name)
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

loaded = sorted(m for m in sys.modules if excluded(m))
if loaded:
    sys.exit(f"already imported before the program: {loaded}")
sys.meta_path.insert(0, LeftOut())

from kexie_desktop.cli import main

codes = {"self-test": main(["--self-test"])}
with tempfile.TemporaryDirectory() as tmp:
    out, data = Path(tmp), ["--data-dir", str(Path(tmp) / "data")]
    photo, turned = out / "photo.png", out / "turned.jpg"
    from PIL import Image
    Image.new("RGB", (800, 600), (20, 120, 200)).save(photo, "PNG")
    # A phone photo stored sideways: EXIF orientation 6 (one big-endian TIFF entry, written by
    # hand so that only the program reads it, through PIL.TiffImagePlugin).
    exif = b"Exif\0\0MM\0*" + bytes.fromhex("00000008 0001 0112 0003 00000001 00060000 00000000")
    Image.new("RGB", (800, 600), (200, 120, 20)).save(turned, "JPEG", exif=exif)
    codes["demo"] = main(["demo", *data])
    import sqlite3
    with sqlite3.connect(Path(tmp) / "data" / "kexie.db") as db:
        year = str(db.execute("SELECT max(substr(start_date, 1, 4)) FROM activities").fetchone()[0])
    commands = {
        "attach": ["attach", "--activity", "1", str(photo), str(turned), "--kind", "照片"],
        "summary": ["export", "summary", "--year", year, "--out", str(out / "s.docx")],
        "ledger": ["export", "ledger", "--year", year, "--out", str(out / "l.xlsx"),
                   "--full-ids"],
        "evidence": ["export", "evidence", "--year", year, "--out", str(out / "e.docx")],
        "package": ["export", "package", "--year", year, "--out", str(out / "p.zip")],
        "backup": ["backup", "--out", str(out / "b.db")],
        "import ledger": ["import", str(out / "l.xlsx"), "--dry-run", "--ignore-unmapped",
                          "--skip-invalid"],
        "import package": ["import", "package", str(out / "p.zip"), "--dry-run"],
    }
    for label, command in commands.items():
        codes[label] = main([*command, *data])
print(json.dumps({"codes": codes, "attempted": sorted(set(attempted))}))
"""


def _imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _excluded(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in rules.EXCLUDED_MODULES)


def test_the_program_imports_no_excluded_module() -> None:
    sources = [*PROGRAM.rglob("*.py"), ROOT / "installer" / "launch.py"]
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sources
        for name in _imported_names(path)
        if _excluded(name)
    }
    assert not found


def test_the_program_works_without_the_excluded_modules(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, json.dumps(rules.EXCLUDED_MODULES)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["codes"] == dict.fromkeys(result["codes"], 0), done.stdout + done.stderr
    assert "自检通过" in done.stdout
    assert set(result["attempted"]) <= set(OPTIONAL_ATTEMPTS), result["attempted"]


def test_a_missing_pillow_plugin_fails_the_self_test(tmp_path: Path) -> None:
    """The blocking above is real: without PNG support the self-test's 附件 check fails."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER.split("from kexie_desktop.cli import main")[0]
         + "from kexie_desktop.cli import main\nsys.exit(main(['--self-test']))",
         json.dumps(["PIL.PngImagePlugin"])],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1
    assert "[失败] 附件、缩略图与图文台账" in done.stdout


def test_pillow_keeps_exactly_the_plugins_the_program_needs() -> None:
    excluded = set(rules.pillow_plugins_excluded())
    assert not {f"PIL.{name}" for name in rules.PILLOW_PLUGINS_KEPT} & excluded
    for name in ("GifImagePlugin", "BmpImagePlugin", "EpsImagePlugin", "PsdImagePlugin"):
        assert f"PIL.{name}" in rules.EXCLUDED_MODULES


def test_python_docx_template_source_is_dropped_and_its_templates_kept() -> None:
    import docx

    templates = Path(docx.__file__).parent / "templates"
    kept = {
        p.relative_to(templates.parent.parent).as_posix()
        for p in templates.rglob("*")
        if p.is_file() and rules.keep_data(p.relative_to(templates.parent.parent).as_posix())
    }
    assert "docx/templates/default.docx" in kept
    assert "docx/templates/default-styles.xml" in kept
    assert not any("default-docx-template" in name for name in kept)
    windows = "docx\\templates\\default-docx-template\\word\\stylesWithEffects.xml"
    assert not rules.keep_data(windows)
