"""Parsers for one spreadsheet cell each.

Every parser takes the raw cell value as a reader delivers it (None, str, int, float, bool,
datetime.datetime, datetime.date, or anything else) and returns the parsed value, None for an
empty cell, or a `Problem` with a short Chinese reason. None of them ever raises: one odd cell
in a 50,000-row roster must become one line in the check report, not a failed import.

Phone and ID numbers are never repeated in a Problem's message: the report names the sheet, row
and column, and a check report is a list like any other, where these numbers stay private.

Over 800 lines on purpose: one parser per concept (text, dates, phones, ID numbers, counts,
money, yes/no, choices with their synonym tables), all built on the same cell-to-text cleaning,
and the record forms use the same ones. Split, the synonym tables would sit away from the
parser they feed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kexie_desktop.core import idcard
from kexie_desktop.core.records import (
    ACTIVITY_FORMS,
    AUDIENCES,
    AWARD_LEVELS,
    CAMPAIGNS,
    CATEGORIES,
    EDUCATIONS,
    PERSON_STATUSES,
    ROLES,
    TITLES,
    UNIT_KINDS,
    half_width,
)
from kexie_desktop.core.validation import check_phone, normalize_phone

__all__ = [
    "AUDIENCE_SYNONYMS",
    "AWARD_LEVEL_SYNONYMS",
    "CATEGORY_SYNONYMS",
    "EDUCATION_SYNONYMS",
    "ROLE_SYNONYMS",
    "STATUS_SYNONYMS",
    "SYNONYM_TABLES",
    "TITLE_SYNONYMS",
    "UNIT_KIND_SYNONYMS",
    "Problem",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "parse_gender",
    "parse_id_number",
    "parse_int",
    "parse_list",
    "parse_money",
    "parse_name",
    "parse_phone",
    "parse_text",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a cell could not be taken, in Chinese, without the sheet, row or column."""

    message: str

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- text


# Copied from web pages and WeChat, cells carry zero-width characters nobody can see.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _number_text(value: int | float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            # 12.0 is how Excel and xlrd hand over the 12 the clerk typed.
            return str(int(value))
        # Excel shows at most 15 significant digits: 0.1 + 0.2 is 0.3 to the clerk.
        return f"{value:.15g}"
    try:
        return str(value)
    except ValueError:  # Python refuses to print integers of more than 4,300 digits
        return "位数过多的数字"


def _raw_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        # As Excel and WPS display a logical cell.
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return str(value)
    except Exception:  # an object whose str() fails is still only one bad cell
        return ""


def _clean_line(line: str) -> str:
    # str.split() without arguments splits on NBSP and the full-width space as well.
    return " ".join(line.split())


def parse_text(value: object, *, multiline: bool = False) -> str:
    """The cell as clean text: half-width letters and digits, single spaces, trimmed.

    With `multiline` the line breaks of a paragraph (an activity's description) are kept and
    only the spaces within each line are tidied.
    """
    if value is None:
        return ""  # most cells of a roster are empty: the cheapest answer first
    text = half_width(_raw_text(value)).translate(_INVISIBLE)
    if not multiline:
        return _clean_line(text)
    lines = [_clean_line(line) for line in text.splitlines()]
    return "\n".join(lines).strip("\n")


# --------------------------------------------------------------------------- names


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


# The middle dot of transliterated minority names (阿依古丽·买买提), as typed in various inputs.
_NAME_DOTS = "·・•"
# What a formula shows when it fails; a VLOOKUP that found no one leaves #N/A in a name column.
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}
)


def parse_name(value: object) -> str | Problem | None:
    """A person's or unit's name; 「张  三」 padded for alignment in Excel is 张三."""
    text = parse_text(value)
    if not text:
        return None
    if all(_is_cjk(ch) or ch == " " or ch in _NAME_DOTS for ch in text):
        return text.replace(" ", "")
    if text.upper() in _EXCEL_ERRORS:
        return Problem(f"“{text}”是Excel公式的错误值，请先在表格中改正")
    if not any(ch.isalpha() for ch in text):
        # A serial number, a date or a stray figure that slipped into the name column.
        return Problem(f"“{text}”不是姓名或名称")
    return text


# --------------------------------------------------------------------------- dates

_YEAR_MIN, _YEAR_MAX = 1900, 2100
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31, the last day Excel can show
_EPOCH_1900 = dt.date(1899, 12, 31)  # serial 1 is 1900-01-01
_EPOCH_1900_AFTER_BUG = dt.date(1899, 12, 30)  # from serial 61 (1900-03-01) on
_EPOCH_1904 = dt.date(1904, 1, 1)  # serial 0 in the 1904 date system

_DATE_PUNCT = str.maketrans({"－": "-", "／": "/", "．": ".", "。": ".", "—": "-", "–": "-"})
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_FULL_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
_YEAR_ONLY = re.compile(r"^(\d{4})年?$")
# A day without its year (3.5, 3-5, 3月8日), as a form takes it in the year being worked on.
_DAY_ONLY = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})[日号]?$")


def _year_problem(shown: str) -> Problem:
    return Problem(f"“{shown}”的年份不在{_YEAR_MIN}至{_YEAR_MAX}年之间")


def _make_date(year: int, month: int, day: int, shown: str) -> str | Problem:
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        return _year_problem(shown)
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return Problem(f"“{shown}”不是有效日期")


def _make_month(year: int, month: int, shown: str, allow_month: bool) -> str | Problem:
    if not allow_month:
        return Problem(f"“{shown}”只有年月，请填写完整日期（如 2025-03-05）")
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        return _year_problem(shown)
    if not 1 <= month <= 12:
        return Problem(f"“{shown}”不是有效的年月")
    return f"{year:04d}-{month:02d}"


def _year_only(shown: str, allow_month: bool) -> Problem:
    wanted = "年月（如 1975-03）" if allow_month else "完整日期（如 2025-03-05）"
    return Problem(f"“{shown}”只有年份，请填写{wanted}")


def _from_date(value: dt.date) -> str | Problem:
    if not _YEAR_MIN <= value.year <= _YEAR_MAX:
        return _year_problem(value.isoformat())
    return value.isoformat()


def _from_serial(serial: int, shown: str, datemode: int) -> str | Problem:
    if datemode == 1:
        if not 0 <= serial <= _EXCEL_MAX_SERIAL - 1462:
            return Problem(f"“{shown}”不是有效日期")
        day = _EPOCH_1904 + dt.timedelta(days=serial)
    else:
        if not 1 <= serial <= _EXCEL_MAX_SERIAL:
            return Problem(f"“{shown}”不是有效日期")
        if serial == 60:
            # Lotus 1-2-3 counted 1900 as a leap year and Excel kept the error for
            # compatibility: serial 60 is a 1900-02-29 that never existed.
            return Problem(f"“{shown}”是Excel中不存在的日期1900-02-29")
        epoch = _EPOCH_1900 if serial < 60 else _EPOCH_1900_AFTER_BUG
        day = epoch + dt.timedelta(days=serial)
    if not _YEAR_MIN <= day.year <= _YEAR_MAX:
        return Problem(f"“{shown}”换算为日期{day.isoformat()}，不在{_YEAR_MIN}至{_YEAR_MAX}年之间")
    return day.isoformat()


def _date_from_number(value: int | float, allow_month: bool, datemode: int) -> str | Problem:
    shown = _number_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return Problem(f"“{shown}”不是有效日期")
    if isinstance(value, int) or value.is_integer():
        number = int(value)
        # A bare year typed into a date cell. As a serial it would be a day in 1905, which
        # no record of a 科协 can be about.
        if _YEAR_MIN <= number <= _YEAR_MAX:
            return _year_only(shown, allow_month)
        # 197503 and 20250305 typed as numbers; serials of those sizes would lie after 2400.
        if 190001 <= number <= 210012 and 1 <= number % 100 <= 12:
            return _make_month(number // 100, number % 100, shown, allow_month)
        if 19000101 <= number <= 21001231:
            return _make_date(number // 10000, number // 100 % 100, number % 100, shown)
        return _from_serial(number, shown, datemode)
    whole = math.floor(value)
    if not _YEAR_MIN <= whole <= _YEAR_MAX:
        # A serial with a time of day: the day is what counts.
        return _from_serial(whole, shown, datemode)
    # 1975.03 typed into a General cell is a birth month stored as a number.
    if not allow_month:
        return Problem(f"“{shown}”不是有效日期，请填写完整日期（如 2025-03-05）")
    fraction = shown.partition(".")[2]
    if len(fraction) == 1 and fraction == "1":
        # The number 1975.1 is also what 1975.10 becomes: January and October look alike.
        return Problem(
            f"“{shown}”分不清是{whole}年1月还是10月（Excel把1975.10存成1975.1），"
            f"请写成{whole}-01或{whole}-10，或把该列设为文本后重新填写"
        )
    if len(fraction) in (1, 2) and fraction.isdigit():
        return _make_month(whole, int(fraction), shown, allow_month)
    return Problem(f"“{shown}”不是有效的年月")


def _date_from_text(text: str, allow_month: bool, year: int | None = None) -> str | Problem:
    compact = _TIME_TAIL.sub("", text.translate(_DATE_PUNCT)).replace(" ", "")
    if year is not None:
        match = _DAY_ONLY.match(compact)
        if match:
            return _make_date(year, int(match[1]), int(match[2]), text)
    for pattern in _FULL_DATE_PATTERNS:
        match = pattern.match(compact)
        if match:
            return _make_date(int(match["y"]), int(match["m"]), int(match["d"]), text)
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(compact)
        if match:
            # As text, 1975.1 is what the clerk typed and means January; only the number
            # 1975.1 is ambiguous (see _date_from_number).
            return _make_month(int(match[1]), int(match[2]), text, allow_month)
    if _YEAR_ONLY.match(compact):
        return _year_only(text, allow_month)
    return Problem(f"“{text}”不是有效日期")


def parse_date(
    value: object, *, allow_month: bool = False, datemode: int = 0, year: int | None = None
) -> str | Problem | None:
    """An ISO date "2025-03-05", or with `allow_month` also a year and month "1975-03".

    Numbers are Excel serial days (1900 date system, or 1904 when `datemode` is 1 as xlrd
    reports it), except a bare year, YYYYMM and YYYYMMDD, and with `allow_month` a year.month
    such as 1975.03. The number 1975.1 is a Problem: it is also what 1975.10 becomes.
    With `year` (a form's year being worked on), a day typed without one (3.5) is in it.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return Problem(f"“{_raw_text(value)}”不是有效日期")
    if isinstance(value, dt.datetime):
        return _from_date(value.date())
    if isinstance(value, dt.date):
        return _from_date(value)
    if isinstance(value, int | float):
        return _date_from_number(value, allow_month, datemode)
    if isinstance(value, dt.time | dt.timedelta):
        return Problem(f"“{value}”是时间，不是日期")
    text = parse_text(value)
    if not text:
        return None
    return _date_from_text(text, allow_month, year)


# --------------------------------------------------------------------------- gender

_GENDERS = {
    "男": "男",
    "男性": "男",
    "男士": "男",
    "m": "男",
    "male": "男",
    "女": "女",
    "女性": "女",
    "女士": "女",
    "f": "女",
    "female": "女",
}


def parse_gender(value: object) -> str | Problem | None:
    """男 or 女. Numeric codes (1/2, 0/1) differ between systems and are not guessed."""
    text = parse_text(value)
    if not text:
        return None
    gender = _GENDERS.get(text.lower().replace(" ", ""))
    if gender is None:
        return Problem(f"“{text}”不是有效的性别（应为男或女）")
    return gender


# --------------------------------------------------------------------------- ID numbers

_LOST_DIGITS = Problem(
    "公民身份号码在Excel中被存成了数字，末几位已经丢失，请把该列设为文本格式后重新录入完整号码"
)
_OLD_ID = Problem("15位旧身份证号，请换成18位")
# How a CSV shows a long number that Excel displayed in scientific notation: 1.10105E+17.
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)
# Excel's marker for "keep this as text" survives in some CSV exports.
_TEXT_MARKS = "'‘’`"


def _id_from_digits(digits: str) -> str | Problem:
    # Excel keeps 15 significant digits: anything longer typed as a number has been rounded
    # (the last digits turned into zeros), and even a correct-looking one cannot be trusted.
    if len(digits) > 15:
        return _LOST_DIGITS
    if len(digits) == 15:
        return _OLD_ID
    return Problem(f"公民身份号码应为18位，现为{len(digits)}位")


def parse_id_number(value: object, *, today: dt.date | None = None) -> str | Problem | None:
    """A canonical 18-character 公民身份号码, checked against GB 11643."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Problem("不是有效的公民身份号码")
    if isinstance(value, int | float):
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            return Problem("不是有效的公民身份号码")
        figure = int(value)
        if figure < 0:
            return Problem("不是有效的公民身份号码")
        if figure >= 10**15:
            return _LOST_DIGITS
        return _id_from_digits(str(figure))
    text = parse_text(value).strip(_TEXT_MARKS)
    if not text:
        return None
    if _SCIENTIFIC.match(text.replace(" ", "")):
        return _LOST_DIGITS
    number = idcard.normalize(text)
    if not number.isascii():
        return Problem("公民身份号码只能由数字和X组成")
    if len(number) == 15 and number.isdigit():
        return _OLD_ID
    try:
        return idcard.parse(number, today=today).number
    except ValueError as exc:  # IdNumberError, with idcard's Chinese reason
        return Problem(str(exc))


# --------------------------------------------------------------------------- phones

_PHONE_PUNCT = str.maketrans({"—": "-", "–": "-", "转": "-", "（": "(", "）": ")"})
_AREA_IN_BRACKETS = re.compile(r"^\((0\d{2,3})\)-?")
_PHONE_SEPARATORS = re.compile(r"[/、,，;；|｜\s]+")
_DIGIT_RUN = re.compile(r"(?:\+86)?\d[\d-]{5,}\d")


def _clean_phone(text: str) -> str:
    return _AREA_IN_BRACKETS.sub(r"\1-", normalize_phone(text))


def parse_phone(value: object) -> str | Problem | None:
    """A mobile or landline number; of several in one cell, the first valid one."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Problem("不是有效的电话号码")
    if isinstance(value, int | float):
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            return Problem("不是有效的电话号码")
        number = int(value)
        if not 0 < number < 10**15:
            return Problem("不是有效的电话号码")
        digits = str(number)
        if check_phone(digits) is None:
            return digits
        # A landline typed as a number has lost its leading zero: 0737-4212345 → 7374212345.
        if not digits.startswith(("0", "1", "-")) and check_phone("0" + digits) is None:
            return "0" + digits
        return Problem(check_phone(digits) or "不是有效的电话号码")
    text = parse_text(value).translate(_PHONE_PUNCT)
    if not text:
        return None
    whole = _clean_phone(text)
    found = _valid_phone(whole)
    if found:
        return found
    parts = [part for part in _PHONE_SEPARATORS.split(text) if part]
    cleaned = [_clean_phone(part) for part in parts]
    # Labels and remarks around the number: 手机：13812345678（本人）.
    runs = (_clean_phone(run) for part in parts for run in _DIGIT_RUN.findall(part))
    for candidate in itertools.chain(cleaned, runs):
        found = _valid_phone(candidate)
        if found:
            return found
    first = cleaned[0] if len(cleaned) > 1 else whole
    return Problem(check_phone(first) or "不是有效的电话号码")


def _valid_phone(candidate: str) -> str | None:
    if not candidate:
        return None
    if check_phone(candidate) is None:
        return candidate
    # A mobile grouped for reading (138-1234-5678) is stored as its 11 digits.
    digits = candidate.replace("-", "")
    if len(digits) == 11 and digits.startswith("1") and check_phone(digits) is None:
        return digits
    return None


# --------------------------------------------------------------------------- numbers

_COUNT_TEXT = re.compile(
    r"^(?:约|大约|共|共计|合计|计|近|逾|超过|达)?"
    r"([-+]?\d+)(?:\.0+)?"
    r"(?:余|多)?(?:人次|人|场次|次|个|场|项|篇|条|名|家|期|份|件|户)?$"
)
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")


def _below_minimum(minimum: int) -> Problem:
    return Problem("不能为负数" if minimum == 0 else f"不能小于{minimum}")


def parse_int(value: object, *, minimum: int = 0) -> int | Problem | None:
    """A count such as participants: 120, 120.0, "１２０", "120人次", "约120"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Problem(f"“{_raw_text(value)}”不是整数")
    number: int
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            return Problem(f"“{_number_text(value)}”不是整数")
        number = int(value)
    else:
        text = parse_text(value)
        if not text:
            return None
        match = _COUNT_TEXT.match(_THOUSANDS.sub("", text).replace(" ", ""))
        if not match:
            return Problem(f"“{text}”不是整数")
        if len(match[1]) > 15:
            return Problem(f"“{text}”数字过大")
        number = int(match[1])
    if number < minimum:
        return _below_minimum(minimum)
    return number


# --------------------------------------------------------------------------- money

# 「¥12,000.00」「12000元」「1.5万」「1.5万元」「1.5萬元」「RMB 300」: yuan, to the fen.
_MONEY_TEXT = re.compile(
    r"^(?P<sign>¥|￥|rmb|人民币)?(?P<number>\d+(?:\.\d+)?)(?P<wan>[万萬])?(?P<yuan>元|圆)?(?:整)?$",
    re.IGNORECASE,
)
_MONEY_EXAMPLES = "如 3000、3000.5、1.5万、12000元、¥12,000.00"
_MAX_YUAN = Decimal(10) ** 12  # a trillion yuan: beyond any 科协's activity
_SHOWN_MAX = 24  # characters of a too-large figure quoted back; 1e300 is not 301 digits of it


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def _too_large(value: object, shown: str) -> Problem:
    if isinstance(value, float):
        shown = f"{value:.6g}"  # as Excel shows a huge number: 1e+300
    return Problem(f"“{_shown(shown)}”数字过大")


def parse_money(value: object, scale: int = 1) -> int | Problem | None:
    """An amount of yuan as integer fen (分): 3000, 3000.5, 1.5万, 12000元, ¥12,000.00.

    `scale` is the yuan in one unit of the column's header (10000 under 「经费（万元）」): a bare
    number is read in it; a cell that names its own unit (元, 万, ¥, RMB) keeps its own —
    「3000元」 under 「经费（万元）」 is 3000 yuan, as the clerk wrote it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Problem(f"“{_raw_text(value)}”不是金额（{_MONEY_EXAMPLES}）")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return Problem(f"“{_number_text(value)}”不是金额（{_MONEY_EXAMPLES}）")
        if isinstance(value, float) and abs(value) >= float(_MAX_YUAN):
            return _too_large(value, "")
        # The digits the clerk sees in Excel, not the binary fraction behind them.
        shown = _number_text(value)
        if len(shown) > 20:  # an integer cell of hundreds of digits (a hostile file)
            return _too_large(value, shown)
        unit = scale
        yuan = Decimal(shown) * unit
    else:
        shown = parse_text(value)
        if not shown:
            return None
        # The full-width point of a Chinese input method: 「１．５万」.
        compact = _THOUSANDS.sub("", shown).replace(" ", "").replace("．", ".")
        negative = compact.startswith(("-", "－"))
        match = _MONEY_TEXT.match(compact.lstrip("-－") if negative else compact)
        if not match:
            return Problem(f"“{_shown(shown)}”不是金额（{_MONEY_EXAMPLES}）")
        if len(match["number"]) > 20:
            return _too_large(value, shown)
        if match["wan"]:
            unit = 10_000
        elif match["yuan"] or match["sign"]:
            unit = 1
        else:
            unit = scale
        yuan = Decimal(match["number"]) * unit
        if negative:
            yuan = -yuan
    if yuan < 0:
        return Problem("金额不能为负数")
    if yuan >= _MAX_YUAN:
        return _too_large(value, shown)
    fen = yuan * 100
    if fen != fen.to_integral_value():
        if unit != 1:
            return Problem(f"“{shown}”折合{yuan.normalize():f}元，精确到分即可")
        return Problem(f"“{shown}”精确到分即可（最多两位小数）")
    return int(fen)


# --------------------------------------------------------------------------- yes / no

_TRUE_WORDS = frozenset(
    {"是", "y", "yes", "true", "√", "✓", "✔", "1", "重点", "对", "有", "新建", "新成立"}
)
_FALSE_WORDS = frozenset({"否", "n", "no", "false", "×", "✗", "✘", "0", "不是", "非重点", "无"})


def parse_bool(value: object) -> bool | Problem | None:
    """是/否 and their many spellings; an empty cell is None, not 否."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    text = parse_text(value)
    if not text:
        return None
    word = text.lower().replace(" ", "")
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return Problem(f"“{text}”应为“是”或“否”")


# --------------------------------------------------------------------------- choices

# Synonyms map what clerks write to one of the choices. A synonym whose target is not among the
# choices marks a word that looks like a choice but is not one (副秘书长 is not a 秘书长), so
# that it is reported instead of being matched by containment.
TITLE_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        (
            "正高", "教授", "研究员", "教授级高工", "教授级高级工程师", "正高级工程师",
            "正高级农艺师", "正高级教师", "正高级经济师", "正高级会计师", "主任医师",
            "主任护师", "研究馆员",
        ),
        "正高级",
    ),
    **dict.fromkeys(
        (
            "副高", "副教授", "副研究员", "高级工程师", "高级农艺师", "高级讲师", "高工",
            "高级教师", "高级经济师", "高级会计师", "副主任医师", "副主任护师", "高级畜牧师",
            "高级兽医师", "副研究馆员",
        ),
        "副高级",
    ),
    **dict.fromkeys(
        (
            "中级", "工程师", "讲师", "农艺师", "助理研究员", "主治医师", "一级教师",
            "经济师", "会计师", "主管护师", "畜牧师", "兽医师", "馆员",
        ),
        "中级",
    ),
    **dict.fromkeys(
        (
            "初级", "助理工程师", "技术员", "助教", "助理农艺师", "二级教师", "三级教师",
            "助理经济师", "助理会计师", "医师", "护师", "农技员",
        ),
        "初级",
    ),
    **dict.fromkeys(("无", "暂无", "-", "—", "/", "无职称", "没有"), "无"),
}  # fmt: skip
EDUCATION_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("博士", "博士生", "博士研究生"), "博士研究生"),
    **dict.fromkeys(("硕士", "研究生", "硕士生", "在职研究生"), "硕士研究生"),
    **dict.fromkeys(("本科", "大学", "学士", "大本"), "大学本科"),
    **dict.fromkeys(("大专", "专科", "高职"), "大学专科"),
    # 中等专科 contains 专科 but is a secondary school, not a college.
    **dict.fromkeys(("中专", "中技", "技校", "中等专科", "中等专业学校", "中职"), "中专"),
    **dict.fromkeys(("高中", "职高"), "高中"),
    **dict.fromkeys(("初中", "小学", "初中以下", "初中及以下"), "初中及以下"),
}
AWARD_LEVEL_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("国家", "全国", "国家级", "部级以上"), "国家级"),
    **dict.fromkeys(("省", "省级", "省部", "部级", "省部级"), "省部级"),
    **dict.fromkeys(("市", "地市", "市厅级", "地市级", "市州级"), "市级"),
    **dict.fromkeys(("县", "区", "县区级", "县级", "区级", "县市区级"), "县级"),
    "其它": "其他",
}
UNIT_KIND_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("企业", "公司科协", "企业科协", "厂矿科协"), "企业科协"),
    # The half-width spelling is what earlier versions of the program wrote.
    **dict.fromkeys(
        ("乡镇", "街道", "乡镇科协", "街道科协", "镇科协", "乡科协", "乡镇(街道)科协"),
        "乡镇（街道）科协",
    ),
    "社区": "社区科协",
    **dict.fromkeys(("老科技工作者协会", "社区老科协", "老科协"), "老科协"),
    **dict.fromkeys(("学校", "中学科协", "小学科协", "中小学科协"), "学校科协"),
    **dict.fromkeys(("医院", "卫生院科协", "卫健科协"), "医院科协"),
    **dict.fromkeys(("园区", "开发区科协", "高新区科协", "工业园科协"), "园区科协"),
    **dict.fromkeys(("协会", "研究会", "学会"), "学会"),
    **dict.fromkeys(("农村专业技术协会", "农技", "农技协", "农村专业技术研究会"), "农技协"),
    **dict.fromkeys(("高校", "大学", "学院"), "高校科协"),
    "其它": "其他",
}
CATEGORY_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("组织", "组织建设"), "组织建设"),
    **dict.fromkeys(("学术", "学术交流", "学术会议", "学术报告"), "学术交流"),
    **dict.fromkeys(("课题调研", "调研", "决策咨询", "建言献策"), "决策咨询"),
    **dict.fromkeys(("科普", "科普宣传", "科学普及", "科普活动"), "科学普及"),
    **dict.fromkeys(("青少年", "青少年科技", "青少年科技教育"), "青少年科技教育"),
    **dict.fromkeys(("信息宣传", "宣传", "科技传播"), "科技传播"),
    **dict.fromkeys(
        ("讲比", "讲创新比贡献", "竞赛", "服务企业", "服务企业创新", "科技服务"), "科技服务"
    ),
    **dict.fromkeys(("表彰", "推荐", "人才举荐", "人才举荐与表彰"), "人才举荐与表彰"),
    **dict.fromkeys(("对外", "外事", "对外交流"), "对外交流"),
    **dict.fromkeys(("会议", "培训", "自身建设"), "自身建设"),
    "其它": "其他",
}
ROLE_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("会员", "普通会员", "个人会员"), "会员"),
    **dict.fromkeys(("秘书长",), "秘书长"),
    **dict.fromkeys(("科普小组长", "小组长", "组长"), "科普小组长"),
    **dict.fromkeys(("科普志愿者", "志愿者"), "科普志愿者"),
    **dict.fromkeys(("老科技工作者", "老专家", "老科协会员"), "老科技工作者"),
    # Look like a role by containment but are not one.
    "副秘书长": "副秘书长",
    "非会员": "非会员",
}
AUDIENCE_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        ("青少年", "学生", "中小学生", "青少年学生", "少年儿童", "儿童", "小学生", "中学生"),
        "青少年",
    ),
    **dict.fromkeys(("农民", "农户", "村民", "种植户", "养殖户", "种养大户"), "农民"),
    **dict.fromkeys(("产业工人", "工人", "职工", "企业职工", "员工"), "产业工人"),
    **dict.fromkeys(("老年人", "老人", "老年", "老年群众", "老年朋友"), "老年人"),
    **dict.fromkeys(
        ("领导干部和公务员", "干部", "公务员", "领导干部", "机关干部"), "领导干部和公务员"
    ),
    **dict.fromkeys(("科技工作者", "科技人员", "技术人员", "专家"), "科技工作者"),
    **dict.fromkeys(("社区居民", "居民", "市民", "社区群众"), "社区居民"),
}
STATUS_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("在册", "正常", "有效"), "在册"),
    **dict.fromkeys(("退出", "离开", "注销", "已退", "已退出"), "退出"),
}

ACTIVITY_FORM_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        ("讲座", "科普讲座", "报告会", "科普报告", "专家讲座", "科普报告会", "宣讲", "科普宣讲"),
        "科普报告/讲座",
    ),
    **dict.fromkeys(("科普展览", "展示", "展览展示", "展板", "科普展"), "展览"),
    **dict.fromkeys(("科技咨询", "咨询服务", "义诊", "现场咨询"), "咨询"),
    **dict.fromkeys(("技术培训", "科技培训", "培训班", "实用技术培训"), "培训"),
    **dict.fromkeys(("学术交流", "研讨会", "论坛", "学术研讨会", "年会", "学术年会"), "学术会议"),
    **dict.fromkeys(("比赛", "大赛", "知识竞赛", "竞赛活动"), "竞赛"),
    **dict.fromkeys(("夏令营", "冬令营", "科技营", "科学营活动"), "科学营"),
    "其它": "其他",
}
CAMPAIGN_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        ("全国科普日", "科普日", "全国科普月", "科普月", "全国科普日/科普月"), "全国科普日/科普月"
    ),
    **dict.fromkeys(("科技活动周", "科技周", "全国科技活动周"), "科技活动周"),
    **dict.fromkeys(("全国科技工作者日", "科技工作者日", "科技者日", "530"), "全国科技工作者日"),
}

# The vocabularies the synonym tables serve, so a test can check every target is a choice.
SYNONYM_TABLES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "title": (TITLES, TITLE_SYNONYMS),
    "education": (EDUCATIONS, EDUCATION_SYNONYMS),
    "level": (AWARD_LEVELS, AWARD_LEVEL_SYNONYMS),
    "kind": (UNIT_KINDS, UNIT_KIND_SYNONYMS),
    "category": (CATEGORIES, CATEGORY_SYNONYMS),
    "roles": (ROLES, ROLE_SYNONYMS),
    "audience": (AUDIENCES, AUDIENCE_SYNONYMS),
    "status": (PERSON_STATUSES, STATUS_SYNONYMS),
    "form": (ACTIVITY_FORMS, ACTIVITY_FORM_SYNONYMS),
    "campaigns": (CAMPAIGNS, CAMPAIGN_SYNONYMS),
}

_KEY_TABLE = str.maketrans({"（": "(", "）": ")", " ": None})


def _key(text: str) -> str:
    return text.translate(_KEY_TABLE).lower()


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _not_a_choice(text: str, choices: Sequence[str]) -> Problem:
    return Problem(f"“{text}”不在可选范围内（{'、'.join(choices)}）")


_Table = dict[str, str]
# (choices, id of the synonym mapping) → (that mapping, its normalised table). The mapping is
# kept so that its id cannot be reused by another object while the entry lives. Synonym tables
# are constants; a caller that builds a new mapping per call only fills the small cache.
_TABLES: dict[tuple[tuple[str, ...], int], tuple[Mapping[str, str] | None, _Table]] = {}
_TABLES_MAX = 64


def _match_table(choices: Sequence[str], synonyms: Mapping[str, str] | None) -> _Table:
    """Normalised choice and synonym → target; built once per vocabulary, not once per cell."""
    cache_key = (tuple(choices), id(synonyms))
    cached = _TABLES.get(cache_key)
    if cached is not None and cached[0] is synonyms:
        return cached[1]
    table = {_key(choice): choice for choice in choices}
    for word, target in (synonyms or {}).items():
        table.setdefault(_key(word), target)
    if len(_TABLES) >= _TABLES_MAX:
        _TABLES.clear()
    _TABLES[cache_key] = (synonyms, table)
    return table


def parse_choice(
    value: object, choices: Sequence[str], synonyms: Mapping[str, str] | None = None
) -> str | Problem | None:
    """One of `choices`: exactly, through a synonym, or by an unambiguous containment.

    Containment: the text holds a choice or synonym of two or more characters (中级职称,
    科普宣传活动; of nested matches only the longest counts, so 高级工程师 wins over 工程师), or
    the text is the head of a choice (正高 for 正高级, 青少年科技 for 青少年科技教育). A tail is
    not enough: 科技工作者 is not a 老科技工作者. A single character never matches by
    containment (无 is in too many words).
    """
    text = parse_text(value)
    if not text:
        return None
    # The common cases first, without building the tables below: this runs once per cell.
    if text in choices:
        return text
    if synonyms is not None:
        target = synonyms.get(text)
        if target is not None:
            return target if target in choices else _not_a_choice(text, choices)

    table = _match_table(choices, synonyms)
    key = _key(text)
    if key in table:
        target = table[key]
        return target if target in choices else _not_a_choice(text, choices)

    inside = [word for word in table if len(word) >= 2 and word in key]
    longest = [w for w in inside if not any(w != other and w in other for other in inside)]
    targets = _unique([table[word] for word in longest])
    if not targets and len(key) >= 2:
        # Heads of choices only, not of synonyms: 高级 heads 高级工程师 (副高级), but clerks also
        # write it for 副高级 and 正高级 together.
        targets = _unique([choice for choice in choices if _key(choice).startswith(key)])
    if len(targets) == 1 and targets[0] in choices:
        return targets[0]
    candidates = [target for target in targets if target in choices]
    if len(candidates) > 1:
        return Problem(f"“{text}”可能是{'或'.join(candidates)}，请写明是哪一个")
    return _not_a_choice(text, choices)


_LIST_SEPARATORS = re.compile(r"[、,，;；/／|｜\s]+")


def parse_list(
    value: object, choices: Sequence[str], synonyms: Mapping[str, str] | None = None
) -> list[str] | Problem:
    """Several choices in one cell (会员、科普志愿者), each as parse_choice, duplicates dropped."""
    text = parse_text(value)
    found: list[str] = []
    problems: list[str] = []
    for part in _LIST_SEPARATORS.split(text):
        if not part:
            continue
        parsed = parse_choice(part, choices, synonyms)
        if isinstance(parsed, Problem):
            problems.append(parsed.message)
        elif parsed is not None:
            found.append(parsed)
    if problems:
        # Every wrong part is named once; the choices are listed once, at the end.
        listing = f"（{'、'.join(choices)}）"
        reasons = _unique([message.removesuffix(listing) for message in problems])
        return Problem("；".join(reasons) + listing)
    return _unique(found)
