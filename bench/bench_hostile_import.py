"""Hostile import files (issue 11): how fast each is refused and how much memory that takes.

    python bench/bench_hostile_import.py

Builds the bombs of bench/hostile_files.py in a temporary folder and reads each in a fresh
process (as `kexie-desktop import --dry-run` would), printing the time to the refusal and the
peak memory of that process. Target: each refused within 5 s and 300 MB, with a Chinese message.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.hostile_files import build_bombs

_READ = """
import json, resource, sys
from kexie_desktop.core.importing.readers import ReadError, read_file
try:
    read_file(sys.argv[1])
    message = "（没有拒绝）"
except ReadError as exc:
    message = str(exc)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"message": message, "peak_mb": peak}, ensure_ascii=False))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bombs = build_bombs(Path(folder))
        print(f"{'文件':<22}{'大小':>10}{'用时':>9}{'峰值内存':>10}  提示")
        for name, (path, _detail) in bombs.items():
            start = time.monotonic()
            result = subprocess.run(
                [sys.executable, "-c", _READ, str(path)],
                capture_output=True,
                text=True,
                timeout=600,
                cwd=HERE.parent,
            )
            elapsed = time.monotonic() - start
            if result.returncode != 0:
                print(f"{name:<22} 出错：{result.stderr.strip()[-300:]}")
                continue
            report = json.loads(result.stdout)
            size = f"{path.stat().st_size / 1024:.0f} KB"
            print(
                f"{name:<22}{size:>10}{elapsed:>8.1f}s{report['peak_mb']:>8} MB  "
                f"{report['message'][:60]}"
            )


if __name__ == "__main__":
    main()
