"""The command line's grammar: its subcommands and options, with help and complaints in Chinese.

Only the declaration of what may be typed lives here (argparse, the usage text, the translation
of argparse's English complaints); what each command does is in cli.py, which parses with
build_parser() and runs the command. The two change for different reasons: a new option is a
line here, a new behaviour a body there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any, NoReturn

from kexie_desktop import APP_NAME, __version__

_USAGE = """\
kexie-desktop [--data-dir 文件夹]                                 打开主窗口
kexie-desktop demo [--data-dir 文件夹]                            载入演示数据
kexie-desktop import 文件 [--kind 种类] [--dry-run] [--skip-invalid] [--ignore-unmapped]
                                                                  导入 Excel/CSV 文件
kexie-desktop import package 报送包… [--dry-run]                  导入下级组织的报送包
kexie-desktop export summary --year 年份 --out 文件.docx [--date 落款日期] [--with-subordinates]
                                                                  导出年度工作总结
kexie-desktop export ledger  --year 年份 --out 文件.xlsx [--full-ids] [--with-subordinates]
                                                                  导出台账
kexie-desktop export stats   --year 年份 --out 文件.xlsx [--period year|oct]
                             [--set 指标=数值 …] [--explain 指标=说明 …] [--with-subordinates]
                                                                  导出统计年报数据
kexie-desktop export evidence --year 年份 --out 文件.docx         导出图文台账（活动记录表与照片）
kexie-desktop attach (--activity 编号 | --award 编号) 文件… [--kind 照片] [--caption 说明]
                                                                  给活动或奖项添加附件
kexie-desktop detach 附件编号…                                    移除附件（放入回收站，可恢复）
kexie-desktop export package --year 年份 --out 文件.zip [--full-ids] [--own-only]
                             [--with-attachments]
                                                                  导出报送包（交上级）
kexie-desktop submissions --year 年份                             查看下级组织报送情况
kexie-desktop profile [--org-name 名称 --level 层级 --place 所在地 --contact 联系人 --phone 电话
                       --parent 上级组织名称 --parent-uuid 上级组织识别码]
                                                                  查看或设置本组织信息
kexie-desktop backup --out 文件                                   备份数据
kexie-desktop restore 文件                                        从备份恢复（先自动备份当前数据）
kexie-desktop --self-test                                         自检（不读写您的数据）
kexie-desktop --version                                           显示版本"""

_ERROR_TRANSLATIONS = (
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
    (
        re.compile(r"argument --kind: invalid choice: '([^']*)'.*"),
        "--kind 不能是“{0}”，应为 people、activities、awards 或 units",
    ),
    (re.compile(r"argument \S+: invalid choice: '([^']*)'.*"), "没有“{0}”这个命令"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面需要一个值"),
    (
        re.compile(
            r"the following arguments are required: \{summary,ledger,stats,package,evidence\}"
        ),
        "请写明导出什么：summary（年度工作总结）、ledger（台账）、stats（统计年报数据）、"
        "package（报送包）或 evidence（图文台账）",
    ),
    (re.compile(r"the following arguments are required: (.*)"), "缺少参数：{0}"),
    (re.compile(r"argument (\S+): (日期.*|编号.*|年份.*)"), "参数 {0}：{1}"),
)


class _ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix="用法：\n")


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its help and complaints in Chinese, exiting non-zero on errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._optionals.title = "选项"

    def error(self, message: str) -> NoReturn:
        for pattern, template in _ERROR_TRANSLATIONS:
            match = pattern.fullmatch(message)
            if match:
                message = template.format(*match.groups())
                break
        self.exit(2, f"用法：\n{_USAGE}\n\n错误：{message}\n")


PROFILE_OPTIONS = (
    ("--org-name", "org_name", "组织名称，如：青江市厂矿科协联合会"),
    ("--level", "org_level", "层级：省级、市级、县级、乡镇(街道)、企业、社区或其他"),
    ("--place", "org_place", "所在地，如：湖南省青江市"),
    ("--contact", "contact_person", "联系人"),
    ("--phone", "contact_phone", "联系电话"),
    ("--parent", "parent_name", "上级组织名称（报送包交给谁），如：青江县科协"),
    ("--parent-uuid", "parent_uuid", "上级组织的识别码（上级在其“本组织信息”中可以看到）"),
)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”应写成 年-月-日，如 2025-12-28") from None


# The years a record's dates may carry (the import refuses dates outside them, values.py), so
# the years there can be anything to export or report. A year beyond them used to pass: an
# empty ledger "exported" for -5, a traceback from SQLite for 99999999999999999999.
YEAR_MIN, YEAR_MAX = 1900, 2100
# Record and attachment ids are SQLite rowids: 1 to 2^63-1. A larger number overflowed SQLite's
# int64 into a traceback.
_ID_MAX = 2**63 - 1


def _whole_number(text: str) -> int | None:
    text = text.strip()
    return int(text) if re.fullmatch(r"[+-]?\d{1,30}", text) else None


def _record_id(text: str) -> int:
    number = _whole_number(text)
    if number is None or not 1 <= number <= _ID_MAX:
        raise argparse.ArgumentTypeError(f"编号“{text}”应为正整数，如 12")
    return number


def _year(text: str) -> int:
    number = _whole_number(text)
    if number is None or not YEAR_MIN <= number <= YEAR_MAX:
        raise argparse.ArgumentTypeError(
            f"年份“{text}”应为{YEAR_MIN}至{YEAR_MAX}之间的四位数年份，如 2025"
        )
    return number


def _add_common(parser: argparse.ArgumentParser, *, main: bool = False) -> None:
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    # Accepted before the command (as the usage line shows it) and after it. A subcommand's
    # parser must not set a default: argparse copies the subcommand's values over the main
    # parser's, so its None silently threw away a --data-dir typed before the command and the
    # command worked on the default folder. Given in both places, the later one wins, as with
    # any option typed twice.
    parser.add_argument(
        "--data-dir",
        metavar="文件夹",
        default=None if main else argparse.SUPPRESS,
        help="数据文件夹（默认取环境变量 KEXIE_DATA_DIR，否则为本用户的应用数据文件夹）",
    )


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="kexie-desktop",
        usage=_USAGE,
        description=f"{APP_NAME}：基层科协年度工作记录、总结与台账。",
        add_help=False,
    )
    _add_common(parser, main=True)
    parser.add_argument(
        "--version", action="version", version=f"{APP_NAME} {__version__}", help="显示版本"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="自检：在临时文件夹中建库、载入演示数据、导出并读回，不读写您的数据",
    )
    sub = parser.add_subparsers(
        dest="command",
        title="命令",
        metavar="{demo,import,export,attach,detach,submissions,profile,backup,restore}",
    )
    profile = sub.add_parser("profile", help="查看或设置本组织信息", add_help=False, usage=_USAGE)
    _add_common(profile)
    for option, dest, text in PROFILE_OPTIONS:
        profile.add_argument(option, dest=dest, metavar="值", help=text)
    demo = sub.add_parser("demo", help="载入演示数据", add_help=False, usage=_USAGE)
    _add_common(demo)
    importing = sub.add_parser(
        "import", help="导入 Excel 或 CSV 文件", add_help=False, usage=_USAGE
    )
    _add_common(importing)
    importing.add_argument(
        "file",
        type=Path,
        nargs="+",
        metavar="文件",
        help=".xlsx、.xls 或 .csv 文件；或 package 加一个或多个报送包",
    )
    importing.add_argument(
        "--kind",
        choices=["people", "activities", "awards", "units"],
        help="指定记录种类（people 人员、activities 活动、awards 奖项、units 基层组织）",
    )
    importing.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    importing.add_argument(
        "--skip-invalid", action="store_true", help="有问题的行跳过，只导入没有问题的行"
    )
    importing.add_argument(
        "--ignore-unmapped",
        action="store_true",
        help="有数据但未识别的列不导入，仍然导入其余各列（默认遇到这样的列不导入）",
    )
    backup = sub.add_parser("backup", help="备份数据", add_help=False, usage=_USAGE)
    _add_common(backup)
    backup.add_argument("--out", type=Path, required=True, metavar="文件", help="备份写到哪里")
    restore = sub.add_parser("restore", help="从备份恢复", add_help=False, usage=_USAGE)
    _add_common(restore)
    restore.add_argument("file", type=Path, metavar="文件", help="备份文件")
    export = sub.add_parser("export", help="导出年度工作总结或台账", add_help=False, usage=_USAGE)
    _add_common(export)
    what = export.add_subparsers(
        dest="what", title="导出内容", metavar="{summary,ledger,stats,package,evidence}"
    )
    what.required = True
    for name, text, suffix in (
        ("summary", "年度工作总结（Word 公文格式）", ".docx"),
        ("ledger", "台账（Excel 工作簿）", ".xlsx"),
        ("stats", "统计年报数据（Excel 工作簿，供对照录入统计平台）", ".xlsx"),
        ("evidence", "图文台账（活动记录表与照片，Word 文档）", ".docx"),
    ):
        item = what.add_parser(name, help=text, add_help=False, usage=_USAGE)
        _add_common(item)
        item.add_argument("--year", type=_year, required=True, metavar="年份", help="哪一年")
        item.add_argument(
            "--out", type=Path, required=True, metavar=f"文件{suffix}", help="写到哪个文件"
        )
        item.add_argument(
            "--with-subordinates",
            action="store_true",
            help="包括下级组织报送的记录（默认只含本组织自己的记录）",
        )
        if name == "ledger":
            item.add_argument(
                "--full-ids", action="store_true", help="身份证号和电话写完整（默认部分隐藏）"
            )
        elif name == "stats":
            item.add_argument(
                "--period",
                choices=("year", "oct"),
                help="统计期间：year 全年实际数，oct 1—10月实际数加11—12月计划数（保存为设置）",
            )
            for option, what_it_is in (
                ("--set", "填写一项无法从记录统计的数值（保存在程序中），如 AK.staff=5"),
                ("--explain", "为比上年变化较大的数值写一句说明（保存在程序中）"),
            ):
                item.add_argument(
                    option, action="append", default=[], metavar="指标=值", help=what_it_is
                )
        elif name == "summary":
            item.add_argument(
                "--date",
                type=_iso_date,
                metavar="YYYY-MM-DD",
                help="落款日期（默认为程序中为这一年设定的日期，没有设定则为今天）",
            )
    package = what.add_parser("package", help="报送包（交上级）", add_help=False, usage=_USAGE)
    _add_common(package)
    package.add_argument("--year", type=_year, required=True, metavar="年份", help="哪一年")
    package.add_argument(
        "--out", type=Path, required=True, metavar="文件.zip", help="写到哪个文件（如U盘上）"
    )
    package.add_argument(
        "--full-ids", action="store_true", help="身份证号和电话写完整（默认部分隐藏）"
    )
    package.add_argument(
        "--own-only",
        action="store_true",
        help="只含本组织自己的记录，不转报下级组织报送的数据（默认一并转报）",
    )
    package.add_argument(
        "--with-attachments",
        action="store_true",
        help="附带活动和奖项的佐证材料（照片、签到表等附件文件和新闻链接；默认不带）",
    )
    status = sub.add_parser(
        "submissions", help="查看下级组织报送情况", add_help=False, usage=_USAGE
    )
    _add_common(status)
    status.add_argument("--year", type=_year, required=True, metavar="年份", help="哪一年")
    attach = sub.add_parser("attach", help="给活动或奖项添加附件", add_help=False, usage=_USAGE)
    _add_common(attach)
    owner = attach.add_mutually_exclusive_group(required=True)
    owner.add_argument("--activity", type=_record_id, metavar="编号", help="活动的编号")
    owner.add_argument("--award", type=_record_id, metavar="编号", help="奖项的编号")
    attach.add_argument("files", type=Path, nargs="+", metavar="文件", help="要添加的文件")
    attach.add_argument(
        "--kind", dest="attachment_kind", metavar="类别",
        help="照片、签到表、通知/方案、新闻报道、总结、证书或其他（默认：图片为照片，"
        "奖项的图片为证书，其余为其他）",
    )  # fmt: skip
    attach.add_argument("--caption", default="", metavar="说明", help="附件说明（照片下方的文字）")
    detach = sub.add_parser(
        "detach", help="移除附件（放入回收站，可恢复）", add_help=False, usage=_USAGE
    )
    _add_common(detach)
    detach.add_argument(
        "attachment_ids", type=_record_id, nargs="+", metavar="附件编号",
        help="attach 添加时显示的附件编号",
    )  # fmt: skip
    return parser
