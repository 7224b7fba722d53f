"""One organisation's records inside a package (a block), parsed and checked field by field.

Apart from read.py because it is a job of its own: every record, attachment row and position of
a block is checked for shape, type, bounds and references to the block's other records before
anything is merged, and each refusal names the record and the field in Chinese. A county's
import checks some two million fields, so the column checks are parsed once (_SPECS).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kexie_desktop.core import attachments as att
from kexie_desktop.core import fields
from kexie_desktop.core.attachments.common import _TYPES as _ATTACHMENT_TYPES
from kexie_desktop.core.package.format import (
    _COLUMNS,
    _COMMON,
    _DATE,
    _REF_TARGET,
    FORMAT,
    KIND_LABELS,
    KINDS,
    MAX_ROWS,
    MAX_TEXT,
    PackageError,
    attachment_part,
)
from kexie_desktop.core.records import split_list


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
            original_name = _text(item.get("original_name"), 255)
            row = {
                "uuid": uuid,
                "activity_uuid": _text(activity, 64) if activity is not None else None,
                "award_uuid": _text(award, 64) if award is not None else None,
                "kind": _text(item.get("kind"), 20, required=True),
                "caption": _text(item.get("caption"), 1000),
                "original_name": original_name,
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
        name = original_name
        if sha is not None and name and _SUFFIX_TYPES.get(_suffix(name)) != file_type:
            # The viewer opens a copy named by file_type, but a name such as 「报告.xlsx.hta」
            # would still be shown, saved and passed on: the clerk's own attach refuses it too.
            raise PackageError(f"{nth}的文件名“{name[:60]}”与其类型（{file_type}）不符，没有导入。")
        owner = row["activity_uuid"] or row["award_uuid"]
        kind = "activities" if row["activity_uuid"] else "awards"
        if owner not in uuids[kind]:
            raise PackageError(f"{nth}属于包中没有的{KIND_LABELS[kind]}，没有导入。")
        if uuid in seen:
            raise PackageError(f"{where}中有两个附件的识别码相同，没有导入。")
        seen.add(uuid)
        out.append(row)
    return out


_SUFFIX_TYPES = {suffix: file_type for suffix, (file_type, _what) in _ATTACHMENT_TYPES.items()}


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower().rstrip() if dot > 0 else ""


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
    for declared in _DECLARED_EXTRA[kind]:
        # A field of this program kept in extra_json: the ledger and the statistics read it back
        # with json_extract, so a forged -5 or 「1.5万」 must stop here, not in the ledger.
        if declared.key in extra and not _fits(declared, extra[declared.key]):
            raise PackageError(f"{where()}的“{declared.label}”不对，没有导入。")
    text = json.dumps(extra, ensure_ascii=False) if extra else "{}"
    if len(text) > MAX_TEXT:
        raise PackageError(f"{where()}附带的内容过长，没有导入。")
    row["extra_json"] = text
    return row


# The fields this program declares but a subordinates' table keeps in extra_json; a newer
# sender's undeclared fields pass on unchecked (nothing here reads them).
_DECLARED_EXTRA = {
    kind: [f for f in fields.of(kind) if f.stored and not f.in_packages] for kind in KINDS
}
_MAX_FEN = 10**14  # the importer's bound: under a trillion yuan
_MAX_COUNT = 10**9


def _fits(declared: fields.Field, value: Any) -> bool:
    """Whether a value is what the sender's program writes for the field: its stored column."""
    kind = declared.kind
    if kind in (fields.COUNT, fields.OPTIONAL_COUNT, fields.MONEY, fields.FLAG):
        if value is None:
            return kind != fields.FLAG
        if type(value) is not int:  # bool, float, text: never written by the sender
            return False
        bound = {fields.MONEY: _MAX_FEN, fields.FLAG: 2}.get(kind, _MAX_COUNT)
        return 0 <= value < bound
    if value is None:
        return kind in (fields.DATE, fields.MONTH)
    if type(value) is not str or len(value) > MAX_TEXT:
        return False
    if kind in (fields.DATE, fields.MONTH):
        return not value or bool(_DATE.match(value))
    if kind == fields.CHOICE:
        return not value or value in declared.vocabulary
    if kind == fields.LIST:
        return all(v in declared.vocabulary for v in split_list(value))
    return True


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
