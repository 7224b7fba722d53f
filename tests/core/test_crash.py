"""Crash test: a program killed at random moments loses nothing it had reported as saved.

A child process saves people, edits them and imports small CSV files in a loop, printing one
line after each action has committed; the test kills it with SIGKILL at random moments, 100
times, restarting it on the same data folder. Afterwards the database passes integrity_check
and holds every action any child reported.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from kexie_desktop.core.store import Store

pytestmark = pytest.mark.slow  # about 25 s: `make test` runs it, `make test-fast` does not

KILLS = 100
SEED = 20250305

CHILD = textwrap.dedent(
    """
    import itertools
    import random
    import sys
    from pathlib import Path

    import sqlite_utils  # noqa: F401  (the first write needs it; loaded before the go)

    from kexie_desktop.core.importing.importer import apply, check
    from kexie_desktop.core.records import Person
    from kexie_desktop.core.store import Store

    data_dir, run = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(run)
    # Started while the previous child still runs: the data is touched only after it is dead.
    assert sys.stdin.readline() == "go\\n"
    store = Store.open(data_dir)
    print("ready", flush=True)
    for i in itertools.count():
        tag = f"{run}x{i}"
        action = rng.choice(("save", "save", "edit", "import"))
        ids = [r[0] for r in store.conn.execute("SELECT id FROM people ORDER BY id DESC LIMIT 50")]
        if action == "edit" and ids:
            person = store.records.get(Person, rng.choice(ids))
            # Edits count upwards across runs: a later (unreported) edit may only raise it.
            person.notes = str(run * 1_000_000 + i)
            store.records.save(person)
            print(f"edit {person.uuid} {person.notes}", flush=True)
        elif action == "import":
            names = [f"导入{tag}y{j}" for j in range(3)]
            csv = data_dir.parent / f"import-{tag}.csv"
            rows = [f"{n},男,139{run:04d}{i % 1000:03d}{j}" for j, n in enumerate(names)]
            csv.write_text("姓名,性别,手机\\n" + "\\n".join(rows) + "\\n", encoding="utf-8")
            result = apply(store, check(store, csv))
            assert result.added == 3, result
            print("import " + " ".join(names), flush=True)
        else:
            person = store.records.save(Person(name=f"保存{tag}", gender="女"))
            print(f"save {person.uuid}", flush=True)
    """
)


def test_killed_at_random_moments_nothing_reported_is_lost(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    rng = random.Random(SEED)
    reported: list[str] = []

    def spawn(run: int) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(script), str(data_dir), str(run)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    # The next two children start Python and import while this one works: most of the time.
    waiting = [spawn(run) for run in range(min(2, KILLS))]
    try:
        for run in range(KILLS):
            child = waiting.pop(0)
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write("go\n")
            child.stdin.flush()
            ready = child.stdout.readline()
            assert ready == "ready\n", child.communicate()[1]
            if run + 2 < KILLS:
                waiting.append(spawn(run + 2))
            time.sleep(rng.uniform(0, 0.3))
            os.kill(child.pid, signal.SIGKILL)
            out, err = child.communicate()
            assert child.returncode == -signal.SIGKILL, err  # killed, not failed on its own
            # A line cut off by the kill was never reported in full.
            reported += [line for line in out.splitlines(keepends=True) if line.endswith("\n")]
    finally:
        for child in waiting:  # only after a failure above
            child.kill()
            child.communicate()

    with closing(sqlite3.connect(data_dir / "kexie.db")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        uuids = {r[0] for r in conn.execute("SELECT uuid FROM people")}
        names = {r[0] for r in conn.execute("SELECT name FROM people")}
        notes = dict(conn.execute("SELECT uuid, notes FROM people"))
    saved = edits = imports = 0
    for line in reported:
        action, *rest = line.split()
        if action == "save":
            assert rest[0] in uuids, line
            saved += 1
        elif action == "edit":
            assert int(notes[rest[0]]) >= int(rest[1]), line
            edits += 1
        else:
            assert action == "import" and set(rest) <= names, line
            imports += 1
    # Every kind of action was done many times, killed in the middle or not.
    assert saved > KILLS and edits > KILLS / 4 and imports > KILLS / 4
    # An import cut short by a kill left nothing: each one is there with all three rows or absent.
    batches = Counter(name.rsplit("y", 1)[0] for name in names if name.startswith("导入"))
    assert set(batches.values()) == {3}
    store = Store.open(data_dir)
    try:
        assert store.records.counts()["people"] == len(uuids)
        assert store.lists.count("people") == len(uuids)  # the derived list table agrees
    finally:
        store.close()
