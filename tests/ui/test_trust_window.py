"""The window with hostile or broken files: a refused or failed restore leaves a working program
and says only what is true; an empty kexie.db is handled as damaged; an unlockable folder is
refused at start."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kexie_desktop.core.backup import copy_database
from kexie_desktop.core.demo import load_demo
from kexie_desktop.core.records import Person
from kexie_desktop.core.store import Store
from kexie_desktop.ui import app as app_module
from kexie_desktop.ui.main_window import MainWindow
from tests.ui.conftest import Questions, trigger_and_wait


def refuse(*args: object, **_options: object) -> None:
    raise AssertionError(f"unexpected message box: {args}")


def test_a_restore_that_fails_while_copying_leaves_a_working_window(
    window: MainWindow,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    questions: Questions,
    qtbot: Any,
) -> None:
    # Passes the first look (whole, ours, right tables), fails on a row's text.
    backup = tmp_path / "坏编码.db"
    copy_database(demo_store.conn, backup)
    with sqlite3.connect(backup) as conn:
        conn.execute("UPDATE people SET notes = CAST(x'ff' AS TEXT) WHERE id = 3")
    conn.close()
    demo_store.records.save(Person(name="恢复前最后加的人"))
    before = list(demo_store.conn.iterdump())
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, t, m: shown.append((t, m)))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, t, m: shown.append((t, m)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(backup), ""))
    trigger_and_wait(qtbot, window, window.restore_action)
    title, text = shown[-1]
    assert title == "恢复没有完成"
    assert "UTF-8" in text
    assert list(demo_store.conn.iterdump()) == before  # what the message says is true
    window.show_tab(window.people_tab)
    assert window.people_tab.model.rowCount() == demo_store.records.count(Person)
    # ...and a good backup restores afterwards.
    good = tmp_path / "好.db"
    copy_database(demo_store.conn, good)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(good), ""))
    trigger_and_wait(qtbot, window, window.restore_action)
    assert shown[-1][0] == "已恢复"


def test_an_empty_kexie_db_is_kept_aside_and_the_newest_backup_offered(
    data_dir: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch, questions: Questions
) -> None:
    store = Store.open(data_dir)
    load_demo(store)
    (data_dir / "backups").mkdir()
    copy_database(store.conn, data_dir / "backups" / "kexie-2025-03-01.db")
    store.close()
    (data_dir / "kexie.db").write_bytes(b"")  # as a full disk or a bad copy leaves it
    monkeypatch.setattr(QMessageBox, "critical", refuse)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # open_data installs its own
    window = MainWindow(None, data_dir)
    qtbot.addWidget(window)
    opened = app_module.open_data(window, data_dir)
    assert opened is not None
    try:
        assert opened.records.counts()["people"] == 65
    finally:
        opened.close()
    (asked,) = questions.texts
    assert "0字节" in asked and "kexie-2025-03-01.db" in asked
    (kept,) = (data_dir / "damaged").glob("kexie-damaged-*.db")
    assert kept.read_bytes() == b""


def test_an_unlockable_data_folder_is_refused_at_start(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir.mkdir()
    (data_dir / "kexie.lock").mkdir()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert app_module.run_gui(data_dir) == 1
    assert "无法锁定数据文件夹" in shown[0]
    assert not (data_dir / "kexie.db").exists()


def test_the_error_log_never_holds_a_full_id_number_or_phone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: None)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_excepthook(tmp_path / "logs")
    try:
        raise ValueError("无法处理 110105194912310021 的电话 13812345678")
    except ValueError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    log = (tmp_path / "logs" / "error.log").read_text(encoding="utf-8")
    assert "ValueError" in log
    assert "110105194912310021" not in log and "110105********0021" in log
    assert "13812345678" not in log and "138****5678" in log
