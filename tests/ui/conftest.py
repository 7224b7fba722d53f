from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from kexie_desktop.core.store import Store
from kexie_desktop.ui.app import create_app
from kexie_desktop.ui.main_window import MainWindow


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
                self.reject()
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
