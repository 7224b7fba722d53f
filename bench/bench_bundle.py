"""Installer benchmarks (issue: an installer a clerk double-clicks).

    python bench/bench_bundle.py [--runs N] [--reuse]

Builds the program's bundle and .deb with build_installer.py (this environment, which must
match the lock files), and a bundle of an empty PySide6 window with the same rules
(bench/empty_window.spec). Prints:
  * the program's bundle size as a ratio to the empty window's (target: at most 1.2);
  * the .deb's size (target: at most 80 MB);
  * start to main window, bundled program against the source checkout, alternating on the same
    demo data folder (target: at most 1.3), and the same for the data filled in.
Linux, offscreen. Figures are from this machine: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "installer"
DIST = OUT / "dist"
WORK = OUT / "work"
DATA = OUT / "data"

sys.path.insert(0, str(ROOT))
from build_installer import folder_size
from build_installer import megabytes as mb


def build(reuse: bool) -> tuple[Path, Path, Path]:
    program, empty = DIST / "kexie-desktop", DIST / "empty-window"
    debs = sorted(DIST.glob("kexie-desktop_*.deb"))
    if not (reuse and program.is_dir() and debs):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "build_installer.py"), "--current-env",
             "--dist", str(DIST), "--work", str(WORK)],
            check=True,
        )  # fmt: skip
        print(f"程序安装包制作用时 {time.perf_counter() - began:.0f} 秒")
        debs = sorted(DIST.glob("kexie-desktop_*.deb"))
    if not (reuse and empty.is_dir()):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN",
             "--distpath", str(DIST), "--workpath", str(WORK / "empty"),
             str(HERE / "empty_window.spec")],
            check=True,
            cwd=WORK,
            env={**os.environ, "PYINSTALLER_CONFIG_DIR": str(WORK / "pyinstaller-config")},
        )  # fmt: skip
        print(f"空窗口打包用时 {time.perf_counter() - began:.0f} 秒")
    return program, empty, debs[-1]


def start_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = time.time()
    out = subprocess.run(
        command, capture_output=True, text=True, env=env, check=True, timeout=120
    ).stdout.split()
    return float(out[-2]) - before, float(out[-1]) - before


def bench_startup(program: Path, runs: int) -> dict[str, float]:
    if not (DATA / "kexie.db").exists():
        shutil.rmtree(DATA, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "kexie_desktop", "demo", "--data-dir", str(DATA)],
            check=True,
            capture_output=True,
        )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KEXIE_STARTUP_PROBE": "1"}
    source = [sys.executable, "-m", "kexie_desktop", "--data-dir", str(DATA)]
    bundled = [str(program / "kexie-desktop"), "--data-dir", str(DATA)]
    start_once(source, env)  # warm the file cache for both
    start_once(bundled, env)
    s_shown, s_filled, b_shown, b_filled = [], [], [], []
    for _ in range(runs):
        shown, filled = start_once(source, env)
        s_shown.append(shown)
        s_filled.append(filled)
        shown, filled = start_once(bundled, env)
        b_shown.append(shown)
        b_filled.append(filled)
    m = statistics.median
    return {
        "source_shown": m(s_shown),
        "bundle_shown": m(b_shown),
        "shown_ratio": m(b_shown) / m(s_shown),
        "source_filled": m(s_filled),
        "bundle_filled": m(b_filled),
        "filled_ratio": m(b_filled) / m(s_filled),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--reuse", action="store_true", help="用上次做好的包，不重新打包")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(parents=True, exist_ok=True)
    program, empty, deb = build(args.reuse)
    p, e = folder_size(program), folder_size(empty)
    print("大小：")
    print(f"  空 PySide6 窗口的包  {mb(e)}")
    print(f"  科协工作台的包      {mb(p)}")
    print(f"  比值                {p / e:.3f}   （目标 ≤ 1.2）")
    print(f"  .deb 安装包         {mb(deb.stat().st_size)}   （目标 ≤ 80 MB）：{deb.name}")
    s = bench_startup(program, args.runs)
    print(f"启动到主窗口显示（中位数，各 {args.runs} 次交替，演示数据）：")
    print(f"  源代码运行   {s['source_shown']:.3f} s")
    print(f"  打包后运行   {s['bundle_shown']:.3f} s")
    print(f"  比值         {s['shown_ratio']:.2f}   （目标 ≤ 1.3）")
    print(f"启动到数据载入：源代码 {s['source_filled']:.3f} s，打包后 {s['bundle_filled']:.3f} s，"
          f"比值 {s['filled_ratio']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
