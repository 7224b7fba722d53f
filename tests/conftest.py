"""Fixtures shared by every test: temporary data folders, no network, no real user data."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kexie_desktop.core.demo import load_demo
from kexie_desktop.core.store import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may read or write the real per-user data folder or Qt settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
    monkeypatch.delenv("KEXIE_DATA_DIR", raising=False)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"测试中不允许网络连接：{args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A new database and one with the demo data, each built once per session: creating and
    migrating a database takes ~135 ms and loading the demo ~150 ms, for each of hundreds of
    tests; copying the file takes ~5 ms. Their organisation identity is removed, so that each
    copy makes its own when opened (Store.open), as a real first start does."""
    templates: dict[str, Path] = {}
    for name in ("new", "demo"):
        folder = tmp_path_factory.mktemp(f"template-{name}")
        built = Store.open(folder)
        try:
            if name == "demo":
                load_demo(built)
            with built.transaction():
                built.db.execute("DELETE FROM settings WHERE key = 'org_uuid'")
        finally:
            built.close()
        assert sorted(p.name for p in folder.iterdir()) == ["kexie.db"]  # no WAL left behind
        templates[name] = folder / "kexie.db"
    return templates


@pytest.fixture
def store(
    data_dir: Path, database_templates: dict[str, Path], request: pytest.FixtureRequest
) -> Iterator[Store]:
    """The data folder's store: a new database, or with the demo data when the test (or a
    fixture it uses) asks for demo_store."""
    data_dir.mkdir(parents=True, exist_ok=True)
    name = "demo" if "demo_store" in request.fixturenames else "new"
    shutil.copyfile(database_templates[name], data_dir / "kexie.db")
    s = Store.open(data_dir)
    yield s
    s.close()


@pytest.fixture
def demo_store(store: Store) -> Store:
    """The demo data, as load_demo(store) leaves it (copied from database_templates)."""
    return store
