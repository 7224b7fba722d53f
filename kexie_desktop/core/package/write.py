"""Writing a submission package (导出 → 报送包): the organisation's year, whole or not at all.

The organisation's own records (ID numbers and phones masked unless the clerk chose otherwise),
with the clerk's choice the blocks received from subordinates and the evidence attachments, the
summary, ledger and statistics workbook as the clerk would export them; the manifest lists every
part with its size and SHA-256 (format.py). The file is written through safe_write and read back
with read_package before it replaces anything, so what is on the stick is known to be whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from kexie_desktop import __version__
from kexie_desktop.core import attachments as att
from kexie_desktop.core.migrations import known_names
from kexie_desktop.core.package.format import (
    _ATTACHMENT_FIELDS,
    _POSITION_FIELDS,
    _SUB_TABLE,
    _UNSAFE_IN_NAMES,
    FORMAT,
    FORMAT_VERSION,
    KIND_LABELS,
    KINDS,
    MANIFEST,
    MANIFEST_SUM,
    MAX_ATTACHMENTS_TOTAL,
    PART_KINDS,
    SUFFIX,
    PackageError,
    Progress,
    attachment_part,
)
from kexie_desktop.core.package.read import _safe_name, read_package, size_text
from kexie_desktop.core.privacy import mask_id_number, mask_phone
from kexie_desktop.core.safe_write import write_safely
from kexie_desktop.core.store import Store


@dataclass(frozen=True)
class PackageResult:
    path: Path
    size: int
    counts: dict[str, int]
    organisations: int
    notes: list[str] = field(default_factory=list)
    attachment_files: int = 0
    attachment_bytes: int = 0

    def summary(self) -> str:
        size = (
            f"{self.size / 1024:.0f} KB" if self.size < 1 << 20 else f"{self.size / 2**20:.1f} MB"
        )
        counts = "、".join(f"{KIND_LABELS[k]}{self.counts.get(k, 0)}条" for k in KINDS)
        lines = [f"已写出报送包：{self.path}（{size}），含本组织{counts}。"]
        if self.organisations > 1:
            lines.append(f"另含{self.organisations - 1}个下级组织报送的数据。")
        if self.attachment_files:
            lines.append(
                f"附带佐证材料文件{self.attachment_files}个（{size_text(self.attachment_bytes)}）。"
            )
        lines.append("文件已读回检查，完整无误。")
        return "".join(lines) + "".join(f"\n提示：{note}" for note in self.notes)


@dataclass(frozen=True)
class ExtraPart:
    """A further part for a package (the statistics workbook, an attachment): its name inside
    the package, its kind (PART_KINDS) and a function writing its bytes."""

    name: str
    kind: str
    write: Callable[[BinaryIO], None]


def suggested_filename(store: Store, year: int) -> str:
    org = _UNSAFE_IN_NAMES.sub("", store.settings.profile().org_name) or "科协"
    return f"{org}{year}年报送包{SUFFIX}"


def export_package(
    store: Store,
    year: int,
    target: Path,
    *,
    full_ids: bool = False,
    with_subordinates: bool = True,
    with_attachments: bool = False,
    extra_parts: Sequence[ExtraPart] = (),
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> PackageResult:
    """Write the year's package for the organisation to `target`, whole or not at all.

    `with_subordinates`: also carry the blocks received from subordinate organisations for the
    year (a county passing its townships' data to the city). `with_attachments`: also carry
    the evidence files and links of the year's activities and awards (of the subordinates'
    blocks too, when they are carried); a file missing from the store or changed is left out
    and named in the result's notes."""
    from kexie_desktop.core.export import export_ledger, export_stats, export_summary
    from kexie_desktop.core.stats import StatsRefused
    from kexie_desktop.core.summary import SummaryError

    if store.read_only and store.path is None:
        # An older database read through an upgraded copy in memory: its UUID is not kept.
        raise PackageError("数据库还没有升级到当前版本，请先打开一次程序窗口，再导出报送包。")
    profile = store.settings.profile()
    if not profile.org_name:
        raise PackageError("请先在“设置 → 组织信息”中填写组织名称，再导出报送包。")
    own_uuid = store.settings.org_uuid()
    exported_at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    org = {
        "uuid": own_uuid,
        "name": profile.org_name,
        "level": profile.org_level,
        "place": profile.org_place,
        "parent_name": profile.parent_name,
        "parent_uuid": profile.parent_uuid,
    }
    blocks: list[tuple[dict[str, Any], str, dict[str, list[dict[str, Any]]]]] = []
    own = {kind: store.packages.rows(kind, year) for kind in KINDS}
    if not full_ids:
        _mask(own)
    own_extra = {"positions": _own_positions(store)}
    if with_attachments:
        own_extra["attachments"] = _own_attachments(store, own)
    blocks.append((org, exported_at, {**own, **own_extra}))
    if with_subordinates:
        for sub in store.packages.active_orgs(year):
            if sub["org_uuid"] == own_uuid:
                continue
            rows = {
                kind: [
                    _from_stored(r) for r in store.packages.org_rows(sub["id"], _SUB_TABLE[kind])
                ]
                for kind in KINDS
            }
            if not full_ids:
                _mask(rows)
            rows["positions"] = _stored_extra(store, "sub_positions", _POSITION_FIELDS, sub["id"])
            if with_attachments:
                rows["attachments"] = _stored_extra(
                    store, "sub_attachments", _ATTACHMENT_FIELDS, sub["id"]
                )
            blocks.append((_org_of(sub), str(sub["exported_at"]), rows))
    notes: list[str] = []
    files: dict[str, tuple[Path, str, int]] = {}
    if with_attachments:
        files = _attachment_files(store, blocks, notes)
    if progress:
        progress(1, 4)

    parts: list[tuple[str, str, bytes | Path]] = []
    for block_org, block_at, rows in blocks:
        body = {
            "format": FORMAT,
            "organisation": block_org,
            "year": year,
            "exported_at": block_at,
            **rows,
        }
        data = json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1).encode()
        parts.append((f"records/{block_org['uuid']}.json", "records", data))

    with tempfile.TemporaryDirectory(prefix="kexie-package-") as folder:
        name = _UNSAFE_IN_NAMES.sub("", profile.org_name)
        summary_path = Path(folder) / f"{name}{year}年工作总结.docx"
        try:
            export_summary(store, year, summary_path, today=today)
            parts.append((summary_path.name, "summary", summary_path))
        except SummaryError:
            notes.append(f"{year}年没有活动或获奖记录，报送包中没有年度工作总结。")
        if progress:
            progress(2, 4)
        ledger_path = Path(folder) / f"{name}{year}年工作台账.xlsx"
        export_ledger(store, year, ledger_path, full_ids=full_ids)
        parts.append((ledger_path.name, "ledger", ledger_path))
        stats_path = Path(folder) / f"{name}{year}年统计年报数据.xlsx"
        try:
            export_stats(store, year, stats_path)
            parts.append((stats_path.name, "stats", stats_path))
        except StatsRefused as exc:
            # The figures are the clerk's to complete; the package goes without them.
            notes.append(
                f"统计年报数据还没有通过检查（{len(exc.problems)}处），报送包中没有统计年报工作簿。"
                "请在“导出 → 统计年报数据”中处理后重新导出报送包。"
            )
        for extra in extra_parts:
            if extra.kind not in PART_KINDS or not _safe_name(extra.name):
                raise PackageError(f"报送包的组成部分“{extra.name}”名称或种类不对。")
            extra_path = Path(folder) / f"extra-{len(parts)}"
            with extra_path.open("wb") as f:
                extra.write(f)
            parts.append((extra.name, extra.kind, extra_path))
        for part_name, (stored, _sha, _size) in sorted(files.items()):
            parts.append((part_name, "attachment", stored))
        if progress:
            progress(3, 4)

        listed = []
        for part_name, kind, content in parts:
            if part_name in files:  # hashed already when chosen; not read a second time here
                digest, size = files[part_name][1:]
            else:
                digest, size = _digest(content)
            listed.append({"name": part_name, "kind": kind, "size": size, "sha256": digest})
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "program": "科协工作台",
            "program_version": __version__,
            "schema": known_names(),
            "organisation": org,
            "year": year,
            "exported_at": exported_at,
            "full_ids": full_ids,
            "counts": {kind: len(own[kind]) for kind in KINDS},
            "organisations": [
                {
                    **block_org,
                    "exported_at": block_at,
                    "part": f"records/{block_org['uuid']}.json",
                    "counts": {kind: len(rows[kind]) for kind in KINDS},
                }
                for block_org, block_at, rows in blocks
            ],
            "parts": listed,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()

        def write(f: BinaryIO) -> None:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(MANIFEST, manifest_bytes)
                archive.writestr(MANIFEST_SUM, hashlib.sha256(manifest_bytes).hexdigest() + "\n")
                for part_name, kind, content in parts:
                    # Office files are zips already, photos and PDFs compressed: stored, not
                    # squeezed a second time.
                    method = zipfile.ZIP_STORED if kind != "records" else zipfile.ZIP_DEFLATED
                    if isinstance(content, bytes):
                        archive.writestr(part_name, content, compress_type=method)
                    else:
                        archive.write(content, part_name, compress_type=method)

        def verify(written: Path) -> None:
            read_package(written, records=False)

        path = write_safely(target, write, verify=verify)
    if progress:
        progress(4, 4)
    counts = {kind: len(own[kind]) for kind in KINDS}
    return PackageResult(
        path, path.stat().st_size, counts, len(blocks), notes,
        len(files), sum(size for _p, _s, size in files.values()),
    )  # fmt: skip


def _own_positions(store: Store) -> list[dict[str, Any]]:
    """People's 职务 (三长 as 兼职副主席…) with person and unit by UUID; the roster is whole, so
    are its positions (their terms say which year they count in)."""
    rows = store.conn.execute(
        "SELECT p.uuid, u.uuid, x.post, x.background, x.start_date, x.end_date "
        "FROM positions x JOIN people p ON p.id = x.person_id JOIN units u ON u.id = x.unit_id "
        "ORDER BY x.id"
    )
    return [dict(zip(_POSITION_FIELDS, row, strict=True)) for row in rows]


def _own_attachments(store: Store, own: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The attachments (files and links) of the year's activities and awards in `own`."""
    activities = {row["uuid"] for row in own["activities"]}
    awards = {row["uuid"] for row in own["awards"]}
    rows = store.conn.execute(
        "SELECT x.uuid, a.uuid, w.uuid, x.kind, x.caption, x.original_name, x.sha256, "
        "x.file_type, x.size, x.url, x.link_title, x.link_date, x.position, x.created_at "
        "FROM attachments x LEFT JOIN activities a ON a.id = x.activity_id "
        "LEFT JOIN awards w ON w.id = x.award_id ORDER BY x.id"
    )
    out = []
    for row in rows:
        item = dict(zip(_ATTACHMENT_FIELDS, row, strict=True))
        if item["activity_uuid"] in activities or item["award_uuid"] in awards:
            out.append(item)
    return out


def _stored_extra(
    store: Store, table: str, fields: Sequence[str], org_id: int
) -> list[dict[str, Any]]:
    assert table in ("sub_attachments", "sub_positions"), table
    rows = store.conn.execute(
        f"SELECT {', '.join(fields)} FROM {table} WHERE org_id = ? ORDER BY id", [org_id]
    )
    return [dict(zip(fields, row, strict=True)) for row in rows]


def _attachment_files(
    store: Store,
    blocks: list[tuple[dict[str, Any], str, dict[str, list[dict[str, Any]]]]],
    notes: list[str],
) -> dict[str, tuple[Path, str, int]]:
    """Part name → (stored file, sha256, size) of each file the blocks' attachments name, each
    hashed once here. A file missing from the store or changed leaves its attachments out of
    the package (a receiver refuses a row whose file is not there), named in `notes`."""
    data_dir = store.data_folder
    wanted: dict[str, tuple[str, str]] = {}
    for _org, _at, rows in blocks:
        for item in rows.get("attachments", []):
            if item["sha256"]:
                wanted[attachment_part(item["sha256"], item["file_type"])] = (
                    item["sha256"], item["file_type"]
                )  # fmt: skip
    files: dict[str, tuple[Path, str, int]] = {}
    total = 0
    bad: set[str] = set()
    for name, (sha, file_type) in sorted(wanted.items()):
        if data_dir is None:
            bad.add(sha)
            continue
        path = att.stored_path(data_dir, sha, file_type)
        try:
            digest, size = _digest(path)
        except OSError:
            bad.add(sha)
            continue
        if digest != sha:
            bad.add(sha)
            continue
        total += size
        files[name] = (path, sha, size)
    if total > MAX_ATTACHMENTS_TOTAL:
        raise PackageError(
            f"附件文件共 {total / 2**30:.1f} GB，放进一个报送包太大（U盘常用的 FAT32 格式中"
            "单个文件不能超过 4 GB）。请不带附件导出，或只导出本组织的数据（不转报下级组织的）。"
        )
    if bad:
        for block_org, _at, rows in blocks:
            if "attachments" in rows:
                left = [a for a in rows["attachments"] if a["sha256"] in bad]
                rows["attachments"] = [a for a in rows["attachments"] if a["sha256"] not in bad]
                names = "、".join(f"“{a['caption'] or a['original_name']}”" for a in left[:5])
                if left:
                    notes.append(
                        f"{block_org['name']}的{len(left)}个附件文件缺失或已改变，没有放进报送包"
                        f"（{names}{'等' if len(left) > 5 else ''}）。"
                    )
    return files


def attachments_estimate(
    store: Store, year: int, *, with_subordinates: bool = True
) -> tuple[int, int]:
    """(files, bytes) the package's attachments would take: each file counted once."""
    start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    sizes: dict[str, int] = dict(
        store.conn.execute(
            "SELECT x.sha256, max(x.size) FROM attachments x "
            "LEFT JOIN activities a ON a.id = x.activity_id "
            "LEFT JOIN awards w ON w.id = x.award_id WHERE x.sha256 IS NOT NULL AND "
            "((a.start_date >= ? AND a.start_date < ?) OR "
            "(w.award_date >= ? AND w.award_date < ?)) "
            "GROUP BY x.sha256",
            [start, end, start, end],
        ).fetchall()
    )
    if with_subordinates:
        own_uuid = store.settings.org_uuid()
        for sha, size in store.conn.execute(
            "SELECT x.sha256, max(x.size) FROM sub_attachments x "
            "JOIN sub_orgs o ON o.id = x.org_id "
            "WHERE o.active = 1 AND o.year = ? AND o.org_uuid != ? AND x.sha256 IS NOT NULL "
            "GROUP BY x.sha256",
            [year, own_uuid],
        ):
            sizes.setdefault(sha, size)
    return len(sizes), sum(int(size or 0) for size in sizes.values())


def _digest(content: bytes | Path) -> tuple[str, int]:
    if isinstance(content, bytes):
        return hashlib.sha256(content).hexdigest(), len(content)
    digest = hashlib.sha256()
    size = 0
    with content.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _mask(rows: dict[str, list[dict[str, Any]]]) -> None:
    for person in rows["people"]:
        person["id_number"] = mask_id_number(str(person.get("id_number") or ""))
        person["phone"] = mask_phone(str(person.get("phone") or ""))
    for unit in rows["units"]:
        unit["contact_phone"] = mask_phone(str(unit.get("contact_phone") or ""))


def _from_stored(row: dict[str, Any]) -> dict[str, Any]:
    """A received record as its sender wrote it: the stored columns plus the extra fields."""
    out = {k: v for k, v in row.items() if k not in ("id", "org_id", "extra_json")}
    if "person_uuids" in out:
        out["person_uuids"] = json.loads(out["person_uuids"])
    out.update(json.loads(row["extra_json"]))
    return out


def _org_of(sub: dict[str, Any]) -> dict[str, str]:
    return {
        "uuid": sub["org_uuid"],
        "name": sub["org_name"],
        "level": sub["org_level"],
        "place": sub["org_place"],
        "parent_name": sub["parent_name"],
        "parent_uuid": sub["parent_uuid"],
    }
