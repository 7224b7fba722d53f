"""Reference for the start-up benchmark: an empty PySide6 window with a tab widget."""

import resource
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget


def main() -> None:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    tabs = QTabWidget()
    for title in ("活动", "人员", "奖项", "基层组织"):
        tabs.addTab(QTabWidget(), title)
    window.setCentralWidget(tabs)
    window.resize(1180, 720)
    window.show()

    def shown() -> None:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{time.time():.6f} {peak_mb:.1f}")
        app.quit()

    QTimer.singleShot(0, shown)
    app.exec()


if __name__ == "__main__":
    main()
