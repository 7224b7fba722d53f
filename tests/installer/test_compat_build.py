"""`build_installer.py --compat` makes the glibc-2.28 package, and it installs and runs on an older
Debian than the build machine's.

UOS V20's base, Debian 10 (buster, glibc 2.28), is not on the reachable mirror, so the evidence is
the build's ELF audit (no bundled file needs more than GLIBC_2.28 / GLIBCXX_3.4.25, checked again
here on the shipped .deb) plus a real `apt-get install ./….deb` into a minimal Debian 11 (bullseye,
glibc 2.31) root made with debootstrap, where the installed program passes its self-test and
opens its window on an X server. The root is cached as a tarball in ~/.cache/kexie-build/compat.
Needs root (debootstrap, chroot); CI runs as root.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import compat_build
import deb_package
import elf_audit
import pytest

from kexie_desktop import __version__
from kexie_desktop.selftest import SelfTest
from tests.installer.conftest import REQUIRE_TOOLS, ROOT, need_tool

pytestmark = [
    pytest.mark.installer,
    pytest.mark.compat_build,
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or platform.machine() != "x86_64",
        reason="the compat package is built on Linux x86_64",
    ),
]

SUITE = "bullseye"
MIRROR = "http://deb.debian.org/debian"


def _need_root() -> None:
    if os.geteuid() != 0:
        message = "debootstrap and chroot need root"
        if REQUIRE_TOOLS:
            pytest.fail(message + " (KEXIE_REQUIRE_INSTALLER_TOOLS=1)")
        pytest.skip(message)


class Built:
    def __init__(self, dist: Path, output: str, unpacked: Path):
        self.dist = dist
        self.output = output
        self.deb = next(dist.glob(f"{deb_package.COMPAT_PACKAGE}_*.deb"))
        self.unpacked = unpacked
        self.opt = unpacked / "opt" / "kexie-desktop"

    def field(self, name: str) -> str:
        return subprocess.run(
            ["dpkg-deb", "-f", str(self.deb), name], capture_output=True, text=True, check=True
        ).stdout.strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    for tool in ("dpkg-deb", "dpkg-shlibdeps", "dpkg-source", "apt-get", "patch", "make",
                 "tclsh"):  # fmt: skip
        need_tool(tool)
    base = tmp_path_factory.mktemp("compat")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--compat",
         "--dist", str(base / "dist"), "--work", str(base / "work")],
        capture_output=True,
        text=True,
        timeout=3600,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    unpacked = base / "unpacked"
    deb = next((base / "dist").glob(f"{deb_package.COMPAT_PACKAGE}_*.deb"))
    subprocess.run(["dpkg", "-x", str(deb), str(unpacked)], check=True)
    yield Built(base / "dist", output, unpacked)


def test_the_build_reports_its_gate_and_package(built: Built) -> None:
    assert "自检通过" in built.output
    assert "ELF 符号版本检查通过，最高需要：GLIBC_2." in built.output
    assert str(built.deb) in built.output
    assert built.deb.name == f"kexie-desktop-compat_{__version__}_amd64.deb"


def test_no_shipped_file_needs_more_than_debian_10_has(built: Built) -> None:
    files = compat_build.elf_files(built.opt)
    assert len(files) > 50
    assert elf_audit.audit(files, compat_build.SYMBOL_LIMITS) == []
    highest = elf_audit.summary(files)
    assert highest["GLIBC"] <= (2, 28)
    assert highest.get("GLIBCXX", ()) <= (3, 4, 25)
    # The interpreter is the one compiled here, with Qt 6.9 beside it.
    internal = built.opt / "_internal"
    assert (internal / "libpython3.11.so.1.0").is_file()
    assert not list(internal.rglob("libssl*")) and not list(internal.rglob("_ssl*"))
    assert list((internal / "PySide6" / "Qt" / "lib").glob("libQt6Core.so.6"))
    # Debian 10 has only libxcb-util.so.0; Qt's X11 plugin needs .so.1, which the bundle brings.
    assert (internal / "PySide6" / "Qt" / "lib" / "libxcb-util.so.1").is_file()


def test_the_control_file_asks_only_what_debian_10_has(built: Built) -> None:
    assert built.field("Package") == "kexie-desktop-compat"
    assert built.field("Version") == __version__
    assert built.field("Architecture") == "amd64"
    # Both packages install /opt/kexie-desktop and /usr/bin/kexie-desktop.
    assert built.field("Conflicts") == "kexie-desktop"
    assert built.field("Replaces") == "kexie-desktop"
    assert "UOS V20" in built.field("Description")
    depends = [d.strip() for d in built.field("Depends").split(",")]
    assert "libc6 (>= 2.28)" in depends, depends
    assert "libgcc-s1 | libgcc1" in depends, depends
    for entry in depends:
        for alternative in entry.split("|"):
            match = re.fullmatch(r"\s*(\S+)(?: \(>= (\S+)\))?\s*", alternative)
            assert match, entry
            name, floor = match.groups()
            if floor and name != "libc6":
                buster = compat_build.BUSTER_VERSIONS[name]
                ok = subprocess.run(["dpkg", "--compare-versions", buster, "ge", floor])
                assert ok.returncode == 0, f"{name} (>= {floor}) but buster has {buster}"
    names = {d.split()[0] for d in depends}
    for package in ("libxcb-cursor0", "libxkbcommon-x11-0", "libfontconfig1", "libgl1"):
        assert package in names, depends
    for package in ("libsqlite3-0", "libpython3.11", "libssl3", "libssl1.1", "libxcb-util1"):
        assert package not in names, depends


# -- a Debian 11 root --------------------------------------------------------------------------


def _root_tarball() -> Path:
    """A minimal bullseye made with debootstrap once, then reused from the cache."""
    tarball = compat_build.cache_dir() / f"{SUITE}-minbase.tar"
    if tarball.exists():
        return tarball
    debootstrap = need_tool("debootstrap")
    work = compat_build.cache_dir() / f"{SUITE}-debootstrap"
    shutil.rmtree(work, ignore_errors=True)
    work.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [debootstrap, "--variant=minbase", SUITE, str(work), MIRROR],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    partial = tarball.with_suffix(".part")
    # Without debootstrap's downloads: the install test mounts a cache of its own there.
    subprocess.run(
        ["tar", "-C", str(work), "--exclude=./var/cache/apt/archives/*.deb", "-cf", str(partial),
         "."],
        check=True,
    )  # fmt: skip
    partial.rename(tarball)
    shutil.rmtree(work)
    return tarball


class Root:
    def __init__(self, path: Path, archives: Path):
        self.path = path
        self.archives = archives

    def run(
        self,
        command: str,
        timeout: int = 600,
        env: dict[str, str] | None = None,
        x11: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """A shell command inside the root, in a mount namespace of its own: /proc, the apt
        cache and the X socket are mounted there and vanish with it (nothing to unmount)."""
        mounts = [
            f"mount -t proc proc {self.path}/proc",
            f"mount --bind {self.archives} {self.path}/var/cache/apt/archives",
        ]
        if x11 is not None:
            mounts.append(f"mkdir -p {self.path}/tmp/.X11-unix")
            mounts.append(f"mount --bind {x11} {self.path}/tmp/.X11-unix")
        variables = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root",
                     **(env or {})}  # fmt: skip
        inner = " ".join(f"{k}={_quote(v)}" for k, v in variables.items())
        script = " && ".join([*mounts, f"exec chroot {self.path} /usr/bin/env -i {inner} "
                              f"/bin/sh -c {_quote(command)}"])  # fmt: skip
        return subprocess.run(
            ["unshare", "--mount", "--fork", "sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@pytest.fixture(scope="module")
def bullseye(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Root]:
    _need_root()
    need_tool("unshare")
    need_tool("chroot")
    tarball = _root_tarball()
    path = tmp_path_factory.mktemp(SUITE) / "root"
    path.mkdir()
    subprocess.run(["tar", "-C", str(path), "-xpf", str(tarball)], check=True)
    shutil.copyfile("/etc/resolv.conf", path / "etc" / "resolv.conf")
    shutil.copyfile(built.deb, path / "tmp" / built.deb.name)
    archives = compat_build.cache_dir() / f"{SUITE}-apt-archives"
    (archives / "partial").mkdir(parents=True, exist_ok=True)
    root = Root(path, archives)
    # What a clerk types; apt resolves the Depends against bullseye's own packages.
    install = root.run(
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
        f"--no-install-recommends ./tmp/{built.deb.name}",
        timeout=1800,
    )
    assert install.returncode == 0, (install.stdout + install.stderr)[-4000:]
    yield root
    # The tree holds no mounts (they lived in the namespace): safe to delete.
    shutil.rmtree(path, ignore_errors=True)


def test_it_installs_with_apt_on_debian_11(bullseye: Root) -> None:
    status = bullseye.run("dpkg-query -W -f '${Status} ${Version}' kexie-desktop-compat")
    assert status.stdout == f"install ok installed {__version__}", status.stderr
    libc = bullseye.run("dpkg-query -W -f '${Version}' libc6").stdout
    assert libc.startswith("2.31"), libc  # older than the build machine's glibc 2.36


def test_every_library_the_installed_bundle_needs_is_there(bullseye: Root) -> None:
    # ldd over every ELF file, with the bundle's own folder first as when the program runs.
    check = bullseye.run(
        "cd /opt/kexie-desktop && find . -type f \\( -name '*.so*' -o -name kexie-desktop \\) "
        '| while read f; do LD_LIBRARY_PATH=/opt/kexie-desktop/_internal ldd "$f" 2>&1 '
        '| sed "s|^|$f: |"; done'
    )
    assert check.returncode == 0, check.stderr
    assert "libQt6Core" in check.stdout
    missing = sorted({line for line in check.stdout.splitlines() if "not found" in line})
    assert missing == [], "\n".join(missing[:30])


def test_the_installed_program_passes_its_self_test_on_debian_11(bullseye: Root) -> None:
    result = bullseye.run("mkdir -p /tmp/home && kexie-desktop --self-test",
                          env={"HOME": "/tmp/home"})  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[失败]" not in result.stdout
    checks = len(SelfTest(Path("/nonexistent")).checks())
    assert result.stdout.count("[通过]") + result.stdout.count("[注意]") == checks
    assert "安装包" in result.stdout
    assert "自检通过" in result.stdout


def test_the_installed_program_opens_its_window_on_debian_11(bullseye: Root) -> None:
    """A double-click's path: the X11 plugin against bullseye's libxcb, fonts and OpenGL."""
    xvfb = need_tool("Xvfb")
    server = subprocess.Popen(
        [xvfb, "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1366x768x24"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        display = server.stdout.readline().strip()
        assert display.isdigit()
        env = {"HOME": "/tmp/home", "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb",
               "KEXIE_STARTUP_PROBE": "1"}  # fmt: skip
        result = bullseye.run(
            "mkdir -p /tmp/home && kexie-desktop demo --data-dir /tmp/data && "
            "kexie-desktop --data-dir /tmp/data",
            env=env,
            x11=Path("/tmp/.X11-unix"),
            timeout=180,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()
    assert result.returncode == 0, result.stdout + result.stderr
    shown, filled = (float(t) for t in result.stdout.split()[-2:])
    assert shown <= filled
