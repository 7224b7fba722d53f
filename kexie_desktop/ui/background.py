"""Running long work (exports, backups, restores, imports) off the GUI thread, with a progress
dialog.

The one shape for it is run_on_store() (as Anki's CollectionOp): the operation gets a connection
of its own — SQLite connections are not shared between threads — and a progress callback; its
result or its exception comes back on the GUI thread to the caller's callbacks. Callers never
open, close or hand over connections themselves.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store

# (done, total); may be called from the worker thread.
Progress = Callable[[int, int], None]
# The job gets a progress callback that may be called from its thread.
Job = Callable[[Progress], Any]
T = TypeVar("T")


class _Worker(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, job: Job):
        super().__init__()
        self.job = job

    @Slot()
    def run(self) -> None:
        try:
            result = self.job(self.progressed.emit)
        except Exception as exc:  # reported to the clerk by the caller, never lost
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class BackgroundTask(QObject):
    """Runs `job` in a QThread; `done(result)` or `error(exception)` arrive on the GUI thread.

    While it runs a modal progress dialog shows what is happening, so the window stays
    responsive (it repaints, it can be moved) but nothing can change the data underneath.
    """

    done = Signal(object)
    error = Signal(object)

    def __init__(self, parent: QWidget, label: str, job: Job):
        super().__init__(parent)
        self._thread = QThread(self)
        self.worker = _Worker(job)
        self.worker.moveToThread(self._thread)
        self.dialog = QProgressDialog(label, "", 0, 0, parent)
        self.dialog.setWindowTitle("请稍候")
        self.dialog.setCancelButton(None)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self._thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._progress)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.result: Any = None
        self.exception: BaseException | None = None
        self.finished = False

    def start(self) -> None:
        self.dialog.setModal(True)
        self._thread.start()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _stop(self) -> None:
        self._thread.quit()
        self._thread.wait()
        self.dialog.close()
        self.finished = True

    def _succeeded(self, result: object) -> None:
        self._stop()
        self.result = result
        self.done.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._stop()
        self.exception = exc
        self.error.emit(exc)


def run_on_store(
    parent: QWidget,
    store: Store,
    label: str,
    op: Callable[[Store, Progress], T],
    *,
    success: Callable[[T], object] | None = None,
    failure: Callable[[BaseException], object] | None = None,
) -> BackgroundTask:
    """Run `op(own_store, progress)` on a thread with a connection of its own (opened there,
    closed when `op` ends, whatever happens), showing `label` and the progress; then
    `success(result)` or `failure(exception)` on the GUI thread. The returned task is kept by
    the caller (a task nobody holds would be collected while it runs)."""

    def job(progress: Progress) -> T:
        own = store.reopen()
        try:
            return op(own, progress)
        finally:
            own.close()

    task = BackgroundTask(parent, label, job)
    if success is not None:
        task.done.connect(success)
    if failure is not None:
        task.error.connect(failure)
    task.start()
    return task
