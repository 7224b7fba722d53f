"""Import benchmark (issue: bring in the Excel files clerks already have).

    python bench/bench_import.py [--rows N]

Writes an invented roster of 50,000 people (title row, header in row 3, 500 units named by
text, ID numbers as text, dates in several forms) to bench/out/roster.xlsx, then, in a fresh
process on an empty database, checks it and imports it, and prints the time of each step and
the peak memory of that process (targets: check plus import at most 20 s, 500 MB).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import GIVEN, SURNAMES
from kexie_desktop.core.idcard import check_digit

OUT = HERE / "out" / "roster.xlsx"


def write_roster(path: Path, rows: int, seed: int = 11) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员花名册")
    sheet.append(["青江市企业科协会员花名册"])
    sheet.append([])
    sheet.append(["序号", "姓 名", "性别", "出生年月", "身份证号码", "手机", "工作单位", "职称"])
    used: set[str] = set()
    for i in range(rows):
        year, month, day = rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)
        body = f"430902{year}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
        while body in used:  # one ID, one person
            body = f"{body[:14]}{(int(body[14:]) + 1) % 1000:03d}"
        used.add(body)
        gender = "男" if int(body[16]) % 2 else "女"
        birth = rng.choice((f"{year}.{month:02d}", f"{year}-{month}-{day}", f"{year}年{month}月"))
        sheet.append([
            i + 1,
            rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            gender,
            birth if rng.random() < 0.5 else "",
            body + check_digit(body),
            f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
            f"青江第{rng.randint(1, 500):03d}企业科协",
            rng.choice(("高级工程师", "工程师", "助理工程师", "正高级", "无")),
        ])  # fmt: skip
    sheet.append(["合计", f"{rows}人"])
    book.save(path)


def measure(path: str) -> None:
    """One check and import in this process; prints its figures as JSON for the parent."""
    from kexie_desktop.core.importing.importer import apply, check
    from kexie_desktop.core.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder))
        begin = time.perf_counter()
        plan = check(store, Path(path))
        checked = time.perf_counter()
        result = apply(store, plan)
        done = time.perf_counter()
        store.close()
    print(json.dumps({
        "check_s": checked - begin, "import_s": done - checked, "added": result.added,
        "units": result.units_created, "problems": len(plan.problems),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    begin = time.perf_counter()
    write_roster(OUT, args.rows)
    print(f"花名册：{OUT}（{args.rows:,}行，生成用时 {time.perf_counter() - begin:.1f} 秒）")
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(OUT)], capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    figures = json.loads(out)
    total = figures["check_s"] + figures["import_s"]
    print(f"  检查              {figures['check_s']:.1f} s（问题 {figures['problems']} 处）")
    print(f"  导入              {figures['import_s']:.1f} s（新增 {figures['added']:,} 人，"
          f"新建基层组织 {figures['units']} 个）")  # fmt: skip
    print(f"  检查加导入        {total:.1f} s   （目标 ≤ 20 s）")
    print(f"  进程峰值内存      {figures['peak_mb']:.0f} MB   （目标 ≤ 500 MB）")


if __name__ == "__main__":
    main()
