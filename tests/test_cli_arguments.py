"""What the command line accepts before it does anything: where --data-dir may stand, and the
numbers (years, record and attachment ids) it takes. Run in-process: these are parsing matters."""

from __future__ import annotations

from pathlib import Path

import pytest

from kexie_desktop.cli import main
from kexie_desktop.core.paths import default_data_dir


@pytest.fixture
def default_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The per-user folder, pointed somewhere temporary so a failure cannot touch a real one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KEXIE_DATA_DIR", raising=False)
    folder = default_data_dir()
    assert str(folder).startswith(str(tmp_path))
    return folder


@pytest.mark.parametrize("before", [True, False], ids=["before-command", "after-command"])
def test_data_dir_works_before_and_after_the_command(
    tmp_path: Path, default_folder: Path, before: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    args = ["--data-dir", str(data), "demo"] if before else ["demo", "--data-dir", str(data)]
    assert main(args) == 0
    assert (data / "kexie.db").is_file()
    assert not default_folder.exists()
    assert str(data / "kexie.db") in capsys.readouterr().out


def test_data_dir_before_a_nested_command(tmp_path: Path, default_folder: Path) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "demo"]) == 0
    out = tmp_path / "台账.xlsx"
    assert main(["--data-dir", str(data), "export", "ledger", "--year", "2025",
                 "--out", str(out)]) == 0  # fmt: skip
    assert out.is_file()
    out = tmp_path / "台账2.xlsx"
    assert main(["export", "--data-dir", str(data), "ledger", "--year", "2025",
                 "--out", str(out)]) == 0  # fmt: skip
    assert out.is_file()
    assert not default_folder.exists()


def test_data_dir_given_twice_the_later_wins(tmp_path: Path, default_folder: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["--data-dir", str(first), "demo", "--data-dir", str(second)]) == 0
    assert (second / "kexie.db").is_file()
    assert not first.exists() and not default_folder.exists()


def _refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    message = err.rpartition("错误：")[2]
    assert "Traceback" not in err and "invalid" not in message
    return message


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "args",
    [
        ["detach", HUGE],
        ["detach", "abc"],
        ["detach", "0"],
        ["detach", "3", "-1"],
        ["attach", "--activity", HUGE, "x.jpg"],
        ["attach", "--award", "abc", "x.jpg"],
        ["attach", "--activity", "0", "x.jpg"],
    ],
)
def test_ids_out_of_range_are_refused_in_chinese(
    args: list[str], tmp_path: Path, default_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    err = _refused([*args, "--data-dir", str(data)], capsys)
    assert "应为正整数" in err
    assert not data.exists() and not default_folder.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["submissions", "--year", HUGE],
        ["submissions", "--year", "abc"],
        ["export", "package", "--year", HUGE, "--out", "{tmp}/p.zip"],
        ["export", "ledger", "--year", "-5", "--out", "{tmp}/t.xlsx"],
        ["export", "summary", "--year", "1899", "--out", "{tmp}/s.docx"],
        ["export", "stats", "--year", "2101", "--out", "{tmp}/s.xlsx"],
        ["export", "evidence", "--year", "25", "--out", "{tmp}/e.docx"],
    ],
)
def test_years_out_of_range_are_refused_in_chinese(
    args: list[str], tmp_path: Path, default_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["demo", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    err = _refused([*args, "--data-dir", str(data)], capsys)
    assert "参数 --year：年份" in err and "应为1900至2100之间的四位数年份" in err
    assert not any(tmp_path.glob("*.*")), "nothing may be written"


def test_years_and_ids_in_range_are_taken(
    tmp_path: Path, default_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["demo", "--data-dir", str(data)]) == 0
    # The ends of the range, and full-width digits as a Chinese input method types them.
    assert main(["submissions", "--year", "1900", "--data-dir", str(data)]) == 0
    assert main(["submissions", "--year", "２１００", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "1900年已报送" in out and "2100年已报送" in out
    assert main(["detach", str(2**63 - 1), "--data-dir", str(data)]) == 1
    assert f"没有编号为{2**63 - 1}的附件" in capsys.readouterr().err
