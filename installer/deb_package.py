"""The Debian package: the bundle under /opt, a `kexie-desktop` command, a menu entry, icons.

`Depends:` is computed by dpkg-shlibdeps from the bundle's own binaries, so it names exactly
the system libraries that the bundle leaves to the system (see bundle_rules.is_system_library).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

PACKAGE = "kexie-desktop"
# The same program for glibc 2.28 (UOS V20, Kylin V10, deepin 20; compat_build.py). Both packages
# install /opt/kexie-desktop and /usr/bin/kexie-desktop: each conflicts with and replaces the
# other, so apt swaps one for the other in one step and the clerk's data (in the home folder)
# stays.
COMPAT_PACKAGE = "kexie-desktop-compat"
INSTALL_DIR = Path("opt") / PACKAGE
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
HERE = Path(__file__).resolve().parent

DESCRIPTION = """\
科协工作台：基层科协年度工作记录、总结与台账
 离线使用的桌面程序，供基层科协工作人员记录全年的活动、人员、基层组织和奖项，
 年底导出公文格式的年度工作总结（Word）和台账（Excel）。不联网，数据保存在本机。"""

COMPAT_NOTE = """
 .
 兼容版：供统信UOS V20、银河麒麟 V10、deepin 20 等 glibc 2.28 以上的系统使用；
 更新的系统请装 kexie-desktop。"""


class PackagingError(Exception):
    """The package could not be built; the message says why, in Chinese."""


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def shlib_depends(bundle: Path) -> str:
    """The Depends: line for the bundle's binaries, as dpkg-shlibdeps works it out."""
    if shutil.which("dpkg-shlibdeps") is None:
        raise PackagingError("找不到 dpkg-shlibdeps：请先安装 dpkg-dev（apt-get install dpkg-dev）")
    binaries = elf_files(bundle)
    lib_dirs = sorted({str(p.parent) for p in binaries})
    with tempfile.TemporaryDirectory() as tmp:
        # dpkg-shlibdeps reads the package's name from a debian/control in its working folder.
        (Path(tmp) / "debian").mkdir()
        (Path(tmp) / "debian" / "control").write_text(
            f"Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: any\n", encoding="utf-8"
        )
        result = subprocess.run(
            [
                "dpkg-shlibdeps",
                "-O",
                "--ignore-missing-info",
                "--warnings=1",
                *(f"-x{package}" for package in _packages_also_bundled(binaries)),
                *(f"-l{d}" for d in lib_dirs),
                *(f"-e{p}" for p in binaries),
            ],
            cwd=tmp,
            capture_output=True,
            text=True,
            # The bundle's own copies (SQLite) come first, as they do when the program runs.
            env=dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(lib_dirs)),
        )
    if result.returncode != 0:
        raise PackagingError(f"dpkg-shlibdeps 失败：\n{result.stderr.strip()}")
    match = re.search(r"^shlibs:Depends=(.*)$", result.stdout, re.MULTILINE)
    if not match:
        raise PackagingError(f"dpkg-shlibdeps 没有给出依赖：\n{result.stdout}{result.stderr}")
    return match.group(1).strip()


def _packages_also_bundled(binaries: list[Path]) -> set[str]:
    """System packages that provide a library the bundle carries its own copy of (SQLite):
    dpkg-shlibdeps would otherwise fall through from the bundled copy to the system's."""
    names = sorted({p.name for p in binaries if ".so" in p.name and "cpython" not in p.name})
    result = subprocess.run(
        ["dpkg", "-S", *(f"*/{name}" for name in names)], capture_output=True, text=True
    )
    packages = set()
    for line in result.stdout.splitlines():
        owners, _, path = line.partition(": ")
        if Path(path).name in names:
            packages.update(o.split(":")[0].strip() for o in owners.split(","))
    return packages


def desktop_entry() -> str:
    return (HERE / "linux" / f"{PACKAGE}.desktop").read_text(encoding="utf-8")


def _normalise_permissions(root: Path) -> None:
    """0755 for folders and programs, 0644 for the rest; nothing writable by others."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        executable = path.is_dir() or mode & stat.S_IXUSR
        path.chmod(0o755 if executable else 0o644)


def _md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.parts:
            digest = hashlib.md5(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root).as_posix()}")
    return "\n".join(lines) + "\n"


def _installed_size_kb(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return (total + 1023) // 1024


def stage(
    bundle: Path,
    icons: Path,
    svg: Path,
    version: str,
    staging: Path,
    package: str = PACKAGE,
    adapt_depends: Callable[[str], str] | None = None,
) -> Path:
    """Lay the package's files out under `staging` as they will be on the clerk's disk.
    `adapt_depends` rewrites dpkg-shlibdeps' Depends (the compat package's older names)."""
    if staging.exists():
        shutil.rmtree(staging)
    opt = staging / INSTALL_DIR
    shutil.copytree(bundle, opt, symlinks=True)
    bin_dir = staging / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    # Relative, so the package also works unpacked into another root (dpkg -x in the tests).
    (bin_dir / PACKAGE).symlink_to(Path("..") / ".." / INSTALL_DIR / PACKAGE)
    applications = staging / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    (applications / f"{PACKAGE}.desktop").write_text(desktop_entry(), encoding="utf-8")
    hicolor = staging / "usr" / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        folder = hicolor / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        shutil.copyfile(icons / f"{PACKAGE}-{size}.png", folder / f"{PACKAGE}.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(svg, hicolor / "scalable" / "apps" / f"{PACKAGE}.svg")
    doc = staging / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "科协工作台（KeXie Desktop）\n"
        "本软件包内含 Python、Qt（PySide6，LGPLv3）、SQLite、lxml、python-docx、openpyxl、\n"
        "xlrd、sqlite-utils 等开源组件，各自按其许可证发布。\n",
        encoding="utf-8",
    )
    _normalise_permissions(staging)
    depends = shlib_depends(opt)
    if adapt_depends is not None:
        depends = adapt_depends(depends)
    other = COMPAT_PACKAGE if package == PACKAGE else PACKAGE
    debian = staging / "DEBIAN"
    debian.mkdir()
    control = (
        f"Package: {package}\n"
        f"Version: {version}\n"
        f"Architecture: {architecture()}\n"
        "Maintainer: 科协工作台开发组 <kexie-desktop@example.invalid>\n"
        f"Installed-Size: {_installed_size_kb(staging)}\n"
        f"Depends: {depends}\n"
        f"Conflicts: {other}\n"
        f"Replaces: {other}\n"
        # Without a Chinese font every label is a row of boxes (an English-language install).
        "Recommends: fonts-noto-cjk | fonts-wqy-microhei\n"
        "Section: misc\n"
        "Priority: optional\n"
        f"Description: {DESCRIPTION}{COMPAT_NOTE if package == COMPAT_PACKAGE else ''}\n"
    )
    (debian / "control").write_text(control, encoding="utf-8")
    (debian / "md5sums").write_text(_md5sums(staging), encoding="utf-8")
    _normalise_permissions(debian)
    return staging


def build_deb(
    staging: Path, out_dir: Path, version: str, epoch: int | None = None, package: str = PACKAGE
) -> Path:
    """dpkg-deb the staged tree into out_dir; files owned by root, xz-compressed."""
    if shutil.which("dpkg-deb") is None:
        raise PackagingError("找不到 dpkg-deb：.deb 安装包只能在 Debian/Ubuntu 类系统上制作")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{package}_{version}_{architecture()}.deb"
    env = dict(os.environ)
    if epoch is not None:
        # The same sources give the same package: file times are the last commit's.
        env["SOURCE_DATE_EPOCH"] = str(epoch)
        for path in [staging, *staging.rglob("*")]:
            os.utime(path, (epoch, epoch), follow_symlinks=False)
    result = subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(staging), str(target)],
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode != 0:
        raise PackagingError(f"dpkg-deb 失败：\n{result.stderr.strip()}")
    return target
