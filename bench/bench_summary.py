"""Summary benchmark (issue: year-end summary and ledgers).

    python bench/bench_summary.py

On a generated year of 5,000 activities (about 5% of them 重点, so some 250 paragraphs of
description), 2,500 people and 500 awards, times composing the summary and writing it as a
checked .docx through the same safe export the window uses (target: at most 1 s), and prints
the size of the document. Figures are from this machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import generate
from kexie_desktop.core.export import export_summary
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import compose_summary

DATA = HERE / "out" / "year5000"
OUT = HERE / "out" / "summary.docx"


def main() -> None:
    generate(DATA, activities=5_000, people=2_500, awards=500)
    store = Store.open(DATA)
    compose, total = [], []
    for _ in range(5):
        begin = time.perf_counter()
        document = compose_summary(store, 2025)
        compose.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        export_summary(store, 2025, OUT)
        total.append(time.perf_counter() - begin)
    store.close()
    print("年度工作总结（5,000 项活动的一年）：")
    print(f"  段落数：{len(document.blocks)}，文件 {OUT.stat().st_size / 1024:.0f} KB")
    print(f"  组成总结：中位数 {statistics.median(compose):.2f} s")
    print(f"  组成并写出、读回检查 .docx：中位数 {statistics.median(total):.2f} s，"
          f"最长 {max(total):.2f} s   （目标 ≤ 1 s）")  # fmt: skip


if __name__ == "__main__":
    main()
