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


def test_attach_is_logged_and_detach_takes_it_back_to_the_bin(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = Store.open(data)
    activity = store.records.save(Activity(title="科普讲座", category="科学普及",
                                   start_date="2025-05-20"))  # fmt: skip
    store.close()
    photos = [files.photo(tmp_path / "a.jpg"), files.photo(tmp_path / "b.jpg", seed=4)]
    result = run("attach", "--data-dir", str(data), "--activity", str(activity.id),
                 *map(str, photos))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "如需撤销：kexie-desktop detach 1 2（附件放入回收站" in result.stdout
    store = Store.open(data)
    log = store.change_log.entries(table="attachments")
    assert [(e["action"], e["label"]) for e in log] == [
        ("attach", "科普讲座的附件“b.jpg”"), ("attach", "科普讲座的附件“a.jpg”"),
    ]  # fmt: skip
    store.close()

    result = run("detach", "--data-dir", str(data), "2", "7")
    assert result.returncode == 1
    assert "已移入回收站：附件编号2“b.jpg”" in result.stdout
    assert "没有编号为7的附件" in result.stderr and "Traceback" not in result.stderr
    store = Store.open(data)
    assert [a.id for a in att.list_attachments(store, "activities", activity.id or 0)] == [1]
    [entry] = store.recycle_bin.entries()
    assert store.change_log.entries(table="attachments")[0]["action"] == "delete"
    path = att.stored_path(data, att.file_hash(photos[1]), "jpg")
    assert att.collect_garbage(store) == 0 and path.is_file()  # kept: the bin names it
    store.recycle_bin.restore([int(entry["id"])])  # the way back, as the 回收站 does
    assert [a.id for a in att.list_attachments(store, "activities", activity.id or 0)] == [1, 2]
    store.close()
