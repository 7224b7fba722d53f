"""Citizen ID numbers (公民身份号码) per GB 11643-1999."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdNumberError(ValueError):
    """The ID number is malformed; the message is Chinese and shown to the clerk."""


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: str  # ISO
    gender: str  # 男 / 女


def check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


_CANONICAL = {ord("０") + i: ord("0") + i for i in range(10)}
_CANONICAL[ord("ｘ")] = ord("X")
_CANONICAL[ord("Ｘ")] = ord("X")


def normalize(text: str) -> str:
    """Strip spaces and turn full-width digits and a lower-case x into the canonical form."""
    return "".join(text.translate(_CANONICAL).split()).upper()


def parse(text: str, *, today: dt.date | None = None) -> IdInfo:
    """The number's facts, or IdNumberError saying in Chinese what is wrong with it."""
    return _parse(normalize(text), today or dt.date.today())


@functools.lru_cache(maxsize=4096)
def _parse(number: str, today: dt.date) -> IdInfo:
    # Cached: an import checks each number when reading the cell and again when validating.
    if len(number) != 18:
        raise IdNumberError(f"应为18位，现为{len(number)}位")
    if not _SHAPE.match(number):
        raise IdNumberError("前17位应为数字，最后一位为数字或X")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(f"其中的出生日期{number[6:14]}不是有效日期") from None
    if birth > today or birth.year < 1900:
        raise IdNumberError(f"其中的出生日期{birth.isoformat()}不合理")
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise IdNumberError("校验码不正确，请核对是否有数字录错")
    gender = "男" if int(number[16]) % 2 == 1 else "女"
    return IdInfo(number=number, birth_date=birth.isoformat(), gender=gender)


def mask(number: str) -> str:
    """430102********1234: region and last four kept, the birth date hidden."""
    if len(number) <= 10:
        return number[:2] + "*" * max(0, len(number) - 2)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
