"""Checks a record before it is stored, with Chinese messages naming the field.

Validation also normalises what it accepts (spaces trimmed, an ID number upper-cased, the birth
date and gender filled from the ID number), so the store only ever holds canonical values.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable

from kexie_desktop.core import idcard
from kexie_desktop.core.records import (
    ACTIVITY_FORMS,
    AUDIENCES,
    AWARD_LEVELS,
    BACKGROUNDS,
    CAMPAIGNS,
    CATEGORIES,
    EDUCATIONS,
    GENDERS,
    ORG_LEVELS,
    OUTCOME_FIELDS,
    PERSON_STATUSES,
    POSTS,
    ROLES,
    TITLES,
    UNIT_KINDS,
    Activity,
    Award,
    Person,
    Position,
    Profile,
    Record,
    Unit,
    half_width,
)

FIELD_LABELS: dict[str, str] = {
    "name": "名称",
    "kind": "类型",
    "established_date": "成立日期",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "member_count": "会员人数",
    "gender": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "id_number": "公民身份号码",
    "phone": "联系电话",
    "unit_id": "单位",
    "education": "学历",
    "speciality": "专业",
    "roles": "身份",
    "join_date": "入会日期",
    "status": "状态",
    "category": "类别",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "place": "地点",
    "audience": "面向对象",
    "participants": "参加人次",
    "description": "情况说明",
    "note": "获奖说明",
    "level": "级别",
    "award_date": "获奖日期",
    "team": "获奖集体",
    "issuer": "颁发单位",
    "certificate_no": "证书编号",
    "winner": "获奖者",
    "org_name": "组织名称",
    "parent_name": "上级组织",
    "parent_uuid": "上级组织识别码",
    "org_level": "层级",
    "org_place": "所在地",
    "text": "内容",
    "notes": "备注",
    "form": "活动形式",
    "campaigns": "主题活动",
    "youth_participants": "其中青少年",
    "planned": "计划",
    "last_election_date": "上次换届",
    "next_election_due": "下次换届",
    "post": "职务",
    "background": "本职",
    "co_organisers": "协办单位",
    "highlight": "重点活动",
    "person_ids": "参与人员",
    "person_id": "获奖人员",
    "founded_this_year": "本年新建",
    **OUTCOME_FIELDS,
}
# Where one column name means different things in different tables.
TABLE_FIELD_LABELS: dict[str, dict[str, str]] = {
    "units": {"name": "单位名称"},
    "people": {"name": "姓名", "title": "职称"},
    "activities": {"title": "活动名称", "unit_id": "主办单位"},
    "awards": {"name": "奖项名称", "unit_id": "获奖单位", "person_id": "获奖人员"},
    # The change log's details of an attachment (the 附件 area of a form, `attach`).
    "attachments": {
        "activity_id": "所属活动（编号）",
        "award_id": "所属奖项（编号）",
        "kind": "类别",
        "caption": "说明",
        "original_name": "文件名",
        "sha256": "文件指纹（SHA-256）",
        "file_type": "文件类型",
        "size": "大小（字节）",
        "url": "网址",
        "link_title": "报道标题",
        "link_date": "发布日期",
        "in_summary": "印在年度总结中",
    },
    "positions": {
        "person_id": "人员",
        "unit_id": "任职单位",
        "start_date": "任职起",
        "end_date": "任职止",
    },
}

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Beijing 010 and the 02x cities have 8-digit numbers after a 3-digit area code; elsewhere a
# 4-digit area code (0 then 3-9) comes before 7 or 8 digits. An extension may follow; a local
# number may be written without its area code.
_LANDLINE = re.compile(
    r"^((010|02\d)-?[2-9]\d{7}|0[3-9]\d{2}-?[2-9]\d{6,7}|[2-9]\d{6,7})(-\d{1,6})?$"
)
# Characters XML 1.0 cannot hold: pasted from other programs, they broke both exports (a .docx and
# an .xlsx are XML). Removed wherever text enters; tab and line breaks are kept where a text may
# have lines, and become spaces elsewhere.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\r\n]+")
_CONTROL = re.compile("[\x00-\x1f\ufffe\uffff]")  # what either of the two above would change
# A lone surrogate cannot be stored as UTF-8 at all: the record is refused, not silently changed.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Lengths, in characters. A description of several MB once made a summary no word processor
# could open; the longest real ones are a page or two.
LONG_TEXT_LIMITS = {"description": 10_000, "notes": 10_000}
LINE_LIMIT = 500
NARRATIVE_LIMIT = 20_000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")


class ValidationError(ValueError):
    """One or more fields are invalid; `errors` maps each field to its Chinese message."""

    def __init__(self, errors: dict[str, str], table: str = ""):
        self.errors = errors
        self.table = table
        super().__init__("；".join(f"{label(k, table)}：{v}" for k, v in errors.items()))


def label(field_name: str, table: str = "") -> str:
    """The Chinese name of a field as the clerk sees it on the form."""
    specific = TABLE_FIELD_LABELS.get(table, {})
    return specific.get(field_name) or FIELD_LABELS.get(field_name, field_name)


_PHONE_CHARS = {ord("０") + i: ord("0") + i for i in range(10)}
_PHONE_CHARS[ord("－")] = ord("-")


def normalize_phone(text: str) -> str:
    cleaned = "".join(text.translate(_PHONE_CHARS).split())
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    return cleaned


def check_phone(text: str) -> str | None:
    """None if the phone is a valid mobile or landline number, otherwise why not."""
    digits = text.replace("-", "")
    if _MOBILE.match(text):
        return None
    # Ten to twelve digits starting with 1 is a mistyped mobile: say precisely what is off.
    if text.startswith("1") and text.isdigit() and 10 <= len(text) <= 12:
        if len(digits) != 11:
            return f"手机号码应为11位，现为{len(digits)}位"
        return "手机号码应以13至19开头"
    if _LANDLINE.match(text):
        return None
    return "不是有效的手机号码（11位）或固定电话（如 0737-4212345）"


def parse_iso_date(text: str) -> dt.date | None:
    if not _ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _date_error(text: str, *, allow_month: bool = False) -> str | None:
    if allow_month and _ISO_MONTH.match(text):
        year, month = int(text[:4]), int(text[5:])
        if 1 <= month <= 12 and year >= 1900:
            return None
        return f"{text} 不是有效的年月"
    if parse_iso_date(text) is None:
        return f"{text} 不是有效日期，应为 2025-03-05 的形式"
    return None


class _Checker:
    """Collects the first problem of each field."""

    def __init__(self, table: str = "") -> None:
        self.errors: dict[str, str] = {}
        self.table = table

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def required(self, name: str, value: str | None) -> None:
        if not (value or "").strip():
            self.add(name, "必须填写")

    def choice(self, name: str, value: str, choices: tuple[str, ...], *, required: bool) -> None:
        if not value:
            if required:
                self.add(name, "必须选择")
            return
        if value not in choices:
            self.add(name, f"“{value}”不在可选范围内（{'、'.join(choices)}）")

    def date(self, name: str, value: str | None, *, allow_month: bool = False) -> None:
        if value:
            problem = _date_error(value, allow_month=allow_month)
            if problem:
                self.add(name, problem)

    def not_future(self, name: str, value: str | None, today: dt.date) -> None:
        if value and name not in self.errors and value[:10] > today.isoformat():
            self.add(name, "不能晚于今天")

    def count(self, name: str, value: int | None) -> None:
        if value is not None and value < 0:
            self.add(name, "不能为负数")

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors, self.table)


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Without the characters XML cannot hold; a single-line text without line breaks."""
    if not _CONTROL.search(text):
        return text  # nearly every text: one search, no copies
    text = _XML_INVALID.sub("", text)
    return text if multiline else _LINE_BREAKS.sub(" ", text)


def text_problem(text: str, limit: int = LINE_LIMIT) -> str | None:
    """Why a text cannot be stored, or None."""
    if _SURROGATE.search(text):
        return "含有无法保存的字符（如单独的代理字符 U+D800），请删除后重试"
    if len(text) > limit:
        return f"太长了：共{len(text)}个字，最多{limit}个字"
    return None


def _check_texts(record: Record | Profile, c: _Checker) -> None:
    # First one look at all the texts together (an import checks 50,000 records); the field
    # at fault is looked for only when there is something to find.
    texts: list[str] = []
    too_long = False
    for value in vars(record).values():
        if isinstance(value, str):
            too_long = too_long or len(value) > LINE_LIMIT
            texts.append(value)
        elif isinstance(value, list):
            texts.extend(v for v in value if isinstance(v, str))
    if not too_long and not _SURROGATE.search("".join(texts)):
        return
    for name, value in vars(record).items():
        limit = LONG_TEXT_LIMITS.get(name, LINE_LIMIT)
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and text:
                problem = text_problem(text, limit)
                if problem:
                    c.add(name, problem)
                    break


def _strip_text_fields(record: Record) -> None:
    for name, value in vars(record).items():
        if isinstance(value, list):
            setattr(record, name, [clean_text(v) if isinstance(v, str) else v for v in value])
        elif not value or not isinstance(value, str):
            continue
        elif name in LONG_TEXT_LIMITS:
            # Descriptions and notes are the clerk's paragraphs, reused verbatim: only what
            # XML cannot hold goes.
            setattr(record, name, clean_text(value, multiline=True))
        else:
            setattr(record, name, half_width(clean_text(value)).strip())
    if hasattr(record, "name"):
        # 「张  三」 padded in Excel is the same person as 张三; inner spaces in Chinese
        # names are alignment, not content.
        name = record.name
        if name and all("\u4e00" <= ch <= "\u9fff" or ch.isspace() for ch in name):
            record.name = "".join(name.split())


def validate_narrative(text: str) -> str:
    """A paragraph of the year's summary as stored: cleaned, or ValidationError if unusable."""
    text = clean_text(text, multiline=True).strip()
    problem = text_problem(text, NARRATIVE_LIMIT)
    if problem:
        raise ValidationError({"text": problem})
    return text


def validate_unit(unit: Unit, *, name_taken: Callable[[str, int | None], bool]) -> None:
    _strip_text_fields(unit)
    c = _Checker("units")
    _check_texts(unit, c)
    c.required("name", unit.name)
    if unit.name and name_taken(unit.name, unit.id):
        c.add("name", f"已有名为“{unit.name}”的基层组织")
    c.choice("kind", unit.kind, UNIT_KINDS, required=True)
    c.date("established_date", unit.established_date)
    c.not_future("established_date", unit.established_date, dt.date.today())
    if unit.contact_phone:
        unit.contact_phone = normalize_phone(unit.contact_phone)
        problem = check_phone(unit.contact_phone)
        if problem:
            c.add("contact_phone", problem)
    c.count("member_count", unit.member_count)
    c.date("last_election_date", unit.last_election_date)
    c.not_future("last_election_date", unit.last_election_date, dt.date.today())
    c.date("next_election_due", unit.next_election_due)
    if (
        unit.last_election_date
        and unit.next_election_due
        and not {"last_election_date", "next_election_due"} & c.errors.keys()
        and unit.next_election_due <= unit.last_election_date
    ):
        c.add("next_election_due", "应晚于上次换届日期")
    c.raise_if_any()


def validate_person(person: Person, *, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    _strip_text_fields(person)
    c = _Checker("people")
    _check_texts(person, c)
    c.required("name", person.name)
    c.choice("gender", person.gender, GENDERS, required=False)
    c.date("birth_date", person.birth_date, allow_month=True)
    c.not_future("birth_date", person.birth_date, today)
    if person.id_number:
        try:
            info = idcard.parse(person.id_number, today=today)
        except idcard.IdNumberError as exc:
            c.add("id_number", str(exc))
        else:
            person.id_number = info.number
            if not person.birth_date or (
                len(person.birth_date) == 7 and info.birth_date.startswith(person.birth_date)
            ):
                # The ID number knows the day a 出生年月 column leaves out.
                person.birth_date = info.birth_date
            elif not info.birth_date.startswith(person.birth_date):
                c.add(
                    "birth_date",
                    f"与公民身份号码中的出生日期{info.birth_date}不一致",
                )
            if not person.gender:
                person.gender = info.gender
            elif person.gender != info.gender:
                c.add("gender", f"与公民身份号码不一致（号码显示为{info.gender}）")
    if person.phone:
        person.phone = normalize_phone(person.phone)
        problem = check_phone(person.phone)
        if problem:
            c.add("phone", problem)
    c.choice("title", person.title, TITLES, required=False)
    c.choice("education", person.education, EDUCATIONS, required=False)
    for role in person.roles:
        if role not in ROLES:
            c.add("roles", f"“{role}”不在可选范围内（{'、'.join(ROLES)}）")
    c.date("join_date", person.join_date, allow_month=True)
    c.not_future("join_date", person.join_date, today)
    c.choice("status", person.status, PERSON_STATUSES, required=True)
    c.raise_if_any()


def validate_activity(activity: Activity) -> None:
    _strip_text_fields(activity)
    c = _Checker("activities")
    _check_texts(activity, c)
    c.required("title", activity.title)
    c.choice("category", activity.category, CATEGORIES, required=True)
    c.required("start_date", activity.start_date)
    c.date("start_date", activity.start_date)
    c.date("end_date", activity.end_date)
    if (
        activity.start_date
        and activity.end_date
        and "start_date" not in c.errors
        and "end_date" not in c.errors
        and activity.end_date < activity.start_date
    ):
        c.add("end_date", "不能早于开始日期")
    for audience in activity.audience:
        if audience not in AUDIENCES:
            c.add("audience", f"“{audience}”不在可选范围内")
    c.count("participants", activity.participants)
    c.choice("form", activity.form, ACTIVITY_FORMS, required=False)
    for campaign in activity.campaigns:
        if campaign not in CAMPAIGNS:
            c.add("campaigns", f"“{campaign}”不在可选范围内（{'、'.join(CAMPAIGNS)}）")
    youth = activity.youth_participants
    c.count("youth_participants", youth)
    if youth is not None and "youth_participants" not in c.errors:
        # 其中 never exceeds its total: the statistics platform refuses such a table.
        if activity.participants is None:
            c.add("youth_participants", "请先填写参加人次（其中青少年是参加人次的一部分）")
        elif youth > activity.participants:
            c.add("youth_participants", f"不能多于参加人次（{activity.participants}）")
    if activity.highlight and not activity.description.strip():
        # A 重点 activity is told in the summary in the clerk's own words; without them it
        # would be a bare heading.
        c.add("description", "重点活动请填写情况说明（总结中照录这段文字）")
    for name in OUTCOME_FIELDS:
        c.count(name, getattr(activity, name))
    c.raise_if_any()


def validate_position(position: Position) -> None:
    c = _Checker("positions")
    if position.person_id is None:
        c.add("person_id", "请选择人员")
    if position.unit_id is None:
        c.add("unit_id", "请选择任职的基层组织")
    position.post = position.post.strip()
    c.choice("post", position.post, POSTS, required=True)
    c.choice("background", position.background, BACKGROUNDS, required=False)
    c.date("start_date", position.start_date)
    c.date("end_date", position.end_date)
    if (
        position.start_date
        and position.end_date
        and not {"start_date", "end_date"} & c.errors.keys()
        and position.end_date < position.start_date
    ):
        c.add("end_date", "不能早于任职开始日期")
    c.raise_if_any()


def validate_award(award: Award) -> None:
    _strip_text_fields(award)
    c = _Checker("awards")
    _check_texts(award, c)
    c.required("name", award.name)
    c.choice("level", award.level, AWARD_LEVELS, required=True)
    c.date("award_date", award.award_date)
    c.not_future("award_date", award.award_date, dt.date.today())
    if award.person_id is None and award.unit_id is None and not award.team:
        c.add("winner", "请选择获奖人员、获奖单位或填写获奖集体")
    c.raise_if_any()


def validate_profile(profile: Profile) -> None:
    for name, value in vars(profile).items():
        setattr(profile, name, clean_text(value).strip())
    c = _Checker()
    _check_texts(profile, c)
    c.required("org_name", profile.org_name)
    if profile.org_level and profile.org_level not in ORG_LEVELS:
        c.add("org_level", f"应为{'、'.join(ORG_LEVELS)}之一")
    if profile.contact_phone:
        profile.contact_phone = normalize_phone(profile.contact_phone)
        problem = check_phone(profile.contact_phone)
        if problem:
            c.add("contact_phone", problem)
    if profile.parent_uuid:
        try:
            profile.parent_uuid = str(uuid.UUID(profile.parent_uuid))
        except ValueError:
            c.add(
                "parent_uuid",
                "应为上级组织在其“本组织信息”中显示的识别码"
                "（36位，如 1b4e28ba-2fa1-11d2-883f-0016d3cca427）",
            )
    c.raise_if_any()
