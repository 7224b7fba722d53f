"""Build the installer a clerk double-clicks, for the platform this runs on.

    python build_installer.py                  # a clean environment from the lock files
    python build_installer.py --current-env    # this Python, if it matches the lock files
    python build_installer.py --windows        # on Linux: the Windows installer, under Wine
    python build_installer.py --compat         # Linux: the package for glibc 2.28 (UOS V20 …)

Linux: dist/kexie-desktop/ (the bundle) and dist/kexie-desktop_VERSION_ARCH.deb.
Windows: dist/kexie-desktop/ and dist/科协工作台-VERSION-安装程序.exe (needs NSIS's makensis).
Windows, built on Linux (--windows, installer/windows_build.py): dist/windows/kexie-desktop/ and
dist/科协工作台-VERSION-安装程序.exe.
Linux, --compat: dist/compat/kexie-desktop/ and dist/kexie-desktop-compat_VERSION_amd64.deb, built
on a CPython compiled for glibc 2.28 with PySide6 6.9 (installer/compat_build.py).
The bundle's `--self-test` is run before anything is packaged; the build fails if it fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "installer"))

import compat_build  # noqa: E402
import windows_build  # noqa: E402
from deb_package import COMPAT_PACKAGE, PACKAGE, PackagingError, build_deb, stage  # noqa: E402
from nsis_installer import InstallerError, compile_installer, version4  # noqa: E402
from windows_build import WindowsBuildError  # noqa: E402

WINDOWS = sys.platform == "win32"
SPEC = ROOT / "installer" / "kexie-desktop.spec"
LOCKS = (ROOT / "requirements.lock", ROOT / "requirements-build.lock")


class BuildError(Exception):
    pass


def program_version() -> str:
    text = (ROOT / "kexie_desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise BuildError("kexie_desktop/__init__.py 中没有 __version__")
    return match.group(1)


def pinned(lock: Path, platform: str = sys.platform) -> dict[str, str]:
    """name → version from a lock file, following its -r includes; a line marked
    `; sys_platform == "win32"` counts only there."""
    pins: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        line, _, marker = line.split("#")[0].partition(";")
        line = line.strip()
        wanted = re.fullmatch(r"""\s*sys_platform\s*==\s*["']([^"']+)["']\s*""", marker)
        if marker.strip() and not (wanted and wanted.group(1) == platform):
            continue
        if line.startswith("-r "):
            pins.update(pinned(lock.parent / line[3:].strip(), platform))
        elif "==" in line:
            name, version = line.split("==")
            pins[_normal(name)] = version.split()[0]  # a hashed lock continues with " \\"
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().strip()


def installed(python: str) -> dict[str, str]:
    out = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {_normal(n): v for n, _, v in (line.partition("==") for line in out.splitlines()) if v}


def check_pins(python: str, lock: Path = ROOT / "requirements-build.lock") -> None:
    wanted = pinned(lock)
    have = installed(python)
    wrong = [
        f"{name} {have.get(name, '（未安装）')}，应为 {version}"
        for name, version in sorted(wanted.items())
        if have.get(name) != version
    ]
    if wrong:
        raise BuildError(
            "这个 Python 环境与锁定的版本不符，安装包不可重现：\n  "
            + "\n  ".join(wrong)
            + "\n请去掉 --current-env，让构建自己建一个干净的环境。"
        )


def clean_environment(work: Path) -> str:
    """A new virtual environment with exactly the pinned runtime and build dependencies."""
    venv = work / "venv"
    print(f"创建干净的构建环境：{venv}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    python = str(venv / ("Scripts/python.exe" if WINDOWS else "bin/python"))
    # Exactly the lock, nothing resolved afresh: then pip check proves the lock is complete.
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "-r", str(ROOT / "requirements-build.lock")],
        check=True,
    )  # fmt: skip
    subprocess.run([python, "-m", "pip", "check"], check=True)
    return python


def windows_version_file(path: Path, version: str) -> Path:
    v4 = version4(version)
    numbers = ", ".join(v4.split("."))
    path.write_text(
        f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers=({numbers}), prodvers=({numbers})),
  kids=[
    StringFileInfo([StringTable('080404b0', [
      StringStruct('ProductName', '科协工作台'),
      StringStruct('FileDescription', '科协工作台'),
      StringStruct('CompanyName', '科协工作台开发组'),
      StringStruct('ProductVersion', '{version}'),
      StringStruct('FileVersion', '{version}'),
      StringStruct('LegalCopyright', '科协工作台开发组')])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
""",
        encoding="utf-8",
    )
    return path


def run_pyinstaller(python: str, dist: Path, work: Path, icons: Path, version: str) -> Path:
    env = dict(
        os.environ,
        KEXIE_ICON=str(icons / "kexie-desktop.ico"),
        # PyInstaller's cache is per user by default, and --clean empties it: two builds at
        # once (a test and a benchmark) would break each other.
        PYINSTALLER_CONFIG_DIR=str(work / "pyinstaller-config"),
    )
    if WINDOWS:
        env["KEXIE_VERSION_FILE"] = str(windows_version_file(work / "version_info.txt", version))
    subprocess.run(
        [python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN",
         "--distpath", str(dist), "--workpath", str(work / "pyinstaller"), str(SPEC)],
        check=True,
        env=env,
        cwd=work,
    )  # fmt: skip
    return dist / "kexie-desktop"


def self_test(bundle: Path) -> str:
    program = bundle / ("kexie-cli.exe" if WINDOWS else "kexie-desktop")
    # A home of its own: the self-test must not depend on, or touch, the builder's settings.
    home = bundle.parent / ".selftest-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home), XDG_CONFIG_HOME=str(home))
    env.pop("QT_PLUGIN_PATH", None)
    result = subprocess.run(
        [str(program), "--self-test"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        timeout=300,
    )
    shutil.rmtree(home, ignore_errors=True)
    report = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise BuildError(f"打包后的程序自检失败（退出码 {result.returncode}）：\n{report}")
    return report


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def megabytes(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def source_epoch() -> int | None:
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    except OSError:
        return None
    return int(out) if out.isdigit() else None


def build(args: argparse.Namespace) -> list[Path]:
    started = time.perf_counter()
    version = program_version()
    dist, work = args.dist.resolve(), args.work.resolve()
    compat = getattr(args, "compat", False)
    bundle_dist = dist / "compat" if compat else dist
    if compat:
        work = work / "compat"
    work.mkdir(parents=True, exist_ok=True)
    if compat:
        if args.current_env or not sys.platform.startswith("linux"):
            raise BuildError(
                "兼容版只在 Linux 上用它自己编译的 Python 构建（不能加 --current-env）"
            )
        python = compat_build.environment(work)
    elif args.current_env:
        python = sys.executable
        check_pins(python)
    else:
        python = clean_environment(work)
    icons = work / "icons"
    subprocess.run([python, str(ROOT / "installer" / "render_icons.py"), str(icons)], check=True)
    print(f"PyInstaller 打包 {version} …")
    bundle = run_pyinstaller(python, bundle_dist, work, icons, version)
    if compat:
        compat_build.complete_bundle(bundle)
    print("运行打包后程序的自检 …")
    print(self_test(bundle))
    results = [bundle]
    highest: dict[str, tuple[int, ...]] = {}
    if compat:
        highest = compat_build.check_bundle(bundle)
        print(f"ELF 符号版本检查通过，最高需要：{compat_build.describe(highest)}")
    if args.bundle_only:
        pass
    elif WINDOWS:
        results.append(compile_installer(bundle, icons / "kexie-desktop.ico", version, dist))
    elif sys.platform.startswith("linux"):
        package = COMPAT_PACKAGE if compat else PACKAGE
        staging = stage(
            bundle,
            icons,
            ROOT / "resources" / "icons" / "kexie.svg",
            version,
            work / "deb",
            package=package,
            adapt_depends=(lambda d: compat_build.compat_depends(d, highest)) if compat else None,
        )
        results.append(build_deb(staging, dist, version, source_epoch(), package=package))
        shutil.rmtree(staging)
    else:
        print("这个系统上只做程序文件夹，不做安装包。")
    print(f"完成（用时 {time.perf_counter() - started:.0f} 秒）：")
    for path in results:
        size = folder_size(path) if path.is_dir() else path.stat().st_size
        print(f"  {path}  {megabytes(size)}")
    return results


def build_windows(args: argparse.Namespace) -> list[Path]:
    """The Windows bundle and installer, made on Linux under Wine (installer/windows_build.py)."""
    if WINDOWS:
        raise BuildError("在 Windows 上请直接运行 python build_installer.py")
    results = windows_build.build(
        args.dist.resolve(), args.work.resolve() / "windows", program_version()
    )
    for path in results:
        size = folder_size(path) if path.is_dir() else path.stat().st_size
        print(f"  {path}  {megabytes(size)}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="制作科协工作台的安装包（当前系统）")
    parser.add_argument(
        "--current-env",
        action="store_true",
        help="用运行本脚本的 Python 环境（须与锁定版本一致），不另建干净环境",
    )
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="结果放在哪里")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="中间文件放在哪里")
    parser.add_argument("--bundle-only", action="store_true", help="只做程序文件夹，不做安装包")
    parser.add_argument(
        "--windows",
        action="store_true",
        help="在 Linux 上用 Wine 制作 Windows 安装包（见 installer/windows_build.py）",
    )
    parser.add_argument(
        "--compat",
        action="store_true",
        help="Linux：做 glibc 2.28 的兼容版（统信UOS V20、银河麒麟 V10、deepin 20）",
    )
    args = parser.parse_args(argv)
    try:
        if args.windows:
            build_windows(args)
        else:
            build(args)
    except (
        BuildError,
        PackagingError,
        InstallerError,
        WindowsBuildError,
        compat_build.CompatError,
    ) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"错误：命令失败（退出码 {exc.returncode}）：{' '.join(exc.cmd)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
