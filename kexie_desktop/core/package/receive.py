"""Receiving a package's attachment files into the attachment store before its records merge.

Attachment files are the one thing written to disk on merging: streamed out of the zip (1 MB at
a time) into the attachment store's folder, hashed again on the way, checked against their type
by the attachment importer's own checks (an .exe named .jpg is refused), and only moved into
place once every file of the package has passed — then the records in one transaction
(merge.py). It touches no database, so the window may run it off the GUI thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid as uuid_module
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kexie_desktop.core import attachments as att
from kexie_desktop.core.package.block import Block
from kexie_desktop.core.package.format import (
    MAX_ATTACHMENT_BYTES,
    PackageError,
    Progress,
    attachment_part,
)
from kexie_desktop.core.package.read import Package
from kexie_desktop.core.store import Store


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
