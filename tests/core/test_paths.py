from pathlib import Path

import pytest

from kexie_desktop.core import paths


def test_cli_value_wins_over_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KEXIE_DATA_DIR", str(tmp_path / "env"))
    assert paths.resolve_data_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    assert paths.resolve_data_dir(None) == tmp_path / "env"


def test_default_is_the_per_user_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(paths.sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.resolve_data_dir(None) == tmp_path / "xdg" / "KeXieDesktop"


def test_resources_are_found_from_a_checkout() -> None:
    assert (paths.resources_dir() / "demo" / "demo.json").is_file()
