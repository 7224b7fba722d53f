"""Merging a checked package into the data: one undoable import batch.

A received package is merged as one batch (Store.packages.import_submission): an organisation's
block replaces the one held when newer, is kept when not; our own data, passed back down by a
parent, is never merged. The attachment files are received first (receive.py), then the records,
attachment rows and positions in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from kexie_desktop.core.package.block import Block
from kexie_desktop.core.package.format import (
    _ATTACHMENT_FIELDS,
    _POSITION_FIELDS,
    _SUB_TABLE,
    KINDS,
    PackageError,
)
from kexie_desktop.core.package.read import Package, local_time
from kexie_desktop.core.package.receive import _newer_blocks, receive_files
from kexie_desktop.core.store import Store


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
