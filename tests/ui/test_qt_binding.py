"""The Qt binding itself must hold up for a working day of calls (regression: PySide6 6.12.0)."""

import os
import subprocess
import sys


def test_many_void_qt_calls_do_not_wear_down_none() -> None:
    # PySide6 6.12.0 on Python 3.11 released a reference to None on each call of a method
    # returning void; a few thousand calls (a combo box filled with the roster) aborted the
    # program with "none_dealloc". Run in a child: if it happens it kills the process.
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication, QComboBox, QLabel\n"
        "app = QApplication([])\n"
        "label, combo = QLabel(), QComboBox()\n"
        "before = sys.getrefcount(None)\n"
        "for i in range(20000):\n"
        "    label.setText('张三')\n"
        "    combo.addItem('李四')\n"
        "print(sys.getrefcount(None) - before)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert int(result.stdout.strip()) > -100
