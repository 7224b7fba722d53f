"""Exports of data that came from outside: control characters, formulas in names, texts longer
than Excel allows, a full disk. Each export either works or says in Chinese why not — once."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from kexie_desktop.core.backup import copy_database
from kexie_desktop.core.export import export_ledger, export_summary
from kexie_desktop.core.records import Activity, Profile
from kexie_desktop.core.store import Store
from kexie_desktop.core.validation import ValidationError

HOSTILE_ORG = "=青江\x00市\x0b科协\x01"


def set_org_directly(store: Store, name: str) -> None:
    """As an older version, another tool or a restored backup may have stored it."""
    store.settings.set("profile.org_name", name)


def test_control_characters_in_the_organisation_name_do_not_break_either_export(
    demo_store: Store, tmp_path: Path
) -> None:
    set_org_directly(demo_store, HOSTILE_ORG)
    summary = export_summary(demo_store, 2025, tmp_path / "总结.docx")
    ledger = export_ledger(demo_store, 2025, tmp_path / "台账.xlsx")
    document = docx.Document(str(summary.path))
    assert document.core_properties.title.startswith("=青江市科协")
    book = openpyxl.load_workbook(ledger.path)
    title = book.worksheets[0]["A1"]
    assert title.value.startswith("=青江市科协2025年")
    assert title.data_type == "s"  # text, not a formula
    with zipfile.ZipFile(ledger.path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)


def test_the_profile_and_the_forms_strip_what_xml_cannot_hold(store: Store) -> None:
    store.settings.save_profile(Profile(org_name=HOSTILE_ORG, contact_person="张\x08三"))
    profile = store.settings.profile()
    assert profile.org_name == "=青江市科协"
    assert profile.contact_person == "张三"
    activity = store.records.save(
        Activity(
            title="科普\x0c讲座",
            category="学术交流",
            start_date="2025-03-01",
            description="第一段\x00\n第二段",
        )
    )
    assert activity.title == "科普讲座"
    assert activity.description == "第一段\n第二段"


def test_texts_too_long_are_refused_where_they_are_entered(store: Store) -> None:
    with pytest.raises(ValidationError, match="情况说明：太长了：共3000000个字，最多10000个字"):
        store.records.save(Activity(title="讲座", category="学术交流", start_date="2025-03-01",
                                    description="长" * 3_000_000))  # fmt: skip
    with pytest.raises(ValidationError, match="名称：太长了"):
        store.settings.save_profile(Profile(org_name="科" * 501))
    with pytest.raises(ValidationError, match="太长了"):
        store.narratives.save(2025, "opening", "字" * 20_001)
    store.narratives.save(2025, "opening", "开头\x00。")
    assert store.narratives.get(2025, "opening") == "开头。"


def test_a_ledger_cell_cut_to_excels_limit_is_said(demo_store: Store, tmp_path: Path) -> None:
    # Stored before the limit existed: 40,000 characters.
    demo_store.conn.execute(
        "UPDATE activities SET description = ? WHERE id = (SELECT min(id) FROM activities)",
        ["长" * 40_000],
    )
    demo_store.conn.commit()
    result = export_ledger(demo_store, 2025, tmp_path / "台账.xlsx")
    # One note for each sheet that holds the description: the printed one and the complete one.
    assert len(result.notes) == 2
    assert all("32767个字符" in note and "活动" in note for note in result.notes)
    assert "注意：" in result.summary()


def _limited_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # Room for SQLite's 32 KB -shm file, not for the export: as a full stick behaves.
    resource.setrlimit(resource.RLIMIT_FSIZE, (34_000, 34_000))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
@pytest.mark.parametrize(("what", "name"), [("summary", "总结.docx"), ("ledger", "台账.xlsx")])
def test_an_export_to_a_full_disk_gives_one_chinese_message(
    demo_store: Store, tmp_path: Path, what: str, name: str
) -> None:
    assert demo_store.path is not None
    data_dir = demo_store.path.parent
    demo_store.close()
    out = tmp_path / "U盘"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "kexie_desktop", "export", what, "--year", "2025",
         "--out", str(out / name), "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120, preexec_fn=_limited_file_size,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("错误：") == 1, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "没有写入" in result.stderr
    assert list(out.iterdir()) == []


def test_leftover_temporary_files_on_a_stick_go_with_the_next_export_or_backup(
    demo_store: Store, tmp_path: Path
) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    leftovers = [stick / ".别的台账.xlsx.0badf00d.part", stick / ".备份.db.12345678.part-journal"]
    for path in leftovers:
        path.write_bytes(b"cut short")
    mine = stick / "我的文件.part"
    mine.write_bytes(b"the clerk's own")
    export_summary(demo_store, 2025, stick / "总结.docx")
    assert not any(p.exists() for p in leftovers)
    leftovers[0].write_bytes(b"cut short again")
    copy_database(demo_store.conn, stick / "备份.db")
    assert not leftovers[0].exists()
    assert mine.exists()
