"""An export on the stick is either whole or absent."""

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from typing import BinaryIO

import pytest

from kexie_desktop.core.safe_write import ExportError, check_zip, write_safely


def _zip_writer(f: BinaryIO) -> None:
    with zipfile.ZipFile(f, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>" * 1000)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_good_write_lands_under_the_final_name(tmp_path: Path) -> None:
    target = tmp_path / "总结.docx"
    write_safely(target, _zip_writer, verify=lambda p: check_zip(p, ["word/document.xml"]))
    assert _leftovers(tmp_path) == ["总结.docx"]
    check_zip(target, ["word/document.xml"])


def test_an_error_midway_leaves_nothing_and_keeps_an_older_file(tmp_path: Path) -> None:
    target = tmp_path / "总结.docx"
    target.write_bytes(b"the complete file of yesterday")

    def broken(f: BinaryIO) -> None:
        f.write(b"PK half a file")
        raise RuntimeError("stick pulled")

    with pytest.raises(RuntimeError):
        write_safely(target, broken)
    assert _leftovers(tmp_path) == ["总结.docx"]
    assert target.read_bytes() == b"the complete file of yesterday"


def test_a_file_that_fails_its_check_is_not_kept(tmp_path: Path) -> None:
    target = tmp_path / "台账.xlsx"
    with pytest.raises(ExportError, match="读回检查未通过"):
        write_safely(target, lambda f: f.write(b"not a zip"), verify=lambda p: check_zip(p, []))
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.ENOSPC, "空间已满"),
        (errno.EROFS, "只读"),
        (errno.EACCES, "没有写入权限"),
        (errno.EIO, "U盘可能已被拔出"),
    ],
)
def test_drive_errors_are_explained_in_chinese(tmp_path: Path, code: int, message: str) -> None:
    def failing(f: BinaryIO) -> None:
        f.write(b"some bytes")
        raise OSError(code, os.strerror(code))

    with pytest.raises(ExportError, match=message):
        write_safely(tmp_path / "总结.docx", failing)
    assert _leftovers(tmp_path) == []


def test_a_missing_program_file_is_not_blamed_on_the_stick(tmp_path: Path) -> None:
    """A template the writer reads (python-docx's footer, once missing from the bundle) is
    the program's fault, not a pulled USB stick's."""
    template = tmp_path / "program" / "templates" / "default-footer.xml"
    out = tmp_path / "stick"
    out.mkdir()

    def reads_a_missing_template(f: BinaryIO) -> None:
        f.write(b"PK")
        template.read_bytes()

    with pytest.raises(ExportError, match="程序自己的文件缺失") as caught:
        write_safely(out / "总结.docx", reads_a_missing_template)
    assert "U盘" not in str(caught.value) and "重新安装" in str(caught.value)
    assert _leftovers(out) == []


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="不存在"):
        write_safely(tmp_path / "gone" / "总结.docx", _zip_writer)


def test_a_killed_writer_leaves_no_file_under_the_final_name(tmp_path: Path) -> None:
    target = tmp_path / "总结.docx"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from kexie_desktop.core.safe_write import write_safely

        def slow(f):
            f.write(b"PK" + b"x" * 1000)
            f.flush()
            print("writing", flush=True)
            time.sleep(60)

        write_safely(Path({str(target)!r}), slow)
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "writing"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert not target.exists()
    # The next export to the same place tidies the leftover away.
    time.sleep(0.01)
    write_safely(target, _zip_writer)
    assert _leftovers(tmp_path) == ["总结.docx"]
