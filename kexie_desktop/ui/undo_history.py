"""撤销/重做 of this session's edits and deletions (Ctrl+Z, Ctrl+Y), for the main window.

Each step remembers its words and how to take it back and do it again; the steps live as long
as the window (an import is undone from 导入记录与撤销, which survives restarts, not here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from kexie_desktop.ui.main_window import MainWindow


@dataclass
class Step:
    """One step of 撤销/重做: its words, and how to take it back and do it again. The entries
    are the 回收站 entries the step takes back out of the bin (for undo or for redo)."""

    text: str
    undo: Callable[[], object]
    redo: Callable[[], object]
    undo_entries: list[int] | None = None
    redo_entries: list[int] | None = None


class UndoHistory:
    """The window's undo and redo stacks, newest last; the window's 撤销/重做 actions show the
    words of the step they would take."""

    def __init__(self, window: MainWindow):
        self.window = window
        self.undo_stack: list[Step] = []
        self.redo_stack: list[Step] = []

    def push(self, step: Step) -> None:
        self.undo_stack.append(step)
        self.redo_stack.clear()
        self.update_actions()

    def update_actions(self) -> None:
        # 撤销 修改人员“张三”: the words of the step, never quotes inside quotes.
        for action, stack, verb, key in (
            (self.window.undo_action, self.undo_stack, "撤销", "U"),
            (self.window.redo_action, self.redo_stack, "重做", "R"),
        ):
            action.setEnabled(bool(stack))
            action.setText(f"{verb} {stack[-1].text}(&{key})" if stack else f"{verb}(&{key})")

    # -- what the tabs report ------------------------------------------------------------

    def remember_save(self, before: object, saved: object, changes: object = None) -> None:
        from kexie_desktop.core.attachment_edits import AppliedChanges
        from kexie_desktop.core.records import Record

        assert isinstance(saved, Record) and saved.id is not None
        label = str(getattr(saved, "name", "") or getattr(saved, "title", ""))
        kind = saved.KIND_LABEL
        store = self.window.store
        if isinstance(before, Record):
            after = saved
            if isinstance(changes, AppliedChanges) and changes:
                # The form's attachment changes are part of the same step: one 撤销 takes
                # back what one 确定 saved. Added attachments go to the 回收站 on undo (and
                # come back on redo); removed ones come out of it.
                attached = changes

                def undo_edit() -> None:
                    with store.transaction():
                        attached.undo(store)
                        store.records.save(before)

                def redo_edit() -> None:
                    with store.transaction():
                        store.records.save(after)
                        attached.redo(store)

                self.push(
                    Step(
                        f"修改{kind}“{label}”（{attached.describe()}）", undo_edit, redo_edit,
                        undo_entries=attached.removed_entries,
                        redo_entries=attached.added_entries,
                    )
                )  # fmt: skip
                return
            self.push(
                Step(
                    f"修改{kind}“{label}”",
                    lambda: store.records.save(before),
                    lambda: store.records.save(after),
                )
            )
        else:
            record_type, record_id = type(saved), saved.id
            bin_entries: list[int] = []

            def undo_new() -> None:
                bin_entries[:] = store.records.delete(record_type, [record_id])

            self.push(
                Step(
                    f"新增{kind}“{label}”",
                    undo_new,
                    lambda: store.recycle_bin.restore(bin_entries),
                    redo_entries=bin_entries,
                )
            )

    def remember_batch(self, befores: list[object], afters: list[object], text: str) -> None:
        store = self.window.store

        def save_all(records: list[object]) -> None:
            with store.transaction():
                for record in records:
                    store.records.save(record)  # type: ignore[type-var]

        self.push(Step(text, lambda: save_all(befores), lambda: save_all(afters)))

    def remember_delete(
        self, entries: list[int], text: str, record_type: object, ids: list[int]
    ) -> None:
        store = self.window.store
        bin_entries = list(entries)

        def redo_delete() -> None:
            bin_entries[:] = store.records.delete(record_type, ids)  # type: ignore[arg-type]

        self.push(
            Step(
                text,
                lambda: store.recycle_bin.restore(bin_entries),
                redo_delete,
                undo_entries=bin_entries,
            )
        )

    # -- taking steps --------------------------------------------------------------------

    def undo_last(self) -> None:
        self._step(self.undo_stack, self.redo_stack, "撤销", undo=True)

    def redo_last(self) -> None:
        self._step(self.redo_stack, self.undo_stack, "重做", undo=False)

    def _step(self, source: list[Step], target: list[Step], verb: str, *, undo: bool) -> None:
        from kexie_desktop.core.store import StoreError
        from kexie_desktop.core.validation import ValidationError

        if not source:
            return
        step = source.pop()
        window = self.window
        try:
            (step.undo if undo else step.redo)()
        except (StoreError, ValidationError) as exc:
            QMessageBox.warning(window, f"无法{verb}", f"无法{verb}“{step.text}”：{exc}")
        else:
            target.append(step)
            window.statusBar().showMessage(f"已{verb}：{step.text}", 8000)
        window.reload_all()
        self.update_actions()

    def drop_stale_steps(self) -> None:
        """After the 回收站 restored or emptied entries, a step that would take them out of
        it again can no longer do anything: it goes, rather than claim to undo and do nothing."""
        in_bin = {int(str(e["id"])) for e in self.window.store.recycle_bin.entries()}
        self.undo_stack[:] = [
            s for s in self.undo_stack if s.undo_entries is None or set(s.undo_entries) <= in_bin
        ]
        self.redo_stack[:] = [
            s for s in self.redo_stack if s.redo_entries is None or set(s.redo_entries) <= in_bin
        ]
        self.update_actions()
