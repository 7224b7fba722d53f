"""Submission package benchmark (issue 16: a county gathering its townships' years).

    python bench/bench_package.py [--townships 30] [--activities 2000] [--photos 300] [--photo-mb 4]

Generates an invented township year (ACTIVITIES activities, 600 people, 60 awards, 500 units)
and writes TOWNSHIPS packages from it, each as a different organisation (its own UUID and
name), into bench/out/packages/. Then, in a fresh process on an empty county database, reads,
checks (bounds, names, versions, every hash, every record) and merges all of them, as
`kexie-desktop import package` does, and prints the time of each step and the peak memory of
that process. Target: the whole import at most 30 s.

Then the evidence figure: one township whose activities carry PHOTOS distinct JPEG photos of
about PHOTO_MB MB each (a year's photos of a busy township is about 1 GB) exports its package
with its attachments, and a fresh process on an empty county database checks and merges it
(every file streamed out, hashed again, type-checked and stored): times, package size and that
process's peak memory, which must not grow with the files (streamed 1 MB at a time).
`--photos 0` skips it.
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


def _photos(folder: Path, count: int, megabytes: float) -> list[Path]:
    """Distinct photo-like JPEGs: one noisy picture of about the size asked, each copy with a
    different comment segment (so each is a different file to the store, as real photos are)."""
    import io
    import os

    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    side = 800
    while True:  # noise compresses badly, like a real photo: grow until about the size asked
        buffer = io.BytesIO()
        Image.effect_noise((side * 4 // 3, side), 80).convert("RGB").save(
            buffer, "JPEG", quality=92
        )
        if buffer.tell() >= megabytes * 2**20 or side > 6000:
            break
        side = int(side * 1.3)
    data = buffer.getvalue()
    paths = []
    for n in range(count):
        comment = b"kexie-bench " + os.urandom(16)
        segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
        path = folder / f"现场照片{n + 1:03d}.jpg"
        path.write_bytes(data[:2] + segment + data[2:])
        paths.append(path)
    return paths


def write_with_photos(photos: int, megabytes: float) -> tuple[Path, float, int]:
    from bench.generate import generate
    from kexie_desktop.core import attachments as att
    from kexie_desktop.core.package import export_package
    from kexie_desktop.core.records import Profile
    from kexie_desktop.core.store import Store

    source = HERE / "out" / "township-photos"
    shutil.rmtree(source, ignore_errors=True)
    generate(source, 300, 100, 10)
    files = _photos(HERE / "out" / "photos", photos, megabytes)
    with Store.open(source) as store:
        store.settings.save_profile(Profile(org_name="青江县影像镇科协", parent_name="青江县科协"))
        ids = [
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM activities WHERE start_date LIKE '2025-%' ORDER BY id"
            )
        ]
        for n, path in enumerate(files):
            att.attach_files(store, "activities", ids[n % len(ids)], [path])
        shutil.rmtree(HERE / "out" / "photos")
        path = OUT / "青江县影像镇科协2025年报送包（含佐证材料）.zip"
        started = time.perf_counter()
        export_package(store, 2025, path, with_attachments=True)
        elapsed = time.perf_counter() - started
    total = sum(f.stat().st_size for f in (source / "attachments").rglob("*.jpg"))
    return path, elapsed, total


def import_with_photos(path: str) -> dict[str, float]:
    """Runs in a fresh process: check and merge the package with its photos."""
    from kexie_desktop.core.package import merge_package, read_package
    from kexie_desktop.core.records import Profile
    from kexie_desktop.core.store import Store

    folder = Path(tempfile.mkdtemp(prefix="kexie-bench-county-"))
    try:
        with Store.open(folder) as store:
            store.settings.save_profile(Profile(org_name="青江县科协", org_level="县级"))
            t0 = time.perf_counter()
            package = read_package(Path(path))
            t1 = time.perf_counter()
            merge_package(store, package)
            t2 = time.perf_counter()
            files = store.conn.execute("SELECT count(*) FROM sub_attachments").fetchone()[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"read": t1 - t0, "merge": t2 - t1, "files": files, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--photo-mb", type=float, default=4.0)
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--photos-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(import_all(args.child)))
        return
    if args.photos_child is not None:
        print(json.dumps(import_with_photos(args.photos_child)))
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
    if args.photos:
        path, elapsed, total = write_with_photos(args.photos, args.photo_mb)
        print(
            f"写出含 {args.photos} 张照片（共 {total / 2**20:.0f} MB）的报送包：{elapsed:.1f} s，"
            f"{path.stat().st_size / 2**20:.0f} MB"
        )
        result = subprocess.run(
            [sys.executable, __file__, "--photos-child", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(result.stdout)
        print(
            f"县级导入该包：检查 {figures['read']:.1f} s，合并（取出、校验、检查类型、存入）"
            f"{figures['merge']:.1f} s；附件 {figures['files']:.0f} 个；"
            f"进程内存峰值 {figures['peak_mb']:.0f} MB"
        )
        path.unlink()


if __name__ == "__main__":
    main()
