"""A second start on the same data folder brings the running window to the front.

The running program listens on a QLocalServer (a Unix domain socket or a Windows named pipe:
local to this computer and this user, never a network connection) named after the data folder;
the refused second start sends it one word. Which program may open the data is decided by the
instance lock (core/instance_lock.py), not by this channel: it is only a courtesy, and when it
fails the second start still says why it is refused.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

_RAISE = b"raise"
_WAIT_MS = 1000


def server_name(data_dir: Path) -> str:
    """The same name for the same folder of the same user; short enough for a socket path."""
    key = f"{Path.home()}\n{Path(data_dir).resolve()}".encode()
    return f"kexie-desktop-{hashlib.sha256(key).hexdigest()[:16]}"


def listen_for_second_start(window: QWidget, data_dir: Path) -> QLocalServer:
    """Raise `window` whenever a second start on `data_dir` knocks; the server is its child."""
    name = server_name(data_dir)
    server = QLocalServer(window)
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    if not server.listen(name):
        # The caller holds the instance lock, so a socket of this name is left over from a
        # program that crashed; it is safe to take its place.
        QLocalServer.removeServer(name)
        server.listen(name)

    def knocked() -> None:
        while (connection := server.nextPendingConnection()) is not None:
            connection.readyRead.connect(lambda c=connection: read(c))
            connection.disconnected.connect(connection.deleteLater)

    def read(connection: QLocalSocket) -> None:
        if _RAISE in bytes(connection.readAll().data()):
            bring_to_front(window)

    server.newConnection.connect(knocked)
    return server


def bring_to_front(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def ask_running_to_come_forward(data_dir: Path) -> bool:
    """Tell the program that has `data_dir` open to show its window; True if it was told."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(_WAIT_MS):
        return False
    socket.write(_RAISE)
    told = socket.waitForBytesWritten(_WAIT_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(_WAIT_MS)
    return told
