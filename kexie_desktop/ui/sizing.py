"""Window sizes from the screen the window is on, never fixed pixels.

The smallest screen the program must fit is a 1920×1080 laptop at 150 % scaling — 1280×720
logical pixels less the task bar — and every window and dialog also fits 1024×768 (scrolling
where its content cannot shrink). A size wanted for a big screen is cut to the available area.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left for the window frame and title bar, which availableGeometry() does not include.
FRAME_MARGIN = 40


def available_area(widget: QWidget) -> QRect:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to (width, height), or to what the screen has room for, and keep it on screen."""
    area = available_area(widget)
    w = min(width, area.width() - FRAME_MARGIN // 2)
    h = min(height, area.height() - FRAME_MARGIN)
    widget.resize(max(w, 200), max(h, 150))


def keep_on_screen(widget: QWidget) -> None:
    """A restored geometry from a bigger screen (or one no longer attached) is brought back."""
    area = available_area(widget)
    frame = widget.frameGeometry()
    w = min(widget.width(), area.width() - FRAME_MARGIN // 2)
    h = min(widget.height(), area.height() - FRAME_MARGIN)
    if (w, h) != (widget.width(), widget.height()):
        widget.resize(w, h)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        widget.move(max(x, area.x()), max(y, area.y()))
