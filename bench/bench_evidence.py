"""Evidence benchmark (issue 15: 台账 with its evidence).

    python bench/bench_evidence.py [--photos 300] [--attach 50]

Makes its own photos (12-megapixel JPEGs, each a distinct file) under bench/out/evidence
and prints:
  * attaching 50 photos of about 8 MB to one activity: the time attach_files takes (target ≤ 10 s),
    and, separately, the time to make their thumbnails (done in the background by the window);
    and the form's way (50 other photos): stage_files (checked and copied while the clerk goes on
    filling in the form, off the GUI thread) and the draft's apply on 确定 (on the GUI thread);
  * the 图文台账 of a year with 300 such photos over 60 activities: the time export_evidence takes
    (target ≤ 60 s), its CPU time, and the peak memory of the process doing it (target ≤ 500 MB),
    in a fresh process so that making the photos does not count; and the file size.
Figures are from this machine; the load average is printed because on a shared machine the wall
time is the CPU time stretched by the other processes (the photos are scaled on up to 4 threads).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

OUT = HERE / "out" / "evidence"


def _base_photo(quality: int, *, grain: float) -> bytes:
    """12 megapixels of shapes under sensor-like grain; `grain` 0.5 makes the worst case (every
    pixel noise, ≈10 MB at quality 97), 0.15 something like a phone photo (≈4 MB at 92)."""
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(7)
    image = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(300):
        x, y = rng.randrange(4000), rng.randrange(3000)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + rng.randrange(20, 800), y + rng.randrange(20, 600)), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise((4000, 3000), 60).convert("RGB")
    image = Image.blend(image, noise, grain)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _distinct(base: bytes, n: int) -> bytes:
    # A comment segment after the SOI marker: another file, the same picture.
    comment = f"bench photo {n}".encode()
    return base[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + base[2:]


def bench_attach(count: int) -> dict[str, float]:
    from kexie_desktop.core import attachments as att
    from kexie_desktop.core.records import Activity
    from kexie_desktop.core.store import Store

    folder = OUT / "attach"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "photos").mkdir(parents=True)
    base = _base_photo(97, grain=0.5)
    paths = []
    for n in range(count):
        path = folder / "photos" / f"IMG_{n:04d}.jpg"
        path.write_bytes(_distinct(base, n))
        paths.append(path)
    store = Store.open(folder / "data")
    activity = store.records.save(
        Activity(title="科普日", category="科学普及", start_date="2025-09-20")
    )
    assert activity.id is not None
    start = time.perf_counter()
    result = att.attach_files(store, "activities", activity.id, paths)
    attach_s = time.perf_counter() - start
    assert len(result.added) == count, result.refused
    start = time.perf_counter()
    for a in result.added:
        assert a.sha256 is not None
        att.make_thumbnail(folder / "data", a.sha256, a.file_type)
    thumbs_s = time.perf_counter() - start
    stage_s, apply_s = _bench_form(store, folder, base, count)
    store.close()
    size_mb = sum(p.stat().st_size for p in paths) / count / 2**20
    return {"photos": count, "mb_each": round(size_mb, 1), "attach_s": round(attach_s, 2),
            "thumbnails_s": round(thumbs_s, 2), "form_stage_s": round(stage_s, 2),
            "form_apply_s": round(apply_s, 3)}  # fmt: skip


def _bench_form(store: object, folder: Path, base: bytes, count: int) -> tuple[float, float]:
    """The activity form's way: files staged in the background, rows written on 确定."""
    from kexie_desktop.core.attachment_edits import AttachmentDraft, stage_files
    from kexie_desktop.core.records import Activity

    paths = []
    for n in range(count):
        path = folder / "photos" / f"FORM_{n:04d}.jpg"
        path.write_bytes(_distinct(base, count + n))
        paths.append(path)
    activity = store.records.save(  # type: ignore[attr-defined]
        Activity(title="科普周", category="科学普及", start_date="2025-05-20")
    )
    start = time.perf_counter()
    staged = stage_files(folder / "data", paths).staged
    stage_s = time.perf_counter() - start
    draft = AttachmentDraft(store, "activities", activity.id)  # type: ignore[arg-type]
    draft.add_files(staged)
    start = time.perf_counter()
    applied = draft.apply(store, activity.id)  # type: ignore[arg-type]
    apply_s = time.perf_counter() - start
    assert len(applied.added_ids) == count
    return stage_s, apply_s


def prepare_year(photos: int) -> None:
    from kexie_desktop.core import attachments as att
    from kexie_desktop.core.records import Activity
    from kexie_desktop.core.store import Store

    folder = OUT / "year"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "photos").mkdir(parents=True)
    base = _base_photo(92, grain=0.15)
    store = Store.open(folder / "data")
    per_activity = 5
    for n in range(photos // per_activity):
        activity = store.records.save(Activity(
            title=f"第{n + 1}次科普活动", category="科学普及",
            start_date=f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}", participants=50,
            description="活动情况说明。" * 10,
        ))  # fmt: skip
        assert activity.id is not None
        paths = []
        for k in range(per_activity):
            path = folder / "photos" / f"{n}_{k}.jpg"
            path.write_bytes(_distinct(base, n * per_activity + k))
            paths.append(path)
        att.attach_files(store, "activities", activity.id, paths, caption="活动现场")
        for path in paths:
            path.unlink()
    store.close()


def measure_export() -> None:
    from kexie_desktop.core.evidence_export import export_evidence
    from kexie_desktop.core.store import Store

    store = Store.open(OUT / "year" / "data")
    start = time.perf_counter()
    result = export_evidence(store, 2025, OUT / "图文台账.docx")
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {"export_s": round(seconds, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
               "peak_mb": round(peak_mb), "photos": result.photos,
               "file_mb": round(result.size / 2**20, 1),
               "load_average": os.getloadavg()[0]}  # fmt: skip
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--attach", type=int, default=50)
    parser.add_argument("--attach-only", action="store_true", help="不测图文台账")
    parser.add_argument("--measure-export", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_export:
        measure_export()
        return
    print("attach:", json.dumps(bench_attach(args.attach)), "(target: attach_s ≤ 10)")
    if args.attach_only:
        return
    prepare_year(args.photos)
    child = subprocess.run(
        [sys.executable, __file__, "--measure-export"], capture_output=True, text=True, check=True
    )
    print("图文台账:", child.stdout.strip(), "(targets: export_s ≤ 60, peak_mb ≤ 500)")


if __name__ == "__main__":
    main()
