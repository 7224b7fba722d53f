"""One program at a time per data folder: an exclusive OS lock on DIR/kexie.lock.

The lock is the operating system's (flock on Linux, LockFile on Windows), not the existence of
the file: the OS drops it when the holding process ends in any way, so a lock left by a crashed
or killed program can never block the next start. The file stays; the pid written into it is
only for a person looking at the folder.

A lock file that is there but cannot be locked (a folder of that name, a file nobody may write)
refuses: going on without the lock once let two imports run at once and write 736 people
twice. Only where the file system offers no locks at all (some network shares) does the program
go on without one, and says so.
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
# The errors of a file system that has no locks at all.
_NO_LOCKS_HERE = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EINVAL}
NO_LOCKS_WARNING = (
    "数据文件夹所在的位置（可能是网络共享文件夹）不支持文件锁，"
    "无法防止两个科协工作台同时写入。请确认没有在别的电脑上同时打开同一个数据文件夹。"
)


class AlreadyRunning(StoreError):
    """Another program holds the data folder; the message is Chinese."""


class LockUnavailable(StoreError):
    """kexie.lock exists but cannot be locked; writing is refused. The message is Chinese."""


class InstanceLock:
    """`acquire()` once at start; the lock lasts until `release()` or the process ends."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / LOCK_FILENAME
        self._fd: int | None = None
        # Set when the program goes on without a lock (a file system without locks).
        self.warning = ""

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, or raise AlreadyRunning (held elsewhere) or LockUnavailable.

        A folder that cannot be created is left to the store to report. Where the file system
        offers no locks at all, the program goes on without one and `warning` says so.
        """
        if self._fd is not None:
            return
        self.warning = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        try:
            # No O_TRUNC: the file may be locked by another process that wrote its pid in it.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LockUnavailable(self._unavailable(exc)) from exc
        try:
            _lock(fd)
        except OSError as exc:
            os.close(fd)
            if exc.errno in _HELD_ELSEWHERE:
                raise AlreadyRunning(
                    f"科协工作台已经打开了数据文件夹 {self.path.parent}，不能同时打开两次。"
                    "请切换到已经打开的窗口；如果找不到它，请先关闭它（或重新启动电脑）再试。"
                ) from exc
            if exc.errno in _NO_LOCKS_HERE:
                self.warning = NO_LOCKS_WARNING
                return
            raise LockUnavailable(self._unavailable(exc)) from exc
        self._fd = fd
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".encode())

    def _unavailable(self, exc: OSError) -> str:
        if isinstance(exc, IsADirectoryError) or self.path.is_dir():
            why = f"{self.path} 是一个文件夹，而不是程序的锁文件"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            why = f"{self.path} 不能写入（数据文件夹是只读的，或没有写入权限）"
        else:
            why = f"{self.path} 无法使用（{exc.strerror or exc}）"
        return (
            f"无法锁定数据文件夹：{why}。为防止两个程序同时写入同一份数据，没有打开。"
            "请把这个文件（或文件夹）移走，或检查数据文件夹的权限后再试。"
        )

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


__all__ = ["LOCK_FILENAME", "NO_LOCKS_WARNING", "AlreadyRunning", "InstanceLock", "LockUnavailable"]
