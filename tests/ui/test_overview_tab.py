"""The 概览 tab: never computed while the window starts, computed when shown and again after a
change while shown, every figure a link (mouse and keyboard) to the right filtered list, and the
remembered tab by key (an index stored before the 概览 still lands on the tab it meant)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QAbstractButton

from kexie_desktop.core.records import Activity
from kexie_desktop.core.store import Store
from kexie_desktop.ui.main_window import MainWindow, remembered_tab
from kexie_desktop.ui.tabs import overview_tab
from kexie_desktop.ui.tabs.overview_tab import FigureLink, MonthBar


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The years core.overview.compute was asked for, in order."""
    calls: list[int] = []
    real = overview_tab.compute

    def counting(store: Store, year: int) -> Any:
        calls.append(year)
        return real(store, year)

    monkeypatch.setattr(overview_tab, "compute", counting)
    return calls


def _year(store: Store) -> int:
    return store.lists.years()[0]


def _show_overview(window: MainWindow, qtbot: Any) -> None:
    window.show_tab("overview")
    qtbot.waitUntil(lambda: window.overview_tab.figures is not None)


def _link(window: MainWindow, name: str) -> QAbstractButton:
    found = [b for b in window.overview_tab.links if b.accessibleName() == name]
    assert len(found) == 1, [b.accessibleName() for b in window.overview_tab.links]
    return found[0]


def test_start_up_does_not_compute_the_overview(
    demo_store: Store, data_dir: Path, qtbot: Any, computed: list[int]
) -> None:
    window = MainWindow(demo_store, data_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the event loop runs: nothing was left for it either
    assert computed == []
    assert window.overview_tab.figures is None
    assert window.current_tab() is window.activities_tab
    assert window.tabs.tabText(0) == "概览"
    # Shown: computed once, for the selected year.
    _show_overview(window, qtbot)
    assert computed == [_year(demo_store)]


def test_a_remembered_overview_is_computed_after_the_window_is_up(
    demo_store: Store, data_dir: Path, qtbot: Any, computed: list[int]
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
    settings.setValue("tab", "overview")
    settings.sync()
    window = MainWindow(demo_store, data_dir)
    qtbot.addWidget(window)
    assert window.current_key() == "overview"
    window.show()
    assert computed == []  # not on the way to the window being shown
    qtbot.waitUntil(lambda: window.overview_tab.figures is not None)
    assert computed == [_year(demo_store)]
    assert window.current_tab() is None
    assert "概览" in window.status_label.text()
    # The list actions have nothing to act on here.
    assert not window.new_action.isEnabled() and not window.print_action.isEnabled()


@pytest.mark.parametrize(
    ("stored", "key"),
    [
        ("overview", "overview"), ("units", "units"),
        # window.ini from before the 概览: indices into 活动, 人员, 奖项, 基层组织.
        ("0", "activities"), ("1", "people"), ("2", "awards"), ("3", "units"),
        ("4", "activities"), ("-1", "activities"), ("天书", "activities"), (None, "activities"),
    ],
)  # fmt: skip
def test_remembered_tab_by_key_and_old_index(stored: str | None, key: str) -> None:
    assert remembered_tab(stored) == key


def test_the_last_tab_is_remembered_by_key(demo_store: Store, data_dir: Path, qtbot: Any) -> None:
    first = MainWindow(demo_store, data_dir)
    qtbot.addWidget(first)
    first.show()
    first.show_tab("overview")
    first.close()
    stored = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat).value("tab")
    assert stored == "overview"
    again = MainWindow(demo_store, data_dir)
    qtbot.addWidget(again)
    assert again.current_key() == "overview"
    # An index stored by an older version: "0" was 活动 and still is.
    settings = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
    settings.setValue("tab", "0")
    settings.sync()
    old = MainWindow(demo_store, data_dir)
    qtbot.addWidget(old)
    assert old.current_tab() is old.activities_tab


def test_clicking_a_category_figure_opens_its_filtered_list(
    window: MainWindow, demo_store: Store, qtbot: Any
) -> None:
    year = _year(demo_store)
    # Something typed and ticked on the list before: the link clears it.
    window.activities_tab.search_edit.setText("不会有这样的活动")
    window.activities_tab.apply_search()
    window.activities_tab.missing_box.setChecked(True)
    window.year_combo.setCurrentIndex(window.year_combo.findData(0))  # 全部年度
    _show_overview(window, qtbot)
    figures = window.overview_tab.figures
    assert figures is not None and figures.year == year  # the newest year under 全部年度
    line = max(figures.categories, key=lambda c: c.this_year.activities)
    count = line.this_year.activities
    qtbot.mouseClick(
        _link(window, f"{year}年{line.category}活动{count}项"), Qt.MouseButton.LeftButton
    )
    tab = window.activities_tab
    assert window.current_tab() is tab
    assert window.selected_year() == year
    assert tab.filter_combos["category"].currentData() == line.category
    assert tab.search_edit.text() == "" and not tab.missing_box.isChecked()
    assert tab.model.rowCount() == count
    assert f"找到 {count} 项" in window.status_label.text()
    assert "类别＝" + line.category in window.status_label.text()


def test_keyboard_reaches_and_opens_the_figures(
    window: MainWindow, demo_store: Store, qtbot: Any
) -> None:
    year = _year(demo_store)
    _show_overview(window, qtbot)
    links = window.overview_tab.links
    assert all(b.accessibleName() and b.focusPolicy() == Qt.FocusPolicy.StrongFocus for b in links)
    links[0].setFocus()
    qtbot.keyClick(links[0], Qt.Key.Key_Tab)
    assert window.focusWidget() is links[1]
    # A month by Enter: the activities of that month of the year.
    figures = window.overview_tab.figures
    assert figures is not None
    month = max(range(12), key=lambda m: figures.months[m]) + 1
    bar = next(b for b in links if isinstance(b, MonthBar) and b.month == month)
    bar.setFocus()
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    tab = window.activities_tab
    assert window.current_tab() is tab
    assert tab.filter_combos["month"].currentData() == f"{month:02d}"
    assert tab.model.rowCount() == figures.months[month - 1]
    assert window.focusWidget() is tab.view
    # Members by Space: the people list, 在册 and 会员.
    window.show_tab("overview")
    qtbot.waitUntil(lambda: bool(window.overview_tab.links))
    members = _link(window, f"在册会员{figures.members}人")
    members.setFocus()
    qtbot.keyClick(members, Qt.Key.Key_Space)
    people = window.people_tab
    assert window.current_tab() is people
    assert people.filter_combos["status"].currentData() == "在册"
    assert people.filter_combos["role"].currentData() == "会员"
    assert people.model.rowCount() == demo_store.lists.count(
        "people", filters={"status": "在册", "role": "会员"}
    )
    assert year == figures.year


def test_awards_previous_year_and_idle_units_links(
    window: MainWindow, demo_store: Store, qtbot: Any
) -> None:
    year = _year(demo_store)
    # A unit with no activity this year, and one activity last year for a previous-year link.
    with demo_store.transaction():
        demo_store.conn.execute(
            "UPDATE activities SET unit_id = NULL WHERE unit_id = "
            "(SELECT min(unit_id) FROM activities)"
        )
    demo_store.records.save(
        Activity(title="上年的讲座", category="科学普及", start_date=f"{year - 1}-05-04")
    )
    window.reload_all()
    _show_overview(window, qtbot)
    figures = window.overview_tab.figures
    assert figures is not None and figures.idle_units
    qtbot.mouseClick(
        _link(window, f"{year}年没有活动的单位{len(figures.idle_units)}个"),
        Qt.MouseButton.LeftButton,
    )
    units = window.units_tab
    assert window.current_tab() is units
    assert units.filter_combos["idle_in"].currentText() == f"{year}年无活动"
    assert units.model.rowCount() == len(figures.idle_units)
    assert f"{year}年无活动" in window.status_label.text()

    window.show_tab("overview")
    qtbot.waitUntil(lambda: bool(window.overview_tab.links))
    award = figures.awards[0]
    qtbot.mouseClick(
        _link(window, f"{year}年{award.level}奖项{award.this_year}项"), Qt.MouseButton.LeftButton
    )
    assert window.current_tab() is window.awards_tab
    assert window.awards_tab.filter_combos["level"].currentData() == award.level
    assert window.awards_tab.model.rowCount() == award.this_year

    window.show_tab("overview")
    qtbot.waitUntil(lambda: bool(window.overview_tab.links))
    qtbot.mouseClick(_link(window, f"{year - 1}年科学普及活动1项"), Qt.MouseButton.LeftButton)
    assert window.selected_year() == year - 1
    assert window.activities_tab.model.rowCount() == 1


def test_refreshed_when_records_or_year_change_while_shown_only(
    window: MainWindow, demo_store: Store, qtbot: Any, computed: list[int]
) -> None:
    year = _year(demo_store)
    _show_overview(window, qtbot)
    figures = window.overview_tab.figures
    assert figures is not None and computed == [year]
    demo_store.records.save(
        Activity(title="新加的讲座", category="科学普及", start_date=f"{year}-05-04")
    )
    window.reload_all()  # what an import, undo or restore calls
    qtbot.waitUntil(lambda: len(computed) == 2)
    after = window.overview_tab.figures
    assert after is not None
    assert after.total.this_year.activities == figures.total.this_year.activities + 1
    # Another year chosen while shown.
    window.refresh_years(select=year - 1)
    window.year_combo.currentIndexChanged.emit(window.year_combo.currentIndex())
    qtbot.waitUntil(lambda: len(computed) == 3)
    assert computed[-1] == year - 1
    assert f"概览：{year - 1}年" in window.status_label.text()
    assert "比较" not in window.status_label.text()  # nothing recorded in the year before it
    # Hidden: changes only mark it; it is computed when shown again.
    window.show_tab(window.activities_tab)
    window.reload_all()
    window.year_combo.setCurrentIndex(window.year_combo.findData(year))
    qtbot.wait(50)
    assert len(computed) == 3
    _show_overview(window, qtbot)
    qtbot.waitUntil(lambda: len(computed) == 4)
    assert computed[-1] == year


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_the_overview_fits_small_screens(
    demo_store: Store, data_dir: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:  # fmt: skip
    area = QRect(0, 0, size[0], size[1] - 40)  # less a task bar
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: area)
    window = MainWindow(demo_store, data_dir)
    qtbot.addWidget(window)
    window.show()
    _show_overview(window, qtbot)
    assert window.width() <= area.width() and window.height() <= area.height()
    scroll = window.overview_tab.area
    content = scroll.widget()
    assert content is not None
    # Never sideways: every figure is within the width; down, it scrolls.
    assert content.minimumSizeHint().width() <= scroll.viewport().width()
    for link in window.overview_tab.links:
        assert isinstance(link, FigureLink | MonthBar)
        assert link.mapTo(content, link.rect().topRight()).x() <= scroll.viewport().width()


def test_categories_written_by_another_tool_are_shown_and_never_crash(
    window: MainWindow, demo_store: Store, qtbot: Any
) -> None:
    """DB Browser may write a category outside the list, or none: the first still links to
    its list (the drop-down takes the value), the second is counted but not linked."""
    year = _year(demo_store)
    with demo_store.transaction():
        demo_store.conn.execute(
            "UPDATE activities SET category = '科技下乡' WHERE id IN "
            "(SELECT id FROM activities ORDER BY id LIMIT 2)"
        )
        demo_store.conn.execute(
            "UPDATE activities SET category = '' WHERE id = (SELECT max(id) FROM activities)"
        )
    window.reload_all()
    _show_overview(window, qtbot)
    figures = window.overview_tab.figures
    assert figures is not None
    assert [c.category for c in figures.categories][-2:] == ["科技下乡", ""]
    names = [b.accessibleName() for b in window.overview_tab.links]
    assert not any("未填类别" in n for n in names)
    qtbot.mouseClick(_link(window, f"{year}年科技下乡活动2项"), Qt.MouseButton.LeftButton)
    tab = window.activities_tab
    assert window.current_tab() is tab
    assert tab.filter_combos["category"].currentText() == "科技下乡"
    assert tab.model.rowCount() == 2


def test_ctrl_tab_to_the_overview_puts_the_focus_on_its_first_figure(
    window: MainWindow, qtbot: Any
) -> None:
    tab = window.activities_tab
    tab.view.setFocus()
    window.previous_tab_action.trigger()  # Ctrl+PgUp from the activities list
    assert window.current_key() == "overview"
    qtbot.waitUntil(lambda: bool(window.overview_tab.links))
    qtbot.waitUntil(lambda: window.focusWidget() is window.overview_tab.links[0])
    # Figures rebuilt while focused (another year): the focus stays among them.
    window.refresh_years(select=window.selected_year())
    window.overview_tab.mark_stale()
    qtbot.waitUntil(lambda: window.focusWidget() is window.overview_tab.links[0])


def test_changes_are_coloured(window: MainWindow, demo_store: Store, qtbot: Any) -> None:
    year = _year(demo_store)
    demo_store.records.save(
        Activity(title="上年的讲座", category="科学普及", start_date=f"{year - 1}-05-04")
    )
    window.reload_all()
    _show_overview(window, qtbot)
    from PySide6.QtWidgets import QLabel

    changes = [
        label.text()
        for label in window.overview_tab.area.widget().findChildren(QLabel)
        if "color" in label.text()
    ]
    assert changes and all(overview_tab.UP_COLOUR.name() in t for t in changes)
