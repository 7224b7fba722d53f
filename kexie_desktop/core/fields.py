"""Every field of the four kinds of record, declared once.

A field used to be written into some fourteen places: validation labels, the importer's header
words and its parse list, the template's example row, the list columns with positional
constants and width tables, the ledger's column specs and its aligned value lists, the store's
figure sums and the summary's phrases. Each declaration below says all of that for one field,
and those places now read it from here:

- the record forms (ui/dialogs): the row label and, for the plain kinds, the widget;
- the importer (importing/mapping.py, importing/convert.py): header words, the parser by kind;
- the import template (importing/template.py): header and example cell;
- the record lists (listing.py, ui/table_models.py, ui/tabs): column, header, width;
- the ledger's complete sheets (ledger_export.py) and the SQL that feeds them;
- the summary's figures: the SQL sums (figure_sums) and the phrases (summary/vocabulary.py).

The order of a table's fields is the order of its complete ledger sheet and of the template;
the lists keep that order too, but for a column that names another to follow (`after`). The
record dataclasses stay in records.py, typed for mypy; a test checks they agree with this file.
Adding a field is: a migration, an attribute on its dataclass, its declaration here, its tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
)

# What a field holds, which decides its parser, its form widget and how ledgers show it.
TEXT = "text"  # one line
LINES = "lines"  # a paragraph, line breaks kept
NAME = "name"  # a person's name
ETHNICITY = "ethnicity"
GENDER = "gender"
ID_NUMBER = "id_number"
PHONE = "phone"
COUNT = "count"  # a figure never unknown: 0 when not given (outcomes)
OPTIONAL_COUNT = "count?"  # a figure that may be unknown (不详, NULL): never counted as 0
MONEY = "money"  # yuan, stored as integer fen; may be unknown
FLAG = "flag"  # 是/否
DATE = "date"
MONTH = "month"  # a full date or a year and month
CHOICE = "choice"  # one of `vocabulary`
LIST = "list"  # any of `vocabulary`
LINK = "link"  # another record, by name (a unit, people, a winner): the importer resolves it
COMPUTED = "computed"  # shown in lists and ledgers, worked out by SQL, never typed

# Kinds a form can show with a standard widget (ui/dialogs/record_dialog.py).
FORM_KINDS = frozenset({TEXT, LINES, COUNT, OPTIONAL_COUNT, MONEY, FLAG, DATE, MONTH, CHOICE, LIST})
NUMERIC_KINDS = frozenset({COUNT, OPTIONAL_COUNT, MONEY})


@dataclass(frozen=True)
class ListColumn:
    """A column of a record list in the main window."""

    width: int  # pixels, before the tab fits the columns to their contents; 0: no set width
    header: str = ""  # when shorter than the label (「日期」 for 开始日期)
    sql: str = ""  # over the listing's aliases, when not the field's own column
    sort_sql: str | None = None
    searchable: bool = True
    after: str = ""  # placed after this key's column rather than in declaration order
    key: str = ""  # the list table's column, when not the field's key (unit_name)


@dataclass(frozen=True)
class LedgerColumn:
    """A column of the complete ledger sheet (「…（完整）」)."""

    width: float  # Excel column units
    style: str = ""  # ledger_export's cell style; by kind when empty
    header: str = ""  # when not the import header (it must still be one the importer knows)
    source: str = ""  # the ledger query's column, when not the key
    blank: str = ""  # what an empty cell says (「本会」 for an activity of the association's own)


@dataclass(frozen=True)
class Phrase:
    """How the summary states a total of the field: 「发送科普短信{}条」."""

    text: str
    rank: int  # the order of phrases in a sentence (the first few are kept)


@dataclass(frozen=True)
class Field:
    key: str  # the record attribute and column; for a LINK, the importer's key
    label: str  # as the form and messages name it
    kind: str = TEXT
    vocabulary: tuple[str, ...] = ()
    # Header words the importer recognises, most usual first; the first heads the template
    # and reports. Empty: just the label. None: never imported.
    headers: tuple[str, ...] | None = ()
    attr: str = ""  # the record attribute a LINK sets (unit_id); else the key
    example: object = None  # the template's example cell
    template: bool = True  # a column of the template
    # A row of the record form: the dialog's own widget, else a standard one by kind.
    form: bool = True
    listed: ListColumn | None = None
    ledger: LedgerColumn | None = None
    phrase: Phrase | None = None
    # How the printed ledger's 主要成效 counts it: 「短信{}条」.
    tally: str = ""
    # A column of the subordinates' table too; else carried in its extra_json.
    in_packages: bool = True

    @property
    def header(self) -> str:
        return self.headers[0] if self.headers else self.label

    @property
    def header_words(self) -> tuple[str, ...]:
        if self.headers is None:
            return ()
        return self.headers or (self.label,)

    @property
    def stored(self) -> bool:
        """A column of the record's own table."""
        return self.kind not in (LINK, COMPUTED)

    @property
    def record_attr(self) -> str:
        return self.attr or (self.key if self.stored else "")

    @property
    def list_header(self) -> str:
        return (self.listed.header if self.listed else "") or self.label

    @property
    def list_key(self) -> str:
        return (self.listed.key if self.listed else "") or self.key

    @property
    def ledger_header(self) -> str:
        return (self.ledger.header if self.ledger else "") or self.header


_UNIT_KEY = "COALESCE(u.name_key, u.name, '')"


def in_order_sql(expr: str, values: tuple[str, ...]) -> str:
    """Sorted as the year-end report lists them (组织建设 first), not in Unicode order; a value
    from outside the list after them."""
    cases = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"(CASE {expr} {cases} ELSE {len(values)} END)"


def _outcome(key: str, label: str, tally: str, headers: tuple[str, ...],
             phrase: Phrase | None = None, *, in_packages: bool = True,
             example: object = None) -> Field:  # fmt: skip
    return Field(key, label, COUNT, headers=headers, ledger=LedgerColumn(7), phrase=phrase,
                 in_packages=in_packages, example=example, tally=tally)  # fmt: skip


ACTIVITY_FIELDS: tuple[Field, ...] = (
    Field("start_date", "开始日期", DATE, example="2025-04-18",
          headers=("开始日期", "活动日期", "日期", "时间", "活动时间", "开始时间"),
          listed=ListColumn(100, header="日期"), ledger=LedgerColumn(11.5)),
    Field("end_date", "结束日期", DATE, headers=("结束日期", "结束时间"), example="2025-04-18",
          ledger=LedgerColumn(11.5)),
    Field("title", "活动名称", TEXT, example="2025年学术年会",
          headers=("活动名称", "活动主题", "名称", "主题", "项目名称", "活动名称/主题", "活动项目",
                   "活动内容名称"),
          listed=ListColumn(0), ledger=LedgerColumn(28)),
    Field("category", "类别", CHOICE, CATEGORIES, example="学术交流",
          headers=("类别", "活动类别", "活动类型", "类型"),
          listed=ListColumn(110, sort_sql=in_order_sql("a.category", CATEGORIES)),
          ledger=LedgerColumn(10, "center")),
    Field("form", "活动形式", CHOICE, ACTIVITY_FORMS, example="学术会议",
          headers=("活动形式", "形式", "活动方式", "活动形式类别"),
          ledger=LedgerColumn(10, "center"), in_packages=False),
    Field("campaigns", "主题活动", LIST, CAMPAIGNS, example="",
          headers=("主题活动", "所属主题活动", "活动品牌", "所属活动品牌", "重大主题活动"),
          ledger=LedgerColumn(12), in_packages=False),
    Field("unit", "主办单位", LINK, attr="unit_id", example="某某公司科协",
          headers=("主办单位", "组织单位", "举办单位", "单位", "主办单位/组织单位", "牵头单位",
                   "组织者", "承办科协"),
          listed=ListColumn(200, sql="COALESCE(u.name, '')", sort_sql=_UNIT_KEY, key="unit_name"),
          ledger=LedgerColumn(20, source="unit_name", blank="本会")),
    Field("co_organisers", "协办单位", TEXT, headers=("协办单位", "合办单位", "承办单位"),
          example="", ledger=LedgerColumn(16)),
    Field("place", "地点", TEXT, headers=("地点", "活动地点"), example="某宾馆",
          listed=ListColumn(150), ledger=LedgerColumn(16)),
    Field("audience", "面向对象", LIST, AUDIENCES, example="科技工作者",
          headers=("面向对象", "对象", "参加对象", "服务对象"), ledger=LedgerColumn(14)),
    Field("participants", "参加人次", OPTIONAL_COUNT, example=120,
          headers=("参加人次", "参与人次", "人次", "参加人数", "人数", "参与人数", "人次数",
                   "参加人次数", "受众人次", "受益人次", "受益人数", "服务人次", "参加人员人次"),
          listed=ListColumn(80, searchable=False), ledger=LedgerColumn(7)),
    Field("youth_participants", "其中青少年", OPTIONAL_COUNT,
          headers=("其中青少年", "其中青少年人次", "青少年人次", "青少年参加人次",
                   "青少年受众人次"),
          ledger=LedgerColumn(7), in_packages=False),
    Field("highlight", "重点活动", FLAG, headers=("重点", "是否重点", "重点活动"), example="是",
          form=False, listed=ListColumn(70, header="重点", searchable=False),
          ledger=LedgerColumn(5)),
    Field("planned", "计划", FLAG, headers=("计划", "是否计划", "计划活动", "是否为计划"),
          example="否", ledger=LedgerColumn(5), in_packages=False),
    Field("people", "参与人员", LINK, attr="person_ids", example="张三",
          headers=("参与人员", "参加人员", "主要人员"),
          ledger=LedgerColumn(18, source="people_names")),
    _outcome("reports", "调研报告/建议", "调研报告/建议{}篇",
             ("调研报告/建议", "调研报告", "建议", "报告建议", "调研报告数", "建议数",
              "调研报告和建议", "咨询报告", "形成调研报告", "提交建议"),
             Phrase("形成调研报告和建议{}篇", 3)),
    _outcome("problems_solved", "攻关项目", "攻关项目{}个",
             ("攻关项目", "解决技术难题", "攻关项目数", "解决攻关项目", "技术攻关",
              "解决技术难题数", "解决难题", "攻关数", "完成攻关项目"),
             Phrase("解决技术攻关项目{}个", 1)),
    _outcome("technologies_promoted", "推广新技术", "推广新技术{}项",
             ("推广新技术", "新技术推广", "推广新技术数", "推广技术", "新技术", "推广新技术新成果",
              "推广新技术项数"),
             Phrase("推广新技术{}项", 2)),
    _outcome("articles", "发表文章/信息", "文章/信息{}篇",
             ("发表文章/信息", "发表文章", "信息", "文章", "发表文章数", "信息篇数",
              "发表文章和信息", "报送信息", "宣传报道", "文章信息"),
             Phrase("发表文章和信息{}篇", 4)),
    _outcome("messages", "短信条数", "短信{}条",
             ("短信条数", "短信", "发送短信", "科普短信", "发送短信条数", "短信数"),
             Phrase("发送科普短信{}条", 5)),
    _outcome("papers", "交流论文", "交流论文{}篇",
             ("交流论文", "交流论文篇数", "论文", "论文篇数", "交流论文数"),
             in_packages=False, example=46),
    _outcome("materials", "发放资料", "发放资料{}份",
             ("发放资料", "资料份数", "发放资料份数", "发放宣传资料", "资料发放"),
             in_packages=False),
    # 经费: yuan in every view, integer fen in the database (no binary fractions of a fen).
    Field("funding", "经费", MONEY,
          headers=("经费", "活动经费", "经费（元）", "金额", "投入经费", "经费投入", "使用经费",
                   "活动经费（元）", "经费金额"),
          example=3000, listed=ListColumn(90, header="经费（元）", searchable=False),
          ledger=LedgerColumn(10, header="经费（元）"), phrase=Phrase("投入活动经费{}", 0),
          tally="经费{}",
          in_packages=False),
    Field("description", "情况说明", LINES,
          headers=("情况说明", "活动情况", "活动内容", "内容", "简要情况", "活动简介", "活动简况",
                   "主要内容", "情况简介", "活动概况", "主要做法和成效"),
          example="年会以“智能制造与企业技术创新”为主题，邀请专家作专题报告，"
                  "8名科技人员交流发言，征集论文46篇……（重点活动必填，总结中照录）",
          ledger=LedgerColumn(50)),
    Field("notes", "备注", TEXT, headers=("备注",), ledger=LedgerColumn(14)),
)  # fmt: skip

PERSON_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", NAME, headers=("姓名", "名字", "会员姓名", "人员姓名"), example="张三",
          listed=ListColumn(90, sort_sql="COALESCE(p.name_key, p.name)"),
          ledger=LedgerColumn(10, "center")),
    Field("gender", "性别", GENDER, headers=("性别",), example="男",
          listed=ListColumn(50), ledger=LedgerColumn(5, "center")),
    Field("birth_date", "出生日期", MONTH, example="1980-05-12",
          headers=("出生年月", "出生日期", "出生年月日", "生日", "出生时间"),
          listed=ListColumn(100), ledger=LedgerColumn(11.5, header="出生日期")),
    Field("ethnicity", "民族", ETHNICITY, headers=("民族",), example="汉族",
          ledger=LedgerColumn(8, "center")),
    Field("id_number", "公民身份号码", ID_NUMBER, example="",
          headers=("公民身份号码", "身份证号", "身份证号码", "身份证", "证件号码"),
          listed=ListColumn(170, searchable=False, after="phone"), ledger=LedgerColumn(21)),
    Field("phone", "联系电话", PHONE, example="13800000000",
          headers=("联系电话", "手机", "手机号码", "手机号", "电话", "联系方式", "移动电话"),
          listed=ListColumn(120, after="roles"), ledger=LedgerColumn(14)),
    Field("unit", "单位", LINK, attr="unit_id", example="某某公司科协",
          headers=("工作单位", "单位", "所在单位", "单位名称", "所属单位", "所在基层组织"),
          listed=ListColumn(0, sql="COALESCE(u.name, '')", sort_sql=_UNIT_KEY, key="unit_name"),
          ledger=LedgerColumn(30, source="unit_name")),
    Field("title", "职称", CHOICE, TITLES, headers=("职称", "专业技术职称", "技术职称", "职称级别"),
          example="中级", listed=ListColumn(70), ledger=LedgerColumn(8, "center")),
    Field("education", "学历", CHOICE, EDUCATIONS, headers=("学历", "文化程度", "最高学历"),
          example="大学本科", listed=ListColumn(90), ledger=LedgerColumn(11, "center")),
    Field("speciality", "专业", TEXT, example="机械设计",
          headers=("专业", "所学专业", "从事专业", "专长", "专业特长"), ledger=LedgerColumn(14)),
    Field("roles", "身份", LIST, ROLES, example="会员",
          headers=("身份", "角色", "会员类别", "人员类别", "人员身份", "身份类别", "会员类型"),
          listed=ListColumn(150), ledger=LedgerColumn(18)),
    Field("join_date", "入会日期", MONTH, example="2020-03-01",
          headers=("入会时间", "入会日期", "加入时间", "入会年月"),
          ledger=LedgerColumn(11.5, header="入会日期")),
    Field("status", "状态", CHOICE, PERSON_STATUSES, headers=("状态", "会员状态", "在册状态"),
          example="在册", listed=ListColumn(50), ledger=LedgerColumn(6, "center")),
    Field("notes", "备注", TEXT, headers=("备注",), ledger=LedgerColumn(18)),
)  # fmt: skip

AWARD_FIELDS: tuple[Field, ...] = (
    Field("award_date", "获奖日期", DATE, example="2025-09-26",
          headers=("获奖日期", "获奖时间", "授予时间", "颁奖时间", "日期"),
          listed=ListColumn(100), ledger=LedgerColumn(11.5)),
    Field("name", "奖项名称", TEXT, example="湖南省优秀质量管理小组",
          headers=("奖项名称", "奖项", "获奖名称", "荣誉名称", "荣誉称号", "获奖项目"),
          listed=ListColumn(0), ledger=LedgerColumn(26)),
    Field("level", "级别", CHOICE, AWARD_LEVELS, headers=("级别", "奖项级别", "获奖级别"),
          example="省部级", listed=ListColumn(70, sort_sql=in_order_sql("w.level", AWARD_LEVELS)),
          ledger=LedgerColumn(8, "center")),
    Field("winner_kind", "获奖类别", LINK, headers=("获奖类别", "获奖者类别"), example="集体",
          ledger=LedgerColumn(8, "center")),
    Field("winner", "获奖者", LINK, example="某某QC小组",
          headers=("获奖者", "获奖单位/个人", "获奖个人/单位", "获奖对象", "获奖者姓名或单位"),
          listed=ListColumn(220, sql="COALESCE(p.name, u.name, NULLIF(w.team, ''), '')",
                            sort_sql="COALESCE(p.name_key, u.name_key, w.team_key, w.team, '')"),
          ledger=LedgerColumn(22)),
    Field("winner_person", "获奖个人", LINK, template=False,
          headers=("获奖个人", "获奖人", "获奖人员", "获奖人姓名", "个人", "获奖者姓名")),
    Field("winner_collective", "获奖集体/单位", LINK, template=False,
          headers=("获奖集体/单位", "获奖单位/集体", "获奖单位", "集体或单位", "获奖集体（单位）",
                   "获奖单位（集体）")),
    Field("team", "获奖集体", TEXT, example="",
          headers=("获奖集体", "获奖团队", "集体名称", "获奖小组", "团队名称", "QC小组名称")),
    Field("winner_unit", "所在单位", LINK, example="某某公司科协",
          headers=("所在单位", "工作单位", "单位", "推荐单位", "所属单位", "获奖者单位"),
          ledger=LedgerColumn(24)),
    Field("issuer", "颁发单位", TEXT, example="湖南省质量协会",
          headers=("颁发单位", "授予单位", "颁奖单位", "发证单位", "颁发机关"),
          listed=ListColumn(200), ledger=LedgerColumn(30)),
    Field("certificate_no", "证书编号", TEXT, headers=("证书编号", "证书号"), example="",
          listed=ListColumn(130), ledger=LedgerColumn(20)),
    Field("note", "获奖说明", TEXT, headers=("获奖说明", "说明", "意义"), example="",
          ledger=LedgerColumn(20)),
    Field("notes", "备注", TEXT, headers=("备注",), ledger=LedgerColumn(18)),
)  # fmt: skip

UNIT_FIELDS: tuple[Field, ...] = (
    Field("name", "单位名称", TEXT, example="某某公司科协",
          headers=("单位名称", "名称", "组织名称", "科协名称", "基层组织名称", "基层组织"),
          listed=ListColumn(0, sort_sql="COALESCE(n.name_key, n.name)"), ledger=LedgerColumn(30)),
    Field("kind", "类型", CHOICE, UNIT_KINDS, headers=("类型", "组织类型", "单位类型", "类别"),
          example="企业科协", listed=ListColumn(120), ledger=LedgerColumn(14, "center")),
    Field("established_date", "成立日期", DATE, headers=("成立日期", "成立时间"),
          example="2010-06-01", listed=ListColumn(100), ledger=LedgerColumn(11.5)),
    Field("contact_person", "联系人", TEXT, headers=("联系人", "负责人"), example="李四",
          listed=ListColumn(90), ledger=LedgerColumn(10, "center")),
    Field("contact_phone", "联系电话", PHONE, headers=("联系电话", "电话", "手机"),
          example="0737-4212345", listed=ListColumn(120), ledger=LedgerColumn(14)),
    Field("member_count", "会员人数", OPTIONAL_COUNT, headers=("会员人数", "会员数", "人数"),
          example=60, listed=ListColumn(80, searchable=False), ledger=LedgerColumn(8)),
    Field("people_count", "在册人员", COMPUTED, headers=None, template=False,
          listed=ListColumn(
              80, searchable=False,
              sql="(SELECT count(*) FROM people q WHERE q.unit_id = n.id AND q.status = '在册')"),
          ledger=LedgerColumn(8, "number")),
    Field("founded_this_year", "本年新建", FLAG, example="否",
          headers=("本年新建", "是否新建", "本年新成立", "是否本年新建", "新建", "本年度新建",
                   "是否新成立", "是否当年新建", "当年新建"),
          listed=ListColumn(70, searchable=False), ledger=LedgerColumn(8, "center")),
    Field("last_election_date", "上次换届", DATE, example="2022-06-18",
          headers=("上次换届", "上次换届日期", "换届日期", "换届时间", "上届换届时间"),
          ledger=LedgerColumn(11.5), in_packages=False),
    Field("next_election_due", "下次换届", DATE, example="2027-06-18",
          headers=("下次换届", "下次换届日期", "应换届日期", "换届到期", "届满日期"),
          ledger=LedgerColumn(11.5), in_packages=False),
    Field("notes", "备注", TEXT, headers=("备注",), ledger=LedgerColumn(36)),
)  # fmt: skip

FIELDS: dict[str, tuple[Field, ...]] = {
    "units": UNIT_FIELDS,
    "people": PERSON_FIELDS,
    "activities": ACTIVITY_FIELDS,
    "awards": AWARD_FIELDS,
}


def of(table: str) -> tuple[Field, ...]:
    return FIELDS[table]


def get(table: str, key: str) -> Field | None:
    """The field of `table` with this key or record attribute (unit_id finds 「unit」)."""
    for f in FIELDS.get(table, ()):
        if f.key == key or (f.attr and f.attr == key):
            return f
    return None


def imported(table: str) -> Iterator[Field]:
    return (f for f in FIELDS[table] if f.header_words)


def listed(table: str) -> list[Field]:
    """The list's columns in order: declaration order, a column with `after` moved behind the
    column it names."""
    columns = [f for f in FIELDS[table] if f.listed]
    placed = [f for f in columns if not (f.listed and f.listed.after)]
    waiting = [f for f in columns if f not in placed]
    while waiting:  # a column may follow one that itself follows another
        keys = [g.key for g in placed]
        ready = next((f for f in waiting if f.listed and f.listed.after in keys), None)
        if ready is None or ready.listed is None:
            raise ValueError(f"{table}: no listed column for {[f.key for f in waiting]} to follow")
        placed.insert(keys.index(ready.listed.after) + 1, ready)
        waiting.remove(ready)
    return placed


def ledger(table: str) -> list[Field]:
    return [f for f in FIELDS[table] if f.ledger]


def phrased(table: str = "activities") -> list[Field]:
    """The fields the summary states a total of, in the order a sentence names them."""
    found = [f for f in FIELDS[table] if f.phrase]
    return sorted(found, key=lambda f: f.phrase.rank if f.phrase else 0)


# -- SQL the store runs, derived from the declarations ----------------------------------------


def figure_sums(alias: str = "", *, sub: bool = False) -> str:
    """`sum(...) AS key` for every activity field the summary states a total of; for a figure
    that may be unknown also `sum(key IS NULL) AS key_unknown`, so no total is passed off as
    complete. With `sub`, over the subordinates' table: only the fields it has as columns."""
    prefix = f"{alias}." if alias else ""
    parts = []
    for f in phrased("activities"):
        if sub and not f.in_packages:
            continue
        parts.append(f"sum({prefix}{f.key}) AS {f.key}")
        if f.kind in (OPTIONAL_COUNT, MONEY):
            parts.append(f"sum({prefix}{f.key} IS NULL) AS {f.key}_unknown")
    return ", ".join(parts)


def sub_extra_columns(table: str, alias: str) -> str:
    """The ledger's columns a subordinate's record carries in extra_json, not as columns."""
    parts = []
    for f in FIELDS[table]:
        if f.in_packages or not f.stored or not f.ledger:
            continue
        value = f"json_extract({alias}.extra_json, '$.{f.key}')"
        if f.kind in NUMERIC_KINDS or f.kind == FLAG:
            # Checked on the way in (package/block.py); a row stored before that check, with
            # 「1.5万」 or -5, reads as unknown rather than stopping the ledger.
            kind = f"json_type({alias}.extra_json, '$.{f.key}')"
            value = f"(CASE WHEN {kind} = 'integer' AND {value} >= 0 THEN {value} END)"
        default = {COUNT: "0", FLAG: "0", TEXT: "''", CHOICE: "''", LIST: "''", LINES: "''"}
        if f.kind in default:
            value = f"COALESCE({value}, {default[f.kind]})"
        parts.append(f"{value} AS {f.key}")
    return ", ".join(parts)


def stored_columns(table: str, alias: str, *, sub: bool = False) -> str:
    """`alias.column` for the stored fields of the table's ledger (those a subordinates' table
    lacks are left to sub_extra_columns)."""
    return ", ".join(
        f"{alias}.{f.key}"
        for f in FIELDS[table]
        if f.stored and f.ledger and not (sub and not f.in_packages)
    )


# -- money --------------------------------------------------------------------------------------

_FEN = Decimal(100)

# The unit a header names for a kind of field — 「经费（万元）」, 「经费(万元)」, 「活动经费/万元」,
# 「经费（千元）」 — as the number of the field's base unit in one of it. Summary tables from
# higher up ask for 经费 in 万元, so a clerk's 1.5 there is 15,000 yuan, not 1.50: a bare number
# under such a header is read in that unit. A cell that names its own unit (「3000元」, 「1.5万」,
# 「¥300」) keeps its own: what the clerk wrote beside the figure wins over the column's head.
HEADER_UNITS: dict[str, dict[str, int]] = {
    MONEY: {"元": 1, "圆": 1, "万元": 10_000, "万": 10_000, "千元": 1_000},
}
_HEADER_UNIT = re.compile(r"(?:[(（]\s*([^()（）]+?)\s*[)）]|[/／]\s*(\S+))\s*$")


def header_unit(f: Field, header: object) -> tuple[str, int] | None:
    """The unit a column's header names for the field (「万元」, 10000), None if it names none
    the field's kind knows. 「萬」 is read as 「万」 (a sheet typed in traditional characters)."""
    units = HEADER_UNITS.get(f.kind)
    if not units or header is None:
        return None
    match = _HEADER_UNIT.search(str(header).strip().replace("萬", "万"))
    if not match:
        return None
    word = match[1] or match[2]
    if word not in units:
        return None
    # Said back to the clerk as the unit's full name: 「（万）」 is 万元.
    return ({"万": "万元", "圆": "元"}.get(word, word), units[word])


def yuan_text(fen: int | None, *, grouped: bool = False) -> str:
    """「12000.00」 (grouped: 「12,000.00」); "" for unknown."""
    if fen is None:
        return ""
    amount = Decimal(int(fen)) / _FEN
    return f"{amount:,.2f}" if grouped else f"{amount:.2f}"


def yuan_phrase(fen: int) -> str:
    """As a summary states an amount: 「12.5万元」 from ten thousand yuan, else 「3000元」."""
    amount = Decimal(int(fen)) / _FEN
    if amount >= 10_000:
        wan = (amount / 10_000).quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()
        return f"{wan:f}万元"
    return f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP).normalize():f}元"


def amount_text(f: Field, value: int) -> str:
    """A figure as a phrase or tally shows it: money as 「1.5万元」, a count as it is."""
    return yuan_phrase(value) if f.kind == MONEY else str(value)
