"""Cell parsers: every form clerks write is understood, anything else is a Problem, no crash."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kexie_desktop.core import idcard
from kexie_desktop.core.importing import values as v
from kexie_desktop.core.importing.values import Problem
from kexie_desktop.core.records import (
    AUDIENCES,
    AWARD_LEVELS,
    CATEGORIES,
    EDUCATIONS,
    PERSON_STATUSES,
    ROLES,
    TITLES,
    UNIT_KINDS,
)
from kexie_desktop.core.validation import check_phone, parse_iso_date

TODAY = dt.date(2026, 6, 1)


def _problem(result: object, *fragments: str) -> None:
    assert isinstance(result, Problem), result
    for fragment in fragments:
        assert fragment in result.message, result.message


# --------------------------------------------------------------------------- text and names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  青江机械厂  ", "青江机械厂"),
        ("ＱＣ小组　１２", "QC小组 12"),  # full-width letters, digits and space
        ("a\u00a0\u00a0b", "a b"),  # NBSP pasted from a web page
        ("科普\n\t进社区", "科普 进社区"),
        ("零\u200b宽", "零宽"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),  # as Excel shows it
        (True, "TRUE"),
        (dt.datetime(2025, 3, 5), "2025-03-05"),
        (dt.datetime(2025, 3, 5, 8, 30), "2025-03-05 08:30:00"),
        (dt.date(2025, 3, 5), "2025-03-05"),
    ],
)
def test_parse_text(raw: object, expected: str) -> None:
    assert v.parse_text(raw) == expected


def test_parse_text_keeps_paragraphs_when_asked() -> None:
    raw = "\n  第一段，  共120人。\r\n\n第二段　结束。 \n"
    assert v.parse_text(raw, multiline=True) == "第一段， 共120人。\n\n第二段 结束。"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张  三", "张三"),
        (" 李　四 ", "李四"),
        ("欧阳 修", "欧阳修"),
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("John  Smith", "John Smith"),
        ("王ａ", "王a"),
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_parse_name(raw: object, expected: str | None) -> None:
    assert v.parse_name(raw) == expected


@pytest.mark.parametrize("raw", ["123", 123, 45.0, "１２３", "2025-03-05", "---"])
def test_parse_name_rejects_figures(raw: object) -> None:
    _problem(v.parse_name(raw), "不是姓名")


@pytest.mark.parametrize("raw", ["#N/A", "#REF!", "#name?"])
def test_parse_name_rejects_formula_errors(raw: object) -> None:
    _problem(v.parse_name(raw), "错误值")


@pytest.mark.parametrize(
    "parser",
    [v.parse_text, v.parse_name, v.parse_date, v.parse_id_number, v.parse_phone, v.parse_int],
)
def test_integers_too_long_to_print_are_still_only_a_bad_cell(
    parser: Callable[[object], object],
) -> None:
    huge = 10**5000
    for raw in (huge, -huge, "9" * 5000):
        result = parser(raw)
        assert isinstance(result, str | int | Problem), result


# --------------------------------------------------------------------------- dates

DATE_CASES: list[tuple[object, str]] = [
    (dt.datetime(2025, 3, 5, 14, 30), "2025-03-05"),
    (dt.date(2025, 3, 5), "2025-03-05"),
    ("2025-03-05", "2025-03-05"),
    ("2025-3-5", "2025-03-05"),
    ("2025/3/5", "2025-03-05"),
    ("2025/03/05", "2025-03-05"),
    ("2025.3.5", "2025-03-05"),
    ("2025年3月5日", "2025-03-05"),
    ("2025年3月5号", "2025-03-05"),
    ("2025 年 3 月 5 日", "2025-03-05"),
    ("20250305", "2025-03-05"),
    ("２０２５－０３－０５", "2025-03-05"),
    ("２０２５年３月５日", "2025-03-05"),
    ("２０２５．３．５", "2025-03-05"),
    ("  2025-03-05  ", "2025-03-05"),
    ("2025-03-05 08:30:00", "2025-03-05"),
    ("2025/3/5 8:30", "2025-03-05"),
    ("2025-03-05T08:30", "2025-03-05"),
    # Excel serial numbers, 1900 date system with Lotus's leap year 1900.
    (45721, "2025-03-05"),
    (45721.0, "2025-03-05"),
    (45721.75, "2025-03-05"),  # 18:00 on that day
    (1, "1900-01-01"),
    (59, "1900-02-28"),
    (61, "1900-03-01"),
    (73415, "2100-12-31"),
    (20250305, "2025-03-05"),
    (20250305.0, "2025-03-05"),
]


@pytest.mark.parametrize(("raw", "expected"), DATE_CASES)
def test_parse_date(raw: object, expected: str) -> None:
    assert v.parse_date(raw) == expected
    assert v.parse_date(raw, allow_month=True) == expected


def test_parse_date_in_the_1904_date_system() -> None:
    assert v.parse_date(45721 - 1462, datemode=1) == "2025-03-05"
    assert v.parse_date(0, datemode=1) == "1904-01-01"
    assert v.parse_date(45721, datemode=1) == "2029-03-06"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1975.03, "1975-03"),
        (1975.3, "1975-03"),  # 1975.30 is no month: only March
        (1975.12, "1975-12"),
        (1975.09, "1975-09"),
        (197503, "1975-03"),
        (197503.0, "1975-03"),
        ("197503", "1975-03"),
        ("1975.03", "1975-03"),
        ("1975.3", "1975-03"),
        ("1975.1", "1975-01"),  # typed as text, 1975.1 is what the clerk wrote
        ("1975.10", "1975-10"),
        ("1975-03", "1975-03"),
        ("1975-3", "1975-03"),
        ("1975/3", "1975-03"),
        ("1975年3月", "1975-03"),
        ("1975年3", "1975-03"),
        ("１９７５．０３", "1975-03"),
        (dt.datetime(1975, 3, 1), "1975-03-01"),
        ("1975-03-05", "1975-03-05"),
    ],
)
def test_parse_birth_month(raw: object, expected: str) -> None:
    assert v.parse_date(raw, allow_month=True) == expected


def test_a_number_that_may_be_january_or_october_is_a_problem() -> None:
    # 1975.10 typed into a General cell is stored as the number 1975.1.
    result = v.parse_date(1975.1, allow_month=True)
    _problem(result, "1975年1月还是10月", "1975-01", "1975-10", "文本")
    assert v.parse_date(1975.10, allow_month=True) == result


@pytest.mark.parametrize(
    ("raw", "allow_month", "fragments"),
    [
        ("2025/13/45", False, ("“2025/13/45”不是有效日期",)),
        ("2025-02-30", False, ("“2025-02-30”不是有效日期",)),
        ("2025-02-29", True, ("不是有效日期",)),
        ("1899-12-31", False, ("不在1900至2100年之间",)),
        ("2101-01-01", False, ("不在1900至2100年之间",)),
        (dt.date(1850, 1, 1), False, ("不在1900至2100年之间",)),
        (dt.datetime(2150, 1, 1), True, ("不在1900至2100年之间",)),
        ("明年三月", False, ("不是有效日期",)),
        ("2025-03", False, ("只有年月", "完整日期")),
        ("197503", False, ("只有年月",)),
        (197503, False, ("只有年月",)),
        (1975.03, False, ("不是有效日期",)),
        ("1975-13", True, ("不是有效的年月",)),
        (1975.13, True, ("不是有效的年月",)),
        (1975.031, True, ("不是有效的年月",)),
        ("1889-03", True, ("不在1900至2100年之间",)),
        (1975, True, ("只有年份", "年月")),
        ("1975年", True, ("只有年份",)),
        (2025, False, ("只有年份", "完整日期")),
        (60, False, ("1900-02-29",)),  # Excel's leap-year bug: a day that never was
        (0, False, ("不是有效日期",)),
        (-5, False, ("不是有效日期",)),
        (-5.5, False, ("不是有效日期",)),
        (100000, False, ("2173-10-14", "不在1900至2100年之间")),
        (2958466, False, ("不是有效日期",)),
        (10**30, False, ("不是有效日期",)),
        (float("nan"), True, ("不是有效日期",)),
        (float("inf"), True, ("不是有效日期",)),
        (True, False, ("不是有效日期",)),
        (dt.time(8, 30), False, ("是时间",)),
    ],
)
def test_parse_date_problems(raw: object, allow_month: bool, fragments: tuple[str, ...]) -> None:
    _problem(v.parse_date(raw, allow_month=allow_month), *fragments)


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_parse_date_empty(raw: object) -> None:
    assert v.parse_date(raw) is None


def _serial(day: dt.date) -> int:
    if day < dt.date(1900, 3, 1):
        return (day - dt.date(1899, 12, 31)).days
    return (day - dt.date(1899, 12, 30)).days


@settings(max_examples=200, deadline=None, database=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_written_form_of_a_day_gives_that_day(day: dt.date) -> None:
    expected = day.isoformat()
    forms: list[object] = [
        day,
        dt.datetime.combine(day, dt.time(12)),
        expected,
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        int(day.strftime("%Y%m%d")),
    ]
    # Serials 1900 to 2100 (days of 1905) are read as a bare year: no 科协 record is about 1905.
    if not 1900 <= _serial(day) <= 2100:
        forms += [_serial(day), float(_serial(day)) + 0.25]
    for form in forms:
        assert v.parse_date(form) == expected, form


# --------------------------------------------------------------------------- gender


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("男", "男"),
        ("女", "女"),
        (" 男 ", "男"),
        ("男性", "男"),
        ("女性", "女"),
        ("M", "男"),
        ("m", "男"),
        ("F", "女"),
        ("f", "女"),
        ("Male", "男"),
        ("FEMALE", "女"),
        ("Ｍ", "男"),
        ("", None),
        (None, None),
    ],
)
def test_parse_gender(raw: object, expected: str | None) -> None:
    assert v.parse_gender(raw) == expected


@pytest.mark.parametrize("raw", [1, 2, "1", "0", "未知", "x", True, 1.0])
def test_parse_gender_does_not_guess_codes(raw: object) -> None:
    _problem(v.parse_gender(raw), "应为男或女")


# --------------------------------------------------------------------------- ID numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),  # lower-case check digit
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        ("110105 19491231 002X", "11010519491231002X"),
        (" 11010519491231002X\u00a0", "11010519491231002X"),
        ("'11010519491231002X", "11010519491231002X"),  # Excel's text marker in a CSV
        ("", None),
        (None, None),
    ],
)
def test_parse_id_number(raw: object, expected: str | None) -> None:
    assert v.parse_id_number(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    "raw",
    [
        110105194912310021,  # even when the integer happens to be whole, it was a number
        110105194912310000,  # what Excel keeps of it: 15 digits, then zeros
        1.1010519491231002e17,
        1.10105194912310e17,
        "1.10105E+17",  # a CSV saved from Excel's display
        "1.1010519491231E+17",
    ],
)
def test_id_numbers_stored_as_numbers_are_never_trusted(raw: object) -> None:
    _problem(v.parse_id_number(raw, today=TODAY), "存成了数字", "末几位已经丢失", "文本")


@pytest.mark.parametrize(
    ("raw", "fragments"),
    [
        ("110105491231002", ("15位旧身份证号",)),
        (110105491231002, ("15位旧身份证号",)),
        (110105491231002.0, ("15位旧身份证号",)),
        ("110105194912310021", ("校验码不正确",)),
        ("11010519491231002", ("应为18位，现为17位",)),
        ("11010519491231002Y", ("前17位应为数字",)),
        ("110105194902300028", ("不是有效日期",)),
        ("110105203001010010", ("不合理",)),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", ("只能由数字和X组成",)),  # Arabic-Indic digits
        (12345, ("应为18位，现为5位",)),
        (-1, ("不是有效",)),
        (1.5, ("不是有效",)),
        (True, ("不是有效",)),
        (float("nan"), ("不是有效",)),
    ],
)
def test_parse_id_number_problems(raw: object, fragments: tuple[str, ...]) -> None:
    result = v.parse_id_number(raw, today=TODAY)
    _problem(result, *fragments)
    # The number itself is not repeated: a check report is a list, where IDs stay private.
    assert isinstance(result, Problem)
    assert "110105" not in result.message


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("0737-4212345", "0737-4212345"),
        ("0737－4212345", "0737-4212345"),
        ("(0737)4212345", "0737-4212345"),
        ("（0737）4212345", "0737-4212345"),
        ("0737-4212345转8001", "0737-4212345-8001"),
        (7374212345, "07374212345"),  # a landline typed as a number lost its leading zero
        ("13812345678/0737-4212345", "13812345678"),
        ("0737-4212345、13812345678", "0737-4212345"),
        ("1381234567/13812345678", "13812345678"),  # the first VALID one
        ("13812345678 13987654321", "13812345678"),
        ("手机：13812345678（本人）", "13812345678"),
        ("", None),
        (None, None),
    ],
)
def test_parse_phone(raw: object, expected: str | None) -> None:
    assert v.parse_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("1381234567", "手机号码应为11位，现为10位"),
        (1381234567, "手机号码应为11位，现为10位"),
        ("12812345678", "应以13至19开头"),
        ("无", "不是有效的手机号码"),
        ("abc/def", "不是有效的手机号码"),
        (138.5, "不是有效的电话号码"),
        (True, "不是有效的电话号码"),
        (float("inf"), "不是有效的电话号码"),
    ],
)
def test_parse_phone_problems(raw: object, fragment: str) -> None:
    _problem(v.parse_phone(raw), fragment)


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (120, 120),
        (120.0, 120),
        ("120", 120),
        ("１２０", 120),
        ("120人", 120),
        ("120人次", 120),
        ("约120", 120),
        ("约 120 人次", 120),
        ("120余人", 120),
        ("1,200", 1200),
        ("1，200人次", 1200),
        ("120.0", 120),
        ("共3场", 3),
        (0, 0),
        ("0", 0),
        ("", None),
        (None, None),
    ],
)
def test_parse_int(raw: object, expected: int | None) -> None:
    assert v.parse_int(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (12.5, "“12.5”不是整数"),
        ("12.5", "不是整数"),
        ("很多", "“很多”不是整数"),
        ("120-150", "不是整数"),
        (-3, "不能为负数"),
        ("-3", "不能为负数"),
        (-3.0, "不能为负数"),
        (True, "不是整数"),
        (float("nan"), "不是整数"),
        (float("-inf"), "不是整数"),
    ],
)
def test_parse_int_problems(raw: object, fragment: str) -> None:
    _problem(v.parse_int(raw), fragment)


def test_parse_int_minimum() -> None:
    assert v.parse_int(-3, minimum=-5) == -3
    _problem(v.parse_int(0, minimum=1), "不能小于1")


# --------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("yes", True),
        ("No", False),
        ("√", True),
        ("✓", True),
        ("×", False),
        (1, True),
        (0, False),
        (1.0, True),
        ("1", True),
        ("0", False),
        (True, True),
        (False, False),
        ("TRUE", True),
        ("false", False),
        ("重点", True),
        ("", None),
        (None, None),
    ],
)
def test_parse_bool(raw: object, expected: bool | None) -> None:
    assert v.parse_bool(raw) is expected


@pytest.mark.parametrize("raw", ["也许", 2, "2", 0.5])
def test_parse_bool_problems(raw: object) -> None:
    _problem(v.parse_bool(raw), "应为“是”或“否”")


# --------------------------------------------------------------------------- choices

SYNONYM_CASES: list[tuple[Sequence[str], dict[str, str], str, str]] = [
    (TITLES, v.TITLE_SYNONYMS, word, target)
    for words, target in [
        (("正高", "教授", "研究员", "教授级高工", "正高级工程师"), "正高级"),
        (("副高", "副教授", "副研究员", "高级工程师", "高级农艺师", "高级讲师", "高工"), "副高级"),
        (("中级", "工程师", "讲师", "农艺师", "助理研究员", "主治医师"), "中级"),
        (("助理工程师", "技术员", "助教", "初级"), "初级"),
        (("无", "暂无", "-"), "无"),
    ]
    for word in words
]
SYNONYM_CASES += [
    (EDUCATIONS, v.EDUCATION_SYNONYMS, word, target)
    for words, target in [
        (("博士",), "博士研究生"),
        (("硕士", "研究生"), "硕士研究生"),
        (("本科", "大学", "学士"), "大学本科"),
        (("大专", "专科"), "大学专科"),
        (("中专", "中技", "技校"), "中专"),
        (("高中", "职高"), "高中"),
        (("初中", "小学"), "初中及以下"),
    ]
    for word in words
]
SYNONYM_CASES += [
    (AWARD_LEVELS, v.AWARD_LEVEL_SYNONYMS, word, target)
    for words, target in [
        (("国家", "全国"), "国家级"),
        (("省级", "省部"), "省部级"),
        (("市", "地市", "市厅级"), "市级"),
        (("县", "区", "县区级"), "县级"),
    ]
    for word in words
]
SYNONYM_CASES += [
    (UNIT_KINDS, v.UNIT_KIND_SYNONYMS, word, target)
    for words, target in [
        (("企业", "公司科协"), "企业科协"),
        (("乡镇", "街道", "乡镇(街道)科协"), "乡镇（街道）科协"),
        (("社区",), "社区科协"),
        (("老科技工作者协会", "社区老科协"), "老科协"),
        (("学校", "中学科协"), "学校科协"),
        (("医院", "卫生院科协"), "医院科协"),
        (("园区", "开发区科协"), "园区科协"),
        (("协会", "研究会"), "学会"),
        (("农村专业技术协会", "农技"), "农技协"),
        (("高校", "大学"), "高校科协"),
    ]
    for word in words
]
SYNONYM_CASES += [
    (CATEGORIES, v.CATEGORY_SYNONYMS, word, target)
    for words, target in [
        (("课题调研", "调研"), "决策咨询"),
        (("科普", "科普宣传"), "科学普及"),
        (("讲比", "讲创新比贡献", "竞赛", "服务企业"), "科技服务"),
        (("会议", "培训", "自身建设"), "自身建设"),
        (("信息宣传", "宣传"), "科技传播"),
        (("青少年",), "青少年科技教育"),
        (("表彰", "推荐"), "人才举荐与表彰"),
        (("学术",), "学术交流"),
        (("组织",), "组织建设"),
        (("对外", "外事"), "对外交流"),
    ]
    for word in words
]
SYNONYM_CASES += [
    (PERSON_STATUSES, v.STATUS_SYNONYMS, word, target)
    for words, target in [
        (("在册", "正常", "有效"), "在册"),
        (("退出", "离开", "注销", "已退"), "退出"),
    ]
    for word in words
]
SYNONYM_CASES += [
    (ROLES, v.ROLE_SYNONYMS, "志愿者", "科普志愿者"),
    (ROLES, v.ROLE_SYNONYMS, "小组长", "科普小组长"),
    (AUDIENCES, v.AUDIENCE_SYNONYMS, "中小学生", "青少年"),
    (AUDIENCES, v.AUDIENCE_SYNONYMS, "村民", "农民"),
    (AUDIENCES, v.AUDIENCE_SYNONYMS, "企业职工", "产业工人"),
    (AUDIENCES, v.AUDIENCE_SYNONYMS, "老人", "老年人"),
    (AUDIENCES, v.AUDIENCE_SYNONYMS, "公务员", "领导干部和公务员"),
    (AUDIENCES, v.AUDIENCE_SYNONYMS, "科技人员", "科技工作者"),
    (AUDIENCES, v.AUDIENCE_SYNONYMS, "居民", "社区居民"),
]


@pytest.mark.parametrize(("choices", "synonyms", "word", "target"), SYNONYM_CASES)
def test_synonyms(choices: Sequence[str], synonyms: dict[str, str], word: str, target: str) -> None:
    assert v.parse_choice(word, choices, synonyms) == target
    assert v.parse_choice(f" {word} ", choices, synonyms) == target


@pytest.mark.parametrize("name", sorted(v.SYNONYM_TABLES))
def test_every_choice_is_itself_and_every_synonym_reaches_a_choice(name: str) -> None:
    choices, synonyms = v.SYNONYM_TABLES[name]
    for choice in choices:
        assert v.parse_choice(choice, choices, synonyms) == choice
        assert v.parse_choice(choice, choices) == choice
    for word, target in synonyms.items():
        if target in choices:
            assert v.parse_choice(word, choices, synonyms) == target
        else:
            # Listed only so that containment does not take it for a choice.
            assert target == word
            _problem(v.parse_choice(word, choices, synonyms), "不在可选范围内")


@pytest.mark.parametrize(
    ("raw", "choices", "synonyms", "expected"),
    [
        ("中级职称", TITLES, v.TITLE_SYNONYMS, "中级"),
        ("高级工程师（电气）", TITLES, v.TITLE_SYNONYMS, "副高级"),  # not 工程师 → 中级
        ("助理工程师(机械)", TITLES, v.TITLE_SYNONYMS, "初级"),
        ("副高级工程师", TITLES, v.TITLE_SYNONYMS, "副高级"),
        ("教授级高级工程师", TITLES, v.TITLE_SYNONYMS, "正高级"),
        ("全日制本科", EDUCATIONS, v.EDUCATION_SYNONYMS, "大学本科"),
        ("中等专科", EDUCATIONS, v.EDUCATION_SYNONYMS, "中专"),  # not 专科 → 大学专科
        ("乡镇(街道)科协", UNIT_KINDS, None, "乡镇（街道）科协"),
        ("乡镇（街道）科协", UNIT_KINDS, None, "乡镇（街道）科协"),
        ("街道科协", UNIT_KINDS, v.UNIT_KIND_SYNONYMS, "乡镇（街道）科协"),
        ("科普宣传活动", CATEGORIES, v.CATEGORY_SYNONYMS, "科学普及"),
        ("学术交流会", CATEGORIES, v.CATEGORY_SYNONYMS, "学术交流"),
        ("青少年科技", CATEGORIES, None, "青少年科技教育"),  # the head of a choice
        ("正高", TITLES, None, "正高级"),
        ("其它", CATEGORIES, v.CATEGORY_SYNONYMS, "其他"),
        ("Ｑ", ("Q", "R"), None, "Q"),
        ("", TITLES, v.TITLE_SYNONYMS, None),
        (None, TITLES, v.TITLE_SYNONYMS, None),
    ],
)
def test_parse_choice(
    raw: object, choices: Sequence[str], synonyms: dict[str, str] | None, expected: str | None
) -> None:
    assert v.parse_choice(raw, choices, synonyms) == expected


@pytest.mark.parametrize(
    ("raw", "choices", "synonyms", "fragments"),
    [
        ("教授", TITLES, None, ("“教授”不在可选范围内（正高级、副高级、中级、初级、无）",)),
        ("高级", TITLES, v.TITLE_SYNONYMS, ("不在可选范围内",)),  # 副高级, or 正高级 too?
        ("科技", CATEGORIES, None, ("可能是科技传播或科技服务",)),
        ("科普", ROLES, None, ("可能是科普小组长或科普志愿者",)),
        ("研究生(博士)", EDUCATIONS, v.EDUCATION_SYNONYMS, ("可能是",)),
        ("科技工作者", ROLES, v.ROLE_SYNONYMS, ("不在可选范围内",)),  # not 老科技工作者
        ("副秘书长", ROLES, v.ROLE_SYNONYMS, ("不在可选范围内",)),  # not 秘书长
        ("非会员", ROLES, v.ROLE_SYNONYMS, ("不在可选范围内",)),
        ("无线电", TITLES, v.TITLE_SYNONYMS, ("不在可选范围内",)),  # one character never contains
        (12, TITLES, v.TITLE_SYNONYMS, ("“12”不在可选范围内",)),
    ],
)
def test_parse_choice_problems(
    raw: object, choices: Sequence[str], synonyms: dict[str, str] | None, fragments: tuple[str, ...]
) -> None:
    _problem(v.parse_choice(raw, choices, synonyms), *fragments)


@pytest.mark.parametrize(
    ("raw", "choices", "synonyms", "expected"),
    [
        ("会员、科普志愿者", ROLES, v.ROLE_SYNONYMS, ["会员", "科普志愿者"]),
        ("会员,志愿者；会员", ROLES, v.ROLE_SYNONYMS, ["会员", "科普志愿者"]),
        ("秘书长/会员 老专家", ROLES, v.ROLE_SYNONYMS, ["秘书长", "会员", "老科技工作者"]),
        (
            "学生，农民;老人／市民",
            AUDIENCES,
            v.AUDIENCE_SYNONYMS,
            ["青少年", "农民", "老年人", "社区居民"],
        ),
        ("领导干部和公务员", AUDIENCES, v.AUDIENCE_SYNONYMS, ["领导干部和公务员"]),
        ("", ROLES, v.ROLE_SYNONYMS, []),
        (None, ROLES, v.ROLE_SYNONYMS, []),
        ("、 ,", ROLES, v.ROLE_SYNONYMS, []),
    ],
)
def test_parse_list(
    raw: object, choices: Sequence[str], synonyms: dict[str, str] | None, expected: list[str]
) -> None:
    assert v.parse_list(raw, choices, synonyms) == expected


def test_parse_list_names_every_wrong_part_once() -> None:
    result = v.parse_list("会员、会长、理事、会长", ROLES, v.ROLE_SYNONYMS)
    assert result == Problem(
        "“会长”不在可选范围内；“理事”不在可选范围内"
        "（会员、秘书长、科普小组长、科普志愿者、老科技工作者）"
    )


# --------------------------------------------------------------------------- never a crash

ANY_CELL = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)
# Text that looks like what the parsers look for, so that the deep branches are reached too.
CELL_LIKE = st.one_of(
    ANY_CELL,
    st.from_regex(r"\A[ 0-9０-９.\-/年月日xX+()]{0,20}\Z"),
    st.integers(min_value=-10, max_value=30_000_000),
    st.floats(min_value=1899, max_value=2101),
)
PROPERTY = settings(max_examples=200, deadline=None, database=None)

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _is_date(result: object, allow_month: bool) -> bool:
    if not isinstance(result, str):
        return False
    if _ISO_DAY.match(result):
        return parse_iso_date(result) is not None and "1900" <= result[:4] <= "2100"
    return allow_month and bool(_ISO_MONTH.match(result)) and 1 <= int(result[5:]) <= 12


PARSERS: dict[str, tuple[Callable[[object], object], Callable[[object], bool]]] = {
    "text": (v.parse_text, lambda r: isinstance(r, str) and r == r.strip() and "  " not in r),
    "name": (v.parse_name, lambda r: isinstance(r, str) and r == r.strip() and r != ""),
    "date": (v.parse_date, lambda r: _is_date(r, allow_month=False)),
    "month": (lambda x: v.parse_date(x, allow_month=True), lambda r: _is_date(r, True)),
    "date1904": (lambda x: v.parse_date(x, datemode=1), lambda r: _is_date(r, False)),
    "gender": (v.parse_gender, lambda r: r in ("男", "女")),
    "id_number": (
        lambda x: v.parse_id_number(x, today=TODAY),
        lambda r: isinstance(r, str) and idcard.parse(r, today=TODAY).number == r,
    ),
    "phone": (v.parse_phone, lambda r: isinstance(r, str) and check_phone(r) is None),
    "int": (v.parse_int, lambda r: type(r) is int and r >= 0),
    "bool": (v.parse_bool, lambda r: isinstance(r, bool)),
    "title": (
        lambda x: v.parse_choice(x, TITLES, v.TITLE_SYNONYMS),
        lambda r: r in TITLES,
    ),
    "category": (
        lambda x: v.parse_choice(x, CATEGORIES, v.CATEGORY_SYNONYMS),
        lambda r: r in CATEGORIES,
    ),
    "roles": (
        lambda x: v.parse_list(x, ROLES, v.ROLE_SYNONYMS),
        lambda r: isinstance(r, list) and len(set(r)) == len(r) and set(r) <= set(ROLES),
    ),
    "audience": (
        lambda x: v.parse_list(x, AUDIENCES, v.AUDIENCE_SYNONYMS),
        lambda r: isinstance(r, list) and set(r) <= set(AUDIENCES),
    ),
}
# parse_text never says no, and parse_list says [] rather than None for an empty cell.
NEVER_NONE = {"text", "roles", "audience"}


@pytest.mark.parametrize("name", sorted(PARSERS))
@PROPERTY
@given(value=CELL_LIKE)
def test_any_cell_gives_a_value_or_a_problem(name: str, value: object) -> None:
    parser, is_valid = PARSERS[name]
    result = parser(value)
    if isinstance(result, Problem):
        assert name != "text"
        assert isinstance(result.message, str) and result.message
        return
    if result is None:
        assert name not in NEVER_NONE
        return
    assert is_valid(result), (value, result)


@PROPERTY
@given(value=ANY_CELL)
def test_text_is_idempotent(value: object) -> None:
    once = v.parse_text(value)
    assert v.parse_text(once) == once


@PROPERTY
@given(value=st.floats(min_value=1900, max_value=2100.99))
def test_float_birth_months_are_a_month_or_a_problem(value: float) -> None:
    result = v.parse_date(value, allow_month=True)
    if isinstance(result, str):
        year, month = int(result[:4]), int(result[5:7])
        assert year == math.floor(value)
        assert abs(value - (year + month / 100)) < 1e-9 or abs(value - (year + month / 10)) < 1e-9
