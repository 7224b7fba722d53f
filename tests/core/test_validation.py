"""Validation is table-driven: each case names the field and the Chinese message expected."""

import dataclasses
import datetime as dt
from typing import Any

import pytest

from kexie_desktop.core import validation
from kexie_desktop.core.records import Activity, Award, Person, Profile, Unit
from kexie_desktop.core.validation import ValidationError


def _person(**kw: Any) -> Person:
    return dataclasses.replace(Person(name="张三"), **kw)


PERSON_CASES = [
    ({"name": ""}, "name", "必须填写"),
    ({"name": "   "}, "name", "必须填写"),
    ({"gender": "未知"}, "gender", "不在可选范围内"),
    ({"birth_date": "1975-13-01"}, "birth_date", "不是有效日期"),
    ({"birth_date": "1975/03/05"}, "birth_date", "不是有效日期"),
    ({"birth_date": "1975-13"}, "birth_date", "不是有效的年月"),
    ({"birth_date": "2099-01-01"}, "birth_date", "不能晚于今天"),
    ({"id_number": "11010519491231002"}, "id_number", "应为18位"),
    ({"id_number": "110105194912310021"}, "id_number", "校验码不正确"),
    ({"id_number": "11010519491231002X", "birth_date": "1950-01-01"}, "birth_date", "不一致"),
    ({"id_number": "11010519491231002X", "gender": "男"}, "gender", "不一致"),
    ({"phone": "1381234567"}, "phone", "手机号码应为11位，现为10位"),
    ({"phone": "12812345678"}, "phone", "应以13至19开头"),
    ({"phone": "abc"}, "phone", "不是有效的手机号码"),
    ({"phone": "0101-2345678"}, "phone", "不是有效的手机号码"),
    ({"phone": "0000-2345678"}, "phone", "不是有效的手机号码"),
    ({"phone": "010-1234567"}, "phone", "不是有效的手机号码"),
    ({"title": "教授"}, "title", "不在可选范围内"),
    ({"roles": ["会员", "会长"]}, "roles", "“会长”不在可选范围内"),
    ({"status": ""}, "status", "必须选择"),
    ({"join_date": "2025-02-30"}, "join_date", "不是有效日期"),
]


@pytest.mark.parametrize(("changes", "field", "message"), PERSON_CASES)
def test_person_rejects(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validation.validate_person(_person(**changes), today=dt.date(2026, 1, 1))
    assert field in caught.value.errors
    assert message in caught.value.errors[field]
    # The message names the field as the form labels it.
    assert validation.label(field, "people") in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "expect"),
    [
        ({"name": "张  三"}, {"name": "张三"}),
        (
            {"id_number": "11010519491231002x"},
            {"id_number": "11010519491231002X", "birth_date": "1949-12-31", "gender": "女"},
        ),
        (
            {"id_number": "11010519491231002X", "birth_date": "1949-12"},
            {"birth_date": "1949-12-31"},
        ),
        ({"phone": "138 1234 5678"}, {"phone": "13812345678"}),
        ({"phone": "+8613812345678"}, {"phone": "13812345678"}),
        ({"phone": "0737-4212345"}, {"phone": "0737-4212345"}),
        ({"phone": "07374212345"}, {"phone": "07374212345"}),
        ({"phone": "010-62345678-801"}, {"phone": "010-62345678-801"}),
        ({"phone": "021-52345678"}, {"phone": "021-52345678"}),
        ({"phone": "0731-8234567"}, {"phone": "0731-8234567"}),
        ({"phone": "4212345"}, {"phone": "4212345"}),
        ({"birth_date": "1975-03"}, {"birth_date": "1975-03"}),
    ],
)
def test_person_accepts_and_normalises(changes: dict[str, Any], expect: dict[str, str]) -> None:
    person = _person(**changes)
    validation.validate_person(person, today=dt.date(2026, 1, 1))
    for name, value in expect.items():
        assert getattr(person, name) == value


ACTIVITY_BASE = Activity(title="学术年会", category="学术交流", start_date="2025-03-05")

ACTIVITY_CASES = [
    ({"title": ""}, "title", "必须填写"),
    ({"category": ""}, "category", "必须选择"),
    ({"category": "吃饭"}, "category", "不在可选范围内"),
    ({"start_date": ""}, "start_date", "必须填写"),
    ({"start_date": "2025-3-5"}, "start_date", "不是有效日期"),
    ({"end_date": "2025-03-04"}, "end_date", "不能早于开始日期"),
    ({"participants": -1}, "participants", "不能为负数"),
    ({"messages": -5}, "messages", "不能为负数"),
    ({"audience": ["外星人"]}, "audience", "不在可选范围内"),
]


@pytest.mark.parametrize(("changes", "field", "message"), ACTIVITY_CASES)
def test_activity_rejects(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validation.validate_activity(dataclasses.replace(ACTIVITY_BASE, **changes))
    assert message in caught.value.errors[field]


def test_activity_same_day_end_is_fine() -> None:
    validation.validate_activity(dataclasses.replace(ACTIVITY_BASE, end_date="2025-03-05"))


def test_activity_title_label_differs_from_person_title() -> None:
    with pytest.raises(ValidationError, match="活动名称：必须填写"):
        validation.validate_activity(dataclasses.replace(ACTIVITY_BASE, title=""))


@pytest.mark.parametrize(
    ("award", "field", "message"),
    [
        (Award(name="", level="省部级", team="QC小组"), "name", "必须填写"),
        (Award(name="青年科技奖", level="", team="QC小组"), "level", "必须选择"),
        (Award(name="青年科技奖", level="省部级"), "winner", "请选择获奖人员"),
        (
            Award(name="青年科技奖", level="省部级", team="x", award_date="2025-02-29"),
            "award_date",
            "不是有效日期",
        ),
    ],
)
def test_award_rejects(award: Award, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validation.validate_award(award)
    assert message in caught.value.errors[field]


@pytest.mark.parametrize(
    ("unit", "field", "message"),
    [
        (Unit(name="", kind="学会"), "name", "必须填写"),
        (Unit(name="甲", kind=""), "kind", "必须选择"),
        (Unit(name="甲", kind="学会", contact_phone="123"), "contact_phone", "不是有效"),
        (Unit(name="甲", kind="学会", member_count=-3), "member_count", "不能为负数"),
        (Unit(name="已有", kind="学会"), "name", "已有名为“已有”的基层组织"),
    ],
)
def test_unit_rejects(unit: Unit, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validation.validate_unit(unit, name_taken=lambda name, _id: name == "已有")
    assert message in caught.value.errors[field]


def test_profile_requires_the_organisation_name() -> None:
    with pytest.raises(ValidationError, match="组织名称：必须填写"):
        validation.validate_profile(Profile(org_name="  "))
