"""The compat package: the same program for glibc 2.28 (统信UOS V20, 银河麒麟 V10, deepin 20).

The normal .deb is built on the build machine's Python and PySide6 6.10+, which need glibc 2.34;
UOS V20 has 2.28 (buster-based) and Kylin V10 2.31. So this build makes its own CPython 3.11 that
asks nothing newer of libc than 2.28, and bundles PySide6 6.9.x, the last series with
manylinux_2_28 x86_64 wheels (requirements-compat.lock):

- The C compiler is PyPI's `ziglang` (pinned by hash): `zig cc -target x86_64-linux-gnu.2.28`
  links against glibc 2.28's symbol versions whatever glibc the build machine has, so no old
  distribution is needed to build.
- The sources are Debian's source packages (bookworm) of CPython and of the libraries it links
  statically (zlib, libffi, xz, bzip2, SQLite), each pinned by version and by the SHA-256 of its
  .dsc, which in turn pins its tarballs. `apt-get source` runs with a sources list and state of
  this build's own (the build machine's apt configuration is not touched). The libraries are
  unpacked with their Debian patches; CPython with Debian's bug and security fixes, but not
  Debian's packaging patches (they assume /usr, multiarch and Debian's own package split).
  No OpenSSL: the bundle leaves TLS out (bundle_rules.EXCLUDED_MODULES).
- Everything is cached in ~/.cache/kexie-build/compat (or $KEXIE_BUILD_CACHE/compat): the zig
  wheel, the sources, the apt lists, the compiled interpreter under a key of all the pins, the
  wheels. A rebuild reuses the interpreter and only makes the bundle again.
- The gate: every ELF file in the bundle is audited (elf_audit.py) for the symbol versions it
  needs; anything above GLIBC 2.28, GLIBCXX 3.4.25 (GCC 8's libstdc++, buster's), CXXABI 1.3.11
  or GCC 7.0.0 (libgcc_s) fails the build.
- The package's Depends are dpkg-shlibdeps' answer, rewritten for the oldest target: buster's
  names as alternatives (`libgcc-s1 | libgcc1`), version floors only where a symbol needs them,
  checked against buster's versions (BUSTER_VERSIONS).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import elf_audit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "kexie-desktop-compat"
LOCK = ROOT / "requirements-compat.lock"

# Bump when the build steps below change in a way that changes the interpreter (RECIPE) or the
# static libraries it links (LIBRARIES_RECIPE).
RECIPE = 2
LIBRARIES_RECIPE = 1

ZIGLANG_VERSION = "0.17.1"
ZIGLANG_SHA256 = "ea6cc5d87b033cf0aedfbc8f9549a908cae6c50ac31f1698188fa48a74524b54"
GLIBC_TARGET = "2.28"
ZIG_TARGET = f"x86_64-linux-gnu.{GLIBC_TARGET}"

DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
DEBIAN_SOURCES = (
    f"deb-src [signed-by={DEBIAN_KEYRING}] http://deb.debian.org/debian bookworm main\n"
    f"deb-src [signed-by={DEBIAN_KEYRING}] http://deb.debian.org/debian bookworm-updates main\n"
    f"deb-src [signed-by={DEBIAN_KEYRING}] http://deb.debian.org/debian-security "
    "bookworm-security main\n"
    # Binary packages only for BUNDLED_FROM_DEBIAN.
    f"deb [arch=amd64 signed-by={DEBIAN_KEYRING}] http://deb.debian.org/debian bookworm main\n"
)


@dataclass(frozen=True)
class SourcePin:
    version: str
    dsc_sha256: str


# Debian's source packages, as of bookworm 12.13 (python3.11's +deb12u9 is listed in
# bookworm-security but its files are missing on the mirror; +deb12u8 carries the same CVE fixes
# up to CVE-2026-6100). When Debian replaces a version the download fails with a message saying
# which pin to move forward.
SOURCES = {
    "python3.11": SourcePin(
        "3.11.2-6+deb12u8", "197fa19ab45f41c820f40f6d9ead671c2ea29ddc53ba9424b36f1bf58458a10e"
    ),
    "zlib": SourcePin(
        "1:1.2.13.dfsg-1", "3fa1e6b2fc525062aa88207dda52fed8e045373c809d362fe8a2bfbf7cf515a8"
    ),
    "libffi": SourcePin(
        "3.4.4-1", "21c9ef156b6766535cb014e0765142c8104ffbcd73f003ecfa80cfb314baa4f0"
    ),
    "xz-utils": SourcePin(
        "5.4.1-1+deb12u2", "bffc9917562b5787661379621bb1f7510bf7271b03d8ce4181cebc84b90d3c35"
    ),
    "bzip2": SourcePin(
        "1.0.8-5", "ed9c40f4de3f9e064535e15eac1c61a0f606763db98f4579dbc04067b94a8944"
    ),
    "sqlite3": SourcePin(
        "3.40.1-2+deb12u2", "ee3459ae9d00939741c7708fc1b8ce1bde12d8c3fb1dfa005bbbc8651d884e23"
    ),
}


@dataclass(frozen=True)
class BinaryPin:
    version: str
    deb_sha256: str
    library: str  # the soname the bundle's binaries ask for


# Libraries the bundle carries although they are system libraries elsewhere: Qt 6.9's X11
# plugin and libQt6XcbQpa need libxcb-util.so.1 (xcb-util 0.4), and Debian 10 has only
# libxcb-util.so.0 (libxcb-util0 0.3.8). Debian's own binary (it asks only GLIBC_2.8 and
# libxcb.so.1), pinned by the .deb's hash, goes beside the Qt libraries; the audit checks it.
BUNDLED_FROM_DEBIAN = {
    "libxcb-util1": BinaryPin(
        "0.4.0-1+b1",
        "4c48af51fb2ac1be0490067e7450aeda27bf6c6c395165de02199eee4835336f",
        "libxcb-util.so.1",
    ),
}
QT_LIBRARY_DIR = Path("_internal") / "PySide6" / "Qt" / "lib"


# python3.11's debian/patches that adapt CPython to Debian's packaging, not to its bugs: the
# /usr/lib/python3/dist-packages layout, multiarch names, Debian's package names in messages,
# disabled ensurepip, the documentation build. Every other patch of the series (upstream bug
# fixes and the CVE fixes) is applied, in the series' order.
DEBIAN_PACKAGING_PATCHES = frozenset(
    {
        "deb-setup.diff", "deb-locations.diff", "distutils-install-layout.diff",
        "locale-module.diff", "distutils-link.diff", "distutils-sysconfig.diff",
        "sysconfig-debian-schemes.diff", "tkinter-import.diff", "gdbm-import.diff",
        "link-opt.diff", "setup-modules.diff", "profiled-build.diff", "langpack-gettext.diff",
        "disable-sem-check.diff", "lib-argparse.diff", "ctypes-arm.diff", "multiarch.diff",
        "lib2to3-no-pickled-grammar.diff", "ext-no-libpython-link.diff",
        "test-no-random-order.diff", "multiarch-extname.diff", "tempfile-minimal.diff",
        "disable-some-tests.diff", "ensurepip-disabled.diff", "mangle-fstack-protector.diff",
        "reproducible-buildinfo.diff", "pydoc-use-pager.diff", "local-doc-references.diff",
        "doc-build-texinfo.diff", "argparse-no-shutil.diff", "sysconfigdata-name.diff",
        "hurd_kfreebsd_thread_native_id.diff", "sphinx3.diff", "destshared-location.diff",
        "fix-py_compile.diff", "ntpath-import.diff",
    }
)  # fmt: skip

# Debian's SQLite options (sqlite3's debian/rules), so the database behaves as with the normal
# package's bundled libsqlite3 (e.g. up to 250000 bound variables).
SQLITE_CFLAGS = (
    "-DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS3 "
    "-DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_FTS5 "
    "-DSQLITE_ENABLE_RTREE=1 -DSQLITE_SOUNDEX=1 -DSQLITE_ENABLE_UNLOCK_NOTIFY "
    "-DSQLITE_OMIT_LOOKASIDE=1 -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ALLOW_ROWID_IN_VIEW "
    "-DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1 -DSQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_ENABLE_JSON1 "
    "-DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS3_TOKENIZER=1 "
    "-DSQLITE_USE_URI=1 -DSQLITE_MAX_SCHEMA_RETRY=25 -DSQLITE_ENABLE_PREUPDATE_HOOK "
    "-DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_STMTVTAB -DSQLITE_MAX_VARIABLE_NUMBER=250000 "
    "-DSQLITE_ENABLE_MATH_FUNCTIONS"
)

# zig cc makes __DATE__/__TIME__ an error (they defeat reproducible builds); CPython's build info
# uses them. SOURCE_DATE_EPOCH (the build sets it) fixes the date they give.
PYTHON_CFLAGS = "-Wno-error=date-time"

# CPython modules that need libraries this build does not provide, and that the program does not
# use (Tk, terminals, dbm, NIS, crypt(3), TLS, libuuid: uuid4 works without it).
PYTHON_MODULES_LEFT_OUT = (
    "_tkinter", "_uuid", "readline", "_curses", "_curses_panel", "_dbm", "_gdbm", "nis",
    "_crypt", "_ssl", "_hashlib",
)  # fmt: skip
# What the program and PyInstaller do need: the build checks they import.
PYTHON_MODULES_NEEDED = (
    "_ctypes", "_sqlite3", "zlib", "_bz2", "_lzma", "_decimal", "pyexpat", "_elementtree",
    "_json", "_sha256", "_blake2", "_md5", "_sha1", "_socket", "select", "_posixsubprocess",
    "unicodedata", "_multibytecodec", "_codecs_cn", "binascii", "_struct", "array", "math",
    "_datetime", "_zoneinfo", "mmap", "fcntl", "termios", "_queue", "_contextvars",
)  # fmt: skip

# The highest symbol versions the bundle may ask of the system: buster's glibc 2.28 and GCC 8's
# libstdc++ (GLIBCXX_3.4.25, CXXABI_1.3.11) and libgcc_s (GCC_7.0.0).
SYMBOL_LIMITS: dict[str, tuple[int, ...]] = {
    "GLIBC": (2, 28),
    "GLIBCXX": (3, 4, 25),
    "CXXABI": (1, 3, 11),
    "GCC": (7, 0, 0),
}

# Packages as Debian 10 (buster, which UOS V20 is based on) names them, where bookworm differs.
BUSTER_NAMES = {"libgcc-s1": "libgcc-s1 | libgcc1"}
# Buster's versions of the libraries the bundle takes from the system (its Packages file), to
# check the version floors that a symbol really needs. A package missing here fails the build:
# look its buster version up before shipping a dependency UOS V20 may lack.
BUSTER_VERSIONS = {
    "libc6": "2.28-10",
    "libstdc++6": "8.3.0-6",
    "libgcc1": "1:8.3.0-6",
    "libglib2.0-0": "2.58.3-2+deb10u3",
    "libxkbcommon0": "0.8.2-1",
    "libxkbcommon-x11-0": "0.8.2-1",
    "libfontconfig1": "2.13.1-2",
    "libfreetype6": "2.9.1-3+deb10u3",
    "libdbus-1-3": "1.12.28-0+deb10u1",
    "libegl1": "1.1.0-1",
    "libgl1": "1.1.0-1",
    "libglx0": "1.1.0-1",
    "libopengl0": "1.1.0-1",
    "zlib1g": "1:1.2.11.dfsg-1",
    "libx11-6": "2:1.6.7-1+deb10u4",
    "libx11-xcb1": "2:1.6.7-1+deb10u4",
    "libxcb1": "1.13.1-2",
    "libxcb-glx0": "1.13.1-2",
    "libxcb-randr0": "1.13.1-2",
    "libxcb-render0": "1.13.1-2",
    "libxcb-shape0": "1.13.1-2",
    "libxcb-shm0": "1.13.1-2",
    "libxcb-sync1": "1.13.1-2",
    "libxcb-xfixes0": "1.13.1-2",
    "libxcb-xkb1": "1.13.1-2",
    "libxcb-cursor0": "0.1.1-4",
    "libxcb-icccm4": "0.4.1-1.1",
    "libxcb-image0": "0.4.0-1",
    "libxcb-keysyms1": "0.4.0-1",
    "libxcb-render-util0": "0.3.9-1",
    "libzstd1": "1.3.8+dfsg-3+deb10u2",
    "libpng16-16": "1.6.36-6",
    "libcups2": "2.2.10-6+deb10u9",
    "libgssapi-krb5-2": "1.17-3+deb10u6",
    "libkrb5-3": "1.17-3+deb10u6",
}


class CompatError(Exception):
    """The compat build could not go on; the message says why, in Chinese."""


Log = Callable[[str], None]


def cache_dir() -> Path:
    base = os.environ.get("KEXIE_BUILD_CACHE") or str(Path.home() / ".cache" / "kexie-build")
    return Path(base) / "compat"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], log_file: Path | None = None, **kwargs: object) -> None:
    """Run a build step; its output goes to log_file (the tail is shown if it fails)."""
    if log_file is None:
        subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]
        return
    with log_file.open("a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        tail = log_file.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise CompatError(f"命令失败（退出码 {result.returncode}）：{' '.join(command)}\n{tail}")


# -- the compiler ----------------------------------------------------------------------------


def zig_toolchain(cache: Path, log: Log) -> Path:
    """A folder with `cc`, `ar` and `ranlib` that compile for glibc 2.28 through zig."""
    home = cache / f"zig-{ZIGLANG_VERSION}"
    tools = home / "bin"
    zig = home / "ziglang" / "zig"
    if not zig.exists():
        downloads = cache / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        wheel = next(downloads.glob(f"ziglang-{ZIGLANG_VERSION}-*.whl"), None)
        if wheel is None or sha256(wheel) != ZIGLANG_SHA256:
            log(f"下载 ziglang {ZIGLANG_VERSION} …")
            with tempfile.TemporaryDirectory() as tmp:
                lock = Path(tmp) / "zig.lock"
                lock.write_text(
                    f"ziglang=={ZIGLANG_VERSION} --hash=sha256:{ZIGLANG_SHA256}\n", "utf-8"
                )
                _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                      "--only-binary=:all:", "--require-hashes", "--disable-pip-version-check",
                      "-r", str(lock), "-d", str(downloads)])  # fmt: skip
            wheel = next(downloads.glob(f"ziglang-{ZIGLANG_VERSION}-*.whl"))
        shutil.rmtree(home, ignore_errors=True)
        partial = home.with_suffix(".part")
        shutil.rmtree(partial, ignore_errors=True)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(partial)
        (partial / "ziglang" / "zig").chmod(0o755)
        partial.rename(home)
    tools.mkdir(exist_ok=True)
    # Written on every build (they are part of the recipe). UBSan is zig cc's default without
    # -O flags (configure's probes): never in these builds. zig's linker knows -soname but not
    # its short form, which CPython's Makefile uses (-Wl,-hlibpython3.11.so.1.0).
    cc = (
        "for arg do\n"
        "  shift\n"
        '  case "$arg" in\n'
        '    -Wl,-h*) set -- "$@" "-Wl,-soname,${arg#-Wl,-h}" ;;\n'
        '    *) set -- "$@" "$arg" ;;\n'
        "  esac\n"
        "done\n"
        f'exec "{zig}" cc -target {ZIG_TARGET} -fno-sanitize=undefined "$@"\n'
    )
    wrappers = {"cc": cc, "ar": f'exec "{zig}" ar "$@"\n', "ranlib": f'exec "{zig}" ranlib "$@"\n'}
    for name, body in wrappers.items():
        script = tools / name
        script.write_text("#!/bin/sh\n" + body, "utf-8")
        script.chmod(0o755)
    return tools


def _toolchain_env(tools: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CFLAGS", "LDFLAGS", "CPP"))}
    env.update(
        CC=str(tools / "cc"),
        AR=str(tools / "ar"),
        RANLIB=str(tools / "ranlib"),
        ZIG_GLOBAL_CACHE_DIR=str(cache / "zig-cache"),
        ZIG_LOCAL_CACHE_DIR=str(cache / "zig-cache"),
        # Nothing from the build machine's /usr: only what this build compiled.
        PKG_CONFIG_PATH="",
        LC_ALL="C",
    )
    return env


# -- Debian's sources ------------------------------------------------------------------------


def apt_options(cache: Path) -> list[str]:
    """apt-get with this build's own sources list, lists and cache: the system's are untouched."""
    apt = cache / "apt"
    return [
        "-o", f"Dir::Etc::SourceList={apt / 'sources.list'}",
        "-o", "Dir::Etc::SourceParts=/nonexistent",
        "-o", f"Dir::State::Lists={apt / 'lists'}",
        "-o", f"Dir::Cache={apt / 'cache'}",
        "-o", "Dir::Cache::pkgcache=",
        "-o", "Dir::Cache::srcpkgcache=",
        "-o", "Debug::NoLocking=1",
        "-o", "APT::Sandbox::User=root",
        "-qq",
    ]  # fmt: skip


def _apt_update(cache: Path) -> None:
    for tool in ("apt-get", "dpkg-source"):
        if shutil.which(tool) is None:
            raise CompatError(f"找不到 {tool}：兼容版要从 Debian 的源码包构建（dpkg-dev、apt）")
    apt = cache / "apt"
    for folder in (apt / "lists" / "partial", apt / "cache" / "archives" / "partial"):
        folder.mkdir(parents=True, exist_ok=True)
    (apt / "sources.list").write_text(DEBIAN_SOURCES, "utf-8")
    _run(["apt-get", *apt_options(cache), "update"])


def fetch_binaries(cache: Path, log: Log) -> dict[str, Path]:
    """package → its .deb in cache/debs, checked against BUNDLED_FROM_DEBIAN's hash."""
    folder = cache / "debs"
    folder.mkdir(parents=True, exist_ok=True)

    def deb(name: str, pin: BinaryPin) -> Path:
        return folder / f"{name}_{pin.version.split(':', 1)[-1]}_amd64.deb"

    missing = [n for n, pin in BUNDLED_FROM_DEBIAN.items() if not deb(n, pin).exists()]
    if missing:
        log(f"下载 Debian 软件包：{'、'.join(missing)} …")
        _apt_update(cache)
        wanted = [f"{name}={BUNDLED_FROM_DEBIAN[name].version}" for name in missing]
        result = subprocess.run(
            ["apt-get", *apt_options(cache), "download", *wanted],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CompatError(
                "下载 Debian 软件包失败（请更新 compat_build.BUNDLED_FROM_DEBIAN）：\n"
                + result.stderr.strip()[-2000:]
            )
    found = {}
    for name, pin in BUNDLED_FROM_DEBIAN.items():
        path = deb(name, pin)
        if sha256(path) != pin.deb_sha256:
            raise CompatError(f"{path.name} 的 SHA-256 与锁定值不符：软件包被换过，不用它")
        found[name] = path
    return found


def complete_bundle(bundle: Path, cache: Path | None = None, log: Log = print) -> None:
    """Put BUNDLED_FROM_DEBIAN's libraries beside Qt's, under the names Qt asks for."""
    cache = cache or cache_dir()
    target = bundle / QT_LIBRARY_DIR
    if not target.is_dir():
        raise CompatError(f"程序文件夹里没有 {QT_LIBRARY_DIR}")
    for name, deb in fetch_binaries(cache, log).items():
        library = BUNDLED_FROM_DEBIAN[name].library
        with tempfile.TemporaryDirectory() as tmp:
            _run(["dpkg-deb", "-x", str(deb), tmp])
            found = [p for p in Path(tmp).rglob(library)]
            if len(found) != 1:
                raise CompatError(f"{deb.name} 里没有 {library}")
            shutil.copyfile(found[0].resolve(), target / library)
            (target / library).chmod(0o755)


def dsc_name(package: str, pin: SourcePin) -> str:
    version = pin.version.split(":", 1)[-1]  # the epoch is not in file names
    return f"{package}_{version}.dsc"


def fetch_sources(cache: Path, log: Log) -> dict[str, Path]:
    """package → its verified .dsc (beside its tarballs) in cache/sources."""
    sources = cache / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    missing = [
        name
        for name, pin in SOURCES.items()
        if not (sources / dsc_name(name, pin)).exists()
        or sha256(sources / dsc_name(name, pin)) != pin.dsc_sha256
    ]
    if missing:
        log(f"下载 Debian 源码包：{'、'.join(missing)} …")
        _apt_update(cache)
        wanted = [f"{name}={SOURCES[name].version}" for name in missing]
        result = subprocess.run(
            ["apt-get", *apt_options(cache), "source", "--download-only", *wanted],
            cwd=sources,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CompatError(
                "下载 Debian 源码包失败（镜像上可能已换成新版本：请更新 compat_build.SOURCES 中的"
                f"版本号和 .dsc 校验值）：\n{result.stderr.strip()[-2000:]}"
            )
    found = {}
    for name, pin in SOURCES.items():
        dsc = sources / dsc_name(name, pin)
        if sha256(dsc) != pin.dsc_sha256:
            raise CompatError(f"{dsc.name} 的 SHA-256 与锁定值不符：源码包被换过，不用它构建")
        found[name] = dsc
    return found


def unpack(dsc: Path, into: Path, log_file: Path, with_patches: bool = True) -> Path:
    """dpkg-source -x: checks the tarballs against the .dsc's checksums, applies the patches."""
    target = into / dsc.stem
    _run(
        ["dpkg-source", "-x", *([] if with_patches else ["--skip-patches"]),
         str(dsc), str(target)],
        log_file,
    )  # fmt: skip
    return target


def python_patches(source: Path) -> list[str]:
    """The patches of python3.11's series that this build applies, in order."""
    series = (source / "debian" / "patches" / "series").read_text("utf-8").splitlines()
    names = [line.split("#")[0].strip() for line in series]
    return [n for n in names if n and n not in DEBIAN_PACKAGING_PATCHES]


# -- compiling -------------------------------------------------------------------------------


def interpreter_key() -> str:
    """A short hash of everything that decides the compiled interpreter."""
    text = repr(
        (RECIPE, ZIGLANG_SHA256, GLIBC_TARGET, sorted(SOURCES.items()), SQLITE_CFLAGS,
         sorted(DEBIAN_PACKAGING_PATCHES), PYTHON_MODULES_LEFT_OUT, PYTHON_CFLAGS, SOURCE_EDITS)
    )  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def libraries_key() -> str:
    """A short hash of everything that decides the static libraries."""
    libraries = sorted((k, v) for k, v in SOURCES.items() if k != "python3.11")
    text = repr((LIBRARIES_RECIPE, ZIGLANG_SHA256, GLIBC_TARGET, libraries, SQLITE_CFLAGS))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _build_libraries(
    dscs: dict[str, Path], work: Path, deps: Path, env: dict[str, str], log_file: Path
) -> None:
    jobs = f"-j{os.environ.get('KEXIE_BUILD_JOBS', '2')}"
    flags = "-O2 -fPIC"
    static = ["--prefix", str(deps), "--disable-shared", "--enable-static"]

    src = unpack(dscs["zlib"], work, log_file)
    _run(["./configure", "--prefix", str(deps), "--static"], log_file, cwd=src,
         env={**env, "CFLAGS": flags})  # fmt: skip
    _run(["make", jobs, "libz.a"], log_file, cwd=src)
    _run(["make", "install"], log_file, cwd=src)

    src = unpack(dscs["bzip2"], work, log_file)
    _run(["make", jobs, "libbz2.a", f"CC={env['CC']}", f"AR={env['AR']}",
          f"RANLIB={env['RANLIB']}", f"CFLAGS={flags} -D_FILE_OFFSET_BITS=64"],
         log_file, cwd=src, env=env)  # fmt: skip
    shutil.copy2(src / "libbz2.a", deps / "lib")
    shutil.copy2(src / "bzlib.h", deps / "include")

    src = unpack(dscs["xz-utils"], work, log_file)
    _run(["./configure", *static, "--disable-xz", "--disable-xzdec", "--disable-lzmadec",
          "--disable-lzmainfo", "--disable-scripts", "--disable-doc", "--disable-nls"],
         log_file, cwd=src, env={**env, "CFLAGS": flags})  # fmt: skip
    _run(["make", jobs], log_file, cwd=src / "src" / "liblzma")
    _run(["make", "install"], log_file, cwd=src / "src" / "liblzma")

    src = unpack(dscs["libffi"], work, log_file)
    # libffi 3.4.4's tramp.c calls open_temp_exec_file() without a declaration (fixed upstream
    # in 3.4.5); GCC warns, zig's clang refuses. The implicit `int f()` matches the definition.
    _run(["./configure", *static, "--disable-docs", "--disable-multi-os-directory"],
         log_file, cwd=src,
         env={**env, "CFLAGS": f"{flags} -Wno-error=implicit-function-declaration"})  # fmt: skip
    _run(["make", jobs], log_file, cwd=src)
    _run(["make", "install"], log_file, cwd=src)

    src = unpack(dscs["sqlite3"], work, log_file)
    _run(["./configure", *static, "--disable-tcl", "--disable-readline", "--enable-fts4",
          "--enable-fts5", "--enable-json"],
         log_file, cwd=src, env={**env, "CFLAGS": f"{flags} {SQLITE_CFLAGS}"})  # fmt: skip
    _run(["make", jobs, "libsqlite3.la"], log_file, cwd=src)  # tclsh writes the amalgamation
    shutil.copy2(src / ".libs" / "libsqlite3.a", deps / "lib")
    for header in ("sqlite3.h", "sqlite3ext.h"):
        shutil.copy2(src / header, deps / "include")


def _build_python(
    dsc: Path, work: Path, deps: Path, prefix: Path, env: dict[str, str], log_file: Path
) -> None:
    src = unpack(dsc, work, log_file, with_patches=False)
    for patch in python_patches(src):
        _run(["patch", "-p1", "--forward", "--batch", "-i", f"debian/patches/{patch}"],
             log_file, cwd=src)  # fmt: skip
    _adapt_python_source(src)
    inc, lib = f"-I{deps / 'include'}", f"-L{deps / 'lib'}"
    env = {
        **env,
        "PKG_CONFIG_LIBDIR": str(deps / "lib" / "pkgconfig"),
        "CPPFLAGS": inc,
        "LDFLAGS": lib,
        "LIBFFI_CFLAGS": inc, "LIBFFI_LIBS": f"{lib} -lffi",
        "LIBSQLITE3_CFLAGS": inc, "LIBSQLITE3_LIBS": f"{lib} -lsqlite3 -lm",
        "ZLIB_CFLAGS": inc, "ZLIB_LIBS": f"{lib} -lz",
        "BZIP2_CFLAGS": inc, "BZIP2_LIBS": f"{lib} -lbz2",
        "LIBLZMA_CFLAGS": inc, "LIBLZMA_LIBS": f"{lib} -llzma",
    }  # fmt: skip
    env["CFLAGS"] = PYTHON_CFLAGS
    stamp = subprocess.run(
        ["dpkg-parsechangelog", "-l", str(src / "debian" / "changelog"), "-STimestamp"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    env["SOURCE_DATE_EPOCH"] = stamp  # the Debian release's date, not today's
    left_out = [f"py_cv_module_{name}=n/a" for name in PYTHON_MODULES_LEFT_OUT]
    _run(["./configure", f"--prefix={prefix}", "--enable-shared", "--with-computed-gotos",
          "--enable-loadable-sqlite-extensions", "--without-ensurepip", *left_out],
         log_file, cwd=src, env=env)  # fmt: skip
    # Not libpython3.so, the stable ABI's forwarding stub: zig cc cannot link a library made of
    # nothing but another library, and abi3 modules (PySide6's) do not link to it on Linux.
    no_stub = "PY3LIBRARY="
    # The program finds its own libpython in ../lib (else it would load the build machine's,
    # if it has one). Only the program: the extension modules get no run path. The backslash
    # keeps the shell in make's recipe from expanding $ORIGIN.
    origin = "LINKFORSHARED=-Xlinker -export-dynamic -Wl,-rpath,\\$$ORIGIN/../lib"
    _run(["make", f"-j{os.environ.get('KEXIE_BUILD_JOBS', '2')}", no_stub, origin], log_file,
         cwd=src, env=env)  # fmt: skip
    _run(["make", "install", no_stub, origin], log_file, cwd=src, env=env)


# Edits to CPython's sources, each (file, text, replacement), applied after Debian's patches.
SOURCE_EDITS = (
    # setup.py adds the build machine's header and library folders (/usr/include/<multiarch>,
    # /usr/local, /usr/include): glibc 2.36's headers beside zig's glibc 2.28 ones break every
    # module, and nothing from the build machine may end up in the interpreter.
    ("setup.py", "        self.add_multiarch_paths()\n", "        pass  # no multiarch paths\n"),
    ("setup.py", "add_dir_to_list(self.compiler.library_dirs, '/usr/local/lib')", "pass"),
    ("setup.py", "add_dir_to_list(self.compiler.include_dirs, '/usr/local/include')", "pass"),
    ("setup.py", "system_lib_dirs = ['/lib64', '/usr/lib64', '/lib', '/usr/lib']",
     "system_lib_dirs = []"),
    ("setup.py", "system_include_dirs = ['/usr/include']", "system_include_dirs = []"),
    # Debian's backport of the CVE-2026-4224 fix includes an internal header, which needs
    # Py_BUILD_CORE_MODULE; Debian builds pyexpat into the interpreter, this build as a module
    # (upstream's pyexpat.c defines it the same way).
    ("Modules/pyexpat.c", '#include "Python.h"\n#include "pycore_ceval.h"',
     '#ifndef Py_BUILD_CORE_BUILTIN\n#  define Py_BUILD_CORE_MODULE 1\n#endif\n'
     '#include "Python.h"\n#include "pycore_ceval.h"'),
)  # fmt: skip


def _adapt_python_source(src: Path) -> None:
    for name, old, new in SOURCE_EDITS:
        path = src / name
        text = path.read_text("utf-8")
        if text.count(old) != 1:
            raise CompatError(
                f"CPython 源码与预期不符（{name}：{old.strip()}），请检查 SOURCE_EDITS"
            )
        path.write_text(text.replace(old, new), "utf-8")


def interpreter(cache: Path | None = None, log: Log = print) -> Path:
    """The glibc-2.28 python3.11, compiled once per set of pins and kept in the cache."""
    cache = cache or cache_dir()
    prefix = cache / f"python-3.11-{interpreter_key()}"
    python = prefix / "bin" / "python3.11"
    if (prefix / ".complete").exists():
        return python
    tools = zig_toolchain(cache, log)
    dscs = fetch_sources(cache, log)
    shutil.rmtree(prefix, ignore_errors=True)
    work = cache / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log_file = cache / "build.log"
    log_file.write_text("", "utf-8")
    env = _toolchain_env(tools, cache)
    log(f"编译 glibc {GLIBC_TARGET} 的 Python 3.11（zig cc，第一次约需数分钟，日志：{log_file}）…")
    # The static libraries are kept on their own: a change to the interpreter's recipe alone
    # does not compile them again.
    deps = cache / f"deps-{libraries_key()}"
    if not (deps / ".complete").exists():
        shutil.rmtree(deps, ignore_errors=True)
        (deps / "lib").mkdir(parents=True)
        (deps / "include").mkdir()
        _build_libraries(dscs, work, deps, env, log_file)
        (deps / ".complete").write_text(libraries_key() + "\n", "utf-8")
    _build_python(dscs["python3.11"], work, deps, prefix, env, log_file)
    check_interpreter(python)
    shutil.rmtree(work)
    (prefix / ".complete").write_text(interpreter_key() + "\n", "utf-8")
    # Interpreters and libraries of earlier pins are not used again.
    for old in [*cache.glob("python-3.11-*"), *cache.glob("deps-*")]:
        if old not in (prefix, deps):
            shutil.rmtree(old, ignore_errors=True)
    return python


def check_interpreter(python: Path) -> None:
    """The modules the program needs were built, and the interpreter itself passes the gate."""
    code = (
        "import importlib.util, sqlite3, sys\n"
        f"missing = [m for m in {PYTHON_MODULES_NEEDED!r} if not importlib.util.find_spec(m)]\n"
        "print(' '.join(missing) or 'ok', sqlite3.sqlite_version)\n"
        "maps = open('/proc/self/maps', encoding='utf-8').read().split()\n"
        "print('\\n'.join(sorted({p for p in maps if 'libpython' in p})))\n"
    )
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    if result.returncode != 0 or not result.stdout.startswith("ok"):
        raise CompatError(f"编译出的 Python 缺少模块：{result.stdout}{result.stderr}")
    # Its own libpython, not one the build machine happens to have.
    loaded = result.stdout.splitlines()[1:]
    own = str(python.parent.parent / "lib" / "libpython3.11.so.1.0")
    if loaded != [own]:
        raise CompatError(f"编译出的 Python 载入了别处的 libpython：{loaded}")
    files = [p for p in elf_files(python.parent.parent) if p.suffix != ".a"]
    findings = elf_audit.audit(files, SYMBOL_LIMITS)
    if findings:
        raise CompatError("编译出的 Python 需要比 glibc 2.28 更新的符号：\n" + _listing(findings))


# -- the build environment -------------------------------------------------------------------


def wheels(cache: Path, log: Log) -> Path:
    """The compat lock's wheels for CPython 3.11 on manylinux ≤ 2.28 x86_64, checked by hash."""
    folder = cache / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    platforms = [f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)]
    platforms += ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
    log("下载（或从缓存取）兼容版锁定的 wheel …")
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
          "--no-deps", "--only-binary=:all:", "--require-hashes", "--implementation", "cp",
          "--python-version", "3.11", "--abi", "cp311", "--abi", "abi3", "--abi", "none",
          *(f"--platform={p}" for p in platforms), "--platform=any",
          "-r", str(LOCK), "-d", str(folder)])  # fmt: skip
    return folder


def environment(work: Path, log: Log = print, cache: Path | None = None) -> str:
    """A virtual environment on the glibc-2.28 interpreter with exactly the compat lock."""
    cache = cache or cache_dir()
    python = interpreter(cache, log)
    found = wheels(cache, log)
    venv = work / "venv-compat"
    log(f"创建兼容版构建环境：{venv}")
    # With the pip that CPython carries (ensurepip, offline), as the normal build's venv has
    # it (sqlite-utils declares it); it installs offline, from the wheels just checked, by hash.
    _run([str(python), "-m", "venv", "--clear", str(venv)])
    target = str(venv / "bin" / "python")
    _run([target, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          "--no-index", "--find-links", str(found), "--no-deps", "--require-hashes",
          "-r", str(LOCK)])  # fmt: skip
    _run([target, "-m", "pip", "check"])
    return target


# -- the gate and the package ----------------------------------------------------------------


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == elf_audit.ELF_MAGIC:
                    found.append(path)
    return found


def _listing(findings: list[elf_audit.Finding], limit: int = 30) -> str:
    lines = [f"  {f}" for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"  …… 共 {len(findings)} 处")
    return "\n".join(lines)


def check_bundle(bundle: Path) -> dict[str, tuple[int, ...]]:
    """The hard gate: no bundled ELF file may need more than buster has. Returns the highest
    version of each namespace, for the build's report."""
    files = elf_files(bundle)
    if not files:
        raise CompatError(f"{bundle} 里没有 ELF 文件：不是 Linux 程序文件夹")
    findings = elf_audit.audit(files, SYMBOL_LIMITS)
    if findings:
        raise CompatError(
            "兼容版程序文件夹里有文件需要比 Debian 10 / 统信UOS V20 更新的系统库：\n"
            + _listing(findings)
        )
    return elf_audit.summary(files)


def describe(highest: dict[str, tuple[int, ...]]) -> str:
    return "、".join(
        f"{name}_{elf_audit.dotted(highest[name])}" for name in SYMBOL_LIMITS if name in highest
    )


def _has_symbols_file(package: str) -> bool:
    info = Path("/var/lib/dpkg/info")
    return any((info / f"{package}{arch}.symbols").exists() for arch in (":amd64", ""))


def _version_at_least(a: str, b: str) -> bool:
    return subprocess.run(["dpkg", "--compare-versions", a, "ge", b]).returncode == 0


_DEPENDENCY = re.compile(r"([a-z0-9][a-z0-9+.-]*)(?:\s*\(\s*>=\s*([^)\s]+)\s*\))?")


# The GCC release whose libstdc++ first has each symbol version: the libstdc++6 floor comes from
# the highest versions the audit found, not from Debian's symbols file, which dates even old
# versions to a recent package (bookworm's says CXXABI_1.3.11 needs 10.2; GCC 7 has it).
LIBSTDCXX_RELEASES = {
    ("GLIBCXX", (3, 4, 20)): "4.9",
    ("GLIBCXX", (3, 4, 21)): "5",
    ("GLIBCXX", (3, 4, 22)): "6",
    ("GLIBCXX", (3, 4, 23)): "7",
    ("GLIBCXX", (3, 4, 24)): "7",
    ("GLIBCXX", (3, 4, 25)): "8",
    ("CXXABI", (1, 3, 9)): "5",
    ("CXXABI", (1, 3, 10)): "6",
    ("CXXABI", (1, 3, 11)): "7",
}


def libstdcxx_floor(highest: dict[str, tuple[int, ...]]) -> str | None:
    releases = []
    for namespace in ("GLIBCXX", "CXXABI"):
        if namespace in highest:
            release = LIBSTDCXX_RELEASES.get((namespace, highest[namespace]))
            if release is None:
                raise CompatError(
                    f"不知道哪个 GCC 版本起有 {namespace}_{elf_audit.dotted(highest[namespace])}，"
                    "请补充 compat_build.LIBSTDCXX_RELEASES"
                )
            releases.append(release)
    return max(releases, key=lambda r: tuple(int(n) for n in r.split("."))) if releases else None


def compat_depends(
    shlibs: str,
    highest: dict[str, tuple[int, ...]],
    has_symbols: Callable[[str], bool] = _has_symbols_file,
    at_least: Callable[[str, str], bool] = _version_at_least,
) -> str:
    """dpkg-shlibdeps' Depends (computed on the build machine) rewritten for Debian 10:
    libc6 and libstdc++6 ask for what the highest GLIBC / GLIBCXX and CXXABI versions found by
    the audit (`highest`) need; a floor from a package with only
    a shlibs file (no per-symbol versions: the floor is simply that build's version) is dropped;
    a per-symbol floor must be met by buster's version, else the build stops; buster's names
    are offered as alternatives."""
    out = []
    for entry in (e.strip() for e in shlibs.split(",") if e.strip()):
        choices = []
        for alternative in (a.strip() for a in entry.split("|")):
            match = _DEPENDENCY.fullmatch(alternative)
            if not match:
                raise CompatError(f"看不懂 dpkg-shlibdeps 给出的依赖：{alternative}")
            name, floor = match.group(1), match.group(2)
            if name == "libc6":
                choices.append(f"libc6 (>= {elf_audit.dotted(highest['GLIBC'])})")
                continue
            if name == "libstdc++6":
                cxx = libstdcxx_floor(highest)
                choices.append(f"libstdc++6 (>= {cxx})" if cxx else name)
                continue
            if name in BUSTER_NAMES:
                choices.append(BUSTER_NAMES[name])
                continue
            if floor and has_symbols(name):
                buster = BUSTER_VERSIONS.get(name)
                if buster is None:
                    raise CompatError(
                        f"依赖 {name} (>= {floor})：不知道 Debian 10 的版本，"
                        "请查明后加入 compat_build.BUSTER_VERSIONS"
                    )
                if not at_least(buster, floor):
                    raise CompatError(
                        f"依赖 {name} (>= {floor})，而 Debian 10 只有 {buster}：兼容版装不上"
                    )
                choices.append(f"{name} (>= {floor})")
            else:
                choices.append(name)
        text = " | ".join(choices)
        if text not in out:
            out.append(text)
    return ", ".join(out)
