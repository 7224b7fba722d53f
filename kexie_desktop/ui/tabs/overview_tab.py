"""The 概览 tab: the selected year at a glance, beside the year before, every figure a link.

Drawn with QPainter (QtCharts is not in the PySide6-Essentials wheels the installers ship). Each
figure is a small button that paints itself: Tab reaches it, Enter or Space opens it, a screen
reader reads its accessible name ("2025年科学普及活动120项"), and a click opens the record tab
with the matching year and drop-downs (`Link`, handled by the main window).

The figures are computed (core/overview.py, SQL aggregates) only when the tab is on screen:
on first showing, and again after the year or the records change while it is shown; never
while the window starts (the tab is not shown then, or, if it was the last tab, it computes
once the window is up, from the event loop).

About 600 lines: the tab and the three painted figures it is built from (FigureLink, PairBar,
MonthBar). Those widgets exist only for this tab, and their sizes, colours and accessible names
are tuned together with the cards that hold them, so they live in the same file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPaintEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.overview import Overview, Tally, compute
from kexie_desktop.core.store import Store

THIS_YEAR_COLOUR = QColor("#2f6fb5")
LAST_YEAR_COLOUR = QColor("#aab7c4")
UP_COLOUR = QColor("#1b7f3b")
DOWN_COLOUR = QColor("#b3261e")
# Unit names listed under 本年没有活动的单位 before "等N个".
IDLE_NAMES_SHOWN = 12


@dataclass(frozen=True)
class Link:
    """Where a figure leads: a record tab, the year it should show, its drop-downs' values."""

    tab: str  # "activities", "people", "awards" or "units"
    year: int | None = None  # None: the tab has no year (people, units)
    filters: dict[str, str] = field(default_factory=dict)


def number(value: int) -> str:
    return f"{value:,}"


def participants_text(tally: Tally) -> str:
    """人次 as known: never 0 for 不详, and saying how many activities it leaves out."""
    if not tally.activities:
        return "—"
    if tally.participants is None:
        return "不详"
    text = number(tally.participants)
    return f"{text}（{tally.unknown}项不详）" if tally.unknown else text


class _LinkButton(QAbstractButton):
    """What every figure link shares: its list, its name for screen readers and the tool tip,
    Enter as well as Space to open it, a hover repaint and the focus frame."""

    def __init__(self, link: Link, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.link = link
        self.setAccessibleName(name)
        self.setToolTip(f"{name}：单击（或按回车、空格）打开列表")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    def draw_focus(self, painter: QPainter) -> None:
        if self.hasFocus():
            painter.setPen(self.palette().color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(self.rect().adjusted(0, 0, -1, -1), 3, 3)

    def enterEvent(self, event: object) -> None:
        self.update()
        super().enterEvent(event)  # type: ignore[arg-type]

    def leaveEvent(self, event: object) -> None:
        self.update()
        super().leaveEvent(event)  # type: ignore[arg-type]


class FigureLink(_LinkButton):
    """A figure drawn as a link that opens the list it counts."""

    def __init__(self, text: str, link: Link, name: str, parent: QWidget | None = None):
        super().__init__(link, name, parent)
        self.setText(text)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.bold = False

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.text()) + 8, metrics.height() + 6)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        font = QFont(self.font())
        font.setBold(self.bold)
        font.setUnderline(self.underMouse() or self.hasFocus())
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.Link))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text())
        self.draw_focus(painter)
        painter.end()


class PairBar(QWidget):
    """This year's figure as a bar, last year's as a thin grey one under it, on a shared scale."""

    def __init__(self, this_year: int, last_year: int, scale: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.values = (this_year, last_year)
        self.scale = max(scale, 1)
        self.setMinimumWidth(60)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().height() + 4)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        width, height = self.width() - 2, self.height()
        this_year, last_year = self.values
        bar = max(4, height * 5 // 9)
        if this_year:
            painter.fillRect(
                QRect(1, 1, max(2, width * this_year // self.scale), bar), THIS_YEAR_COLOUR
            )
        if last_year:
            painter.fillRect(
                QRect(1, bar + 3, max(2, width * last_year // self.scale), max(2, height // 6)),
                LAST_YEAR_COLOUR,
            )
        painter.end()


class MonthBar(_LinkButton):
    """One month of the year as a column (its count above), last year's month as a grey mark;
    a link to the activities of that month."""

    def __init__(
        self, month: int, value: int, last: int, scale: int, link: Link, name: str,
        parent: QWidget | None = None,
    ):  # fmt: skip
        super().__init__(link, name, parent)
        self.month, self.value, self.last, self.scale = month, value, last, max(scale, 1)
        self.setText(f"{month}月")
        self.setMinimumSize(34, 7 * self.fontMetrics().height())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(44, 9 * self.fontMetrics().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        line = self.fontMetrics().height()
        rect = self.rect()
        palette = self.palette()
        if self.hasFocus() or self.underMouse():
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        top, bottom = line + 4, rect.height() - line - 4
        room = max(1, bottom - top)
        column = max(8, rect.width() * 5 // 10)
        left = (rect.width() - column) // 2
        height = room * self.value // self.scale
        if self.value:
            painter.fillRect(
                QRect(left, bottom - max(height, 2), column, max(height, 2)), THIS_YEAR_COLOUR
            )
        if self.last:
            mark = bottom - room * self.last // self.scale
            pen = painter.pen()
            pen.setColor(LAST_YEAR_COLOUR)
            pen.setWidth(3)
            painter.setPen(pen)
            painter.drawLine(left - 3, mark, left + column + 3, mark)
        painter.setPen(palette.color(QPalette.ColorRole.Link))
        label = QRect(0, bottom - height - line - 2, rect.width(), line)
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, number(self.value))
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        month_font = QFont(self.font())
        month_font.setUnderline(self.hasFocus() or self.underMouse())
        painter.setFont(month_font)
        painter.drawText(
            QRect(0, bottom + 2, rect.width(), line + 2), Qt.AlignmentFlag.AlignCenter, self.text()
        )
        self.draw_focus(painter)
        painter.end()


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("overviewCard")
    card.setFrameShape(QFrame.Shape.StyledPanel)
    card.setAutoFillBackground(True)
    card.setBackgroundRole(QPalette.ColorRole.Base)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(14, 10, 14, 12)
    heading = QLabel(title)
    font = heading.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    heading.setFont(font)
    layout.addWidget(heading)
    return card, layout


def _change(now: int, before: int) -> QLabel:
    """较上年: +12 in green, −3 in red, nothing when equal or when last year had none."""
    label = QLabel("")
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if before and now != before:
        diff = now - before
        label.setText(f"{'+' if diff > 0 else '−'}{number(abs(diff))}")
        # Rich text, not a palette (the application's style sheet overrides label palettes)
        # nor a style sheet per label (a hundred of them cost milliseconds).
        colour = (UP_COLOUR if diff > 0 else DOWN_COLOUR).name()
        label.setText(f'<span style="color: {colour}">{label.text()}</span>')
        label.setToolTip(f"较上年{'增加' if diff > 0 else '减少'}{number(abs(diff))}")
    return label


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setWordWrap(True)
    return label


class OverviewTab(QWidget):
    """The first tab of the window. `link_activated(Link)`: a figure was opened."""

    link_activated = Signal(object)
    status_changed = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.year: int | None = None
        self.note = ""
        self.figures: Overview | None = None
        self.links: list[QAbstractButton] = []
        self.computations = 0  # how often the figures were computed (tests, start-up)
        self._stale = True
        self._pending = False
        self._focus_wanted = False
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        waiting = QLabel("正在统计……")
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.setWidget(waiting)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.area)

    # -- when to compute -------------------------------------------------------------------

    def set_year(self, year: int, note: str = "") -> None:
        """The year to show (the window's selected one, or the newest under 全部年度)."""
        if (year, note) != (self.year, self.note):
            self.year, self.note = year, note
            self.mark_stale()

    def mark_stale(self) -> None:
        """Records or year changed: computed again now if on screen, else when next shown."""
        self._stale = True
        if self.isVisible():
            self._schedule()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._schedule()

    def _schedule(self) -> None:
        # From the event loop, after the tab (or the starting window) is on screen.
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._refresh_if_stale)

    def _refresh_if_stale(self) -> None:
        self._pending = False
        if self._stale and self.isVisible():
            self.refresh()

    def take_focus(self) -> None:
        """Keyboard focus on the first figure, now or once the figures are drawn: after
        Ctrl+Tab to the 概览, Tab goes on from the figures, not from the year box."""
        if self.links and not self._stale:
            self.links[0].setFocus()
        else:
            self._focus_wanted = True

    def status_text(self) -> str:
        if self.year is None:
            return "概览"
        compared = self.figures is None or self.figures.has_last_year
        versus = f"（与{self.year - 1}年比较）" if compared else ""
        return f"概览：{self.year}年{versus}，单击数字打开相应的列表"

    def refresh(self) -> None:
        """Compute the figures of the year and lay them out."""
        year = self.year if self.year is not None else dt.date.today().year
        self.figures = compute(self.store, year)
        self.computations += 1
        self._stale = False
        focused = QApplication.focusWidget()
        had_focus = focused is not None and self.isAncestorOf(focused)
        self._build(self.figures)
        if (self._focus_wanted or had_focus) and self.links:
            self.links[0].setFocus()
        self._focus_wanted = False
        self.status_changed.emit(self.status_text())

    # -- drawing ---------------------------------------------------------------------------

    def _link(self, text: str, link: Link, name: str, *, bold: bool = False) -> FigureLink:
        button = FigureLink(text, link, name)
        button.bold = bold
        self._connect(button)
        return button

    def _connect(self, button: FigureLink | MonthBar) -> None:
        button.clicked.connect(lambda: self.link_activated.emit(button.link))
        self.links.append(button)

    def _build(self, figures: Overview) -> None:
        self.links = []
        content = QWidget()
        grid = QGridLayout(content)
        grid.setContentsMargins(16, 12, 16, 16)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(14)
        y, last = figures.year, figures.last_year
        heading = QLabel(f"{y}年概览")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.5)
        heading.setFont(font)
        words = [f"与{last}年比较。" if figures.has_last_year else ""]
        words.append("单击蓝色数字（或用 Tab 选中后按回车）打开相应的列表。")
        if self.note:
            words.insert(0, self.note)
        head = QHBoxLayout()
        head.addWidget(heading)
        head.addSpacing(12)
        note = _muted("".join(words))
        head.addWidget(note, 1, Qt.AlignmentFlag.AlignBottom)
        grid.addLayout(head, 0, 0, 1, 2)
        grid.addWidget(self._activities_card(figures), 1, 0)
        side = QVBoxLayout()
        side.setSpacing(14)
        side.addWidget(self._people_card(figures))
        side.addWidget(self._awards_card(figures))
        side.addWidget(self._idle_card(figures), 1)
        grid.addLayout(side, 1, 1)
        grid.addWidget(self._months_card(figures), 2, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(3, 1)
        self.area.setWidget(content)  # the previous content is deleted

    def _activities_card(self, figures: Overview) -> QFrame:
        y, last = figures.year, figures.last_year
        card, layout = _card("活动（按类别）")
        if not figures.categories:
            layout.addWidget(_muted(f"{y}年和{last}年都还没有活动记录。"))
            return card
        # A first year in the program has nothing to compare with: no columns of noughts.
        compare = bool(figures.total.last_year.activities)
        table = QGridLayout()
        table.setHorizontalSpacing(10)
        table.setVerticalSpacing(2)
        headings = ("类别", "", f"{y}年项数", "人次", f"{last}年项数", "人次", "增减")
        for column, text in enumerate(headings if compare else headings[:4]):
            label = _muted(text)
            label.setWordWrap(False)
            if column >= 2:
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.addWidget(label, 0, column)
        scale = max(max(c.this_year.activities, c.last_year.activities) for c in figures.categories)
        row = 1
        for line in (*figures.categories, figures.total):
            total = line is figures.total
            # A blank category (written by another tool) has no drop-down item to link to.
            name = "合计" if total else (line.category or "未填类别")
            linked = total or bool(line.category)
            caption = QLabel(name)
            if total:
                bold = caption.font()
                bold.setBold(True)
                caption.setFont(bold)
            table.addWidget(caption, row, 0)
            if not total:
                table.addWidget(
                    PairBar(line.this_year.activities, line.last_year.activities, scale), row, 1
                )
            filters = {} if total else {"category": line.category}
            shown = ((2, y, line.this_year), (4, last, line.last_year))
            for column, year, tally in shown if compare else shown[:1]:
                what = f"{year}年{'全部' if total else name}活动"
                link = Link("activities", year, filters)
                count: QWidget = (
                    self._link(
                        number(tally.activities), link, f"{what}{tally.activities}项", bold=total
                    )
                    if linked
                    else _muted(number(tally.activities))
                )
                table.addWidget(count, row, column, Qt.AlignmentFlag.AlignRight)
                people = participants_text(tally)
                if tally.activities and linked:
                    widget: QWidget = self._link(
                        people, link, f"{what}参加人次{people}", bold=total
                    )
                else:
                    widget = _muted(people)
                table.addWidget(widget, row, column + 1, Qt.AlignmentFlag.AlignRight)
            if compare:
                change = _change(line.this_year.activities, line.last_year.activities)
                table.addWidget(change, row, 6)
            row += 1
        table.setColumnStretch(1, 1)
        layout.addLayout(table)
        legend = (
            f"蓝条：{y}年；灰条：{last}年。" if compare else f"{last}年没有活动记录，不作比较。"
        )
        legend += "人次只合计已知的，人数不详的活动不按0计。"
        if figures.planned:
            legend += f"另有{figures.planned}项计划活动尚未举办，不计入以上数字（列表中有）。"
        layout.addWidget(_muted(legend))
        layout.addStretch(1)
        return card

    def _months_card(self, figures: Overview) -> QFrame:
        y, last = figures.year, figures.last_year
        card, layout = _card("各月活动")
        scale = max((*figures.months, *figures.last_months, 1))
        row = QHBoxLayout()
        row.setSpacing(2)
        for month in range(1, 13):
            value, before = figures.months[month - 1], figures.last_months[month - 1]
            name = f"{y}年{month}月活动{value}项（{last}年同月{before}项）"
            bar = MonthBar(
                month, value, before, scale, Link("activities", y, {"month": f"{month:02d}"}), name
            )
            self._connect(bar)
            row.addWidget(bar)
        layout.addLayout(row, 1)
        compare = f"灰线：{last}年同月。" if any(figures.last_months) else ""
        layout.addWidget(_muted(f"按开始日期。{compare}单击一个月打开该月的活动。"))
        return card

    def _people_card(self, figures: Overview) -> QFrame:
        card, layout = _card("人员、会员与基层组织")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        rows: list[tuple[str, QWidget, str]] = [
            (
                "在册人员",
                self._link(
                    f"{number(figures.people)}人",
                    Link("people", None, {"status": "在册"}),
                    f"在册人员{figures.people}人",
                ),
                "",
            ),
            (
                "其中会员",
                self._link(
                    f"{number(figures.members)}人",
                    Link("people", None, {"status": "在册", "role": "会员"}),
                    f"在册会员{figures.members}人",
                ),
                f"本年新入会{number(figures.new_members)}人" if figures.new_members else "",
            ),
            (
                "基层组织",
                self._link(
                    f"{number(figures.units)}个",
                    Link("units", figures.year, {}),
                    f"{figures.year}年底的基层组织{figures.units}个",
                ),
                f"本年新建{number(figures.new_units)}个" if figures.new_units else "",
            ),
        ]
        for index, (caption, link, remark) in enumerate(rows):
            grid.addWidget(QLabel(caption), index, 0)
            grid.addWidget(link, index, 1, Qt.AlignmentFlag.AlignRight)
            note = _muted(remark)
            note.setWordWrap(False)
            grid.addWidget(note, index, 2)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        return card

    def _awards_card(self, figures: Overview) -> QFrame:
        y, last = figures.year, figures.last_year
        card, layout = _card("奖项（按级别）")
        if not figures.awards:
            layout.addWidget(_muted(f"{y}年和{last}年都还没有奖项记录。"))
            return card
        compare = bool(figures.awards_total.last_year)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        headings = ("级别", f"{y}年", f"{last}年", "增减")
        for column, text in enumerate(headings if compare else headings[:2]):
            label = _muted(text)
            label.setWordWrap(False)
            if column:
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, 0, column)
        for row, line in enumerate((*figures.awards, figures.awards_total), start=1):
            total = line is figures.awards_total
            caption = QLabel("合计" if total else (line.level or "未填级别"))
            if total:
                bold = caption.font()
                bold.setBold(True)
                caption.setFont(bold)
            grid.addWidget(caption, row, 0)
            filters = {} if total or not line.level else {"level": line.level}
            shown = ((1, y, line.this_year), (2, last, line.last_year))
            for column, year, value in shown if compare else shown[:1]:
                what = f"{year}年{'全部' if total else (line.level or '未填级别')}奖项"
                if total or line.level:
                    link = Link("awards", year, filters)
                    figure = self._link(number(value), link, f"{what}{value}项", bold=total)
                    grid.addWidget(figure, row, column, Qt.AlignmentFlag.AlignRight)
                else:
                    # No drop-down item for a blank level: the count is shown, not linked.
                    grid.addWidget(_muted(number(value)), row, column, Qt.AlignmentFlag.AlignRight)
            if compare:
                grid.addWidget(_change(line.this_year, line.last_year), row, 3)
        grid.setColumnStretch(0, 1)
        layout.addLayout(grid)
        if not compare:
            layout.addWidget(_muted(f"{last}年没有奖项记录，不作比较。"))
        return card

    def _idle_card(self, figures: Overview) -> QFrame:
        y = figures.year
        card, layout = _card("本年没有活动的单位")
        if not figures.units:
            layout.addWidget(_muted(f"{y}年底还没有基层组织记录。"))
            return card
        idle = len(figures.idle_units)
        line = QHBoxLayout()
        line.addWidget(
            self._link(
                f"{number(idle)}个",
                Link("units", y, {"idle_in": "year"}),
                f"{y}年没有活动的单位{idle}个",
                bold=True,
            )
        )
        line.addWidget(QLabel(f"（共{number(figures.units)}个单位）"))
        line.addStretch(1)
        layout.addLayout(line)
        if idle:
            shown = "、".join(figures.idle_units[:IDLE_NAMES_SHOWN])
            more = f"等{idle}个" if idle > IDLE_NAMES_SHOWN else ""
            layout.addWidget(_muted(f"{shown}{more}。"))
        else:
            layout.addWidget(_muted("每个单位本年都有活动。"))
        layout.addStretch(1)
        return card
