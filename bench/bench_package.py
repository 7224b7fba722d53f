"""Submission package benchmark (issue 16: a county gathering its townships' years).

    python bench/bench_package.py [--townships 30] [--activities 2000]

Generates an invented township year (ACTIVITIES activities, 600 people, 60 awards, 500 units)
and writes TOWNSHIPS packages from it, each as a different organisation (its own UUID and
name), into bench/out/packages/. Then, in a fresh process on an empty county database, reads,
checks (bounds, names, versions, every hash, every record) and merges all of them, as
`kexie-desktop import package` does, and prints the time of each step and the peak memory of
that process. Target: the whole import at most 30 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

OUT = HERE / "out" / "packages"


def write_packages(townships: int, activities: int) -> list[Path]:
    import uuid

    from bench.generate import generate
    from kexie_desktop.core.package import export_package
    from kexie_desktop.core.records import Profile
    from kexie_desktop.core.store import Store

    source = HERE / "out" / f"township-{activities}"
    generate(source, activities, 600, 60)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    paths = []
    with Store.open(source) as store:
        started = time.perf_counter()
        for n in range(townships):
            store.settings.set("org_uuid", str(uuid.uuid4()))
            name = f"青江县第{n + 1:02d}镇科协"
            store.settings.save_profile(
                Profile(org_name=name, org_level="乡镇(街道)", parent_name="青江县科协")
            )
            path = OUT / f"{name}2025年报送包.zip"
            export_package(store, 2025, path)
            paths.append(path)
    elapsed = time.perf_counter() - started
    size = sum(p.stat().st_size for p in paths) / 2**20
    print(
        f"写出 {townships} 个报送包（每个 {activities} 条活动）：{elapsed:.1f} s，共 {size:.1f} MB"
    )
    return paths


def import_all(paths: list[str]) -> dict[str, float]:
    """Runs in a fresh process: read and check every package, then merge each."""
    from kexie_desktop.core.package import merge_package, read_package
    from kexie_desktop.core.records import Profile
    from kexie_desktop.core.store import Store

    folder = Path(tempfile.mkdtemp(prefix="kexie-bench-county-"))
    try:
        store = Store.open(folder)
        store.settings.save_profile(Profile(org_name="青江县科协", org_level="县级"))
        started = time.perf_counter()
        read = merge = 0.0
        for path in paths:
            t0 = time.perf_counter()
            package = read_package(Path(path))
            t1 = time.perf_counter()
            merge_package(store, package)
            t2 = time.perf_counter()
            read += t1 - t0
            merge += t2 - t1
        total = time.perf_counter() - started
        count = store.conn.execute("SELECT count(*) FROM sub_activities").fetchone()[0]
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"read": read, "merge": merge, "total": total, "activities": count, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(import_all(args.child)))
        return
    paths = write_packages(args.townships, args.activities)
    result = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout)
    print(
        f"县级导入 {len(paths)} 个报送包：检查 {figures['read']:.1f} s，"
        f"合并 {figures['merge']:.1f} s，"
        f"共 {figures['total']:.1f} s（目标 ≤ 30 s）；下级活动 {figures['activities']} 条；"
        f"进程内存峰值 {figures['peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
