"""The Chinese of the summary's text: section numbers (一、 and （一）), dates (2025年12月4日,
5月18日至24日), the joining and closing of sentences, the comparison with the year before, and
how a unit is named (its short name, a person's employer).

Kept apart from the composition because every part of it writes through these, and none of them
reads the records: they are pure functions of their arguments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

_COMPANY_WORDS = re.compile(r"(股份有限公司|有限责任公司|有限公司)")

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbers never reach 100)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def heading1_number(n: int) -> str:
    return f"{chinese_number(n)}、"


def heading2_number(n: int) -> str:
    return f"（{chinese_number(n)}）"


def chinese_date(iso: str) -> str:
    """2025-12-04 → 2025年12月4日; 2025-12 → 2025年12月."""
    parts = [int(p) for p in iso.split("-")]
    text = f"{parts[0]}年{parts[1]}月"
    return text + (f"{parts[2]}日" if len(parts) == 3 else "")


def month_day(iso: str) -> str:
    date = dt.date.fromisoformat(iso)
    return f"{date.month}月{date.day}日"


def date_span(start: str, end: str | None) -> str:
    """5月18日, 5月18日至24日, 5月30日至6月2日."""
    if not end or end == start:
        return month_day(start)
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if a.year != b.year:
        return f"{month_day(start)}至{chinese_date(end)}"
    if a.month == b.month:
        return f"{month_day(start)}至{b.day}日"
    return f"{month_day(start)}至{month_day(end)}"


def _join(items: Iterable[str]) -> str:
    return "、".join(items)


def _sentence(text: str) -> str:
    text = text.strip().rstrip("，；、")
    return text if text.endswith(("。", "！", "？", "：", "”")) else text + "。"


def _n(value: object) -> int:
    return int(str(value)) if value is not None else 0


def change_phrase(now: int, before: int, unit: str) -> str:
    """「较上年增加12次」「较上年减少3次」「与上年持平」; 人次 as a percentage (「增长15%」)."""
    if now == before:
        return "与上年持平"
    if unit == "%":
        if before <= 0:
            return ""
        percent = round(abs(now - before) * 100 / before)
        if percent == 0:
            return "与上年基本持平"
        return f"较上年{'增长' if now > before else '下降'}{percent}%"
    return f"较上年{'增加' if now > before else '减少'}{abs(now - before)}{unit}"


def short_unit(name: str) -> str:
    """青江橡塑机械集团有限公司科协 → 青江橡塑机械集团科协 (how a summary names a unit)."""
    return _COMPANY_WORDS.sub("", name) or name


def employer(unit: str) -> str:
    """The unit a person is credited with: the company, not its 科协 (青江纸业有限责任公司);
    a 学会 or a community 老科协 is named as it is."""
    base = unit.removesuffix("科协")
    return (
        base if base != unit and base.endswith(("公司", "厂", "集团", "矿", "院", "所")) else unit
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
