"""background.run_on_store: an operation on a connection of its own, off the GUI thread, with
progress and a success or failure callback on the GUI thread."""

import threading
from typing import Any

from kexie_desktop.core.records import Person
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.ui.background import Progress, run_on_store


def test_success_with_progress_on_its_own_connection(store: Store, qtbot: Any) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    store.records.save(Person(name="张三"))
    seen: dict[str, Any] = {}
    progress_seen: list[tuple[int, int]] = []
    results: list[object] = []
    gui_thread = threading.get_ident()

    def op(own: Store, progress: Progress) -> int:
        seen["store"], seen["thread"] = own, threading.get_ident()
        for step in (1, 2, 3):
            progress(step, 3)
        return own.records.count(Person)

    def success(result: int) -> None:
        results.append(result)
        seen["callback thread"] = threading.get_ident()

    task = run_on_store(parent, store, "正在处理……", op, success=success)
    task.worker.progressed.connect(lambda done, total: progress_seen.append((done, total)))
    qtbot.waitUntil(lambda: task.finished, timeout=10_000)
    assert results == [1] and task.result == 1 and task.exception is None
    assert seen["store"] is not store and seen["thread"] != gui_thread
    assert seen["callback thread"] == gui_thread
    # The dialog followed the steps (closing it at the end resets its value).
    assert progress_seen == [(1, 3), (2, 3), (3, 3)] and task.dialog.maximum() == 3
    assert task.dialog.labelText() == "正在处理……" and not task.dialog.isVisible()
    # Its connection was closed when the operation ended.
    import sqlite3

    try:
        seen["store"].conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        pass
    else:
        raise AssertionError("the operation's connection is still open")


def test_failure_reaches_the_failure_callback_and_the_connection_closes(
    store: Store, qtbot: Any
) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    opened: list[Store] = []
    failures: list[BaseException] = []
    successes: list[object] = []

    def op(own: Store, _progress: Progress) -> None:
        opened.append(own)
        raise StoreError("磁盘已满")

    task = run_on_store(
        parent, store, "正在处理……", op, success=successes.append, failure=failures.append
    )
    qtbot.waitUntil(lambda: task.finished, timeout=10_000)
    assert successes == [] and len(failures) == 1
    assert isinstance(failures[0], StoreError) and str(failures[0]) == "磁盘已满"
    assert task.exception is failures[0]
    import sqlite3

    try:
        opened[0].conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        pass
    else:
        raise AssertionError("the operation's connection is still open")
    # The window's own connection is untouched.
    assert store.records.count(Person) == 0


def test_a_connection_that_cannot_open_is_a_failure_too(qtbot: Any) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    memory = Store.open_memory()  # no file to open a second connection to
    failures: list[BaseException] = []
    try:
        task = run_on_store(
            parent, memory, "正在处理……", lambda own, p: None, failure=failures.append
        )
        qtbot.waitUntil(lambda: task.finished, timeout=10_000)
    finally:
        memory.close()
    assert len(failures) == 1 and isinstance(failures[0], StoreError)
