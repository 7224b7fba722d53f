"""One program at a time per data folder: an exclusive OS lock on DIR/kexie.lock.

The lock is the operating system's (flock on Linux, LockFile on Windows), not the existence of
the file: the OS drops it when the holding process ends in any way, so a lock left by a crashed
or killed program can never block the next start. The file stays; the pid written into it is
only for a person looking at the folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path
from types import TracebackType

from kexie_desktop.core.store import StoreError

LOCK_FILENAME = "kexie.lock"
# The errors a non-blocking lock attempt gives when another process holds the lock.
_HELD_ELSEWHERE = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK}


class AlreadyRunning(StoreError):
    """Another program holds the data folder; the message is Chinese."""


class InstanceLock:
    """`acquire()` once at start; the lock lasts until `release()` or the process ends."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / LOCK_FILENAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunning.

        Where the OS cannot lock at all (a folder that cannot be created, a network share
        without locks) the program goes on without the lock rather than locking the clerk out
        of the data; opening the store then reports any real problem with the folder.
        """
        if self._fd is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # No O_TRUNC: the file may be locked by another process that wrote its pid in it.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return
        try:
            _lock(fd)
        except OSError as exc:
            os.close(fd)
            if exc.errno in _HELD_ELSEWHERE:
                raise AlreadyRunning(
                    f"科协工作台已经打开了数据文件夹 {self.path.parent}，不能同时打开两次。"
                    "请切换到已经打开的窗口；如果找不到它，请先关闭它（或重新启动电脑）再试。"
                ) from exc
            return
        self._fd = fd
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".encode())

    def release(self) -> None:
        # The file is not deleted: another process may already be waiting on it, and a new
        # file of the same name would let two programs each hold "the" lock.
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


if sys.platform == "win32":
    import ctypes
    import msvcrt
    from ctypes import wintypes

    # LockFileEx rather than msvcrt.locking: the latter reports a lock held by another process
    # only through the C runtime's errno, which Wine's runtime leaves at 0, so under Wine a
    # second start went on as if the folder could not be locked at all. The Win32 error is
    # exact on Windows and Wine alike.
    class _Overlapped(ctypes.Structure):
        _fields_ = [
            ("Internal", ctypes.c_void_p),
            ("InternalHigh", ctypes.c_void_p),
            ("Offset", wintypes.DWORD),
            ("OffsetHigh", wintypes.DWORD),
            ("hEvent", wintypes.HANDLE),
        ]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _kernel32.LockFileEx.argtypes = [
        wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
        ctypes.POINTER(_Overlapped),
    ]  # fmt: skip
    _kernel32.UnlockFileEx.argtypes = [
        wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
        ctypes.POINTER(_Overlapped),
    ]  # fmt: skip
    _LOCK_EXCLUSIVE_NOW = 0x2 | 0x1  # LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY
    _ERROR_LOCK_VIOLATION = 33

    def _lock(fd: int) -> None:
        # One byte at offset 0, without waiting; Windows allows locking past the end of file.
        handle = msvcrt.get_osfhandle(fd)
        if not _kernel32.LockFileEx(handle, _LOCK_EXCLUSIVE_NOW, 0, 1, 0, _Overlapped()):
            error = ctypes.get_last_error()
            held = error == _ERROR_LOCK_VIOLATION
            raise OSError(errno.EACCES if held else errno.EIO, ctypes.FormatError(error))

    def _unlock(fd: int) -> None:
        _kernel32.UnlockFileEx(msvcrt.get_osfhandle(fd), 0, 1, 0, _Overlapped())

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


__all__ = ["LOCK_FILENAME", "AlreadyRunning", "InstanceLock"]
