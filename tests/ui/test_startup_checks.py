"""Start-up in the window: a damaged database is kept aside and the newest good backup offered;
a second start on the same folder is refused and brings the running window forward."""

import random
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from kexie_desktop.core.backup import copy_database
from kexie_desktop.core.demo import load_demo
from kexie_desktop.core.instance_lock import InstanceLock
from kexie_desktop.core.records import Person
from kexie_desktop.core.store import Store
from kexie_desktop.ui import app as app_module
from kexie_desktop.ui import ask
from kexie_desktop.ui import instance as instance_module
from kexie_desktop.ui.main_window import MainWindow
from tests.ui.conftest import Questions


def damaged_with_a_backup(data_dir: Path) -> bytes:
    """Demo data backed up, one more person added, then pages of the database overwritten."""
    store = Store.open(data_dir)
    load_demo(store)
    (data_dir / "backups").mkdir()
    copy_database(store.conn, data_dir / "backups" / "kexie-2025-03-01.db")
    store.records.save(Person(name="备份之后加的人"))
    store.close()
    db = data_dir / "kexie.db"
    data = bytearray(db.read_bytes())
    data[2 * 4096 : 6 * 4096] = random.Random(3).randbytes(4 * 4096)
    db.write_bytes(bytes(data))
    return bytes(data)


def refuse(*args: object, **_options: object) -> None:
    raise AssertionError(f"unexpected message box: {args}")


def test_a_damaged_database_is_kept_aside_and_the_newest_backup_restored(
    data_dir: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch, questions: Questions
) -> None:
    damaged = damaged_with_a_backup(data_dir)
    monkeypatch.setattr(QMessageBox, "critical", refuse)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # open_data installs its own
    window = MainWindow(None, data_dir)
    qtbot.addWidget(window)
    store = app_module.open_data(window, data_dir)
    assert store is not None
    try:
        assert store.records.counts()["people"] == 65  # the backup's data, without the later person
        window.show_tab(window.people_tab)
        assert window.people_tab.model.rowCount() == 65
    finally:
        store.close()
    (kept,) = (data_dir / "damaged").glob("kexie-damaged-*.db")
    assert kept.read_bytes() == damaged
    (asked,) = questions.texts
    assert "已损坏" in asked and str(kept) in asked
    assert "kexie-2025-03-01.db" in asked and "人员65条" in asked
    assert "从最近的备份恢复" in asked


def test_declining_the_restore_quits_and_keeps_everything(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, questions: Questions
) -> None:
    damaged = damaged_with_a_backup(data_dir)
    questions.default = False
    monkeypatch.setattr(QMessageBox, "critical", refuse)
    backup = (data_dir / "backups" / "kexie-2025-03-01.db").read_bytes()
    assert app_module.run_gui(data_dir) == 1
    assert not (data_dir / "kexie.db").exists()
    (kept,) = (data_dir / "damaged").glob("kexie-damaged-*.db")
    assert kept.read_bytes() == damaged
    assert (data_dir / "backups" / "kexie-2025-03-01.db").read_bytes() == backup


def test_without_a_good_backup_the_program_says_so_and_quits(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(ask, "confirm", refuse)
    data_dir.mkdir()
    (data_dir / "kexie.db").write_bytes(b"garbage" * 1000)
    (data_dir / "backups").mkdir()
    (data_dir / "backups" / "kexie-2025-03-01.db").write_bytes(b"half a backup")
    assert app_module.run_gui(data_dir) == 1
    (kept,) = (data_dir / "damaged").glob("kexie-damaged-*.db")
    assert kept.read_bytes() == b"garbage" * 1000
    assert "已损坏" in shown[0] and str(kept) in shown[0] and "没有找到完好的备份" in shown[0]


def test_a_second_start_is_refused_and_brings_the_first_window_forward(
    data_dir: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = MainWindow(None, data_dir)
    qtbot.addWidget(first)
    raised: list[QWidget] = []
    monkeypatch.setattr(instance_module, "bring_to_front", raised.append)
    instance_module.listen_for_second_start(first, data_dir)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    with InstanceLock(data_dir):  # what the first program holds while it runs
        assert app_module.run_gui(data_dir) == 1
    assert "不能同时打开两次" in shown[0]
    qtbot.waitUntil(lambda: raised == [first])


def test_bring_to_front_restores_a_minimised_window(qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    assert window.isMinimized()
    instance_module.bring_to_front(window)
    assert not window.isMinimized()


def test_nobody_listening_is_no_error(data_dir: Path) -> None:
    assert not instance_module.ask_running_to_come_forward(data_dir)
