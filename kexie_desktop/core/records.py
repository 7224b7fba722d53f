"""The four kinds of record a clerk keeps, and the fixed vocabularies they draw on.

Field names equal column names in kexie.db; validation.py says which ones are required.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

UNIT_KINDS = (
    "企业科协", "乡镇（街道）科协", "社区科协", "学校科协", "高校科协", "医院科协", "园区科协",
    "老科协", "学会", "农技协", "其他",
)  # fmt: skip
GENDERS = ("男", "女")
TITLES = ("正高级", "副高级", "中级", "初级", "无")
EDUCATIONS = ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下")
ROLES = ("会员", "秘书长", "科普小组长", "科普志愿者", "老科技工作者")
PERSON_STATUSES = ("在册", "退出")
ETHNICITIES = (
    "汉族", "壮族", "回族", "满族", "维吾尔族", "苗族", "彝族", "土家族", "藏族", "蒙古族",
    "侗族", "布依族", "瑶族", "白族", "朝鲜族", "哈尼族", "黎族", "哈萨克族", "傣族", "畲族",
)  # fmt: skip
# The categories of the 科协 statistics report forms, in their report order.
CATEGORIES = (
    "组织建设",
    "学术交流",
    "决策咨询",
    "科学普及",
    "青少年科技教育",
    "科技传播",
    "科技服务",
    "人才举荐与表彰",
    "对外交流",
    "自身建设",
    "其他",
)
CATEGORY_HINTS = {
    "决策咨询": "课题调研",
    "科技传播": "信息宣传",
    "科技服务": "服务企业创新、讲比竞赛",
    "自身建设": "会议、培训",
}
AUDIENCES = ("青少年", "农民", "产业工人", "老年人", "领导干部和公务员", "科技工作者", "社区居民")
AWARD_LEVELS = ("国家级", "省部级", "市级", "县级", "其他")
# 活动形式 and the national campaigns an activity may belong to, as the statistics tables
# (EKX表5, CKX表3, FKX表6, JKX表10, KKX表11) count them.
ACTIVITY_FORMS = ("科普报告/讲座", "展览", "咨询", "培训", "学术会议", "竞赛", "科学营", "其他")
CAMPAIGNS = ("全国科普日/科普月", "科技活动周", "全国科技工作者日")
# 职务 in a unit, and the 本职 of whoever holds it: a 乡镇（街道）科协's "三长" are the first
# three, serving as 兼职副主席 (docs/upward-reporting.md).
POSTS = ("主席", "副主席", "兼职副主席", "秘书长", "常委", "委员")
THREE_HEADS = ("医院院长", "学校校长", "农技站站长")
BACKGROUNDS = (*THREE_HEADS, "科技型企业家", "其他")
ORG_LEVELS = ("省级", "市级", "县级", "乡镇(街道)", "企业", "社区", "其他")

# Lists are stored in one text column joined by this mark, readable in any SQLite browser.
LIST_SEPARATOR = "、"


# Full-width Latin letters and digits (ＱＣ, １２) as typed in a Chinese input method's
# full-width mode; official texts and searches use the half-width forms. Punctuation is left
# alone: 「，」 and 「（）」 are meant to be full-width.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_HALF_WIDTH.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
_HALF_WIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})


def half_width(text: str) -> str:
    return text.translate(_HALF_WIDTH)


def sort_key(text: str) -> str:
    """A text key that orders Chinese names by pinyin, as Excel and WPS sort them.

    GB2312's 3,755 common characters are laid out in pinyin order, and GB18030 keeps that
    layout: comparing the encoded bytes (here as hex, so SQLite compares them as text) sorts
    张三 before 赵四, where Unicode order would not. Rare characters follow the common ones.
    """
    return text.strip().encode("gb18030", errors="replace").hex()


def join_list(values: list[str] | tuple[str, ...]) -> str:
    return LIST_SEPARATOR.join(v for v in values if v)


def split_list(text: str | None) -> list[str]:
    return [v for v in (text or "").split(LIST_SEPARATOR) if v]


@dataclass
class Record:
    """Fields every record carries; `id` is None until the store has saved it."""

    TABLE: ClassVar[str] = ""
    KIND_LABEL: ClassVar[str] = ""
    # Fields held outside the record's own row (link tables, lists).
    LIST_FIELDS: ClassVar[tuple[str, ...]] = ()
    LINK_FIELDS: ClassVar[tuple[str, ...]] = ()

    id: int | None = None
    uuid: str = ""
    created_at: str = ""
    updated_at: str = ""
    notes: str = ""

    def to_row(self) -> dict[str, Any]:
        """The record's columns as stored (lists joined, links left out)."""
        # Not dataclasses.asdict(): it deep-copies every value, and an import calls this for
        # each of tens of thousands of rows.
        row = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for name in self.LINK_FIELDS:
            row.pop(name)
        for name in self.LIST_FIELDS:
            row[name] = join_list(row[name])
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Any:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in row.items() if k in names}
        for name in cls.LIST_FIELDS:
            values[name] = split_list(values.get(name))
        for name in cls.LINK_FIELDS:
            values.setdefault(name, [])
        for f in dataclasses.fields(cls):
            if f.type in ("bool",) and f.name in values:
                values[f.name] = bool(values[f.name])
        return cls(**values)


@dataclass
class Unit(Record):
    TABLE: ClassVar[str] = "units"
    KIND_LABEL: ClassVar[str] = "基层组织"

    name: str = ""
    kind: str = ""
    established_date: str | None = None
    contact_person: str = ""
    contact_phone: str = ""
    member_count: int | None = None
    founded_this_year: bool = False
    last_election_date: str | None = None  # 上次换届
    next_election_due: str | None = None  # 下次换届（应于）


@dataclass
class Person(Record):
    TABLE: ClassVar[str] = "people"
    KIND_LABEL: ClassVar[str] = "人员"
    LIST_FIELDS: ClassVar[tuple[str, ...]] = ("roles",)

    name: str = ""
    gender: str = ""
    birth_date: str | None = None
    ethnicity: str = ""
    id_number: str = ""
    phone: str = ""
    unit_id: int | None = None
    title: str = ""
    education: str = ""
    speciality: str = ""
    roles: list[str] = field(default_factory=list)
    join_date: str | None = None
    status: str = "在册"


@dataclass
class Activity(Record):
    TABLE: ClassVar[str] = "activities"
    KIND_LABEL: ClassVar[str] = "活动"
    LIST_FIELDS: ClassVar[tuple[str, ...]] = ("audience", "campaigns")
    LINK_FIELDS: ClassVar[tuple[str, ...]] = ("person_ids",)

    title: str = ""
    category: str = ""
    start_date: str = ""
    end_date: str | None = None
    unit_id: int | None = None
    co_organisers: str = ""
    place: str = ""
    audience: list[str] = field(default_factory=list)
    participants: int | None = None  # 人次; None: unknown (不详), never counted as 0
    highlight: bool = False
    description: str = ""
    reports: int = 0
    problems_solved: int = 0
    technologies_promoted: int = 0
    articles: int = 0
    messages: int = 0
    form: str = ""  # 活动形式 (ACTIVITY_FORMS)
    campaigns: list[str] = field(default_factory=list)
    youth_participants: int | None = None  # 其中青少年 (人次); None: unknown
    papers: int = 0  # 交流论文 (篇)
    materials: int = 0  # 发放资料 (份)
    planned: bool = False  # 计划: not yet done, never counted as done
    funding: int | None = None  # 经费 in fen (分), shown as yuan; None: unknown
    person_ids: list[int] = field(default_factory=list)


@dataclass
class Award(Record):
    TABLE: ClassVar[str] = "awards"
    KIND_LABEL: ClassVar[str] = "奖项"

    name: str = ""
    level: str = ""
    award_date: str | None = None
    person_id: int | None = None
    unit_id: int | None = None
    team: str = ""
    issuer: str = ""
    certificate_no: str = ""
    note: str = ""  # a few words the summary adds (「这是我市首次获得该奖项」)
    activity_id: int | None = None  # the work it crowned: the summary mentions it there


@dataclass
class Position:
    """A 职务 a person holds in a unit for a term (end None: still serving)."""

    id: int | None = None
    person_id: int | None = None
    unit_id: int | None = None
    post: str = ""
    background: str = ""  # 本职 (BACKGROUNDS), for the 三长
    start_date: str | None = None
    end_date: str | None = None


RECORD_TYPES: dict[str, type[Record]] = {cls.TABLE: cls for cls in (Unit, Person, Activity, Award)}


@dataclass
class Profile:
    """The organisation the clerk works for, kept in the settings table."""

    org_name: str = ""
    org_level: str = ""
    org_place: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    # The organisation it reports to (报送包): its name, and its UUID once the parent has said it.
    parent_name: str = ""
    parent_uuid: str = ""
