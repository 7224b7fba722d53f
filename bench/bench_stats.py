"""Statistics figures benchmark (issue: submission package and statistics figures).

    python bench/bench_stats.py [--runs N]

On the generated database of bench_startup_search.py (100,000 activities in 2025, 50,000 people,
10,000 awards; made here if missing), gives every activity a 活动形式, campaigns, 其中青少年,
papers and materials (inside a transaction that is rolled back: the shared database is left as
it was), then prints:
  * the time stats.compute takes for 2025 (the statistics window runs it after each typed figure,
    and every export runs it once): every indicator of both years, one SQL aggregate each;
  * the time to write the workbook (to bench/out/stats.xlsx, through the safe write).
Figures are from this machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import generate

DATA = HERE / "out" / "big"
OUT = HERE / "out" / "stats.xlsx"
YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    generate(DATA, activities=100_000, people=50_000, awards=10_000)

    from kexie_desktop.core import stats
    from kexie_desktop.core.records import ACTIVITY_FORMS, CAMPAIGNS
    from kexie_desktop.core.safe_write import write_safely
    from kexie_desktop.core.store import Store

    store = Store.open(DATA)
    conn = store.conn
    conn.execute("BEGIN")
    try:
        forms = " ".join(f"WHEN {i} THEN '{f}'" for i, f in enumerate(ACTIVITY_FORMS))
        conn.execute(
            f"""UPDATE activities SET
                form = CASE id % {len(ACTIVITY_FORMS)} {forms} END,
                campaigns = CASE id % 7 WHEN 0 THEN '{CAMPAIGNS[0]}' WHEN 1 THEN '{CAMPAIGNS[1]}'
                            WHEN 2 THEN '{CAMPAIGNS[2]}' ELSE '' END,
                youth_participants = CASE WHEN participants IS NOT NULL AND id % 3 = 0
                                     THEN participants / 2 END,
                papers = id % 4, materials = (id * 7) % 300"""
        )
        typed = {i.key: 1 for i in stats.INDICATORS if i.source is None}
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            report = stats.compute(store, YEAR, typed=dict(typed))
            times.append(time.perf_counter() - started)
        print(
            f"stats.compute {YEAR}: median {statistics.median(times) * 1000:.0f} ms "
            f"over {args.runs} runs ({len(report.figures)} indicators, both years)"
        )
        started = time.perf_counter()
        stats.compute(store, YEAR, typed={**typed, "AK.staff": 2}, reuse=report)
        print(
            f"after a typed figure changes (computed figures reused): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        OUT.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_safely(OUT, lambda f: stats.write_workbook(report, "青江市厂矿科协联合会", f))
        print(
            f"workbook written in {(time.perf_counter() - started) * 1000:.0f} ms "
            f"({OUT.stat().st_size / 1024:.0f} KB)"
        )
    finally:
        conn.execute("ROLLBACK")
        store.close()


if __name__ == "__main__":
    main()
