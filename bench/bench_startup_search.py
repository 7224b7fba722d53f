"""Foundation benchmarks (issue: the main window on a local database).

    python bench/bench_startup_search.py [--runs N]

On a generated database of 100,000 activities, 50,000 people and 10,000 awards, prints:
  * start-up: process start to main window shown, as a ratio to an empty PySide6 window with a
    tab widget measured in the same run, alternating (target: at most 1.5);
  * a search keystroke on the activities tab: filter plus first screen of rows painted
    (target: median at most 100 ms); also sorting by a column and jumping to the last row;
  * peak memory of the program's process (target: at most 300 MB);
  * that python-docx and openpyxl are not imported at start-up.
Runs offscreen; figures are from this machine, so compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.generate import generate

DATA = HERE / "out" / "big"
SEARCHES = (
    "科",
    "科普",
    "科普进",
    "科普进社区",
    "第1",
    "第12",
    "第123",
    "第1234期",
    "张三",
    "青江第0",
)


def _start_once(script: str, *args: str) -> tuple[float, float, str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    before = time.time()
    out = subprocess.run(
        [sys.executable, str(HERE / script), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    ).stdout.split()
    rows = float(out[3]) - before if len(out) > 3 else 0.0
    return float(out[0]) - before, float(out[1]), out[2] if len(out) > 2 else "", rows


def bench_startup(runs: int) -> dict[str, float | str]:
    _start_once("_start_empty.py")  # warm the file cache for both
    _start_once("_start_app.py", str(DATA))
    empty, app, rows, app_mem, heavy = [], [], [], [], ""
    for _ in range(runs):
        empty.append(_start_once("_start_empty.py")[0])
        seconds, peak, heavy, rows_seconds = _start_once("_start_app.py", str(DATA))
        app.append(seconds)
        rows.append(rows_seconds)
        app_mem.append(peak)
    e, a, r = statistics.median(empty), statistics.median(app), statistics.median(rows)
    return {
        "empty_s": e,
        "app_s": a,
        "ratio": a / e,
        "rows_s": r,
        "rows_ratio": r / e,
        "app_peak_mb": max(app_mem),
        "heavy": heavy,
    }


def bench_interaction() -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from kexie_desktop.ui.app import open_data, start_gui

    app, window = start_gui(DATA)
    store = open_data(window, DATA)
    assert store is not None
    window.resize(1280, 800)
    app.processEvents()
    tab = window.activities_tab
    assert tab.model.rowCount() == 100_000, tab.model.rowCount()

    def timed(action: object) -> float:
        begin = time.perf_counter()
        action()  # type: ignore[operator]
        tab.view.viewport().repaint()  # the first screen of rows, fetched and painted
        QApplication.processEvents()
        return (time.perf_counter() - begin) * 1000

    keystrokes = []
    for _ in range(3):
        for text in (*SEARCHES, ""):
            tab.search_edit.setText(text)
            keystrokes.append(timed(tab.apply_search))
    header = tab.view.horizontalHeader()
    sorts = [
        timed(lambda c=c, o=o: header.setSortIndicator(c, o))
        for c in range(tab.model.columnCount())
        for o in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)
    ]
    jumps = [timed(tab.view.scrollToBottom), timed(tab.view.scrollToTop)]
    year_switch = timed(lambda: window.year_combo.setCurrentIndex(window.year_combo.count() - 1))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.close()
    store.close()
    return {
        "search_median_ms": statistics.median(keystrokes),
        "search_max_ms": max(keystrokes),
        "sort_median_ms": statistics.median(sorts),
        "sort_max_ms": max(sorts),
        "jump_max_ms": max(jumps),
        "year_switch_ms": year_switch,
        "peak_mb": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    began = time.perf_counter()
    generate(DATA, activities=100_000, people=50_000, awards=10_000)
    print(f"测试数据：{DATA / 'kexie.db'}（准备用时 {time.perf_counter() - began:.1f} 秒）")

    s = bench_startup(args.runs)
    print(f"启动到主窗口显示（中位数，各 {args.runs} 次交替）：")
    print(f"  空 PySide6 窗口   {s['empty_s']:.3f} s")
    print(f"  科协工作台        {s['app_s']:.3f} s")
    print(f"  比值              {s['ratio']:.2f}   （目标 ≤ 1.5）")
    print(f"  第一屏记录画出    {s['rows_s']:.3f} s（比值 {s['rows_ratio']:.2f}）")
    print(f"  启动时峰值内存    {s['app_peak_mb']:.0f} MB")
    print(f"  启动时已载入的重模块：{s['heavy']}   （应为 -）")

    i = bench_interaction()
    print("活动页（100,000 项）：")
    print(f"  搜索一次按键：中位数 {i['search_median_ms']:.0f} ms，最长 {i['search_max_ms']:.0f} ms"
          "   （目标中位数 ≤ 100 ms）")  # fmt: skip
    print(f"  点列头排序：中位数 {i['sort_median_ms']:.0f} ms，最长 {i['sort_max_ms']:.0f} ms")
    print(f"  跳到末行/首行：最长 {i['jump_max_ms']:.0f} ms")
    print(f"  切换到“全部年度”：{i['year_switch_ms']:.0f} ms")
    print(f"  进程峰值内存：{i['peak_mb']:.0f} MB   （目标 ≤ 300 MB）")


if __name__ == "__main__":
    main()
