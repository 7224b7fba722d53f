"""Finding the USB stick: /proc/mounts and /sys/class/block laid out in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from kexie_desktop.core import removable


def _block(sys_block: Path, disk: str, flag: str, partitions: tuple[str, ...] = ()) -> None:
    """The kernel's layout: the disk folder holds `removable`; a partition lives inside it and
    /sys/class/block/<partition> is a link into the disk's folder."""
    devices = sys_block.parent / "devices" / disk
    devices.mkdir(parents=True)
    (devices / "removable").write_text(flag + "\n", encoding="ascii")
    (sys_block / disk).symlink_to(devices)
    for part in partitions:
        (devices / part).mkdir()
        (sys_block / part).symlink_to(devices / part)


@pytest.fixture
def system(tmp_path: Path) -> tuple[Path, Path, Path]:
    sys_block = tmp_path / "sys" / "class" / "block"
    sys_block.mkdir(parents=True)
    media = tmp_path / "media"
    _block(sys_block, "sda", "0", ("sda1",))
    _block(sys_block, "sdb", "1", ("sdb1",))
    _block(sys_block, "sdc", "1")  # a stick formatted without a partition table
    return tmp_path, sys_block, media


def _mounts(root: Path, lines: list[str]) -> str:
    path = root / "mounts"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _dev(root: Path, name: str) -> str:
    """The device as /proc/mounts names it; only its kernel name is looked up under /sys."""
    return f"/dev/{name}"


def test_removable_partitions_and_whole_disks_are_found(
    system: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, sys_block, _ = system
    stick = Path("/media/clerk/U盘 2")
    whole = Path("/run/media/clerk/KINGSTON")
    monkeypatch.setattr(removable.os, "access", lambda path, mode: True)
    mounts = _mounts(
        root,
        [
            f"{_dev(root, 'sda1')} / ext4 rw 0 0",
            f"{_dev(root, 'sda1')} /mnt/data ext4 rw 0 0",  # internal disk, even under /mnt
            f"{_dev(root, 'sdb1')} /media/clerk/U盘\\0402 vfat rw 0 0",
            f"{_dev(root, 'sdc')} {whole} vfat rw 0 0",
            "tmpfs /media/ram tmpfs rw 0 0",  # not a device
        ],
    )
    found = removable._linux_mounts(mounts, str(sys_block))
    assert found == [stick, whole]


def test_escaped_characters_in_mount_points_are_decoded(
    system: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, sys_block, _ = system
    monkeypatch.setattr(removable.os, "access", lambda path, mode: True)
    mounts = _mounts(root, [f"{_dev(root, 'sdb1')} /media/a\\011b\\134c vfat rw 0 0"])
    assert removable._linux_mounts(mounts, str(sys_block)) == [Path("/media/a\tb\\c")]


def test_a_read_only_stick_is_not_offered(
    system: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, sys_block, _ = system
    monkeypatch.setattr(removable.os, "access", lambda path, mode: False)
    mounts = _mounts(root, [f"{_dev(root, 'sdb1')} /media/clerk/STICK vfat ro 0 0"])
    assert removable._linux_mounts(mounts, str(sys_block)) == []


def test_unreadable_mount_table_means_no_drives(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> list[Path]:
        raise PermissionError("no /proc")

    monkeypatch.setattr(removable, "_linux_mounts", fail)
    monkeypatch.setattr(removable.sys, "platform", "linux")
    assert removable.removable_drives() == []
