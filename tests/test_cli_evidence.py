"""`attach` and `export evidence` from the command line, as a script would run them."""

from __future__ import annotations

from pathlib import Path

from kexie_desktop.core import attachments as att
from kexie_desktop.core.records import Activity
from kexie_desktop.core.store import Store
from tests.core import evidence_files as files
from tests.test_cli import run


def test_attach_then_export_evidence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = Store.open(data)
    activity = store.records.save(Activity(title="科普大篷车进校园", category="科学普及",
                                           start_date="2025-05-20"))  # fmt: skip
    store.close()
    photo = files.photo(tmp_path / "现场.jpg")
    fake = tmp_path / "照片2.jpg"
    fake.write_bytes(b"MZ" + b"\x00" * 100)
    result = run("attach", "--data-dir", str(data), "--activity", str(activity.id),
                 str(photo), str(fake), "--kind", "照片", "--caption", "学生参观")  # fmt: skip
    assert result.returncode == 1
    assert "已添加：现场.jpg（照片，附件编号1）" in result.stdout
    assert "“照片2.jpg”实际上是Windows 可执行程序" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("attach", "--data-dir", str(data), "--activity", "999", str(photo))
    assert result.returncode == 1 and "找不到这条活动记录（编号999" in result.stderr

    out = tmp_path / "台账.docx"
    result = run("export", "evidence", "--data-dir", str(data), "--year", "2025",
                 "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "含1项活动、0个奖项、1张照片" in result.stdout and out.is_file()

    # A stored photo gone: still written, but the script is told (exit 1) and the clerk too.
    store = Store.open(data)
    [a] = att.list_attachments(store, "activities", activity.id or 0)
    store.close()
    stored = a.path(data)
    assert stored is not None
    stored.unlink()
    result = run("export", "evidence", "--data-dir", str(data), "--year", "2025",
                 "--out", str(out))  # fmt: skip
    assert result.returncode == 1
    assert "注意：活动“科普大篷车进校园”的附件“学生参观”缺失" in result.stderr
