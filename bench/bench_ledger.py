"""Ledger benchmark (issue: year-end summary and ledgers).

    python bench/bench_ledger.py [--runs N]

On the generated database of bench_startup_search.py (100,000 activities in 2025, 50,000 people,
10,000 awards; made here if missing), writes the 2025 ledger workbook to bench/out/ledger.xlsx
and prints:
  * the time write_ledger takes (target: at most 20 s);
  * the peak memory of the process doing it (target: at most 500 MB), measured in a fresh
    process so that generating the database does not count;
  * the file size and the time to read the whole file back (what the safe export's check does).
Figures are from this machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import generate

DATA = HERE / "out" / "big"
OUT = HERE / "out" / "ledger.xlsx"
YEAR = 2025


def measure() -> None:
    """One export in this process; prints its figures as JSON for the parent."""
    from kexie_desktop.core.ledger_export import write_ledger
    from kexie_desktop.core.store import Store

    store = Store.open(DATA)
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    calls = 0

    def progress(done: int, total: int) -> None:
        nonlocal calls
        calls += 1

    began = time.perf_counter()
    rows = write_ledger(store, YEAR, str(OUT), progress=progress)
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store.close()

    began = time.perf_counter()
    with zipfile.ZipFile(OUT) as archive:
        bad = archive.testzip()
    check_s = time.perf_counter() - began
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_mb,
                "before_mb": before_mb,
                "rows": rows,
                "progress_calls": calls,
                "size_mb": OUT.stat().st_size / 2**20,
                "check_s": check_s,
                "bad": bad,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure()
        return

    began = time.perf_counter()
    generate(DATA, activities=100_000, people=50_000, awards=10_000)
    print(f"测试数据：{DATA / 'kexie.db'}（准备用时 {time.perf_counter() - began:.1f} 秒）")

    results = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--measure"],
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    last = results[-1]
    seconds = [r["seconds"] for r in results]
    rows = "、".join(f"{name}{count:,}行" for name, count in last["rows"].items())
    print(f"{YEAR}年台账工作簿：{OUT}")
    print(f"  数据行数          {rows}")
    print(f"  文件大小          {last['size_mb']:.1f} MB")
    if len(seconds) > 1:
        print(f"  写出用时（{len(seconds)} 次）  中位数 {statistics.median(seconds):.1f} s，"
              f"最长 {max(seconds):.1f} s   （目标 ≤ 20 s）")  # fmt: skip
    else:
        print(f"  写出用时          {seconds[0]:.1f} s   （目标 ≤ 20 s）")
    peak = max(r["peak_mb"] for r in results)
    print(f"  进程峰值内存      {peak:.0f} MB（打开数据库后 {last['before_mb']:.0f} MB）"
          "   （目标 ≤ 500 MB）")  # fmt: skip
    print(f"  进度回调次数      {last['progress_calls']}")
    verdict = "完整" if last["bad"] is None else f"损坏：{last['bad']}"
    print(f"  读回检查          {last['check_s']:.1f} s，{verdict}")


if __name__ == "__main__":
    main()
