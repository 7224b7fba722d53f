"""The compat package's gate and rules, on their own: the ELF symbol-version audit (on small
files compiled here), the Debian 10 Depends, the patch selection and the compat locks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import compat_build
import elf_audit
import pytest

from tests.installer.conftest import ROOT, need_tool

sys.path.insert(0, str(ROOT))
import build_installer  # isort: skip

LIMITS = compat_build.SYMBOL_LIMITS


def _compile(tmp_path: Path, name: str, source: str, *flags: str, cxx: bool = False) -> Path:
    compiler = need_tool("g++" if cxx else "gcc")
    src = tmp_path / (name + (".cpp" if cxx else ".c"))
    src.write_text(source, "utf-8")
    out = tmp_path / name
    subprocess.run([compiler, "-O1", "-o", str(out), str(src), *flags], check=True)
    return out


def _readelf_versions(path: Path) -> dict[str, set[str]]:
    """The same question answered by binutils, to check the parser against."""
    text = subprocess.run(
        [need_tool("readelf"), "-V", "-W", str(path)], capture_output=True, text=True, check=True
    ).stdout
    section = text.split(".gnu.version_r", 1)[1] if ".gnu.version_r" in text else ""
    found: dict[str, set[str]] = {}
    current = ""
    for line in section.splitlines():
        if m := re.search(r"File: (\S+)", line):
            current = m.group(1)
            found[current] = set()
        elif m := re.search(r"Name: (\S+)", line):
            found[current].add(m.group(1))
    return found


def test_a_program_built_on_this_machine_is_refused_for_its_new_libc_start(
    tmp_path: Path,
) -> None:
    # glibc 2.34 moved __libc_start_main to a new version: every program linked against
    # bookworm's glibc needs GLIBC_2.34, which UOS V20's 2.28 does not have.
    program = _compile(tmp_path, "hello", "int main(void) { return 0; }\n")
    needed = elf_audit.needed_versions(program)
    assert needed == _readelf_versions(program)
    assert "GLIBC_2.34" in needed["libc.so.6"]
    findings = elf_audit.audit([program], LIMITS)
    assert [(f.library, f.version) for f in findings] == [("libc.so.6", "GLIBC_2.34")]
    assert "hello：需要 libc.so.6 的 GLIBC_2.34" in str(findings[0])
    with pytest.raises(compat_build.CompatError, match=r"GLIBC_2\.34"):
        compat_build.check_bundle(tmp_path)


def test_a_library_asking_only_old_versions_passes(tmp_path: Path) -> None:
    # Bound to the oldest memcpy (GLIBC_2.2.5) the way manylinux wheels do it.
    source = (
        "#include <string.h>\n"
        '__asm__(".symver memcpy, memcpy@GLIBC_2.2.5");\n'
        "void copy(char *a, const char *b, size_t n) { memcpy(a, b, n); }\n"
    )
    library = _compile(tmp_path, "libold.so", source, "-shared", "-fPIC")
    assert elf_audit.needed_versions(library) == _readelf_versions(library)
    assert elf_audit.audit([library], LIMITS) == []
    assert elf_audit.summary([library]) == {"GLIBC": (2, 2, 5)}
    assert compat_build.check_bundle(tmp_path) == {"GLIBC": (2, 2, 5)}
    assert compat_build.describe({"GLIBC": (2, 2, 5)}) == "GLIBC_2.2.5"


def test_cxx_versions_are_read_and_limited_per_namespace(tmp_path: Path) -> None:
    source = (
        "#include <string>\n#include <iostream>\n"
        "int main(int argc, char **) { std::string s(argc, 'x'); std::cout << s; }\n"
    )
    program = _compile(tmp_path, "cxx", source, cxx=True)
    needed = elf_audit.needed_versions(program)
    assert needed == _readelf_versions(program)
    top = elf_audit.highest(needed["libstdc++.so.6"])
    assert top["GLIBCXX"] >= (3, 4, 21)  # the C++11 std::string
    strict = {**LIMITS, "GLIBCXX": (3, 4, 20)}
    findings = elf_audit.audit([program], strict)
    assert any(f.library == "libstdc++.so.6" for f in findings)
    assert all(f.version.startswith(("GLIBCXX_", "GLIBC_")) for f in findings)


def test_version_names_and_the_private_namespace() -> None:
    assert elf_audit.version_key("GLIBCXX_3.4.25") == ("GLIBCXX", (3, 4, 25))
    assert elf_audit.version_key("GLIBC_PRIVATE") is None
    assert elf_audit.highest({"GLIBC_2.3.4", "GLIBC_2.28", "GLIBC_2.17", "GCC_3.0"}) == {
        "GLIBC": (2, 28),
        "GCC": (3, 0),
    }
    # Numeric, not text, order: 2.28 is newer than 2.3.
    assert elf_audit.highest({"GLIBC_2.3", "GLIBC_2.28"})["GLIBC"] == (2, 28)


def test_files_the_audit_cannot_read_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("不是程序", "utf-8")
    with pytest.raises(elf_audit.ElfError):
        elf_audit.needed_versions(text)
    elf32 = tmp_path / "old.so"
    elf32.write_bytes(b"\x7fELF\x01\x01\x01" + bytes(57))
    with pytest.raises(elf_audit.ElfError, match="x86_64"):
        elf_audit.needed_versions(elf32)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(compat_build.CompatError, match="没有 ELF"):
        compat_build.check_bundle(empty)


# -- Depends for Debian 10 ---------------------------------------------------------------------

SHLIBS_ONLY = {"libx11-xcb1", "libzstd1"}  # packages with no .symbols file


AUDITED = {"GLIBC": (2, 28), "GLIBCXX": (3, 4, 21), "CXXABI": (1, 3, 11), "GCC": (3, 4)}


def _depends(line: str) -> str:
    return compat_build.compat_depends(
        line,
        AUDITED,
        has_symbols=lambda name: name not in SHLIBS_ONLY,
        at_least=lambda a, b: _dpkg_ge(a, b),
    )


def _dpkg_ge(a: str, b: str) -> bool:
    dpkg = need_tool("dpkg")
    return subprocess.run([dpkg, "--compare-versions", a, "ge", b]).returncode == 0


def test_bookworm_depends_become_debian_10_depends() -> None:
    # What dpkg-shlibdeps says on Debian 12 for the real bundle: libstdc++6 (>= 10.2) only
    # because Debian's symbols file dates CXXABI_1.3.11 to 10.2; GCC 7 (buster has 8) has it.
    bookworm = (
        "libc6 (>= 2.34), libgcc-s1 (>= 3.0), libstdc++6 (>= 10.2), libx11-xcb1 (>= 2:1.8.4), "
        "libzstd1 (>= 1.5.2), libglib2.0-0 (>= 2.12.0), libxkbcommon-x11-0 (>= 0.5.0), "
        "libgl1, libegl1"
    )
    assert _depends(bookworm) == (
        "libc6 (>= 2.28), libgcc-s1 | libgcc1, libstdc++6 (>= 7), libx11-xcb1, libzstd1, "
        "libglib2.0-0 (>= 2.12.0), libxkbcommon-x11-0 (>= 0.5.0), libgl1, libegl1"
    )


def test_the_libstdcxx_floor_follows_the_audited_symbol_versions() -> None:
    floor = compat_build.libstdcxx_floor
    assert floor({"GLIBC": (2, 17)}) is None
    assert floor({"GLIBCXX": (3, 4, 21)}) == "5"
    assert floor({"GLIBCXX": (3, 4, 21), "CXXABI": (1, 3, 11)}) == "7"
    assert floor({"GLIBCXX": (3, 4, 25), "CXXABI": (1, 3, 11)}) == "8"
    with pytest.raises(compat_build.CompatError, match="LIBSTDCXX_RELEASES"):
        floor({"GLIBCXX": (3, 4, 30)})


def test_a_symbol_newer_than_debian_10_stops_the_build() -> None:
    with pytest.raises(compat_build.CompatError, match=r"libglib2\.0-0 \(>= 2\.72\).*2\.58"):
        _depends("libc6 (>= 2.28), libglib2.0-0 (>= 2.72)")
    with pytest.raises(compat_build.CompatError, match="BUSTER_VERSIONS"):
        _depends("libwhatever1 (>= 1.0)")
    with pytest.raises(compat_build.CompatError, match="看不懂"):
        _depends("libc6 (<< 2.40)")


# -- sources and locks -------------------------------------------------------------------------


def test_only_debians_packaging_patches_are_left_out(tmp_path: Path) -> None:
    patches = tmp_path / "debian" / "patches"
    patches.mkdir(parents=True)
    (patches / "series").write_text(
        "deb-setup.diff\nmultiarch.diff\n# a comment\nshutdown-deadlock.diff\n"
        "CVE-2025-8194.patch  # tarfile\n\nCVE-2026-6100.patch\n",
        "utf-8",
    )
    assert compat_build.python_patches(tmp_path) == [
        "shutdown-deadlock.diff",
        "CVE-2025-8194.patch",
        "CVE-2026-6100.patch",
    ]


def test_every_source_package_is_pinned_by_version_and_dsc_hash() -> None:
    assert set(compat_build.SOURCES) == {
        "python3.11", "zlib", "libffi", "xz-utils", "bzip2", "sqlite3",
    }  # fmt: skip
    for name, pin in compat_build.SOURCES.items():
        assert re.fullmatch(r"[0-9a-f]{64}", pin.dsc_sha256), name
        assert compat_build.dsc_name(name, pin).endswith(".dsc")
    assert compat_build.dsc_name("zlib", compat_build.SOURCES["zlib"]) == "zlib_1.2.13.dfsg-1.dsc"
    assert re.fullmatch(r"[0-9a-f]{64}", compat_build.ZIGLANG_SHA256)
    # The build's own apt configuration: never the system's sources or lists.
    options = " ".join(compat_build.apt_options(Path("/cache")))
    assert "Dir::Etc::SourceList=/cache/apt/sources.list" in options
    assert "Dir::Etc::SourceParts=/nonexistent" in options
    assert "Dir::State::Lists=/cache/apt/lists" in options
    assert compat_build.DEBIAN_SOURCES.count("deb-src ") == 3


def _lock_pins(lock: Path) -> dict[str, str]:
    return build_installer.pinned(lock, "linux")


def test_the_compat_lock_differs_from_the_build_locks_only_in_qt() -> None:
    normal = _lock_pins(ROOT / "requirements-build.lock")
    compat = _lock_pins(ROOT / "requirements-compat.lock")
    assert set(compat) == set(normal)
    differ = {name for name in compat if compat[name] != normal[name]}
    assert differ == {"pyside6-essentials", "shiboken6"}
    assert compat["pyside6-essentials"].startswith("6.9.")
    assert compat["shiboken6"] == compat["pyside6-essentials"]


def test_every_compat_pin_has_a_hash() -> None:
    for lock in ("requirements-compat.lock", "requirements-compat-dev.lock"):
        text = (ROOT / lock).read_text("utf-8")
        entries = re.findall(r"^([A-Za-z0-9_.-]+==\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)",
                             text, re.MULTILINE)  # fmt: skip
        pins = re.findall(r"^[A-Za-z0-9_.-]+==", text, re.MULTILINE)
        assert len(entries) == len(pins) > 0, lock


def test_the_compat_test_tools_are_the_dev_locks() -> None:
    dev = _lock_pins(ROOT / "requirements-dev.lock")
    compat_dev = _lock_pins(ROOT / "requirements-compat-dev.lock")
    tools = {k: v for k, v in compat_dev.items() if k not in ("pyside6-essentials", "shiboken6")}
    assert len(tools) > len(_lock_pins(ROOT / "requirements-compat.lock")) - 2
    assert {name: dev.get(name) for name in tools} == tools


# -- the two packages --------------------------------------------------------------------------


def _staged_control(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: object) -> str:
    import deb_package

    bundle = tmp_path / "bundle"
    bundle.mkdir(exist_ok=True)
    (bundle / "kexie-desktop").write_text("#!/bin/sh\n", "utf-8")
    icons = tmp_path / "icons"
    icons.mkdir(exist_ok=True)
    for size in deb_package.ICON_SIZES:
        (icons / f"kexie-desktop-{size}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setattr(deb_package, "shlib_depends", lambda opt: "libc6 (>= 2.34), libgl1")
    monkeypatch.setattr(deb_package, "architecture", lambda: "amd64")
    staging = deb_package.stage(
        bundle, icons, ROOT / "resources" / "icons" / "kexie.svg", "1.0", tmp_path / "s", **kwargs
    )
    return (staging / "DEBIAN" / "control").read_text("utf-8")


def test_each_package_conflicts_with_and_replaces_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both install /opt/kexie-desktop and /usr/bin/kexie-desktop: apt must swap them in one
    # step, either way (a PC upgraded from UOS V20 to V23 moves to the normal package).
    normal = _staged_control(tmp_path, monkeypatch)
    assert "Package: kexie-desktop\n" in normal
    assert "Conflicts: kexie-desktop-compat\nReplaces: kexie-desktop-compat\n" in normal
    assert "Depends: libc6 (>= 2.34), libgl1\n" in normal
    assert "兼容版" not in normal
    compat = _staged_control(
        tmp_path,
        monkeypatch,
        package="kexie-desktop-compat",
        adapt_depends=lambda line: compat_build.compat_depends(line, {"GLIBC": (2, 28)}),
    )
    assert "Package: kexie-desktop-compat\n" in compat
    assert "Conflicts: kexie-desktop\nReplaces: kexie-desktop\n" in compat
    assert "Depends: libc6 (>= 2.28), libgl1\n" in compat
    assert "统信UOS V20" in compat
