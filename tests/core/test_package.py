"""Submission packages: townships → county → city, checked against plain SQL over the sources."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kexie_desktop.core import package as pk
from kexie_desktop.core.ledger_export import write_ledger
from kexie_desktop.core.records import Activity, Profile, Unit
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.core.summary import compose_summary
from tests.core.package_orgs import (
    COUNTY,
    SHARED_UNIT,
    TOWNSHIPS,
    YEAR,
    add,
    fill,
    link_count,
    open_org,
    year_totals,
)


@dataclass
class Orgs:
    folder: Path
    a: Store
    b: Store
    county: Store
    city: Store

    def export(self, store: Store, name: str, **kwargs: object) -> Path:
        target = self.folder / name
        pk.export_package(store, YEAR, target, **kwargs)  # type: ignore[arg-type]
        return target


@pytest.fixture
def orgs(tmp_path: Path) -> Iterator[Orgs]:
    a = open_org(tmp_path / "a", TOWNSHIPS[0], "乡镇(街道)", COUNTY, 1, 15)
    b = open_org(tmp_path / "b", TOWNSHIPS[1], "乡镇(街道)", COUNTY, 2, 10)
    county = open_org(tmp_path / "county", COUNTY, "县级", "青江市科协", 3, 8)
    # The county's list of subordinate units: one matched by name, one by hand, one missing.
    county.records.save(Unit(name="城关镇科协", kind="乡镇（街道）科协"))
    county.records.save(Unit(name="河口科协", kind="乡镇（街道）科协"))
    county.records.save(Unit(name="白沙镇科协", kind="乡镇（街道）科协"))
    city = Store.open(tmp_path / "city")
    city.settings.save_profile(Profile(org_name="青江市科协", org_level="市级"))
    yield Orgs(tmp_path, a, b, county, city)
    for s in (a, b, county, city):
        s.close()


def _merge(store: Store, path: Path) -> pk.MergeResult:
    return pk.merge_package(store, pk.read_package(path))


def test_county_totals_equal_sql_over_the_townships(orgs: Orgs) -> None:
    before = year_totals(orgs.county)
    for store, name in ((orgs.a, "a.zip"), (orgs.b, "b.zip")):
        result = _merge(orgs.county, orgs.export(store, name))
        assert result.added == [store.settings.profile().org_name]
    assert year_totals(orgs.county, sub=True) == add(year_totals(orgs.a), year_totals(orgs.b))
    assert link_count(orgs.county, sub=True) == link_count(orgs.a) + link_count(orgs.b)
    # Two townships' 中心学校科协 live side by side, and never among the county's own units.
    shared = orgs.county.conn.execute(
        "SELECT count(*) FROM sub_units WHERE name = ?", [SHARED_UNIT]
    ).fetchone()[0]
    assert shared == 2
    assert year_totals(orgs.county) == before
    # The summary figures by category equal SQL over both sources.
    figures = {r["category"]: r for r in orgs.county.figures.sub_categories(YEAR)}
    for category, row in figures.items():
        expected = sum(
            s.conn.execute(
                "SELECT count(*) FROM activities WHERE category = ? AND start_date LIKE ?",
                [category, f"{YEAR}-%"],
            ).fetchone()[0]
            for s in (orgs.a, orgs.b)
        )
        assert row["activities"] == expected


def test_reimport_changes_nothing(orgs: Orgs) -> None:
    path = orgs.export(orgs.a, "a.zip")
    first = _merge(orgs.county, path)
    assert first.batch_id is not None
    totals = year_totals(orgs.county, sub=True)
    batches = len(orgs.county.imports.batches())
    again = _merge(orgs.county, path)
    assert again.batch_id is None
    assert "没有变化" in again.summary()
    assert year_totals(orgs.county, sub=True) == totals
    assert len(orgs.county.imports.batches()) == batches


def test_newer_package_replaces_older_as_one_undoable_batch(orgs: Orgs) -> None:
    old = orgs.export(orgs.a, "a-old.zip")
    _merge(orgs.county, old)
    old_totals = year_totals(orgs.county, sub=True)
    orgs.a.records.save(
        Activity(
            title="补录的活动", category="科学普及", start_date=f"{YEAR}-12-20", participants=77
        )
    )
    new = orgs.export(orgs.a, "a-new.zip")
    result = _merge(orgs.county, new)
    assert result.replaced == [TOWNSHIPS[0]]
    assert year_totals(orgs.county, sub=True) == year_totals(orgs.a)
    assert year_totals(orgs.county, sub=True)["activities"] == old_totals["activities"] + 1
    # The older package, imported after the newer one, changes nothing.
    stale = _merge(orgs.county, old)
    assert stale.batch_id is None and "较旧" in stale.summary()
    assert year_totals(orgs.county, sub=True) == year_totals(orgs.a)
    # The older batch cannot be undone while the newer one stands; the newer one can.
    first, second = sorted(b["id"] for b in orgs.county.imports.batches())
    with pytest.raises(StoreError):
        orgs.county.imports.undo(first)
    assert result.batch_id == second
    orgs.county.imports.undo(second)
    assert year_totals(orgs.county, sub=True) == old_totals
    orgs.county.imports.undo(first)
    assert year_totals(orgs.county, sub=True)["activities"] == 0
    assert orgs.county.conn.execute("SELECT count(*) FROM sub_submissions").fetchone()[0] == 0


def test_city_counts_each_organisation_once_across_levels(orgs: Orgs) -> None:
    a = orgs.export(orgs.a, "a.zip")
    _merge(orgs.county, a)
    _merge(orgs.county, orgs.export(orgs.b, "b.zip"))
    county = orgs.export(orgs.county, "county.zip")
    # The city got the township's package directly too, before the county's.
    assert _merge(orgs.city, a).added == [TOWNSHIPS[0]]
    result = _merge(orgs.city, county)
    assert result.added == [COUNTY, TOWNSHIPS[1]]
    assert result.kept == [TOWNSHIPS[0]]
    expected = add(add(year_totals(orgs.county), year_totals(orgs.a)), year_totals(orgs.b))
    assert year_totals(orgs.city, sub=True) == expected
    status = pk.submission_status(orgs.city, YEAR)
    assert sorted(s.name for s in status.submitted) == sorted([COUNTY, *TOWNSHIPS])
    via = {s.name: s.via for s in status.submitted}
    assert via[TOWNSHIPS[1]] == COUNTY and via[TOWNSHIPS[0]] == ""
    # Importing the county's package again changes nothing at the city either.
    assert _merge(orgs.city, county).batch_id is None
    assert year_totals(orgs.city, sub=True) == expected


def test_county_package_passed_back_down_never_merges_own_data(orgs: Orgs) -> None:
    _merge(orgs.county, orgs.export(orgs.a, "a.zip"))
    county = orgs.export(orgs.county, "county.zip")
    result = _merge(orgs.a, county)
    assert TOWNSHIPS[0] not in result.added + result.replaced
    own = pk.read_package(orgs.export(orgs.a, "own.zip"))
    with pytest.raises(pk.PackageError, match="本组织自己导出"):
        pk.merge_package(orgs.a, own)


def test_own_exports_unchanged_without_subordinates(orgs: Orgs) -> None:
    def snapshot() -> tuple[object, ...]:
        doc = compose_summary(orgs.county, YEAR, signed=None)
        ledger = io.BytesIO()
        rows = write_ledger(orgs.county, YEAR, ledger)
        with zipfile.ZipFile(ledger) as z:
            sheets = {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")}
        lists = {t: orgs.county.lists.count(t, year=YEAR) for t in ("activities", "awards")}
        lists |= {t: orgs.county.lists.count(t) for t in ("units", "people")}
        return (
            [(b.kind, b.text) for b in doc.blocks],
            rows,
            sheets,
            lists,
            orgs.county.figures.categories(YEAR),
            orgs.county.lists.years(),
        )

    before = snapshot()
    _merge(orgs.county, orgs.export(orgs.a, "a.zip"))
    _merge(orgs.county, orgs.export(orgs.b, "b.zip"))
    assert snapshot() == before
    # With subordinates: a section on their work, and their rows on sheets of their own.
    doc = compose_summary(orgs.county, YEAR, with_subordinates=True)
    texts = [b.text for b in doc.blocks]
    assert "指导基层组织开展工作" in texts
    figures = next(t for t in texts if "报送了全年工作情况" in t)
    total = year_totals(orgs.a)["activities"] + year_totals(orgs.b)["activities"]
    assert f"共开展活动{total}次" in figures
    ledger = io.BytesIO()
    rows = write_ledger(orgs.county, YEAR, ledger, with_subordinates=True)
    assert rows["下级组织活动"] == total
    assert rows["下级组织获奖"] == year_totals(orgs.a)["awards"] + year_totals(orgs.b)["awards"]


def test_id_numbers_and_phones_masked_by_default(orgs: Orgs) -> None:
    full = {r[0] for r in orgs.a.conn.execute("SELECT id_number FROM people")}
    phones = {r[0] for r in orgs.a.conn.execute("SELECT phone FROM people")}

    def records(path: Path) -> str:
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("records/"))

    masked = records(orgs.export(orgs.a, "masked.zip"))
    assert not any(number in masked for number in full | phones)
    assert "****" in masked
    shown = records(orgs.export(orgs.a, "full.zip", full_ids=True))
    assert all(number in shown for number in full)
    assert pk.read_package(orgs.folder / "full.zip").manifest["full_ids"] is True


# -- refusals ------------------------------------------------------------------------------------


def _rewrite(path: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """Copy a package, replacing (or with None, dropping) some entries — a tamperer's edit, with
    the zip's own checksums made right."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = change.get(info.filename, source.read(info))
            if data is not None:
                out.writestr(info, data)


def _nothing_merged(store: Store) -> bool:
    return store.conn.execute("SELECT count(*) FROM sub_orgs").fetchone()[0] == 0


def test_a_changed_byte_in_any_part_is_refused_naming_it(orgs: Orgs) -> None:
    path = orgs.export(orgs.a, "a.zip")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        contents = {n: z.read(n) for n in names}
    assert len(names) == 5  # manifest, its checksum, records, summary, ledger
    for n, name in enumerate(names):
        data = bytearray(contents[name])
        data[len(data) // 2] ^= 0x01
        target = orgs.folder / f"tampered-{n}.zip"
        _rewrite(path, target, {name: bytes(data)})
        with pytest.raises(pk.PackageError) as caught:
            _merge(orgs.county, target)
        assert name in str(caught.value)
    # A byte flipped on the stick itself (the zip's checksum catches it before the hash).
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        for n, info in enumerate(z.infolist()):
            flipped = bytearray(raw)
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            flipped[start + info.compress_size // 2] ^= 0x10
            target = orgs.folder / f"flipped-{n}.zip"
            target.write_bytes(bytes(flipped))
            with pytest.raises(pk.PackageError) as caught:
                _merge(orgs.county, target)
            assert info.filename in str(caught.value)
    assert _nothing_merged(orgs.county)


def _with_manifest(path: Path, target: Path, edit: dict[str, object]) -> None:
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read(pk.MANIFEST))
    manifest.update(edit)
    data = json.dumps(manifest, ensure_ascii=False).encode()
    _rewrite(
        path,
        target,
        {pk.MANIFEST: data, pk.MANIFEST_SUM: hashlib.sha256(data).hexdigest().encode()},
    )


@pytest.mark.parametrize(
    "edit",
    [
        {"program_version": "9.0.0"},
        {"format_version": pk.FORMAT_VERSION + 1},
        {"schema": ["0001_initial", "0099_from_the_future"]},
    ],
)
def test_a_package_from_a_newer_program_is_refused(orgs: Orgs, edit: dict[str, object]) -> None:
    target = orgs.folder / "newer.zip"
    _with_manifest(orgs.export(orgs.a, "a.zip"), target, edit)
    with pytest.raises(pk.PackageError, match="更新版本"):
        pk.read_package(target)
    assert _nothing_merged(orgs.county)


@pytest.mark.parametrize(
    "name",
    [
        "../evil.json",
        "/etc/evil.json",
        "records\\..\\evil.json",
        "C:/evil.json",
        "records/../../evil.json",
    ],
)
def test_zip_slip_names_are_refused(orgs: Orgs, name: str) -> None:
    path = orgs.export(orgs.a, "a.zip")
    target = orgs.folder / "slip.zip"
    data = b'{"x": 1}'
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read(pk.MANIFEST))
    manifest["parts"].append(
        {
            "name": name,
            "kind": "attachment",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    )
    manifest_bytes = json.dumps(manifest).encode()
    _rewrite(
        path,
        target,
        {
            pk.MANIFEST: manifest_bytes,
            pk.MANIFEST_SUM: hashlib.sha256(manifest_bytes).hexdigest().encode(),
        },
    )
    with zipfile.ZipFile(target, "a") as z:
        z.writestr(name, data)
    with pytest.raises(pk.PackageError, match=r"不安全|不对"):
        _merge(orgs.county, target)
    assert not (orgs.folder.parent / "evil.json").exists()
    assert _nothing_merged(orgs.county)


def test_zip_bombs_are_refused_before_decompressing(orgs: Orgs) -> None:
    path = orgs.export(orgs.a, "a.zip")
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read(pk.MANIFEST))
    # A document part that inflates 1000-fold, hashes made right.
    bomb = bytes(40 << 20)
    digest = hashlib.sha256(bomb).hexdigest()
    for kind, name in (("summary", "bomb.docx"), ("records", "records/big.json")):
        edited = json.loads(json.dumps(manifest))
        edited["parts"].append({"name": name, "kind": kind, "size": len(bomb), "sha256": digest})
        data = json.dumps(edited).encode()
        target = orgs.folder / "bomb.zip"
        _rewrite(
            path,
            target,
            {pk.MANIFEST: data, pk.MANIFEST_SUM: hashlib.sha256(data).hexdigest().encode()},
        )
        with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr(name, bomb)
        with pytest.raises(pk.PackageError, match=r"压缩比异常|过大|记录部分"):
            _merge(orgs.county, target)
    # A records part declared small that inflates beyond what the manifest says.
    with zipfile.ZipFile(path) as z:
        records = next(n for n in z.namelist() if n.startswith("records/"))
    target = orgs.folder / "liar.zip"
    _rewrite(path, target, {records: bytes(8 << 20)})
    with pytest.raises(pk.PackageError, match=r"大小与清单不符|压缩比异常"):
        _merge(orgs.county, target)
    assert _nothing_merged(orgs.county)


@pytest.mark.parametrize(
    "content",
    [b"not a zip at all", b"PK\x03\x04" + bytes(100), b""],
)
def test_files_that_are_not_packages_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(content)
    with pytest.raises(pk.PackageError, match=r"不是报送包|已损坏"):
        pk.read_package(path)


def test_records_that_do_not_fit_are_refused(orgs: Orgs) -> None:
    path = orgs.export(orgs.a, "a.zip")
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read(pk.MANIFEST))
        part = next(p for p in manifest["parts"] if p["kind"] == "records")
        body = json.loads(z.read(part["name"]))
    cases = [
        ("activities", 0, "participants", -5),
        ("activities", 0, "person_uuids", ["00000000-0000-0000-0000-000000000000"]),
        ("people", 0, "name", ""),
        ("activities", 0, "start_date", "1999-01-01"),
    ]
    for n, (kind, index, key, value) in enumerate(cases):
        edited = json.loads(json.dumps(body))
        edited[kind][index][key] = value
        data = json.dumps(edited, ensure_ascii=False).encode()
        m = json.loads(json.dumps(manifest))
        for p in m["parts"]:
            if p["name"] == part["name"]:
                p["size"], p["sha256"] = len(data), hashlib.sha256(data).hexdigest()
        mb = json.dumps(m).encode()
        target = orgs.folder / f"bad-{n}.zip"
        _rewrite(
            path,
            target,
            {
                part["name"]: data,
                pk.MANIFEST: mb,
                pk.MANIFEST_SUM: hashlib.sha256(mb).hexdigest().encode(),
            },
        )
        with pytest.raises(pk.PackageError, match=TOWNSHIPS[0]):
            _merge(orgs.county, target)
    assert _nothing_merged(orgs.county)


@pytest.mark.parametrize(
    ("kind", "key", "value", "label"),
    [
        ("activities", "funding", -5, "经费"),
        ("activities", "funding", 12.5, "经费"),
        ("activities", "funding", "1.5万", "经费"),
        ("activities", "funding", True, "经费"),
        ("activities", "funding", 10**30, "经费"),
        ("activities", "youth_participants", -1, "其中青少年"),
        ("activities", "papers", "46", "交流论文"),
        ("activities", "planned", 2, "计划"),
        ("activities", "form", "放烟花", "活动形式"),
        ("activities", "campaigns", "不存在的主题", "主题活动"),
        ("units", "last_election_date", "明年", "上次换届"),
        ("units", "next_election_due", 20270618, "下次换届"),
    ],
)
def test_fields_kept_beside_the_columns_are_checked_too(
    orgs: Orgs, kind: str, key: str, value: object, label: str
) -> None:
    """Fields a subordinates' table keeps in extra_json were once passed on unchecked, and a
    forged 「1.5万」 stopped the county's ledger; now the package is refused naming the field."""
    path = orgs.export(orgs.a, "a.zip")
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read(pk.MANIFEST))
        part = next(p for p in manifest["parts"] if p["kind"] == "records")
        body = json.loads(z.read(part["name"]))
    body[kind][0][key] = value
    data = json.dumps(body, ensure_ascii=False).encode()
    for p in manifest["parts"]:
        if p["name"] == part["name"]:
            p["size"], p["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    mb = json.dumps(manifest).encode()
    target = orgs.folder / "forged.zip"
    changes = {
        part["name"]: data,
        pk.MANIFEST: mb,
        pk.MANIFEST_SUM: hashlib.sha256(mb).hexdigest().encode(),
    }
    _rewrite(path, target, changes)
    with pytest.raises(pk.PackageError) as caught:
        _merge(orgs.county, target)
    message = str(caught.value)
    assert TOWNSHIPS[0] in message and f"“{label}”" in message and "没有导入" in message
    assert _nothing_merged(orgs.county)


def test_a_bad_amount_stored_before_the_check_does_not_stop_the_ledger(orgs: Orgs) -> None:
    _merge(orgs.county, orgs.export(orgs.a, "a.zip"))
    orgs.county.conn.execute(
        "UPDATE sub_activities SET extra_json = json_set(extra_json, '$.funding', '1.5万', "
        "'$.papers', -3)"
    )
    target = orgs.folder / "ledger.xlsx"
    write_ledger(orgs.county, YEAR, target, with_subordinates=True)
    assert target.is_file()


# -- 报送情况 --------------------------------------------------------------------------------------


def test_status_names_who_submitted_and_who_is_missing(orgs: Orgs) -> None:
    _merge(orgs.county, orgs.export(orgs.a, "a.zip"))
    _merge(orgs.county, orgs.export(orgs.b, "b.zip"))
    status = pk.submission_status(orgs.county, YEAR)
    # The county's own 农技协 reports to it too and has not.
    assert {u["name"] for u in status.missing} == {"河口科协", "白沙镇科协", "青江县农技协"}
    matched = {s.name: s.unit for s in status.submitted}
    assert matched[TOWNSHIPS[0]] == "城关镇科协"
    # 河口科协 is 河口镇科协: matched by hand.
    unit = next(u for u in orgs.county.packages.reporting_units() if u["name"] == "河口科协")
    orgs.county.packages.link_unit(unit["uuid"], orgs.b.settings.org_uuid())
    status = pk.submission_status(orgs.county, YEAR)
    assert {u["name"] for u in status.missing} == {"白沙镇科协", "青江县农技协"}
    counts = {s.name: s.counts["activities"] for s in status.submitted}
    assert counts[TOWNSHIPS[1]] == year_totals(orgs.b)["activities"]
    assert pk.submission_status(orgs.county, YEAR - 1).submitted == []


def test_identity_and_parent(store: Store) -> None:
    uuid = store.settings.org_uuid()
    assert len(uuid) == 36 and store.settings.org_uuid() == uuid
    fill(store, "城关镇科协", "乡镇(街道)", COUNTY, 5, 2)
    profile = store.settings.profile()
    profile.parent_uuid = "not a uuid"
    with pytest.raises(Exception, match="识别码"):
        store.settings.save_profile(profile)
    profile.parent_uuid = "1B4E28BA-2FA1-11D2-883F-0016D3CCA427"
    store.settings.save_profile(profile)
    assert store.settings.profile().parent_uuid == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def test_a_package_meant_for_another_parent_is_flagged(orgs: Orgs) -> None:
    path = orgs.export(orgs.a, "a.zip")
    assert pk.addressed_elsewhere(orgs.county, pk.read_package(path)) == ""
    profile = orgs.a.settings.profile()
    profile.parent_uuid = orgs.city.settings.org_uuid()
    orgs.a.settings.save_profile(profile)
    package = pk.read_package(orgs.export(orgs.a, "a2.zip"))
    assert "不是本组织" in pk.addressed_elsewhere(orgs.county, package)
    assert pk.addressed_elsewhere(orgs.city, package) == ""


def test_deeply_nested_records_are_refused_without_a_crash(orgs: Orgs) -> None:
    path = orgs.export(orgs.a, "a.zip")
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read(pk.MANIFEST))
    part = next(p for p in manifest["parts"] if p["kind"] == "records")
    data = b"[" * 200_000 + b"]" * 200_000
    part["size"], part["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    mb = json.dumps(manifest).encode()
    target = orgs.folder / "deep.zip"
    _rewrite(
        path,
        target,
        {part["name"]: data, pk.MANIFEST: mb,
         pk.MANIFEST_SUM: hashlib.sha256(mb).hexdigest().encode()},
    )  # fmt: skip
    with pytest.raises(pk.PackageError, match="无法读取"):
        _merge(orgs.county, target)
    assert _nothing_merged(orgs.county)


def test_a_ledger_with_subordinates_reimported_keeps_their_rows_out(orgs: Orgs) -> None:
    from kexie_desktop.core.importing.importer import apply, check

    _merge(orgs.county, orgs.export(orgs.a, "a.zip"))
    ledger = orgs.folder / "ledger.xlsx"
    with ledger.open("wb") as f:
        write_ledger(orgs.county, YEAR, f, with_subordinates=True)
    fresh = Store.open(orgs.folder / "fresh")
    try:
        plan = check(fresh, ledger)
        messages = {s.name: s.message for s in plan.sheets}
        assert "不作为本组织的记录导入" in messages["下级组织活动"]
        apply(fresh, plan, skip_invalid=True)
        assert year_totals(fresh)["activities"] == year_totals(orgs.county)["activities"]
    finally:
        fresh.close()


@pytest.mark.parametrize("where", ["flag", "method"])
def test_encrypted_or_oddly_compressed_entries_are_refused(orgs: Orgs, where: str) -> None:
    """Bit 0 of an entry's flags (encrypted) or an unknown compression method, set in both its
    local header and its central directory record."""
    path = orgs.export(orgs.a, "a.zip")
    raw = bytearray(path.read_bytes())
    local = 0  # the manifest's local header opens the file
    end = raw.rindex(b"PK\x05\x06")
    central = int.from_bytes(raw[end + 16 : end + 20], "little")  # the manifest's record
    if where == "flag":
        raw[local + 6] |= 0x01
        raw[central + 8] |= 0x01
    else:
        raw[local + 8 : local + 10] = (99).to_bytes(2, "little")
        raw[central + 10 : central + 12] = (99).to_bytes(2, "little")
    target = orgs.folder / "odd.zip"
    target.write_bytes(bytes(raw))
    with pytest.raises(pk.PackageError, match=r"manifest\.json”加了密码或用了不支持的压缩方式"):
        _merge(orgs.county, target)
    assert _nothing_merged(orgs.county)


def test_restoring_a_backup_brings_back_its_organisation(orgs: Orgs) -> None:
    """The UUID is a setting: a restore (schema rebuilt from the migrations, then the backup's
    rows) brings the backup's organisation back, not a second identity."""
    from kexie_desktop.core.backup import copy_database

    identity = orgs.a.settings.org_uuid()
    backup = copy_database(orgs.a.conn, orgs.folder / "a-backup.db").path
    orgs.city.restore(backup)
    assert orgs.city.settings.org_uuid() == identity
    assert orgs.city.settings.profile().org_name == TOWNSHIPS[0]


def test_the_statistics_workbook_goes_in_once_its_figures_pass(orgs: Orgs) -> None:
    from kexie_desktop.core import stats

    result = pk.export_package(orgs.a, YEAR, orgs.folder / "without.zip")
    assert any("统计年报数据还没有通过检查" in note for note in result.notes)
    kinds = [p["kind"] for p in pk.read_package(result.path).manifest["parts"]]
    assert "stats" not in kinds
    # The clerk types the figures no record gives and explains the large changes.
    typed = {i.key: 0 for i in stats.INDICATORS if i.source is None}
    orgs.a.typed_stats.save_values(YEAR, typed)  # type: ignore[arg-type]
    report = stats.compute(orgs.a, YEAR)
    orgs.a.typed_stats.save_explanations(YEAR, {c.key: "新成立，上年没有。" for c in report.soft})
    assert stats.compute(orgs.a, YEAR).problems() == []
    result = pk.export_package(orgs.a, YEAR, orgs.folder / "with.zip")
    package = pk.read_package(result.path)
    part = next(p for p in package.manifest["parts"] if p["kind"] == "stats")
    assert part["name"] == f"{TOWNSHIPS[0]}{YEAR}年统计年报数据.xlsx"
    assert "统计年报数据" in package.describe()
    # The subordinates' statistics fields travel with their records.
    _merge(orgs.county, result.path)
    planned = orgs.county.conn.execute(
        "SELECT count(*) FROM sub_activities WHERE json_extract(extra_json, '$.planned') = 0"
    ).fetchone()[0]
    assert planned == year_totals(orgs.a)["activities"]


def test_a_subordinates_planned_activity_is_not_counted_as_done(orgs: Orgs) -> None:
    orgs.a.conn.execute(
        "UPDATE activities SET planned = 1 WHERE id = (SELECT max(id) FROM activities "
        "WHERE start_date LIKE ?)",
        [f"{YEAR}-%"],
    )
    orgs.a.conn.commit()
    _merge(orgs.county, orgs.export(orgs.a, "a.zip"))
    done = sum(f["activities"] for f in orgs.county.figures.sub_categories(YEAR))
    assert done == year_totals(orgs.a)["activities"] - 1
    figures = next(
        b.text
        for b in compose_summary(orgs.county, YEAR, with_subordinates=True).blocks
        if "报送了全年工作情况" in b.text
    )
    assert f"共开展活动{done}次" in figures


def test_statistics_including_subordinates_add_their_records(orgs: Orgs) -> None:
    """Every computed figure with subordinates is the county's own plus the township's (the
    「三长」 too: people's 职务 travel in packages — test_package_attachments)."""
    from kexie_desktop.core import stats

    _merge(orgs.county, orgs.export(orgs.a, "a.zip"))
    own = stats.computed(orgs.county, YEAR, "year")
    township = stats.computed(orgs.a, YEAR, "year")
    with pk.subordinates_included(orgs.county, YEAR):
        both = stats.computed(orgs.county, YEAR, "year")
        report = stats.compute(orgs.county, YEAR)
    for key, (value, records, unknown) in both.items():
        assert value == own[key][0] + township[key][0], key
        assert records == own[key][1] + township[key][1], key
        assert unknown == own[key][2] + township[key][2], key
    assert report.figures
    # Outside, nothing of theirs: the views are gone.
    assert stats.computed(orgs.county, YEAR, "year") == own
