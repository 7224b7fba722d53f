from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from kexie_desktop.core.store import Store
from kexie_desktop.ui.app import create_app
from kexie_desktop.ui.main_window import MainWindow


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """pytest-qt closes the widgets a test left open; a changed form would then ask whether to
    discard its changes, in a message box nobody answers. At teardown the answer is yes."""
    from kexie_desktop.ui.dialogs.record_dialog import RecordDialog

    original = RecordDialog.confirm_discard
    RecordDialog.confirm_discard = lambda _self: True  # type: ignore[method-assign]
    try:
        yield
    finally:
        RecordDialog.confirm_discard = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _chinese_app(qapp: QApplication) -> QApplication:
    """The same set-up as the real program: translations, font, style sheet."""
    return create_app()


@pytest.fixture
def drive_dialog(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[Any]]:
    """Replace exec() of a dialog class: `fill` types into the open dialog, then 确定 is pressed.

    Returns the list of dialogs that were opened, so a test can look at what they showed.
    """

    def install(
        dialog_class: type[QDialog], fill: Callable[[Any], None], *, press_ok: bool = True
    ) -> list[Any]:
        opened: list[Any] = []

        def fake_exec(self: QDialog) -> int:
            opened.append(self)
            self.show()
            fill(self)
            if press_ok:
                self.accept()
            else:
                # 取消, and 放弃改动 when a changed form asks.
                QDialog.reject(self)
            return int(self.result())

        monkeypatch.setattr(dialog_class, "exec", fake_exec)
        return opened

    return install


@pytest.fixture
def window(demo_store: Store, data_dir: Path, qtbot: Any) -> MainWindow:
    """The main window on the demo data, shown."""
    win = MainWindow(demo_store, data_dir)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(title, text) of every information and warning box, and of the export-done box (its own
    QMessageBox with 打开文件 buttons), answered at once instead of waiting modally."""
    from PySide6.QtWidgets import QMessageBox

    from kexie_desktop.ui import exporting

    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _p, title, text: seen.append((title, text))
    )
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: seen.append((title, text)))
    monkeypatch.setattr(
        exporting, "done_box", lambda _p, title, text, _path: seen.append((title, text))
    )
    return seen


class Questions:
    """The yes/no questions asked through ask.confirm: (title, text) of each in `asked`,
    answered from `replies` in turn and then with `default` (yes unless a test says no)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []
        self.replies: list[bool] = []
        self.default = True

    def __call__(self, _parent: object, title: str, text: str, **_options: object) -> bool:
        self.asked.append((title, text))
        return self.replies.pop(0) if self.replies else self.default

    @property
    def texts(self) -> list[str]:
        return [text for _title, text in self.asked]


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    """Every yes/no question answered at once (yes, unless the test sets `default` or
    `replies`) instead of waiting modally: the one place the tests answer them."""
    from kexie_desktop.ui import ask

    answering = Questions()
    monkeypatch.setattr(ask, "confirm", answering)
    return answering


def trigger_and_wait(qtbot: Any, window: MainWindow, action: Any) -> None:
    """Trigger a window action that runs in the background (backup, restore, 图文台账) and wait
    until it has finished and told the clerk; at once if it asked and the answer was no."""
    window.task = None
    action.trigger()
    qtbot.waitUntil(lambda: window.task is None or window.task.finished, timeout=20_000)
