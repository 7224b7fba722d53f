"""Reading and checking a submission package: the zip, its manifest and every hash.

Reading one is reading untrusted input (CLARIFICATIONS "All issues"): the file and every part
are bounded in size and compression ratio before anything is decompressed, entry names must be
plain relative paths listed in the manifest, nothing is written to disk or executed, every hash
is checked before any record is looked at, and the data are only changed, in one transaction,
once the whole package has been read and checked. Every refusal says in Chinese what is wrong.

The records of each organisation inside are checked field by field in block.py; what the clerk
is shown of a package before merging (Package.describe, the 上级组织 warning) is here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kexie_desktop import __version__
from kexie_desktop.core.migrations import known_names
from kexie_desktop.core.package.block import Block, _block
from kexie_desktop.core.package.format import (
    _STAMP,
    _UUID,
    FORMAT,
    FORMAT_VERSION,
    KIND_LABELS,
    KINDS,
    MANIFEST,
    MANIFEST_SUM,
    MAX_ATTACHMENT_BYTES,
    MAX_DIRECTORY_BYTES,
    MAX_ENTRIES,
    MAX_MANIFEST_BYTES,
    MAX_ORGANISATIONS,
    MAX_PACKAGE_BYTES,
    MAX_PART_BYTES,
    MAX_RATIO,
    MAX_RECORDS_BYTES,
    MAX_TOTAL_BYTES,
    PART_KINDS,
    PackageError,
)
from kexie_desktop.core.store import Store


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
