"""Size of the Windows bundle and installer (issue: reach the clerks' real PCs), built on Linux.

    python bench/bench_windows_bundle.py [--reuse]

Builds the Windows installer with `build_installer.py --windows` into bench/out/windows/, and a
bundle of an empty PySide6 window (bench/empty_window.spec) with the same Windows Python,
PyInstaller and rules under Wine. Prints:
  * the program's bundle (what the installer installs, less its uninstaller) as a ratio to the
    empty window's (target: at most 1.2);
  * the installer's size (target: at most 60 MB);
  * the build time (cold or cached, as the cache in ~/.cache/kexie-build/windows finds it).
Needs what `python build_installer.py --windows` needs (wine, nsis, osslsigncode, mingw-w64).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "windows"
DIST = OUT / "dist"
WORK = OUT / "work"

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "installer"))
import windows_build

from build_installer import folder_size
from build_installer import megabytes as mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reuse", action="store_true", help="用上次做好的包，不重新打包")
    args = parser.parse_args()
    program, empty = DIST / "windows" / "kexie-desktop", DIST / "windows" / "empty-window"
    installers = sorted(DIST.glob("科协工作台-*-安装程序.exe"))
    if not (args.reuse and program.is_dir() and installers):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "build_installer.py"), "--windows",
             "--dist", str(DIST), "--work", str(WORK)],
            check=True,
        )  # fmt: skip
        print(f"Windows 安装包制作用时 {time.perf_counter() - began:.0f} 秒")
        installers = sorted(DIST.glob("科协工作台-*-安装程序.exe"))
    if not (args.reuse and empty.is_dir()):
        began = time.perf_counter()
        wine, python = windows_build.build_tools()
        try:
            windows_build.run_pyinstaller(
                wine, python, HERE / "empty_window.spec", DIST / "windows", WORK / "empty", {}
            )
        finally:
            wine.close()
        print(f"空窗口打包（Wine 中）用时 {time.perf_counter() - began:.0f} 秒")
    p, e = folder_size(program), folder_size(empty)
    print("大小（Windows）：")
    print(f"  空 PySide6 窗口的包  {mb(e)}")
    print(f"  科协工作台的包      {mb(p)}")
    print(f"  比值                {p / e:.3f}   （目标 ≤ 1.2）")
    setup = installers[-1]
    print(f"  安装程序            {mb(setup.stat().st_size)}   （目标 ≤ 60 MB）：{setup.name}")


if __name__ == "__main__":
    main()
