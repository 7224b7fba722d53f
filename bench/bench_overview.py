"""Overview (概览 tab) benchmark (issue 14: it opens instantly on 100k activities).

    python bench/bench_overview.py [--runs N]

On the generated database of bench_startup_search.py (100,000 activities in 2025, 50,000 people,
10,000 awards; made here if missing), prints:
  * the time core.overview.compute takes for 2025 (with 2024 beside it): every figure of the
    tab, SQL aggregates only — what the tab computes when first shown and after each change;
  * the time the tab takes from being asked to show 2025 to having laid out and painted its
    figures (offscreen Qt), which is what the clerk waits for.
Target: ≤ 100 ms for the tab. Each line gives the wall-clock median and the process's CPU time:
on a shared machine the wall clock also counts the time other work holds the cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import generate

DATA = HERE / "out" / "big"
YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    generate(DATA, activities=100_000, people=50_000, awards=10_000)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from kexie_desktop.core.overview import compute
    from kexie_desktop.core.store import Store

    store = Store.open(DATA)
    compute(store, YEAR)  # the first read warms the page cache, as the open program has
    times, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        figures = compute(store, YEAR)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(
        f"core.overview.compute({YEAR}): median {statistics.median(times) * 1000:.1f} ms "
        f"(CPU {statistics.median(cpu) * 1000:.1f} ms), max {max(times) * 1000:.1f} ms "
        f"({args.runs} runs; "
        f"{figures.total.this_year.activities} activities, {figures.people} people, "
        f"{figures.awards_total.this_year} awards, {len(figures.idle_units)} idle units)"
    )

    from PySide6.QtWidgets import QApplication

    from kexie_desktop.ui.tabs.overview_tab import OverviewTab

    app = QApplication.instance() or QApplication([])
    tab = OverviewTab(store)
    tab.resize(1280, 640)
    tab.set_year(YEAR)
    tab.show()
    app.processEvents()
    shown, shown_cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        tab.refresh()
        tab.grab()  # lays out and paints every figure
        shown.append(time.perf_counter() - started)
        shown_cpu.append(time.process_time() - started_cpu)
    median = statistics.median(shown) * 1000
    print(
        f"概览 tab refreshed and painted: median {median:.1f} ms "
        f"(CPU {statistics.median(shown_cpu) * 1000:.1f} ms), max {max(shown) * 1000:.1f} ms "
        f"(target ≤ 100 ms: {'met' if median <= 100 else 'NOT met'})"
    )
    tab.close()
    store.close()


if __name__ == "__main__":
    main()
