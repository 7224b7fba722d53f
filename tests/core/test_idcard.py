import datetime as dt

import pytest

from kexie_desktop.core import idcard

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("text", "number", "birth", "gender"),
    [
        ("11010519491231002X", "11010519491231002X", "1949-12-31", "女"),
        ("11010519491231002x", "11010519491231002X", "1949-12-31", "女"),  # lower-case check
        ("  110105 19491231 002X ", "11010519491231002X", "1949-12-31", "女"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", "1949-12-31", "女"),
        ("440524188001010014", "440524188001010014", "1880-01-01", "男"),
    ],
)
def test_valid_numbers(text: str, number: str, birth: str, gender: str) -> None:
    if birth < "1900":
        with pytest.raises(idcard.IdNumberError):
            idcard.parse(text, today=TODAY)
        return
    info = idcard.parse(text, today=TODAY)
    assert (info.number, info.birth_date, info.gender) == (number, birth, gender)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("11010519491231002", "应为18位，现为17位"),
        ("1101051949123100211", "应为18位，现为19位"),
        ("11010519491231002Y", "前17位应为数字"),
        ("110105194912310021", "校验码不正确"),
        ("110105194902300028", "不是有效日期"),
        ("110105203001010010", "不合理"),
    ],
)
def test_invalid_numbers_say_why_in_chinese(text: str, message: str) -> None:
    with pytest.raises(idcard.IdNumberError, match=message):
        idcard.parse(text, today=TODAY)


def test_check_digit_matches_every_remainder() -> None:
    # Each of the 11 possible check characters is produced by some body.
    seen = {idcard.check_digit(f"1101051990010100{i:01d}"[:17]) for i in range(10)}
    seen |= {idcard.check_digit(f"43010219800101{n:03d}") for n in range(200)}
    assert seen == set("10X98765432")


def test_mask_keeps_region_and_last_four() -> None:
    assert idcard.mask("430102198001011234") == "430102********1234"
