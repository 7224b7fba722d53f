"""Recognising what a sheet holds: which kind of record, which row is the header, which
column is which field — from the words clerks actually put in their Excel headers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kexie_desktop.core.records import half_width

KINDS = ("people", "activities", "awards", "units")
KIND_LABELS = {"people": "人员", "activities": "活动", "awards": "奖项", "units": "基层组织"}

# Field → the header words that mean it, most usual first. Compared after normalize_header().
FIELD_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "people": {
        "name": ("姓名", "名字", "会员姓名", "人员姓名"),
        "gender": ("性别",),
        "birth_date": ("出生年月", "出生日期", "出生年月日", "生日", "出生时间"),
        "ethnicity": ("民族",),
        "id_number": ("公民身份号码", "身份证号", "身份证号码", "身份证", "证件号码"),
        "phone": ("联系电话", "手机", "手机号码", "手机号", "电话", "联系方式", "移动电话"),
        "unit": ("工作单位", "单位", "所在单位", "单位名称", "所属单位", "所在基层组织"),
        "title": ("职称", "专业技术职称", "技术职称", "职称级别"),
        "education": ("学历", "文化程度", "最高学历"),
        "speciality": ("专业", "所学专业", "从事专业", "专长", "专业特长"),
        "roles": ("身份", "角色", "会员类别", "人员类别", "人员身份", "身份类别", "会员类型"),
        "join_date": ("入会时间", "入会日期", "加入时间", "入会年月"),
        "status": ("状态", "会员状态", "在册状态"),
        "notes": ("备注",),
    },
    "activities": {
        "title": (
            "活动名称",
            "活动主题",
            "名称",
            "主题",
            "项目名称",
            "活动名称/主题",
            "活动项目",
            "活动内容名称",
        ),
        "category": ("类别", "活动类别", "活动类型", "类型"),
        "start_date": ("开始日期", "活动日期", "日期", "时间", "活动时间", "开始时间"),
        "end_date": ("结束日期", "结束时间"),
        "unit": (
            "主办单位",
            "组织单位",
            "举办单位",
            "单位",
            "主办单位/组织单位",
            "牵头单位",
            "组织者",
            "承办科协",
        ),
        "co_organisers": ("协办单位", "合办单位", "承办单位"),
        "place": ("地点", "活动地点"),
        "audience": ("面向对象", "对象", "参加对象", "服务对象"),
        "participants": (
            "参加人次",
            "参与人次",
            "人次",
            "参加人数",
            "人数",
            "参与人数",
            "人次数",
            "参加人次数",
            "受众人次",
            "受益人次",
            "受益人数",
            "服务人次",
            "参加人员人次",
        ),
        "highlight": ("重点", "是否重点", "重点活动"),
        "people": ("参与人员", "参加人员", "主要人员"),
        "description": (
            "情况说明",
            "活动情况",
            "活动内容",
            "内容",
            "简要情况",
            "活动简介",
            "活动简况",
            "主要内容",
            "情况简介",
            "活动概况",
            "主要做法和成效",
        ),
        "reports": (
            "调研报告/建议",
            "调研报告",
            "建议",
            "报告建议",
            "调研报告数",
            "建议数",
            "调研报告和建议",
            "咨询报告",
            "形成调研报告",
            "提交建议",
        ),
        "problems_solved": (
            "攻关项目",
            "解决技术难题",
            "攻关项目数",
            "解决攻关项目",
            "技术攻关",
            "解决技术难题数",
            "解决难题",
            "攻关数",
            "完成攻关项目",
        ),
        "technologies_promoted": (
            "推广新技术",
            "新技术推广",
            "推广新技术数",
            "推广技术",
            "新技术",
            "推广新技术新成果",
            "推广新技术项数",
        ),
        "articles": (
            "发表文章/信息",
            "发表文章",
            "信息",
            "文章",
            "发表文章数",
            "信息篇数",
            "发表文章和信息",
            "报送信息",
            "宣传报道",
            "文章信息",
        ),
        "messages": ("短信条数", "短信", "发送短信", "科普短信", "发送短信条数", "短信数"),
        "form": ("活动形式", "形式", "活动方式", "活动形式类别"),
        "campaigns": ("主题活动", "所属主题活动", "活动品牌", "所属活动品牌", "重大主题活动"),
        "youth_participants": (
            "其中青少年",
            "其中青少年人次",
            "青少年人次",
            "青少年参加人次",
            "青少年受众人次",
        ),
        "papers": ("交流论文", "交流论文篇数", "论文", "论文篇数", "交流论文数"),
        "materials": ("发放资料", "资料份数", "发放资料份数", "发放宣传资料", "资料发放"),
        "planned": ("计划", "是否计划", "计划活动", "是否为计划"),
        "notes": ("备注",),
    },
    "awards": {
        "name": ("奖项名称", "奖项", "获奖名称", "荣誉名称", "荣誉称号", "获奖项目"),
        "level": ("级别", "奖项级别", "获奖级别"),
        "award_date": ("获奖日期", "获奖时间", "授予时间", "颁奖时间", "日期"),
        "winner_kind": ("获奖类别", "获奖者类别"),
        "winner": ("获奖者", "获奖单位/个人", "获奖个人/单位", "获奖对象", "获奖者姓名或单位"),
        "winner_person": ("获奖个人", "获奖人", "获奖人员", "获奖人姓名", "个人", "获奖者姓名"),
        "winner_collective": (
            "获奖集体/单位",
            "获奖单位/集体",
            "获奖单位",
            "集体或单位",
            "获奖集体（单位）",
            "获奖单位（集体）",
        ),
        "team": ("获奖集体", "获奖团队", "集体名称", "获奖小组", "团队名称", "QC小组名称"),
        "winner_unit": ("所在单位", "工作单位", "单位", "推荐单位", "所属单位", "获奖者单位"),
        "note": ("获奖说明", "说明", "意义"),
        "issuer": ("颁发单位", "授予单位", "颁奖单位", "发证单位", "颁发机关"),
        "certificate_no": ("证书编号", "证书号"),
        "notes": ("备注",),
    },
    "units": {
        "name": ("单位名称", "名称", "组织名称", "科协名称", "基层组织名称", "基层组织"),
        "kind": ("类型", "组织类型", "单位类型", "类别"),
        "established_date": ("成立日期", "成立时间"),
        "contact_person": ("联系人", "负责人"),
        "contact_phone": ("联系电话", "电话", "手机"),
        "member_count": ("会员人数", "会员数", "人数"),
        "founded_this_year": (
            "本年新建",
            "是否新建",
            "本年新成立",
            "是否本年新建",
            "新建",
            "本年度新建",
            "是否新成立",
            "是否当年新建",
            "当年新建",
        ),
        "last_election_date": ("上次换届", "上次换届日期", "换届日期", "换届时间", "上届换届时间"),
        "next_election_due": ("下次换届", "下次换届日期", "应换届日期", "换届到期", "届满日期"),
        "notes": ("备注",),
    },
}

FIELD_LABELS: dict[str, dict[str, str]] = {
    kind: {name: words[0] for name, words in fields.items()}
    for kind, fields in FIELD_SYNONYMS.items()
}
# What each kind cannot do without: a row without it is not a record.
REQUIRED = {"people": "name", "activities": "title", "awards": "name", "units": "name"}

IGNORED_HEADERS = ("序号", "编号", "序", "no", "no.")
# A ledger exported by the program has a printed sheet and a complete one 「活动台账（完整）」
# for each kind: read back, the complete sheet is imported and the printed one skipped.
COMPLETE_SUFFIX = "（完整）"
# A ledger exported with its subordinates' records has them on sheets named with this: they are
# the subordinates' own records (merged from their packages) and never imported as the own.
SUBORDINATE_PREFIX = "下级组织"
# What the import template writes in an example row's 备注: the importer skips such a row.
EXAMPLE_MARK = "【示例】"
SHEET_NAME_HINTS = {
    "people": ("花名册", "会员", "人员", "名册", "科技工作者"),
    "activities": ("活动",),
    "awards": ("获奖", "奖项", "荣誉", "表彰"),
    "units": ("基层组织", "组织", "单位名录", "科协名录"),
}
# Words that mark a total row at the bottom of a table.
TOTAL_WORDS = ("合计", "总计", "小计", "共计")

_DECORATION = re.compile(r"[\s*＊:：()（）\[\]【】]|必填|选填")


# A counting word or a yes/no hint in brackets after a header: 「攻关项目（个）」,
# 「本年新建(是/否)」.
_UNIT_TAIL = re.compile(
    r"[(（](个|项|篇|条|次|人|人次|名|场|期|份|种|元|万元|是/否|是或否|填是或否|Y/N)[)）]"
)


def normalize_header(value: object) -> str:
    """「姓 名」, 「姓名（必填）」, 「*姓名:」 all come out as 「姓名」; 「攻关项目（个）」 as
    「攻关项目」."""
    if value is None:
        return ""
    text = _UNIT_TAIL.sub("", half_width(str(value)))
    return _DECORATION.sub("", text.lower())


_LOOKUP: dict[str, dict[str, str]] = {
    kind: {normalize_header(word): name for name, words in fields.items() for word in words}
    for kind, fields in FIELD_SYNONYMS.items()
}


def field_for(kind: str, header: object) -> str | None:
    return _LOOKUP[kind].get(normalize_header(header))


@dataclass
class Layout:
    """How one sheet is laid out: its kind, its header row, and column → field."""

    kind: str
    header_row: int  # 0-based index into the sheet's rows
    headers: list[str]
    mapping: dict[int, str] = field(default_factory=dict)

    @property
    def mapped_fields(self) -> set[str]:
        return set(self.mapping.values())


def _score(kind: str, row: list[object]) -> tuple[int, dict[int, str]]:
    mapping: dict[int, str] = {}
    for index, cell in enumerate(row):
        name = field_for(kind, cell)
        if name and name not in mapping.values():
            mapping[index] = name
    return len(mapping), mapping


def detect_layout(
    sheet_name: str, rows: list[list[object]], *, kind: str | None = None, scan: int = 15
) -> Layout | None:
    """The most likely kind and header row among the first rows; None if nothing fits."""
    best: tuple[int, Layout] | None = None
    kinds = (kind,) if kind else KINDS
    for candidate in kinds:
        bonus = 2 if any(h in sheet_name for h in SHEET_NAME_HINTS[candidate]) else 0
        for index, row in enumerate(rows[:scan]):
            score, mapping = _score(candidate, row)
            if REQUIRED[candidate] not in mapping.values():
                continue
            total = score + bonus
            if score >= 2 and (best is None or total > best[0]):
                headers = ["" if c is None else str(c).strip() for c in row]
                best = (total, Layout(candidate, index, headers, mapping))
    return None if best is None else best[1]
