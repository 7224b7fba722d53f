"""Which symbol versions an ELF file asks of the libraries it links to.

The compat package (compat_build.py) must run on glibc 2.28 (统信UOS V20, buster-based), which
cannot be booted here: the evidence is this audit of every bundled ELF file, a hard gate of the
build. The dynamic loader refuses a program that needs `GLIBC_2.29` from a libc that has only
2.28, and the versions a file needs are written in its `.gnu.version_r` section, so reading that
section is exact: no tool output to parse, and the same answer on any machine.

Plain Python with no third-party import, so the logic is unit-tested on files compiled in the
test (tests/installer/test_elf_audit.py).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
_SHT_GNU_VERNEED = 0x6FFFFFFE
_VERSION = re.compile(r"^([A-Z]+)_(\d+(?:\.\d+)*)$")


class ElfError(Exception):
    """The file is not an ELF file this audit can read (x86_64 packages only: 64-bit, LSB)."""


def needed_versions(path: Path) -> dict[str, set[str]]:
    """library soname → the version names this file needs from it (`GLIBC_2.28`, ...)."""
    data = path.read_bytes()
    if data[:4] != ELF_MAGIC:
        raise ElfError(f"{path} 不是 ELF 文件")
    if data[4] != 2 or data[5] != 1:
        raise ElfError(f"{path} 不是 64 位小端 ELF 文件（兼容版只做 x86_64）")
    shoff, = struct.unpack_from("<Q", data, 0x28)  # fmt: skip
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    found: dict[str, set[str]] = {}
    for _name, kind, _flags, _addr, offset, _size, link, info, _align, _entsize in sections:
        if kind != _SHT_GNU_VERNEED:
            continue
        strings = sections[link][4]  # offset of the linked string table

        def text(at: int, base: int = strings) -> str:
            end = data.index(b"\0", base + at)
            return data[base + at : end].decode("ascii", "replace")

        entry = offset
        for _ in range(info):  # sh_info: the number of Verneed entries
            _version, count, file_name, aux, next_entry = struct.unpack_from("<HHIII", data, entry)
            names = found.setdefault(text(file_name), set())
            at = entry + aux
            for _ in range(count):
                _hash, _flags2, _other, name, next_aux = struct.unpack_from("<IHHII", data, at)
                names.add(text(name))
                at += next_aux
            if not next_entry:
                break
            entry += next_entry
    return found


def version_key(name: str) -> tuple[str, tuple[int, ...]] | None:
    """`GLIBCXX_3.4.25` → ("GLIBCXX", (3, 4, 25)); None for names without a number."""
    match = _VERSION.match(name)
    if not match:
        return None
    return match.group(1), tuple(int(n) for n in match.group(2).split("."))


def highest(versions: set[str]) -> dict[str, tuple[int, ...]]:
    """The highest version asked for in each namespace (GLIBC, GLIBCXX, CXXABI, GCC, ...)."""
    top: dict[str, tuple[int, ...]] = {}
    for name in versions:
        key = version_key(name)
        if key and key[1] > top.get(key[0], ()):
            top[key[0]] = key[1]
    return top


@dataclass(frozen=True)
class Finding:
    path: Path
    library: str
    version: str

    def __str__(self) -> str:
        return f"{self.path}：需要 {self.library} 的 {self.version}"


def dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(n) for n in version)


def audit(files: list[Path], limits: dict[str, tuple[int, ...]]) -> list[Finding]:
    """Every version a file needs above its namespace's limit, and every GLIBC_PRIVATE
    (libc's internals, which change with every glibc release)."""
    findings = []
    for path in files:
        for library, names in sorted(needed_versions(path).items()):
            for name in sorted(names):
                key = version_key(name)
                if name == "GLIBC_PRIVATE" or (
                    key and key[0] in limits and key[1] > limits[key[0]]
                ):
                    findings.append(Finding(path, library, name))
    return findings


def summary(files: list[Path]) -> dict[str, tuple[int, ...]]:
    """The highest version of each namespace over all files: the build prints it."""
    every: set[str] = set()
    for path in files:
        for names in needed_versions(path).values():
            every |= names
    return highest(every)
