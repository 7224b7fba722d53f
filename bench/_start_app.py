"""The program's real start-up path on a given data folder.

Prints when the main window is shown, and when the first rows of records are painted in it.
"""

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer

from kexie_desktop.ui.app import open_data, start_gui


def main() -> None:
    data_dir = Path(sys.argv[1])
    app, window = start_gui(data_dir)
    times: list[float] = []

    def shown() -> None:
        times.append(time.time())
        store = open_data(window, data_dir)
        assert store is not None
        tab = window.current_tab() or window.activities_tab  # rows, even if 概览 was last
        tab.view.viewport().repaint()
        assert tab.model.rowCount() > 0
        times.append(time.time())
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        heavy = sorted({m.split(".")[0] for m in sys.modules} & {"docx", "openpyxl", "lxml"})
        print(f"{times[0]:.6f} {peak_mb:.1f} {','.join(heavy) or '-'} {times[1]:.6f}")
        store.close()
        app.quit()

    QTimer.singleShot(0, shown)
    app.exec()


if __name__ == "__main__":
    main()
