"""Evidence attachments and people's 职务 in submission packages: township → county → city."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kexie_desktop.core import attachments as att
from kexie_desktop.core import package as pk
from kexie_desktop.core.records import Position, Profile, Unit
from kexie_desktop.core.store import Store
from tests.core.evidence_files import pdf, photo
from tests.core.package_orgs import CITY, COUNTY, TOWNSHIPS, YEAR, open_org
from tests.core.test_package import Orgs, _merge, _rewrite


@pytest.fixture
def orgs(tmp_path: Path) -> Iterator[Orgs]:
    """Two townships, their county and the city (as in test_package)."""
    a = open_org(tmp_path / "a", TOWNSHIPS[0], "乡镇(街道)", COUNTY, 1, 15)
    b = open_org(tmp_path / "b", TOWNSHIPS[1], "乡镇(街道)", COUNTY, 2, 10)
    county = open_org(tmp_path / "county", COUNTY, "县级", CITY, 3, 8)
    city = Store.open(tmp_path / "city")
    city.settings.save_profile(Profile(org_name=CITY, org_level="市级"))
    yield Orgs(tmp_path, a, b, county, city)
    for store in (a, b, county, city):
        store.close()


def _year_activities(store: Store) -> list[int]:
    return [
        int(r[0])
        for r in store.conn.execute(
            "SELECT id FROM activities WHERE start_date LIKE ? ORDER BY id", [f"{YEAR}-%"]
        )
    ]


def _award(store: Store) -> int:
    return int(
        store.conn.execute(
            "SELECT id FROM awards WHERE award_date LIKE ? ORDER BY id", [f"{YEAR}-%"]
        ).fetchone()[0]
    )


def _evidence(store: Store, folder: Path, seed: int) -> dict[str, Path]:
    """Photos on two activities (one photo on both), a PDF, a news link, a certificate."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "p1": photo(folder / "讲座现场.jpg", seed=seed),
        "p2": photo(folder / "签到表.jpg", seed=seed + 100),
        "notice": pdf(folder / "活动通知.pdf"),
        "cert": photo(folder / "证书.jpg", seed=seed + 200),
    }
    first, second = _year_activities(store)[:2]
    att.attach_files(store, "activities", first, [files["p1"]], caption="讲座现场")
    att.attach_files(store, "activities", first, [files["p2"]], kind="签到表")
    att.attach_files(store, "activities", first, [files["notice"]], kind="通知/方案")
    att.attach_files(store, "activities", second, [files["p1"]])
    att.add_link(store, "activities", second, "https://example.org/news/1", title="报道",
                 date=f"{YEAR}-03-01")  # fmt: skip
    att.attach_files(store, "awards", _award(store), [files["cert"]])
    return files


def _rows(store: Store, *, sub: bool = False) -> int:
    if sub:
        return int(
            store.conn.execute(
                "SELECT count(*) FROM sub_attachments WHERE org_id IN "
                "(SELECT id FROM sub_orgs WHERE active = 1)"
            ).fetchone()[0]
        )
    return int(store.conn.execute("SELECT count(*) FROM attachments").fetchone()[0])


def _files(store: Store) -> set[str]:
    assert store.data_folder is not None
    return {sha for sha, _t, _p in att.stored_files(store.data_folder)}


def _digests(store: Store, *, sub: bool = False) -> set[str]:
    table = "sub_attachments" if sub else "attachments"
    return {
        str(r[0])
        for r in store.conn.execute(f"SELECT sha256 FROM {table} WHERE sha256 IS NOT NULL")
    }


def test_attachments_travel_up_two_levels_each_once(orgs: Orgs) -> None:
    _evidence(orgs.a, orgs.folder / "files-a", 1)
    _evidence(orgs.b, orgs.folder / "files-b", 2)
    # The county attached one of township A's photos to an activity of its own, too.
    shared = orgs.folder / "files-a" / "讲座现场.jpg"
    att.attach_files(orgs.county, "activities", _year_activities(orgs.county)[0], [shared])
    own_before = _rows(orgs.county)

    # Off by default: neither files nor rows.
    plain = orgs.export(orgs.a, "plain.zip")
    with zipfile.ZipFile(plain) as z:
        assert not [n for n in z.namelist() if n.startswith(pk.ATTACHMENTS_PREFIX)]
        assert "attachments" not in json.loads(z.read(f"records/{orgs.a.settings.org_uuid()}.json"))

    count, size = pk.attachments_estimate(orgs.a, YEAR)
    assert count == len(_digests(orgs.a)) == 4  # p1 once, though on two activities
    a_path = orgs.export(orgs.a, "a.zip", with_attachments=True)
    with zipfile.ZipFile(a_path) as z:
        parts = [i for i in z.infolist() if i.filename.startswith(pk.ATTACHMENTS_PREFIX)]
        manifest = json.loads(z.read(pk.MANIFEST))
    assert len(parts) == 4 and sum(i.file_size for i in parts) == size
    assert all(i.compress_type == zipfile.ZIP_STORED for i in parts)
    listed = {p["name"]: p for p in manifest["parts"]}
    for info in parts:
        sha = info.filename.removeprefix(pk.ATTACHMENTS_PREFIX).split(".")[0]
        assert (
            listed[info.filename]["sha256"] == sha and listed[info.filename]["kind"] == "attachment"
        )
    package = pk.read_package(a_path)
    assert "附件文件4个" in package.describe() and "新闻链接1个" in package.describe()

    _merge(orgs.county, a_path)
    _merge(orgs.county, orgs.export(orgs.b, "b.zip", with_attachments=True))
    assert _rows(orgs.county, sub=True) == _rows(orgs.a) + _rows(orgs.b)
    assert _rows(orgs.county) == own_before  # the county's own attachments untouched
    # Every received file is in the county's store, named by its content, shared with its own.
    assert _files(orgs.county) == _digests(orgs.a) | _digests(orgs.b) | _digests(orgs.county)
    assert orgs.county.data_folder is not None
    for sha, _type, path in att.stored_files(orgs.county.data_folder):
        assert att.file_hash(path) == sha
        assert not path.name.startswith(".incoming")
    # Links and metadata came along: kind, caption, link, owner by UUID.
    row = orgs.county.conn.execute(
        "SELECT x.kind, x.caption, a.title FROM sub_attachments x JOIN sub_activities a "
        "ON a.org_id = x.org_id AND a.uuid = x.activity_uuid WHERE x.kind = '签到表'"
    ).fetchall()
    assert len(row) == 2 and {r[0] for r in row} == {"签到表"}
    link = orgs.county.conn.execute(
        "SELECT url, link_title, link_date FROM sub_attachments WHERE sha256 IS NULL LIMIT 1"
    ).fetchone()
    assert link == ("https://example.org/news/1", "报道", f"{YEAR}-03-01")

    # Re-importing changes nothing, files included.
    files = _files(orgs.county)
    assert _merge(orgs.county, a_path).batch_id is None
    assert _files(orgs.county) == files
    assert _rows(orgs.county, sub=True) == _rows(orgs.a) + _rows(orgs.b) == 12

    # The city got township A directly, then the county's package carrying both townships.
    _merge(orgs.city, a_path)
    county_path = orgs.export(orgs.county, "county.zip", with_attachments=True)
    with zipfile.ZipFile(county_path) as z:
        names = [n for n in z.namelist() if n.startswith(pk.ATTACHMENTS_PREFIX)]
    all_digests = _digests(orgs.a) | _digests(orgs.b) | _digests(orgs.county)
    assert len(names) == len(set(names)) == len(all_digests)  # each file once
    assert pk.attachments_estimate(orgs.county, YEAR)[0] == len(all_digests)
    result = _merge(orgs.city, county_path)
    assert result.kept == [TOWNSHIPS[0]] and sorted(result.added) == sorted([COUNTY, TOWNSHIPS[1]])
    expected = _rows(orgs.a) + _rows(orgs.b) + _rows(orgs.county)
    assert _rows(orgs.city, sub=True) == expected
    assert _files(orgs.city) == all_digests


def test_without_subordinates_only_own_attachments_go(orgs: Orgs) -> None:
    _evidence(orgs.a, orgs.folder / "files-a", 1)
    _merge(orgs.county, orgs.export(orgs.a, "a.zip", with_attachments=True))
    assert pk.attachments_estimate(orgs.county, YEAR, with_subordinates=False) == (0, 0)
    path = orgs.export(orgs.county, "own.zip", with_attachments=True, with_subordinates=False)
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if n.startswith(pk.ATTACHMENTS_PREFIX)]


def _files_and_rows_unchanged(store: Store, files: set[str]) -> None:
    assert store.conn.execute("SELECT count(*) FROM sub_orgs").fetchone()[0] == 0
    assert _files(store) == files
    assert store.data_folder is not None
    folder = store.data_folder / att.ATTACHMENTS_FOLDER
    assert not list(folder.glob(".incoming*")) if folder.exists() else True


def test_a_tampered_attachment_is_refused_naming_it(orgs: Orgs) -> None:
    _evidence(orgs.a, orgs.folder / "files-a", 1)
    path = orgs.export(orgs.a, "a.zip", with_attachments=True)
    before = _files(orgs.county)
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.startswith(pk.ATTACHMENTS_PREFIX)]
        contents = {n: z.read(n) for n in names}
    for n, name in enumerate(names):
        data = bytearray(contents[name])
        data[len(data) // 2] ^= 0x01
        target = orgs.folder / f"tampered-{n}.zip"
        _rewrite(path, target, {name: bytes(data)})
        with pytest.raises(pk.PackageError, match="佐证材料") as caught:
            _merge(orgs.county, target)
        assert name in str(caught.value)
        _files_and_rows_unchanged(orgs.county, before)
    # Changed on the stick between the check and the merge: the stream is hashed again.
    package = pk.read_package(path)
    data = bytearray(contents[names[0]])
    data[100] ^= 0x01
    _rewrite(path, path.with_name("swapped.zip"), {names[0]: bytes(data)})
    path.with_name("swapped.zip").replace(path)
    with pytest.raises(pk.PackageError, match="校验不符"):
        pk.merge_package(orgs.county, package)
    _files_and_rows_unchanged(orgs.county, before)


def _forge(path: Path, target: Path, edit: Callable[[dict[str, bytes]], None]) -> None:
    """A package made by someone else: parts edited, then every hash and size in the manifest
    (and the manifest's own checksum) made right — only the content checks can catch it."""
    with zipfile.ZipFile(path) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    edit(entries)
    manifest = json.loads(entries.pop(pk.MANIFEST))
    entries.pop(pk.MANIFEST_SUM)
    parts = []
    for name, data in entries.items():
        kind = next((p["kind"] for p in manifest["parts"] if p["name"] == name), "attachment")
        parts.append(
            {"name": name, "kind": kind, "size": len(data),
             "sha256": hashlib.sha256(data).hexdigest()}
        )  # fmt: skip
    manifest["parts"] = parts
    data = json.dumps(manifest, ensure_ascii=False).encode()
    with zipfile.ZipFile(target, "w") as out:
        out.writestr(pk.MANIFEST, data)
        out.writestr(pk.MANIFEST_SUM, hashlib.sha256(data).hexdigest())
        for name, content in entries.items():
            out.writestr(name, content)


def _swap_file(org_uuid: str, content: bytes) -> Callable[[dict[str, bytes]], None]:
    """Replace the first photo of the records by `content`, renamed to its hash."""

    def edit(entries: dict[str, bytes]) -> None:
        records = f"records/{org_uuid}.json"
        body = json.loads(entries[records])
        first = next(a for a in body["attachments"] if a["file_type"] == "jpg")
        before = first["sha256"]
        old = pk.attachment_part(before, "jpg")
        sha = hashlib.sha256(content).hexdigest()
        for item in body["attachments"]:
            if item["sha256"] == before:
                item.update(sha256=sha, size=len(content))
        del entries[old]
        entries[pk.attachment_part(sha, "jpg")] = content
        entries[records] = json.dumps(body, ensure_ascii=False).encode()

    return edit


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 4000, "Windows 可执行程序"),
        (b"%PDF-1.4 not a photo" + b"\x00" * 100, "内容不是JPEG 图片"),
        (b"\xff\xd8\xff\xe0 broken jpeg" * 10, "内容不是JPEG 图片"),
    ],
)
def test_a_disguised_file_is_refused_with_the_store_unchanged(
    orgs: Orgs, content: bytes, message: str
) -> None:
    _evidence(orgs.a, orgs.folder / "files-a", 1)
    path = orgs.export(orgs.a, "a.zip", with_attachments=True)
    before = _files(orgs.county)
    forged = orgs.folder / "forged.zip"
    _forge(path, forged, _swap_file(orgs.a.settings.org_uuid(), content))
    package = pk.read_package(forged)  # the hashes are all right
    with pytest.raises(pk.PackageError, match=message) as caught:
        pk.merge_package(orgs.county, package)
    assert "讲座现场.jpg" in str(caught.value) and "没有导入" in str(caught.value)
    assert ".incoming" not in str(caught.value)
    _files_and_rows_unchanged(orgs.county, before)


@pytest.mark.parametrize(
    "change",
    [
        {"sha256": "0" * 64},  # names a file the package does not hold
        {"size": 5},  # a size other than the part's
        {"activity_uuid": "00000000-0000-4000-8000-000000000000"},  # no such activity
        {"sha256": None, "file_type": "", "url": "javascript:alert(1)"},
        {"file_type": "exe"},
        {"sha256": "../../../../etc/passwd"},
        # A name whose extension is not its file type: opened by name, it would run.
        {"original_name": "讲座现场.bat"},
        {"original_name": "讲座现场.jpg.hta"},
        {"original_name": "讲座现场"},
    ],
)
def test_attachment_rows_that_do_not_fit_are_refused(orgs: Orgs, change: dict[str, object]) -> None:
    _evidence(orgs.a, orgs.folder / "files-a", 1)
    path = orgs.export(orgs.a, "a.zip", with_attachments=True)

    def edit(entries: dict[str, bytes]) -> None:
        records = f"records/{orgs.a.settings.org_uuid()}.json"
        body = json.loads(entries[records])
        body["attachments"][0].update(change)
        entries[records] = json.dumps(body, ensure_ascii=False).encode()

    forged = orgs.folder / "forged.zip"
    _forge(path, forged, edit)
    with pytest.raises(pk.PackageError, match="第1个附件"):
        pk.read_package(forged)


def test_a_newer_package_replaces_the_older_ones_attachments(orgs: Orgs) -> None:
    files = _evidence(orgs.a, orgs.folder / "files-a", 1)
    # The county holds the 签到表 photo itself too (attached to its own activity).
    att.attach_files(orgs.county, "activities", _year_activities(orgs.county)[0], [files["p2"]])
    p2 = att.file_hash(files["p2"])
    notice = att.file_hash(files["notice"])
    _merge(orgs.county, orgs.export(orgs.a, "old.zip", with_attachments=True))
    assert {p2, notice} <= _digests(orgs.county, sub=True)
    # The township removes the 签到表 and the notice, then sends its package again.
    doomed = [
        r[0]
        for r in orgs.a.conn.execute(
            "SELECT id FROM attachments WHERE sha256 IN (?, ?)", [p2, notice]
        )
    ]
    att.remove_attachments(orgs.a, doomed)
    orgs.a.recycle_bin.empty()
    result = _merge(orgs.county, orgs.export(orgs.a, "new.zip", with_attachments=True))
    assert result.replaced == [TOWNSHIPS[0]] and result.batch_id is not None

    def active() -> set[str]:
        return {
            str(r[0])
            for r in orgs.county.conn.execute(
                "SELECT x.sha256 FROM sub_attachments x JOIN sub_orgs o ON o.id = x.org_id "
                "WHERE o.active = 1 AND x.sha256 IS NOT NULL"
            )
        }

    assert p2 not in active() and notice not in active()
    assert _rows(orgs.county, sub=True) == _rows(orgs.a)
    # Files are kept while anything refers to them: the county's own photo, and the older
    # block, which undoing the newer import brings back — so garbage collection keeps both.
    assert orgs.county.data_folder is not None
    att.collect_garbage(orgs.county)
    assert {p2, notice} <= _files(orgs.county)
    orgs.county.imports.undo(result.batch_id)
    assert {p2, notice} <= active()
    # Undoing the first import too: nothing of the township's refers to the notice any more.
    first = max(b["id"] for b in orgs.county.imports.batches() if not b["undone_at"])
    orgs.county.imports.undo(first)
    att.collect_garbage(orgs.county)
    assert notice not in _files(orgs.county)
    assert p2 in _files(orgs.county)  # still the county's own


def test_received_files_are_backed_up_and_restored(orgs: Orgs, tmp_path: Path) -> None:
    from kexie_desktop.core.backup import copy_database

    _evidence(orgs.a, orgs.folder / "files-a", 1)
    _merge(orgs.county, orgs.export(orgs.a, "a.zip", with_attachments=True))
    target = tmp_path / "stick" / "backup.db"
    target.parent.mkdir()
    copy_database(orgs.county.conn, target)
    copied = att.backup_files(orgs.county, target)
    assert copied.copied == len(_digests(orgs.a)) and not copied.problems
    for sha in _digests(orgs.a):
        assert list((target.parent / att.ATTACHMENTS_FOLDER / sha[:2]).glob(f"{sha}.*"))
    # The start-up check reports nothing missing, and nothing received counts as unused.
    assert att.check_stored_files(orgs.county) == []
    assert att.collect_garbage(orgs.county) == 0
    # A new PC: the backup restored with the received files, still linked to their records.
    fresh_dir = tmp_path / "新电脑"
    fresh = Store.open(fresh_dir)
    try:
        found = att.files_for_restore(target, fresh_dir)
        assert (found.copied, found.problems) == (len(_digests(orgs.a)), [])
        fresh.restore(target)
        assert _rows(fresh, sub=True) == _rows(orgs.a)
        assert _files(fresh) == _digests(orgs.a)
    finally:
        fresh.close()


def _three_heads(store: Store, unit_name: str) -> None:
    unit = store.records.save(Unit(name=unit_name, kind="乡镇（街道）科协")).id
    people = [int(r[0]) for r in store.conn.execute("SELECT id FROM people ORDER BY id LIMIT 3")]
    for person, head in zip(people, ("医院院长", "学校校长", "农技站站长"), strict=True):
        store.positions.replace(
            person,
            [Position(unit_id=unit, post="兼职副主席", background=head,
                      start_date=f"{YEAR - 1}-01-01")],
        )  # fmt: skip


def test_positions_travel_and_count_in_the_statistics_with_subordinates(orgs: Orgs) -> None:
    from kexie_desktop.core import stats

    _three_heads(orgs.a, "城关镇片区科协")
    _three_heads(orgs.county, "县直乡镇科协")
    path = orgs.export(orgs.a, "a.zip")  # positions go without attachments too
    block = pk.read_package(path).blocks[0]
    assert len(block.positions) == 3
    _merge(orgs.county, path)
    held = orgs.county.conn.execute(
        "SELECT count(*) FROM sub_positions WHERE background IN ('医院院长', '学校校长', "
        "'农技站站长')"
    ).fetchone()[0]
    assert held == 3
    own = stats.computed(orgs.county, YEAR, "year")
    township = stats.computed(orgs.a, YEAR, "year")
    assert own["AK.three_heads"][0] == township["AK.three_heads"][0] == 1
    with pk.subordinates_included(orgs.county, YEAR):
        both = stats.computed(orgs.county, YEAR, "year")
    assert both["AK.three_heads"][0] == 2
    # The city, through the county's package, counts each once.
    _merge(orgs.city, path)
    _merge(orgs.city, orgs.export(orgs.county, "county.zip"))
    with pk.subordinates_included(orgs.city, YEAR):
        assert stats.computed(orgs.city, YEAR, "year")["AK.three_heads"][0] == 2

    # A position naming a person the block does not hold is refused.
    def edit(entries: dict[str, bytes]) -> None:
        records = f"records/{orgs.a.settings.org_uuid()}.json"
        body = json.loads(entries[records])
        body["positions"][0]["person_uuid"] = "00000000-0000-4000-8000-000000000000"
        entries[records] = json.dumps(body, ensure_ascii=False).encode()

    _forge(path, orgs.folder / "forged.zip", edit)
    with pytest.raises(pk.PackageError, match="第1条职务"):
        pk.read_package(orgs.folder / "forged.zip")


def test_a_missing_file_is_left_out_and_named(orgs: Orgs) -> None:
    files = _evidence(orgs.a, orgs.folder / "files-a", 1)
    assert orgs.a.data_folder is not None
    stored = att.stored_path(orgs.a.data_folder, att.file_hash(files["notice"]), "pdf")
    stored.chmod(0o644)
    stored.unlink()
    target = orgs.folder / "a.zip"
    result = pk.export_package(orgs.a, YEAR, target, with_attachments=True)
    assert "缺失或已改变" in result.summary() and "活动通知.pdf" in result.summary()
    package = pk.read_package(target)
    assert len(package.blocks[0].attachments) == _rows(orgs.a) - 1
    _merge(orgs.county, target)
    assert _rows(orgs.county, sub=True) == _rows(orgs.a) - 1


def test_a_zip_directory_too_large_is_refused_before_it_is_read(orgs: Orgs) -> None:
    """zipfile reads the whole central directory into memory on opening: its claimed size and
    entry count are checked from the end records first (Zip64 too)."""
    path = orgs.export(orgs.a, "a.zip")
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    claimed = orgs.folder / "claims.zip"
    patched = bytearray(data)
    patched[at + 10 : at + 12] = (60_000).to_bytes(2, "little")
    claimed.write_bytes(bytes(patched))
    with pytest.raises(pk.PackageError, match="目录中有60000个文件"):
        pk.read_package(claimed)
    patched = bytearray(data)
    patched[at + 12 : at + 16] = (600 << 20).to_bytes(4, "little")
    claimed.write_bytes(bytes(patched))
    with pytest.raises(pk.PackageError, match="600 MB"):
        pk.read_package(claimed)
    # A real Zip64 archive of 70,000 empty entries (more than a plain end record can count).
    many = orgs.folder / "many.zip"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as z:
        for n in range(70_000):
            z.writestr(f"{n}", b"")
    with pytest.raises(pk.PackageError, match="目录中有70000个文件"):
        pk.read_package(many)
    assert _nothing_merged(orgs.county)


def _nothing_merged(store: Store) -> bool:
    return store.conn.execute("SELECT count(*) FROM sub_orgs").fetchone()[0] == 0
