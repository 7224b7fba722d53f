"""One program at a time per data folder; a lock left by a killed program blocks nothing."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kexie_desktop.core.instance_lock import AlreadyRunning, InstanceLock
from kexie_desktop.core.store import StoreError

HOLDER = """
import sys
from pathlib import Path
from kexie_desktop.core.instance_lock import InstanceLock

lock = InstanceLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
sys.stdin.readline()  # holds the lock until told (or killed)
lock.release()
"""


def hold_in_another_process(data_dir: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_a_second_program_on_the_same_folder_is_refused(data_dir: Path) -> None:
    holder = hold_in_another_process(data_dir)
    try:
        lock = InstanceLock(data_dir)
        with pytest.raises(AlreadyRunning, match="不能同时打开两次") as refused:
            lock.acquire()
        assert isinstance(refused.value, StoreError)
        assert not lock.held
        with InstanceLock(data_dir.parent / "other") as other:  # another folder: not affected
            assert other.held
    finally:
        holder.communicate("done\n")
    assert holder.returncode == 0
    with InstanceLock(data_dir) as lock:  # free once the first program has ended
        assert lock.held
        assert (data_dir / "kexie.lock").read_text() == f"{os.getpid()}\n"


def test_a_lock_left_by_a_killed_program_does_not_block(data_dir: Path) -> None:
    holder = hold_in_another_process(data_dir)
    assert (data_dir / "kexie.lock").read_text() == f"{holder.pid}\n"
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate()
    assert (data_dir / "kexie.lock").exists()  # the file stays; the OS lock went with it
    lock = InstanceLock(data_dir)
    lock.acquire()
    assert lock.held
    assert (data_dir / "kexie.lock").read_text() == f"{os.getpid()}\n"
    lock.release()


def test_the_same_process_cannot_take_it_twice_and_can_take_it_again(data_dir: Path) -> None:
    first = InstanceLock(data_dir)
    first.acquire()
    first.acquire()  # holding it already: nothing happens
    with pytest.raises(AlreadyRunning):
        InstanceLock(data_dir).acquire()
    first.release()
    first.release()
    with InstanceLock(data_dir) as again:
        assert again.held


def test_a_folder_that_cannot_be_made_is_left_to_the_store_to_report(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    lock = InstanceLock(blocker / "sub")
    lock.acquire()
    assert not lock.held
