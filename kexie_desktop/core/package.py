"""Submission packages (报送包): one organisation's year, written onto a stick and merged above.

The format is a plain zip named 「…2025年报送包.zip」. A zip because the receiving office may not
run the program: Windows opens it without any software, and the summary and ledger inside can be
read and printed as they are; the manifest makes it a package for the program. Inside:

- manifest.json: format and versions, the organisation (name, UUID, level, parent), year, export
  time, counts, and name, kind, size and SHA-256 of every other part;
- manifest.sha256: the SHA-256 of manifest.json, so a changed byte in the manifest is caught too;
- records/<UUID>.json: one organisation's records of the year (units and people as they stand,
  the year's activities and awards), every field, links by UUID; ID numbers and phones masked
  unless the clerk chose otherwise. A county's package also carries the blocks it received from
  its townships, each under its own UUID with its original export time, so a city that imports
  it counts every organisation once — and a township's block it already holds from elsewhere is
  kept or replaced by export time, never added twice;
- the summary (.docx) and the ledger (.xlsx), as the clerk would export them; further parts
  (the statistics workbook) are listed the same way by name and kind;
- with the clerk's choice, the evidence attachments: each file once, as
  attachments/<sha256>.<type> (content-addressed like the attachment store, so a photo shared by
  two activities or by a township and its county travels once), stored uncompressed (photos and
  PDFs do not shrink); what each is (kind, caption, link, which activity/award by UUID) is in the
  records of its organisation, beside the people's 职务 (positions).

Reading one is reading untrusted input (CLARIFICATIONS "All issues"): the file and every part
are bounded in size and compression ratio before anything is decompressed, entry names must be
plain relative paths listed in the manifest, nothing is written to disk or executed, every hash
is checked before any record is looked at, and the data are only changed, in one transaction,
once the whole package has been read and checked. Every refusal says in Chinese what is wrong.
Attachment files are the one thing written to disk on merging: streamed out of the zip (1 MB at
a time) into the attachment store's folder, hashed again on the way, checked against their type
by the attachment importer's own checks (an .exe named .jpg is refused), and only moved into
place once every file of the package has passed — then the records in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import stat
import struct
import tempfile
import uuid as uuid_module
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from kexie_desktop import __version__
from kexie_desktop.core import attachments as att
from kexie_desktop.core.migrations import known_names
from kexie_desktop.core.privacy import mask_id_number, mask_phone
from kexie_desktop.core.safe_write import write_safely
from kexie_desktop.core.store import Store

Progress = Callable[[int, int], None]

FORMAT = "kexie-submission"
FORMAT_VERSION = 1
SUFFIX = ".zip"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"

# Bounds for a package read from outside. A real county year (5,000 activities, 3,000 people)
# is under 5 MB of records and 2 MB of documents; these leave a hundredfold room. With its
# evidence a township's year is about 1 GB (300 photos of 3–4 MB and scans), a county passing
# on its townships' more: the package is bounded by what one file can be on a FAT32 stick
# (4 GiB less a byte) and by the number of files a zip directory of that size may sensibly list.
MAX_PACKAGE_BYTES = (4 << 30) - 1  # the file on the stick
MAX_ENTRIES = 50_000
# The zip's central directory is read whole into memory by zipfile (and a ZipInfo made of each
# entry) before anything can be counted: its size and count are read from the end record
# first. 50,000 entries of the longest names are under 20 MB.
MAX_DIRECTORY_BYTES = 32 << 20
MAX_MANIFEST_BYTES = 1 << 20
MAX_RECORDS_BYTES = 64 << 20  # one organisation's records, uncompressed
MAX_PART_BYTES = 512 << 20  # a document, uncompressed
MAX_ATTACHMENT_BYTES = att.MAX_FILE_BYTES  # an attachment: what the attachment importer accepts
MAX_TOTAL_BYTES = 4 << 30  # all parts together, uncompressed
# JSON and Office XML deflate 5–20 fold; a bomb does a thousand fold and more.
MAX_RATIO = 200
MAX_ORGANISATIONS = 2000
MAX_ROWS = 500_000  # records of one kind in one block
MAX_TEXT = 100_000  # characters in one field
ATTACHMENTS_PREFIX = "attachments/"
# Attachments refused at export: the package would not fit one FAT32 file with the records and
# documents beside them.
MAX_ATTACHMENTS_TOTAL = (4 << 30) - (256 << 20)
# Above this the export dialog says writing will take a while (a USB 2 stick writes 10–20 MB/s).
LARGE_PACKAGE_BYTES = 500 << 20

KINDS = ("units", "people", "activities", "awards")
KIND_LABELS = {"units": "基层组织", "people": "人员", "activities": "活动", "awards": "奖项"}
PART_KINDS = {
    "records": "记录",
    "summary": "年度工作总结",
    "ledger": "台账",
    "stats": "统计年报数据",
    "attachment": "佐证材料",
}

# The columns the subordinates' tables keep of each kind; every other field a record carries
# goes into extra_json (a newer sender's fields, passed on unchanged).
_COLUMNS: dict[str, dict[str, str]] = {
    "units": {
        "name": "text!",
        "kind": "text!",
        "established_date": "date",
        "contact_person": "text",
        "contact_phone": "text",
        "member_count": "count?",
        "founded_this_year": "flag",
    },
    "people": {
        "name": "text!",
        "gender": "text",
        "birth_date": "date",
        "ethnicity": "text",
        "id_number": "text",
        "phone": "text",
        "unit_uuid": "ref",
        "title": "text",
        "education": "text",
        "speciality": "text",
        "roles": "text",
        "join_date": "date",
        "status": "text",
    },
    "activities": {
        "title": "text!",
        "category": "text!",
        "start_date": "date!",
        "end_date": "date",
        "unit_uuid": "ref",
        "co_organisers": "text",
        "place": "text",
        "audience": "text",
        "participants": "count?",
        "highlight": "flag",
        "description": "text",
        "reports": "count",
        "problems_solved": "count",
        "technologies_promoted": "count",
        "articles": "count",
        "messages": "count",
        "person_uuids": "refs",
    },
    "awards": {
        "name": "text!",
        "level": "text!",
        "award_date": "date",
        "person_uuid": "ref",
        "unit_uuid": "ref",
        "team": "text",
        "issuer": "text",
        "certificate_no": "text",
        "note": "text",
        "activity_uuid": "ref",
    },
}
_COMMON = {"uuid": "uuid!", "created_at": "text", "updated_at": "text", "notes": "text"}
_SUB_TABLE = {kind: f"sub_{kind}" for kind in KINDS}
_REF_TARGET = {
    "unit_uuid": "units",
    "person_uuid": "people",
    "activity_uuid": "activities",
    "person_uuids": "people",
}

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$")
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\r\n\t]')


class PackageError(Exception):
    """A package that cannot be written or is refused; the message is Chinese, for the clerk."""


# -- writing ------------------------------------------------------------------------------------


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


_ATTACHMENT_FIELDS = ("uuid", "activity_uuid", "award_uuid", "kind", "caption", "original_name",
                      "sha256", "file_type", "size", "url", "link_title", "link_date",
                      "position", "created_at")  # fmt: skip
_POSITION_FIELDS = ("person_uuid", "unit_uuid", "post", "background", "start_date", "end_date")


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


def attachment_part(sha256: str, file_type: str) -> str:
    return f"{ATTACHMENTS_PREFIX}{sha256}.{file_type}"


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


# -- reading ------------------------------------------------------------------------------------


@dataclass
class Block:
    """One organisation's records of the year, read from a package and checked."""

    org: dict[str, str]
    exported_at: str
    digest: str
    counts: dict[str, int]
    rows: dict[str, list[dict[str, Any]]]
    attachments: list[dict[str, Any]] = field(default_factory=list)
    positions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Package:
    path: Path
    manifest: dict[str, Any]
    manifest_sha256: str
    blocks: list[Block]

    @property
    def org(self) -> dict[str, str]:
        return dict(self.manifest["organisation"])

    @property
    def year(self) -> int:
        return int(self.manifest["year"])

    @property
    def exported_at(self) -> str:
        return str(self.manifest["exported_at"])

    def describe(self) -> str:
        """What the package holds, as the clerk is shown it before merging."""
        m = self.manifest
        org = self.org
        level = f"（{org['level']}）" if org.get("level") else ""
        lines = [
            f"报送单位：{org['name']}{level}",
            f"识别码：{org['uuid']}",
            f"上级组织：{org.get('parent_name') or '（未填写）'}",
            f"年度：{self.year}年",
            f"导出时间：{local_time(self.exported_at)}（科协工作台 {m['program_version']}）",
            "本组织记录：" + "、".join(f"{KIND_LABELS[k]}{m['counts'][k]}条" for k in KINDS),
        ]
        others = [b for b in self.blocks if b.org["uuid"] != org["uuid"]]
        if others:
            lines.append(f"另含{len(others)}个下级组织的数据：")
            for b in others:
                lines.append(
                    f"  {b.org['name']}：活动{b.counts['activities']}条、"
                    f"人员{b.counts['people']}条、奖项{b.counts['awards']}条"
                )
        documents = [p for p in m["parts"] if p["kind"] not in ("records", "attachment")]
        if documents:
            lines.append("附带文件：" + "、".join(p["name"] for p in documents))
        files = [p for p in m["parts"] if p["kind"] == "attachment"]
        links = sum(1 for b in self.blocks for a in b.attachments if not a["sha256"])
        if files or links:
            size = sum(p["size"] for p in files)
            lines.append(
                f"佐证材料：附件文件{len(files)}个（{size_text(size)}）"
                + (f"、新闻链接{links}个" if links else "")
            )
        if m.get("full_ids"):
            lines.append("注意：包中含完整的身份证号码和电话，请妥善保管。")
        return "\n".join(lines)


def size_text(size: int) -> str:
    if size < 1 << 20:
        return f"{size / 1024:.0f} KB"
    if size < 1 << 30:
        return f"{size / 2**20:.1f} MB"
    return f"{size / 2**30:.2f} GB"


def addressed_elsewhere(store: Store, package: Package) -> str:
    """A warning when the package names a parent that is not this organisation (by UUID when
    the sender knew it): it may have been meant for another county. Merging is still allowed —
    the clerk may be gathering for a neighbour — but never without being told."""
    org = package.org
    parent_uuid = org.get("parent_uuid", "")
    if parent_uuid and parent_uuid != store.settings.org_uuid():
        return (
            f"注意：这个报送包写明的上级组织是“{org.get('parent_name') or '（未写名称）'}”"
            f"（识别码 {parent_uuid}），不是本组织。请确认应由本组织导入。"
        )
    return ""


def local_time(stamp: str) -> str:
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def read_package(path: Path, *, records: bool = True) -> Package:
    """Open and check a package: bounds, names, versions and every hash; with `records`, also
    parse and check every organisation's records. Raises PackageError naming what is wrong."""
    path = Path(path)
    label = f"报送包“{path.name}”"
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PackageError(f"无法读取{label}：{exc.strerror or exc}") from exc
    if size > MAX_PACKAGE_BYTES:
        raise PackageError(f"{label}有 {size / 2**20:.0f} MB，超过了报送包的上限，没有导入。")
    try:
        _check_directory(path, size, label)
        with zipfile.ZipFile(path) as archive:
            return _read(archive, path, label, records)
    except zipfile.BadZipFile as exc:
        raise PackageError(f"{label}不是报送包，或者文件已损坏（{exc}）。没有导入。") from exc
    except (OSError, EOFError) as exc:
        raise PackageError(f"读取{label}时出错，文件可能已损坏：{exc}。没有导入。") from exc


def _check_directory(path: Path, size: int, label: str) -> None:
    """Refuse a zip whose central directory claims more entries or bytes than a package can
    have, from its end records (the last 64 KB, and the Zip64 record they point to), before
    zipfile reads the directory into memory. A file without an end record is left for zipfile
    to refuse as not a zip."""
    with path.open("rb") as f:
        start = max(0, size - (1 << 16) - 22)
        f.seek(start)
        tail = f.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            return
        entries, directory = struct.unpack("<xxxxxxxxxxHI", tail[at : at + 16])
        if at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
            (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])
            if offset < size:
                f.seek(offset)
                record = f.read(56)
                if len(record) == 56 and record[:4] == b"PK\x06\x06":
                    entries, directory = struct.unpack("<QQ", record[32:48])
    if entries > MAX_ENTRIES or directory > MAX_DIRECTORY_BYTES:
        raise PackageError(
            f"{label}的目录中有{entries}个文件（{directory / 2**20:.0f} MB），超过上限，没有导入。"
        )


def _read(archive: zipfile.ZipFile, path: Path, label: str, records: bool) -> Package:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise PackageError(f"{label}中有{len(infos)}个文件，超过上限，没有导入。")
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if not _safe_name(name) or stat.S_ISLNK(info.external_attr >> 16):
            raise PackageError(
                f"{label}中有一个文件名不安全（“{name}”，指向包外的位置或是链接），"
                "这不是科协工作台写出的报送包，没有导入。"
            )
        if name in entries:
            raise PackageError(f"{label}中“{name}”出现了两次，没有导入。")
        entries[name] = info
    for required in (MANIFEST, MANIFEST_SUM):
        if required not in entries:
            raise PackageError(
                f"{label}中缺少清单（{required}），不是科协工作台的报送包，没有导入。"
            )
    manifest_bytes = _read_entry(archive, entries[MANIFEST], MAX_MANIFEST_BYTES, label)
    written_sum = _read_entry(archive, entries[MANIFEST_SUM], 200, label).decode("ascii", "replace")
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    if written_sum.strip() != manifest_sha256:
        raise PackageError(
            f"{label}的清单（{MANIFEST}）与其校验值（{MANIFEST_SUM}）不符："
            "文件已损坏或被改动过，没有导入。"
        )
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, RecursionError) as exc:
        raise PackageError(f"{label}的清单无法读取：{exc}。没有导入。") from exc
    _check_manifest(manifest, label)

    listed = {part["name"]: part for part in manifest["parts"]}
    unlisted = sorted(set(entries) - set(listed) - {MANIFEST, MANIFEST_SUM})
    if unlisted:
        raise PackageError(f"{label}中有清单上没有的文件（{'、'.join(unlisted[:5])}），没有导入。")
    total = 0
    contents: dict[str, bytes] = {}
    for name, part in listed.items():
        if name not in entries:
            raise PackageError(f"{label}中缺少“{name}”（清单上有），没有导入。")
        info = entries[name]
        limit = {"records": MAX_RECORDS_BYTES, "attachment": MAX_ATTACHMENT_BYTES}.get(
            part["kind"], MAX_PART_BYTES
        )
        if part["size"] != info.file_size:
            raise PackageError(
                f"{label}中的“{name}”大小与清单不符：文件已损坏或被改动过，没有导入。"
            )
        total += info.file_size
        if info.file_size > limit or total > MAX_TOTAL_BYTES:
            raise PackageError(f"{label}中的“{name}”过大，超过了报送包的上限，没有导入。")
        if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise PackageError(f"{label}中的“{name}”压缩比异常（可能是“压缩炸弹”），没有导入。")
        keep = part["kind"] == "records" and records
        digest, data = _hash_entry(archive, info, limit, label, keep=keep)
        if digest != part["sha256"]:
            raise PackageError(
                f"{label}中的“{name}”（{PART_KINDS[part['kind']]}）校验不符："
                "文件已损坏或被改动过，没有导入。"
            )
        if keep:
            contents[name] = data
    blocks = []
    if records:
        for entry in manifest["organisations"]:
            blocks.append(_block(contents[entry["part"]], entry, manifest, label))
    return Package(path, manifest, manifest_sha256, blocks)


def _safe_name(name: str) -> bool:
    """A plain relative path inside the package: no drive, no root, no `..`, no backslash."""
    if not name or len(name) > 255 or "\\" in name or ":" in name or "\x00" in name:
        return False
    pure = PurePosixPath(name)
    if pure.is_absolute() or name.endswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, label: str) -> bytes:
    if info.file_size > limit:
        raise PackageError(f"{label}中的“{info.filename}”过大，没有导入。")
    return _hash_entry(archive, info, limit, label, keep=True)[1]


def _hash_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, label: str, *, keep: bool
) -> tuple[str, bytes]:
    """Stream an entry, never reading more than its declared size (nor `limit`)."""
    digest = hashlib.sha256()
    kept = bytearray()
    read = 0
    cap = min(limit, info.file_size)
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(min(1 << 20, cap + 1 - read))
                if not chunk:
                    break
                read += len(chunk)
                if read > cap:
                    raise PackageError(f"{label}中的“{info.filename}”比清单所写的大，没有导入。")
                digest.update(chunk)
                if keep:
                    kept += chunk
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
        # CRC mismatches and inflate errors: a flipped byte in the compressed data.
        raise PackageError(f"{label}中的“{info.filename}”已损坏（{exc}），没有导入。") from exc
    except (RuntimeError, NotImplementedError) as exc:
        # An encrypted entry, or a compression method the program never writes.
        raise PackageError(
            f"{label}中的“{info.filename}”加了密码或用了不支持的压缩方式，"
            "不是科协工作台写出的报送包，没有导入。"
        ) from exc
    return digest.hexdigest(), bytes(kept)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text)[:4])


def _check_manifest(m: Any, label: str) -> None:
    bad = f"{label}的清单内容不对（{{}}），不是科协工作台写出的报送包，没有导入。"
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise PackageError(bad.format("不是报送包清单"))
    version = m.get("format_version")
    program = m.get("program_version")
    schema = m.get("schema")
    if not isinstance(version, int) or not isinstance(program, str) or not isinstance(schema, list):
        raise PackageError(bad.format("缺少版本信息"))
    newer_schema = [name for name in schema if name not in known_names()]
    if _version(program) > _version(__version__):
        raise PackageError(
            f"{label}由更新版本的科协工作台（{program[:20]}）导出，当前版本（{__version__}）"
            "无法读取其中的全部内容，没有导入。请先把科协工作台升级到最新版本。"
        )
    if version > FORMAT_VERSION or newer_schema:
        raise PackageError(
            f"{label}由更新版本的科协工作台导出（包的格式或数据结构比当前版本（{__version__}）新），"
            "当前版本无法读取其中的全部内容，没有导入。请先把科协工作台升级到最新版本。"
        )
    org = m.get("organisation")
    if not isinstance(org, dict) or not _is_org(org):
        raise PackageError(bad.format("报送单位"))
    year = m.get("year")
    if not isinstance(year, int) or not 1900 <= year <= 2200:
        raise PackageError(bad.format("年度"))
    if not isinstance(m.get("exported_at"), str) or not _STAMP.match(m["exported_at"]):
        raise PackageError(bad.format("导出时间"))
    counts = m.get("counts")
    if not isinstance(counts, dict) or not all(
        isinstance(counts.get(k), int) and counts[k] >= 0 for k in KINDS
    ):
        raise PackageError(bad.format("记录数"))
    parts = m.get("parts")
    if not isinstance(parts, list) or not parts or len(parts) > MAX_ENTRIES:
        raise PackageError(bad.format("组成部分"))
    names = set()
    for part in parts:
        if (
            not isinstance(part, dict)
            or not isinstance(part.get("name"), str)
            or not _safe_name(part["name"])
            or part.get("kind") not in PART_KINDS
            or not isinstance(part.get("size"), int)
            or not isinstance(part.get("sha256"), str)
            or part["name"] in names
            or part["name"] in (MANIFEST, MANIFEST_SUM)
        ):
            raise PackageError(bad.format("组成部分"))
        names.add(part["name"])
    orgs = m.get("organisations")
    if not isinstance(orgs, list) or not orgs or len(orgs) > MAX_ORGANISATIONS:
        raise PackageError(bad.format("组织列表"))
    seen = set()
    for entry in orgs:
        if (
            not isinstance(entry, dict)
            or not _is_org(entry)
            or entry["uuid"] in seen
            or entry.get("part") != f"records/{entry['uuid']}.json"
            or entry["part"] not in names
            or not isinstance(entry.get("exported_at"), str)
            or not _STAMP.match(entry["exported_at"])
        ):
            raise PackageError(bad.format("组织列表"))
        seen.add(entry["uuid"])
    if orgs[0]["uuid"] != org["uuid"]:
        raise PackageError(bad.format("组织列表"))
    records_parts = {p["name"] for p in parts if p["kind"] == "records"}
    if records_parts != {entry["part"] for entry in orgs}:
        raise PackageError(bad.format("记录部分"))


def _is_org(org: dict[str, Any]) -> bool:
    text = ("name", "level", "place", "parent_name", "parent_uuid")
    return (
        isinstance(org.get("uuid"), str)
        and bool(_UUID.match(org["uuid"]))
        and all(isinstance(org.get(k, ""), str) and len(org.get(k, "")) <= 200 for k in text)
        and bool(org.get("name", "").strip())
    )


def _block(data: bytes, entry: dict[str, Any], manifest: dict[str, Any], label: str) -> Block:
    """Parse and check one organisation's records: shape, types, references, bounds."""
    where = f"{label}中“{entry['name']}”的记录"
    try:
        body = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise PackageError(f"{where}无法读取：{exc}。没有导入。") from exc
    if (
        not isinstance(body, dict)
        or body.get("format") != FORMAT
        or body.get("year") != manifest["year"]
        or not isinstance(body.get("organisation"), dict)
        or body["organisation"].get("uuid") != entry["uuid"]
        or body.get("exported_at") != entry["exported_at"]
    ):
        raise PackageError(f"{where}与清单不符，没有导入。")
    rows: dict[str, list[dict[str, Any]]] = {}
    uuids: dict[str, set[str]] = {}
    for kind in KINDS:
        items = body.get(kind)
        if not isinstance(items, list) or len(items) > MAX_ROWS:
            raise PackageError(f"{where}中缺少{KIND_LABELS[kind]}部分，没有导入。")
        converted = []
        seen: set[str] = set()
        for n, item in enumerate(items, 1):
            row = _row(kind, item, functools.partial(_nth, where, n, kind))
            if row["uuid"] in seen:
                raise PackageError(f"{where}中有两条{KIND_LABELS[kind]}的识别码相同，没有导入。")
            seen.add(row["uuid"])
            converted.append(row)
        rows[kind] = converted
        uuids[kind] = seen
    # Units and people are the whole roster; activities and awards are of the year only, so
    # an award may name an activity of another year: that link is dropped, not refused.
    year = manifest["year"]
    for kind in KINDS:
        for n, row in enumerate(rows[kind], 1):
            for column, target in _REF_TARGET.items():
                if column not in row:
                    continue
                values = json.loads(row[column]) if column == "person_uuids" else [row[column]]
                missing = [v for v in values if v is not None and v not in uuids[target]]
                if missing and column == "activity_uuid":
                    row[column] = None
                elif missing:
                    raise PackageError(
                        f"{where}中第{n}条{KIND_LABELS[kind]}引用了包中没有的"
                        f"{KIND_LABELS[target]}，没有导入。"
                    )
        date = {"activities": "start_date", "awards": "award_date"}.get(kind)
        if date and any(
            row[date] and not str(row[date]).startswith(str(year)) for row in rows[kind]
        ):
            raise PackageError(f"{where}中有不属于{year}年的{KIND_LABELS[kind]}，没有导入。")
    counts = {kind: len(rows[kind]) for kind in KINDS}
    if counts != entry.get("counts"):
        raise PackageError(f"{where}条数与清单不符，没有导入。")
    org = {
        k: str(entry.get(k, ""))
        for k in ("uuid", "name", "level", "place", "parent_name", "parent_uuid")
    }
    files = {
        part["name"]: part["size"] for part in manifest["parts"] if part["kind"] == "attachment"
    }
    attachments = _attachments(body.get("attachments", []), uuids, files, where)
    positions = _positions(body.get("positions", []), uuids, where)
    return Block(
        org, entry["exported_at"], hashlib.sha256(data).hexdigest(), counts, rows,
        attachments, positions,
    )  # fmt: skip


def _text(value: Any, limit: int, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if type(value) is not str or len(value) > limit or (required and not value.strip()):
        raise _Bad
    return value


def _date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if type(value) is not str or not _DATE.match(value):
        raise _Bad
    return value


def _attachments(
    items: Any, uuids: dict[str, set[str]], files: dict[str, int], where: str
) -> list[dict[str, Any]]:
    """The block's attachment rows, checked: each names an activity or award of the block, and
    a file that is a part of the package (of the size the row says) or a web address."""
    if not isinstance(items, list) or len(items) > MAX_ROWS:
        raise PackageError(f"{where}中的附件部分格式不对，没有导入。")
    out = []
    seen: set[str] = set()
    types = set(att.FILE_TYPES)
    for n, item in enumerate(items, 1):
        nth = f"{where}中第{n}个附件"
        try:
            if not isinstance(item, dict):
                raise _Bad
            uuid = _text(item.get("uuid"), 64, required=True)
            activity = item.get("activity_uuid")
            award = item.get("award_uuid")
            if (activity is None) == (award is None):
                raise _Bad
            sha = item.get("sha256")
            file_type = item.get("file_type") or ""
            size = item.get("size")
            url = _text(item.get("url"), 2000)
            if sha is None:
                if file_type or not url.lower().startswith(("http://", "https://")):
                    raise _Bad
                size = None
            elif (
                type(sha) is not str
                or not re.fullmatch(r"[0-9a-f]{64}", sha)
                or file_type not in types
                or url
                or type(size) is not int
                or files.get(attachment_part(sha, file_type)) != size
            ):
                raise _Bad
            position = item.get("position", 0)
            if type(position) is not int or not 0 <= position < 10**9:
                raise _Bad
            row = {
                "uuid": uuid,
                "activity_uuid": _text(activity, 64) if activity is not None else None,
                "award_uuid": _text(award, 64) if award is not None else None,
                "kind": _text(item.get("kind"), 20, required=True),
                "caption": _text(item.get("caption"), 1000),
                "original_name": _text(item.get("original_name"), 255),
                "sha256": sha,
                "file_type": file_type,
                "size": size,
                "url": url,
                "link_title": _text(item.get("link_title"), 1000),
                "link_date": _date(item.get("link_date")),
                "position": position,
                "created_at": _text(item.get("created_at"), 40),
            }
        except _Bad:
            raise PackageError(f"{nth}的内容不对，没有导入。") from None
        owner = row["activity_uuid"] or row["award_uuid"]
        kind = "activities" if row["activity_uuid"] else "awards"
        if owner not in uuids[kind]:
            raise PackageError(f"{nth}属于包中没有的{KIND_LABELS[kind]}，没有导入。")
        if uuid in seen:
            raise PackageError(f"{where}中有两个附件的识别码相同，没有导入。")
        seen.add(uuid)
        out.append(row)
    return out


def _positions(items: Any, uuids: dict[str, set[str]], where: str) -> list[dict[str, Any]]:
    """People's 职务: person and unit of the block, a post, dates."""
    if not isinstance(items, list) or len(items) > MAX_ROWS:
        raise PackageError(f"{where}中的职务部分格式不对，没有导入。")
    out = []
    for n, item in enumerate(items, 1):
        try:
            if not isinstance(item, dict):
                raise _Bad
            row = {
                "person_uuid": _text(item.get("person_uuid"), 64, required=True),
                "unit_uuid": _text(item.get("unit_uuid"), 64, required=True),
                "post": _text(item.get("post"), 50, required=True),
                "background": _text(item.get("background"), 50),
                "start_date": _date(item.get("start_date")),
                "end_date": _date(item.get("end_date")),
            }
        except _Bad:
            raise PackageError(f"{where}中第{n}条职务的内容不对，没有导入。") from None
        if row["person_uuid"] not in uuids["people"] or row["unit_uuid"] not in uuids["units"]:
            raise PackageError(f"{where}中第{n}条职务引用了包中没有的人员或组织，没有导入。")
        out.append(row)
    return out


def _nth(where: str, n: int, kind: str) -> str:
    return f"{where}中第{n}条{KIND_LABELS[kind]}"


class _Bad(Exception):
    """A field that does not fit; the caller names the record and the field."""


# Per kind, each column with its check: (column, kind, required, nullable). Parsed once: a
# county's import checks some two million fields.
_SPECS = {
    kind: [
        (column, spec.rstrip("!?"), spec.endswith("!"), spec.endswith("?"))
        for column, spec in {**_COMMON, **_COLUMNS[kind]}.items()
    ]
    for kind in KINDS
}
_EXTRA_NAMES = {"uuid": "识别码", "created_at": "创建时间", "updated_at": "修改时间",
                "person_uuids": "参与人员", "unit_uuid": "单位", "person_uuid": "获奖人",
                "activity_uuid": "关联活动"}  # fmt: skip


def _row(kind: str, item: Any, where: Callable[[], str]) -> dict[str, Any]:
    """A record in the column order of its subordinates' table; other fields in extra_json."""
    if not isinstance(item, dict):
        raise PackageError(f"{where()}格式不对，没有导入。")
    row: dict[str, Any] = {}
    for column, check, required, nullable in _SPECS[kind]:
        try:
            row[column] = _value(item.get(column), check, required, nullable)
        except _Bad:
            from kexie_desktop.core.validation import label

            name = _EXTRA_NAMES.get(column) or label(column, kind)
            raise PackageError(f"{where()}的“{name}”不对，没有导入。") from None
    extra = {k: v for k, v in item.items() if k not in row}
    text = json.dumps(extra, ensure_ascii=False) if extra else "{}"
    if len(text) > MAX_TEXT:
        raise PackageError(f"{where()}附带的内容过长，没有导入。")
    row["extra_json"] = text
    return row


def _value(value: Any, kind: str, required: bool, nullable: bool) -> Any:
    if kind in ("text", "date", "ref", "uuid"):
        if value is None:
            if required:
                raise _Bad
            return "" if kind == "text" else None
        if type(value) is not str or len(value) > MAX_TEXT:
            raise _Bad
        if required and not value.strip():
            raise _Bad
        if kind == "date" and value and not _DATE.match(value):
            raise _Bad
        if kind in ("ref", "uuid") and len(value) > 64:
            raise _Bad
        return None if kind in ("date", "ref") and not value else value
    if kind == "refs":
        if type(value) is not list or len(value) > MAX_ROWS:
            raise _Bad
        if not all(type(v) is str and len(v) <= 64 for v in value):
            raise _Bad
        return json.dumps(value)
    if kind in ("count", "flag"):
        if value is None:
            return None if nullable else 0
        if type(value) is not int or not 0 <= value < 10**9:  # bool is not int here
            raise _Bad
        return 1 if kind == "flag" and value else value
    raise AssertionError(kind)


# -- merging ------------------------------------------------------------------------------------


@dataclass
class MergeResult:
    package: Package
    added: list[str]
    replaced: list[str]
    kept: list[str]
    removed: list[str]
    batch_id: int | None
    skipped: str = ""

    def summary(self) -> str:
        org = self.package.org["name"]
        year = self.package.year
        if self.skipped:
            return self.skipped
        if self.batch_id is None:
            return f"{org}{year}年的报送包此前已经导入，数据没有变化。"
        parts = []
        if self.added:
            parts.append(f"新增{'、'.join(self.added)}的数据")
        if self.replaced:
            parts.append(f"以较新的数据替换了{'、'.join(self.replaced)}此前报送的数据")
        if self.removed:
            parts.append(f"撤下了{'、'.join(self.removed)}（新包中已不含）")
        if self.kept:
            parts.append(f"{'、'.join(self.kept)}的数据与已有的相同或较旧，保留已有的")
        return f"已导入{org}{year}年报送包：" + "；".join(parts) + "。可在“文件 → 导入记录”中撤销。"


def merge_package(store: Store, package: Package) -> MergeResult:
    """Merge a checked package (read_package) as one undoable batch."""
    own = store.settings.org_uuid()
    org = package.org
    if org["uuid"] == own:
        raise PackageError(
            f"“{package.path.name}”是本组织自己导出的报送包，不能导入到本组织的数据中。"
        )
    previous = store.packages.latest_submission(org["uuid"], package.year)
    if previous is not None:
        if previous["manifest_sha256"] == package.manifest_sha256:
            return MergeResult(package, [], [], [], [], None)
        if previous["exported_at"] > package.exported_at:
            return MergeResult(
                package,
                [],
                [],
                [],
                [],
                None,
                skipped=f"已导入过{org['name']}{package.year}年较新的报送包"
                f"（导出于{local_time(previous['exported_at'])}），这个较旧的包没有导入。",
            )
    blocks = [
        {
            "org": b.org,
            "exported_at": b.exported_at,
            "digest": b.digest,
            "counts": b.counts,
            "rows": {_SUB_TABLE[kind]: b.rows[kind] for kind in KINDS},
        }
        for b in package.blocks
        if b.org["uuid"] != own  # our own data, passed back down by a parent: never merged
    ]
    submission = {
        "org_uuid": org["uuid"],
        "org_name": org["name"],
        "year": package.year,
        "exported_at": package.exported_at,
        "manifest_sha256": package.manifest_sha256,
        "manifest_json": json.dumps(package.manifest, ensure_ascii=False),
    }
    label = f"报送包：{org['name']}{package.year}年"
    merged = [b for b in package.blocks if b.org["uuid"] != own]
    receive_files(store.data_folder, package, _newer_blocks(store, package.year, merged))
    with store.transaction():
        result = store.packages.import_submission(
            submission, blocks, file_name=package.path.name, batch_label=label
        )
        if result["batch_id"] is not None:
            _insert_extras(store, package, merged)
    return MergeResult(
        package,
        result["added"],
        result["replaced"],
        result["kept"],
        result["removed"],
        result["batch_id"],
    )


def _insert_extras(store: Store, package: Package, blocks: Sequence[Block]) -> None:
    """Inside the import's transaction: the attachment rows and positions of the blocks the
    import has just added (their sub_orgs rows carry the new submission's id; blocks kept as
    they were are not among them). Deleted with their block when the import is undone."""
    latest = store.packages.latest_submission(package.org["uuid"], package.year)
    assert latest is not None
    new = dict(
        store.conn.execute(
            "SELECT org_uuid, id FROM sub_orgs WHERE submission_id = ?", [latest["id"]]
        ).fetchall()
    )
    for block in blocks:
        org_id = new.get(block.org["uuid"])
        if org_id is None:
            continue
        for table, fields, rows in (
            ("sub_attachments", _ATTACHMENT_FIELDS, block.attachments),
            ("sub_positions", _POSITION_FIELDS, block.positions),
        ):
            if rows:
                store.conn.executemany(
                    f"INSERT INTO {table} (org_id, {', '.join(fields)}) "
                    f"VALUES (?, {', '.join('?' for _ in fields)})",
                    [(org_id, *(row[f] for f in fields)) for row in rows],
                )


def blocks_to_receive(store: Store, package: Package) -> list[Block]:
    """The blocks whose attachment files merging the package would bring in: none when the
    merge would change nothing (the same package again, an older one, our own)."""
    own = store.settings.org_uuid()
    if package.org["uuid"] == own:
        return []
    previous = store.packages.latest_submission(package.org["uuid"], package.year)
    if previous is not None and (
        previous["manifest_sha256"] == package.manifest_sha256
        or previous["exported_at"] > package.exported_at
    ):
        return []
    return _newer_blocks(store, package.year, [b for b in package.blocks if b.org["uuid"] != own])


def _newer_blocks(store: Store, year: int, blocks: Sequence[Block]) -> list[Block]:
    """The blocks the import will add or replace (newer than the one held, as
    Store.import_submission decides): only their files are brought in."""
    held = dict(
        store.conn.execute(
            "SELECT org_uuid, exported_at FROM sub_orgs WHERE year = ? AND active = 1", [year]
        ).fetchall()
    )
    return [b for b in blocks if b.org["uuid"] not in held or held[b.org["uuid"]] < b.exported_at]


def files_to_receive(blocks: Sequence[Block]) -> int:
    return len({row["sha256"] for b in blocks for row in b.attachments if row["sha256"]})


def receive_files(
    data_dir: Path | None,
    package: Package,
    blocks: Sequence[Block],
    progress: Progress | None = None,
) -> int:
    """Bring the package's attachment files the blocks name into the attachment store of the
    data folder; returns how many were new. Each is streamed out of the zip into the store's
    folder (never more than its listed size), hashed again on the way (the stick may have
    changed since it was read), and checked with the attachment importer's checks (type from
    name and first bytes, executables, image pixel limits); only when every one has passed are
    they moved into place. A refused file refuses the package, naming the part; the store is
    unchanged. Touches no database, so it may run off the GUI thread before merge_package
    (which then finds the files in place)."""
    wanted: dict[str, dict[str, Any]] = {}
    for block in blocks:
        for row in block.attachments:
            if row["sha256"]:
                wanted.setdefault(attachment_part(row["sha256"], row["file_type"]), row)
    if not wanted:
        return 0
    if data_dir is None:
        raise PackageError("内存数据库不能保存附件。")
    needed = {
        name: row
        for name, row in wanted.items()
        if not _present(att.stored_path(data_dir, row["sha256"], row["file_type"]), row["size"])
    }
    if not needed:
        return 0
    label = f"报送包“{package.path.name}”"
    folder = data_dir / att.ATTACHMENTS_FOLDER
    incoming: list[tuple[Path, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(package.path) as archive:
            for n, (name, row) in enumerate(sorted(needed.items())):
                if progress:
                    progress(n, len(needed))
                temporary = folder / f".incoming-{uuid_module.uuid4().hex}.{row['file_type']}"
                incoming.append(
                    (temporary, att.stored_path(data_dir, row["sha256"], row["file_type"]))
                )
                _extract(archive, name, row, temporary, label)
                try:
                    att.check_file(temporary)
                except att.AttachmentError as exc:
                    shown = row["original_name"] or name
                    reason = str(exc).replace(temporary.name, shown).removesuffix("没有添加。")
                    raise PackageError(
                        f"{label}中的附件“{shown}”（{name}）不能接收：{reason}整个报送包没有导入。"
                    ) from exc
        for temporary, final in incoming:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)
            with contextlib.suppress(OSError):
                final.chmod(0o444)  # as the attachment store keeps its files
    except (OSError, zipfile.BadZipFile) as exc:
        raise PackageError(f"无法把{label}中的附件保存到数据文件夹：{exc}。没有导入。") from exc
    finally:
        for temporary, _final in incoming:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
    return len(incoming)


def _present(path: Path, size: int | None) -> bool:
    try:
        return path.is_file() and path.stat().st_size == size
    except OSError:
        return False


def _extract(
    archive: zipfile.ZipFile, name: str, row: dict[str, Any], target: Path, label: str
) -> None:
    """Stream one part to `target` (created new), checking its size and hash on the way."""
    digest = hashlib.sha256()
    written = 0
    cap = min(int(row["size"]), MAX_ATTACHMENT_BYTES)
    damaged = f"{label}中的“{name}”（佐证材料）校验不符：文件已损坏或被改动过，没有导入。"
    try:
        with archive.open(name) as stream, target.open("xb") as out:
            while chunk := stream.read(min(1 << 20, cap + 1 - written)):
                written += len(chunk)
                if written > cap:
                    raise PackageError(damaged)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except (KeyError, zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:
        raise PackageError(damaged) from exc
    if written != row["size"] or digest.hexdigest() != row["sha256"]:
        raise PackageError(damaged)


# -- statistics including subordinates ----------------------------------------------------------

# The subordinates' tables shown under the own tables' names, and whether a block's roster is
# taken from the year's blocks only (units and people are every block's whole roster).
_VIEWS = {"activities": False, "awards": False, "units": True, "people": True}


@contextlib.contextmanager
def subordinates_included(store: Store, year: int) -> Iterator[None]:
    """While inside, the connection's unqualified `activities`, `awards`, `units` and `people`
    read the organisation's own rows followed by the subordinates' held for the year: TEMP
    VIEWs of those names, which SQLite resolves before the main tables. This is how the
    statistics (whose queries name those tables) are computed including subordinates without
    a second set of queries. Ids of subordinates' rows are negative (they match no own row);
    a reference is kept only as present or absent; fields the subordinates' tables do not have
    come from the records' extra fields (the statistics fields travel there). People's 职务
    (`positions`) join their unit and person by those negative ids, so the 「三长」 figure
    counts a subordinate's 乡镇（街道）科协 by its own positions. Nothing may write while
    inside; the views are dropped on the way out."""
    conn = store.conn
    made = []
    try:
        for table, roster in _VIEWS.items():
            own = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]
            sub = {r[1] for r in conn.execute(f"PRAGMA main.table_info(sub_{table})")}
            mapped = []
            for column in own:
                reference = column.removesuffix("_id") + "_uuid"
                if column == "id":
                    mapped.append("-a.id")
                elif column.endswith("_id"):
                    exists = f"a.{reference} IS NOT NULL" if reference in sub else "0"
                    mapped.append(f"CASE WHEN {exists} THEN -1 END")
                elif column in sub:
                    mapped.append(f"a.{column}")
                else:
                    mapped.append(f"json_extract(a.extra_json, '$.{column}')")
            which = f"o.active = 1 AND o.year = {int(year)}" if roster else "o.active = 1"
            names = ", ".join(own)
            conn.execute(
                f"CREATE TEMP VIEW {table} ({names}) AS SELECT {names} FROM main.{table} "
                f"UNION ALL SELECT {', '.join(mapped)} FROM main.sub_{table} a "
                f"JOIN main.sub_orgs o ON o.id = a.org_id WHERE {which}"
            )
            made.append(table)
        conn.execute(
            "CREATE TEMP VIEW positions (id, person_id, unit_id, post, background, start_date, "
            "end_date) AS SELECT id, person_id, unit_id, post, background, start_date, end_date "
            "FROM main.positions UNION ALL SELECT -x.id, -p.id, -u.id, x.post, x.background, "
            "x.start_date, x.end_date FROM main.sub_positions x "
            "JOIN main.sub_orgs o ON o.id = x.org_id "
            "JOIN main.sub_units u ON u.org_id = x.org_id AND u.uuid = x.unit_uuid "
            "JOIN main.sub_people p ON p.org_id = x.org_id AND p.uuid = x.person_uuid "
            f"WHERE o.active = 1 AND o.year = {int(year)}"
        )
        made.append("positions")
        yield
    finally:
        for table in made:
            conn.execute(f"DROP VIEW temp.{table}")


# -- 报送情况 -------------------------------------------------------------------------------------


@dataclass
class Submitted:
    org_uuid: str
    name: str
    level: str
    exported_at: str
    imported_at: str
    via: str  # the organisation whose package brought it, when not its own
    counts: dict[str, int]
    unit: str = ""  # the own unit it was matched to


@dataclass
class Status:
    year: int
    submitted: list[Submitted]
    missing: list[dict[str, Any]]  # own units of reporting kinds with no submission matched


def _plain(name: str) -> str:
    """Names compared loosely: brackets, spaces and 科学技术协会 against 科协."""
    name = re.sub(r"\s", "", name).replace("（", "(").replace("）", ")")
    return name.replace("科学技术协会", "科协")


def submission_status(store: Store, year: int) -> Status:
    """Who has submitted for the year, when and with what; which reporting units have not."""
    subs = store.packages.active_orgs(year)
    submitted = []
    for sub in subs:
        via = "" if sub["via_uuid"] == sub["org_uuid"] else str(sub["via_name"])
        submitted.append(
            Submitted(
                sub["org_uuid"],
                sub["org_name"],
                sub["org_level"],
                sub["exported_at"],
                sub["imported_at"],
                via,
                json.loads(sub["counts_json"]),
            )
        )
    by_uuid = {s.org_uuid: s for s in submitted}
    by_name = {_plain(s.name): s for s in submitted}
    missing = []
    for unit in store.packages.reporting_units():
        match = by_uuid.get(unit["linked_uuid"] or "") or by_name.get(_plain(unit["name"]))
        if match is None:
            missing.append(unit)
        elif not match.unit:
            match.unit = unit["name"]
    return Status(year, submitted, missing)


__all__ = [
    "ExtraPart",
    "MergeResult",
    "Package",
    "PackageError",
    "PackageResult",
    "addressed_elsewhere",
    "attachments_estimate",
    "blocks_to_receive",
    "export_package",
    "files_to_receive",
    "merge_package",
    "read_package",
    "receive_files",
    "submission_status",
    "subordinates_included",
    "suggested_filename",
]
