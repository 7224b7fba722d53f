"""The command line, run as a clerk or a script would run it: a separate process."""

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from kexie_desktop import __version__
from kexie_desktop.core.store import Store


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # conftest has already removed any KEXIE_DATA_DIR of the machine from os.environ.
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kexie_desktop", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"科协工作台 {__version__}"


def test_unknown_arguments_get_a_chinese_usage_message() -> None:
    result = run("--frobnicate")
    assert result.returncode == 2
    assert "用法：" in result.stderr
    assert "无法识别的参数：--frobnicate" in result.stderr
    result = run("frobnicate")
    assert result.returncode == 2
    assert "没有“frobnicate”这个命令" in result.stderr


def test_help_is_chinese() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "载入演示数据" in result.stdout and "显示本帮助并退出" in result.stdout


def test_demo_into_a_data_dir(tmp_path: Path) -> None:
    result = run("demo", "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert "已载入2025年演示数据" in result.stdout
    with sqlite3.connect(tmp_path / "d" / "kexie.db") as conn:
        assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] >= 80
    again = run("demo", "--data-dir", str(tmp_path / "d"))
    assert again.returncode == 1
    assert again.stderr.startswith("错误：演示数据已经载入过")


def test_environment_variable_names_the_data_dir(tmp_path: Path) -> None:
    result = run("demo", env={"KEXIE_DATA_DIR": str(tmp_path / "env")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "env" / "kexie.db").exists()


def test_a_folder_that_cannot_be_created_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("demo", "--data-dir", str(blocker / "sub"))
    assert result.returncode == 1
    assert "无法创建数据文件夹" in result.stderr


def test_export_summary_and_ledger(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    assert run("demo", "--data-dir", data).returncode == 0
    result = run("export", "summary", "--year", "2025", "--out", str(tmp_path / "总结.docx"),
                 "--date", "2025-12-28", "--data-dir", data)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "完整无误" in result.stdout
    # The undrafted parts are drafted, included, and said to be drafts.
    for part in ("存在的不足", "下一年工作打算"):
        assert f"提示：2025年的“{part}”尚未填写，总结中的这一部分是程序根据记录起草的草稿" in (
            result.stderr
        )
    assert (tmp_path / "总结.docx").stat().st_size > 10_000
    import docx

    texts = [p.text for p in docx.Document(str(tmp_path / "总结.docx")).paragraphs]
    assert texts[-2:] == ["青江市厂矿科协联合会", "2025年12月28日"]
    assert any(t.endswith("存在的不足") for t in texts) and any(
        t.endswith("2026年工作打算") for t in texts
    )
    result = run("export", "summary", "--year", "2025", "--out", str(tmp_path / "x.docx"),
                 "--date", "2025-12-32", "--data-dir", data)  # fmt: skip
    assert result.returncode == 2 and "日期“2025-12-32”应写成 年-月-日" in result.stderr
    result = run("export", "ledger", "--year", "2025", "--out", str(tmp_path / "台账.xlsx"),
                 "--full-ids", "--data-dir", data)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "台账.xlsx").exists()


def test_export_errors_are_chinese_and_non_zero(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    result = run("export", "summary", "--year", "2025", "--out", "x.docx", "--data-dir", data)
    assert result.returncode == 1 and "没有数据库" in result.stderr
    assert run("demo", "--data-dir", data).returncode == 0
    result = run("export", "summary", "--year", "2019", "--out", str(tmp_path / "x.docx"),
                 "--data-dir", data)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("错误：2019年还没有任何活动或获奖记录")
    assert not (tmp_path / "x.docx").exists()
    result = run("export", "--data-dir", data)
    assert result.returncode == 2 and "请写明导出什么" in result.stderr


def _roster(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "性别", "手机"])
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_import_exit_codes(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    good = _roster(tmp_path / "好.xlsx", [["张三", "男", "13800000001"]])
    bad = _roster(tmp_path / "坏.xlsx", [["李四", "女", "13800000002"], ["王五", "X", "1"]])
    result = run("import", str(good), "--dry-run", "--data-dir", data)
    assert result.returncode == 0, result.stderr
    assert "将新增1条" in result.stdout and "只检查，没有写入" in result.stdout
    result = run("import", str(bad), "--data-dir", data)
    assert result.returncode == 1
    assert "工作表“Sheet”第3行“性别”" in result.stdout
    assert "没有导入任何数据" in result.stderr
    result = run("import", str(bad), "--skip-invalid", "--data-dir", data)
    assert result.returncode == 1 and "新增1条" in result.stdout
    result = run("import", str(good), "--data-dir", data)
    assert result.returncode == 0 and "已导入：新增1条" in result.stdout
    again = run("import", str(good), "--data-dir", data)
    assert again.returncode == 0 and "不变1条" in again.stdout
    broken = tmp_path / "乱码.xlsx"
    broken.write_bytes(b"not a workbook")
    result = run("import", str(broken), "--data-dir", data)
    assert result.returncode == 2 and result.stderr.startswith("错误：")
    result = run("import", str(good), "--kind", "cats", "--data-dir", data)
    assert result.returncode == 2 and "--kind 不能是“cats”" in result.stderr


def test_import_refuses_an_unmapped_column_with_data_unless_told(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["活动名称", "类别", "活动日期", "攻关成效"])
    wb.active.append(["技术攻关", "科技服务", "2025-03-01", "解决难题2个"])
    wb.save(tmp_path / "活动.xlsx")
    data = str(tmp_path / "d")
    result = run("import", str(tmp_path / "活动.xlsx"), "--data-dir", data)
    assert result.returncode == 1
    assert (
        "工作表“Sheet”的“攻关成效”有数据" in result.stderr and "--ignore-unmapped" in result.stderr
    )
    assert "未识别、不导入的列：“攻关成效”（有数据）" in result.stdout
    with sqlite3.connect(Path(data) / "kexie.db") as conn:
        assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] == 0
    result = run("import", str(tmp_path / "活动.xlsx"), "--ignore-unmapped", "--data-dir", data)
    assert result.returncode == 0, result.stderr
    assert "已导入：新增1条" in result.stdout


def test_profile_prints_and_sets_the_organisation(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    result = run("profile", "--data-dir", data)
    assert result.returncode == 0 and "组织名称：（未填写）" in result.stdout
    result = run("profile", "--org-name", "青江市厂矿科协联合会", "--level", "市级",
                 "--place", "湖南省青江市", "--contact", "谢建国", "--phone", "0737-4216688",
                 "--data-dir", data)  # fmt: skip
    assert result.returncode == 0, result.stderr
    result = run("profile", "--data-dir", data)
    lines = result.stdout.splitlines()
    assert lines[:-1] == [
        "组织名称：青江市厂矿科协联合会", "层级：市级", "所在地：湖南省青江市",
        "联系人：谢建国", "联系电话：0737-4216688", "上级组织：（未填写）",
        "上级组织识别码：（未填写）",
    ]  # fmt: skip
    assert re.fullmatch(r"本组织识别码：[0-9a-f-]{36}", lines[-1])
    # Only the fields given change.
    assert run("profile", "--contact", "王芳", "--data-dir", data).returncode == 0
    result = run("profile", "--data-dir", data)
    assert "联系人：王芳" in result.stdout and "组织名称：青江市厂矿科协联合会" in result.stdout
    result = run("profile", "--level", "国家级", "--data-dir", data)
    assert result.returncode == 1 and result.stderr.startswith("错误：层级：应为")
    result = run("profile", "--org-name", " ", "--data-dir", data)
    assert result.returncode == 1 and "组织名称" in result.stderr


def test_backup_and_restore(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    assert run("demo", "--data-dir", data).returncode == 0
    result = run("backup", "--out", str(tmp_path / "备份.db"), "--data-dir", data)
    assert result.returncode == 0, result.stderr
    assert "已检查完整" in result.stdout and "人员65条" in result.stdout
    result = run("restore", str(tmp_path / "备份.db"), "--data-dir", data)
    assert result.returncode == 0, result.stderr
    assert "恢复前的数据已另存为" in result.stdout
    result = run("restore", str(tmp_path / "没有.db"), "--data-dir", data)
    assert result.returncode == 1 and "找不到备份文件" in result.stderr


def test_a_damaged_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    import hashlib

    data = tmp_path / "d"
    assert run("demo", "--data-dir", str(data)).returncode == 0
    db = data / "kexie.db"
    db.write_bytes(b"garbage" * 1000)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    good = _roster(tmp_path / "好.xlsx", [["张三", "男", "13800000001"]])
    for args in (
        ["demo"],
        ["import", str(good)],
        ["export", "ledger", "--year", "2025", "--out", str(tmp_path / "台账.xlsx")],
        ["backup", "--out", str(tmp_path / "备份.db")],
        ["restore", str(tmp_path / "备份.db")],
    ):
        result = run(*args, "--data-dir", str(data))
        assert result.returncode == 1, args
        assert result.stderr.startswith("错误：数据文件") and "已损坏" in result.stderr, args
        assert "没有作任何改动" in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not (data / "damaged").exists()  # only the window moves it, after telling the clerk
    assert not (tmp_path / "台账.xlsx").exists() and not (tmp_path / "备份.db").exists()


def test_commands_that_write_wait_for_the_window_to_close(tmp_path: Path) -> None:
    from kexie_desktop.core.instance_lock import InstanceLock

    data = tmp_path / "d"
    assert run("demo", "--data-dir", str(data)).returncode == 0
    good = _roster(tmp_path / "好.xlsx", [["张三", "男", "13800000001"]])
    backup = tmp_path / "备份.db"
    with InstanceLock(data):  # what the open window holds
        for args in (["demo"], ["import", str(good)], ["restore", str(backup)]):
            result = run(*args, "--data-dir", str(data))
            assert result.returncode == 1, args
            assert "正在使用数据文件夹" in result.stderr and "请先关闭程序窗口" in result.stderr
        # Reading is fine while the window is open.
        assert run("import", str(good), "--dry-run", "--data-dir", str(data)).returncode == 0
        assert run("backup", "--out", str(backup), "--data-dir", str(data)).returncode == 0
        result = run("export", "ledger", "--year", "2025", "--out", str(tmp_path / "台账.xlsx"),
                     "--data-dir", str(data))  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert run("restore", str(backup), "--data-dir", str(data)).returncode == 0


def test_package_from_township_to_county(tmp_path: Path) -> None:
    town, county = str(tmp_path / "town"), str(tmp_path / "county")
    assert run("demo", "--data-dir", town).returncode == 0
    result = run("profile", "--org-name", "城关镇科协", "--parent", "青江县科协",
                 "--data-dir", town)  # fmt: skip
    assert result.returncode == 0 and "上级组织：青江县科协" in result.stdout
    assert run("profile", "--org-name", "青江县科协", "--data-dir", county).returncode == 0
    package = tmp_path / "城关镇科协2025年报送包.zip"
    result = run("export", "package", "--year", "2025", "--out", str(package), "--data-dir", town)
    assert result.returncode == 0, result.stderr
    assert "活动90条" in result.stdout and package.exists()
    result = run("import", "package", str(package), "--dry-run", "--data-dir", county)
    assert result.returncode == 0 and "报送单位：城关镇科协" in result.stdout
    assert "只检查" in result.stdout
    result = run("import", "package", str(package), str(package), "--data-dir", county)
    assert result.returncode == 0, result.stderr
    assert "新增城关镇科协的数据" in result.stdout and "数据没有变化" in result.stdout
    result = run("submissions", "--year", "2025", "--data-dir", county)
    assert "已报送：1个组织" in result.stdout and "活动90" in result.stdout
    own = tmp_path / "own.docx"
    result = run("export", "summary", "--year", "2025", "--out", str(own), "--data-dir", county)
    assert result.returncode == 1 and "还没有任何活动" in result.stderr
    result = run("export", "summary", "--year", "2025", "--out", str(own),
                 "--with-subordinates", "--data-dir", county)  # fmt: skip
    assert result.returncode == 0, result.stderr
    stats = tmp_path / "统计.xlsx"
    result = run("export", "stats", "--year", "2025", "--out", str(stats),
                 "--with-subordinates", "--data-dir", county)  # fmt: skip
    # The county has typed none of its figures: refused, listing them, computed read-only.
    assert result.returncode == 1 and "统计数据未通过检查" in result.stderr
    assert "Traceback" not in result.stderr
    damaged = tmp_path / "坏.zip"
    damaged.write_bytes(package.read_bytes()[:-100])
    result = run("import", "package", str(damaged), "--data-dir", county)
    assert result.returncode == 1 and result.stderr.startswith("错误：报送包“坏.zip”")
    assert "Traceback" not in result.stderr


def test_package_with_attachments_only_when_asked(tmp_path: Path) -> None:
    from tests.core.evidence_files import photo

    town, county = str(tmp_path / "town"), str(tmp_path / "county")
    assert run("demo", "--data-dir", town).returncode == 0
    assert run("profile", "--org-name", "城关镇科协", "--data-dir", town).returncode == 0
    assert run("profile", "--org-name", "青江县科协", "--data-dir", county).returncode == 0
    picture = photo(tmp_path / "现场.jpg")
    store = Store.open(Path(town))
    activity = store.conn.execute(
        "SELECT id FROM activities WHERE start_date LIKE '2025-%' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    store.close()
    result = run("attach", "--activity", str(activity), str(picture), "--data-dir", town)
    assert result.returncode == 0, result.stderr
    plain, full = tmp_path / "plain.zip", tmp_path / "full.zip"
    args = ("export", "package", "--year", "2025", "--data-dir", town, "--out")
    assert run(*args, str(plain)).returncode == 0
    result = run(*args, str(full), "--with-attachments")
    assert result.returncode == 0, result.stderr
    result = run("import", "package", str(plain), "--dry-run", "--data-dir", county)
    assert "佐证材料" not in result.stdout
    result = run("import", "package", str(full), "--data-dir", county)
    assert result.returncode == 0, result.stderr
    assert "佐证材料：附件文件1个" in result.stdout
    sha = hashlib.sha256(picture.read_bytes()).hexdigest()
    assert (Path(county) / "attachments" / sha[:2] / f"{sha}.jpg").is_file()


def test_package_from_a_database_of_the_previous_version_keeps_one_identity(
    tmp_path: Path,
) -> None:
    """Reading commands read an older database through an upgraded copy in memory; a package
    made from that copy would carry a UUID made up anew at every export."""
    import json
    import zipfile

    data = tmp_path / "town"
    assert run("demo", "--data-dir", str(data)).returncode == 0
    with sqlite3.connect(data / "kexie.db") as conn:  # as the version before packages left it
        conn.execute("DELETE FROM _sqlite_migrations WHERE name LIKE '%package%'")
        conn.execute("DELETE FROM settings WHERE key = 'org_uuid'")
        for table in ("sub_attachments", "sub_positions", "sub_awards", "sub_activities",
                      "sub_people", "sub_units", "sub_orgs", "sub_submissions",
                      "sub_unit_links"):  # fmt: skip
            conn.execute(f"DROP TABLE {table}")
    result = run("profile", "--data-dir", str(data))
    assert "本组织识别码：（程序下次打开时生成）" in result.stdout
    uuids = []
    for n in range(2):
        out = tmp_path / f"{n}.zip"
        result = run("export", "package", "--year", "2025", "--out", str(out),
                     "--data-dir", str(data))  # fmt: skip
        assert result.returncode == 0, result.stderr
        with zipfile.ZipFile(out) as z:
            uuids.append(json.loads(z.read("manifest.json"))["organisation"]["uuid"])
    with sqlite3.connect(data / "kexie.db") as conn:
        stored = conn.execute("SELECT value FROM settings WHERE key = 'org_uuid'").fetchone()[0]
    assert uuids == [stored, stored]


def test_usage_descriptions_line_up_in_a_chinese_terminal() -> None:
    """Each command's description starts in the same column, counting a Chinese character as two
    columns as a terminal shows it (five lines were off by one to four columns)."""
    import unicodedata

    from kexie_desktop import cli_parser

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    columns = set()
    for line in cli_parser._USAGE.splitlines():
        found = re.match(r"^(\S.*\S)( {2,})(\S.*)$", line)
        if line.startswith("kexie-desktop") and found and "-" not in found.group(3):
            columns.add(width(found.group(1)) + len(found.group(2)))
        elif line.startswith(" " * 40):  # a description under a long command
            columns.add(len(line) - len(line.lstrip(" ")))
    assert columns == {66}
