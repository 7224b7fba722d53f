"""The year's figures for the 中国科协 statistics tables a county 科协 fills (统计年报).

Each indicator row of the tables AK表1-1 … KKX表11 is either computed from the records by one
SQL aggregate (with a note saying how, and from how many records) or typed by the clerk and kept
per year (stats_values). The names follow the published tables as far as they are known
(docs/upward-reporting.md, medium confidence); where the official wording or scope is not
known, the note says how the program computed the figure rather than pretend to be the form.

The checks are those of the statistics platform: hard checks (a required cell blank, a figure
that is not a whole number, a 其中 row above its total) refuse the export until fixed; soft
checks (a figure that moved more than a set percentage from the previous year) need a one-line
explanation, which goes into the workbook's 报表说明 sheet. Unlike the ledger, a zero is
written as 0: the platform's rule is that a required cell is never blank.

The reporting period is a setting: the calendar year, or January–October actual plus
November–December planned (activities marked 计划). Planned activities never count as done
elsewhere (the summary leaves them out).

About 600 lines, a quarter of them the INDICATORS table itself (one declaration per row of the
official tables). The computing, the platform's checks and the workbook writer all read those
same declarations and change with them when a table's rows change, so they stay together.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from kexie_desktop.core.records import THREE_HEADS
from kexie_desktop.core.safe_write import ExportError

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store

PERIOD_KEY = "stats.period"
THRESHOLD_KEY = "stats.soft_threshold"
PERIODS = {
    "year": "全年（1月1日至12月31日实际数）",
    "oct": "1—10月实际数加11—12月计划数",
}
DEFAULT_THRESHOLD = 30  # per cent

TABLES = (
    ("AK表1-1", "组织建设"),
    ("CKX表3", "学术交流活动"),
    ("EKX表5", "科学技术普及活动"),
    ("FKX表6", "青少年科技教育"),
    ("HKX表8", "科技传播"),
    ("IKX表9", "科技开放与交流"),
    ("JKX表10", "科技服务"),
    ("KKX表11", "为科技工作者服务"),
)
STATEMENT = (
    "本工作簿由科协工作台根据本单位的记录整理，按中国科协综合统计报表的表号和指标排列，"
    "供填报时对照录入统计平台（或单机版），不是正式报表文件；指标名称以当年统计平台为准。"
)


@dataclass(frozen=True)
class Source:
    """A sum over a table's records of the period that meet a condition."""

    table: str  # activities, awards, units, people
    value: str  # what is summed per record: 1 (a count), participants…
    where: str  # the indicator's own condition (SQL over the table's columns)
    how: str  # what the note says, in Chinese
    unknown: str = ""  # a condition counting records whose figure is unknown (人次 不详)


@dataclass(frozen=True)
class Indicator:
    key: str  # stable: typed values and explanations are kept under it
    table: str  # its table's code (AK表1-1…)
    name: str
    unit: str
    source: Source | None = None  # None: typed by the clerk
    parent: str = ""  # the total a 其中 row is part of
    hint: str = ""  # what a typed figure is


_SCIENCE = "category = '科学普及'"
_YOUTH = "(category = '青少年科技教育' OR ('、' || audience || '、') LIKE '%、青少年、%')"
_UNKNOWN = "participants IS NULL"
_HEADS = ", ".join(f"'{h}'" for h in THREE_HEADS)


def _count(where: str, how: str, table: str = "activities") -> Source:
    return Source(table, "1", where, how)


def _people(where: str, how: str) -> Source:
    return Source("activities", "participants", where, how, unknown=_UNKNOWN)


def _sum(column: str, where: str, how: str) -> Source:
    return Source("activities", column, where, how)


def _campaign(name: str) -> str:
    return f"('、' || campaigns || '、') LIKE '%、{name}、%'"


def _form(name: str) -> str:
    return f"form = '{name}'"


_I = Indicator
INDICATORS: tuple[Indicator, ...] = (
    # AK表1-1 组织建设: units as at the end of the year.
    _I("AK.units", "AK表1-1", "基层组织", "个",
       _count("1", "基层组织台账中年底前已成立的组织", "units")),
    _I("AK.societies", "AK表1-1", "其中：学会、协会、研究会", "个",
       _count("kind = '学会'", "类型为学会的组织", "units"), parent="AK.units"),
    _I("AK.enterprise", "AK表1-1", "其中：企业科协", "个",
       _count("kind = '企业科协'", "类型为企业科协的组织", "units"), parent="AK.units"),
    _I("AK.township", "AK表1-1", "其中：乡镇科协、街道科协", "个",
       _count("kind LIKE '乡镇%'", "类型为乡镇（街道）科协的组织", "units"), parent="AK.units"),
    _I("AK.three_heads", "AK表1-1", "其中：“三长”任兼职副主席的乡镇（街道）科协", "个",
       _count(
           "kind LIKE '乡镇%' AND (SELECT count(DISTINCT p.background) FROM positions p "
           "WHERE p.unit_id = units.id AND p.post = '兼职副主席' "
           f"AND p.background IN ({_HEADS}) AND (p.start_date IS NULL OR p.start_date <= :last) "
           "AND (p.end_date IS NULL OR p.end_date >= :last)) = 3",
           "年底时医院院长、学校校长、农技站站长三人均在任兼职副主席的乡镇（街道）科协"
           "（据人员的“职务”记录）",
           "units",
       ), parent="AK.township"),
    _I("AK.universities", "AK表1-1", "其中：高校科协", "个",
       _count("kind = '高校科协'", "类型为高校科协的组织", "units"), parent="AK.units"),
    _I("AK.rural", "AK表1-1", "其中：农村专业技术协会", "个",
       _count("kind = '农技协'", "类型为农技协的组织", "units"), parent="AK.units"),
    _I("AK.community", "AK表1-1", "其中：社区科协", "个",
       _count("kind = '社区科协'", "类型为社区科协的组织", "units"), parent="AK.units"),
    _I("AK.new", "AK表1-1", "本年新建基层组织", "个",
       _count(
           "(established_date >= :start) OR (established_date IS NULL AND founded_this_year = 1)",
           "成立日期在本年（或未填成立日期、标为本年新建）的组织",
           "units",
       ), parent="AK.units"),
    _I("AK.elected", "AK表1-1", "本年完成换届的基层组织", "个",
       _count("last_election_date >= :start AND last_election_date < :end",
              "“上次换届”日期在本年的组织", "units"), parent="AK.units"),
    _I("AK.election_due", "AK表1-1", "换届到期尚未换届的基层组织", "个",
       _count("next_election_due < :end", "“下次换届”日期不晚于年底的组织", "units"),
       parent="AK.units"),
    _I("AK.members", "AK表1-1", "个人会员", "人",
       _count("status = '在册' AND ('、' || roles || '、') LIKE '%、会员、%' "
              "AND (join_date IS NULL OR join_date < :end)",
              "人员花名册中在册、身份含“会员”、年底前入会的人", "people")),
    _I("AK.staff", "AK表1-1", "科协机关工作人员", "人",
       hint="本会机关在编和聘用人员数，程序无记录可算，请填写"),
    # CKX表3 学术交流
    _I("CKX.meetings", "CKX表3", "举办学术会议", "次",
       _count(_form("学术会议"), "活动形式为学术会议的活动")),
    _I("CKX.meeting_people", "CKX表3", "学术会议参加", "人次",
       _people(_form("学术会议"), "活动形式为学术会议的活动的参加人次之和")),
    _I("CKX.papers", "CKX表3", "交流论文", "篇",
       _sum("papers", "papers > 0", "各活动“交流论文”篇数之和")),
    # EKX表5 科学技术普及活动: activities of the category 科学普及.
    _I("EKX.activities", "EKX表5", "科普活动", "次",
       _count(_SCIENCE, "类别为科学普及的活动")),
    _I("EKX.people", "EKX表5", "科普活动参加", "人次",
       _people(_SCIENCE, "类别为科学普及的活动的参加人次之和")),
    _I("EKX.talks", "EKX表5", "其中：科普报告会、讲座", "次",
       _count(f"{_SCIENCE} AND {_form('科普报告/讲座')}", "其中活动形式为科普报告/讲座的"),
       parent="EKX.activities"),
    _I("EKX.talk_people", "EKX表5", "其中：科普报告会、讲座参加", "人次",
       _people(f"{_SCIENCE} AND {_form('科普报告/讲座')}", "其中活动形式为科普报告/讲座的人次"),
       parent="EKX.people"),
    _I("EKX.exhibitions", "EKX表5", "其中：科普展览", "次",
       _count(f"{_SCIENCE} AND {_form('展览')}", "其中活动形式为展览的"),
       parent="EKX.activities"),
    _I("EKX.exhibition_people", "EKX表5", "其中：科普展览参观", "人次",
       _people(f"{_SCIENCE} AND {_form('展览')}", "其中活动形式为展览的人次"),
       parent="EKX.people"),
    _I("EKX.consultations", "EKX表5", "其中：科技咨询", "次",
       _count(f"{_SCIENCE} AND {_form('咨询')}", "其中活动形式为咨询的"),
       parent="EKX.activities"),
    _I("EKX.consultation_people", "EKX表5", "其中：科技咨询受众", "人次",
       _people(f"{_SCIENCE} AND {_form('咨询')}", "其中活动形式为咨询的人次"),
       parent="EKX.people"),
    _I("EKX.science_day", "EKX表5", "其中：全国科普日（科普月）活动", "次",
       _count(f"{_SCIENCE} AND {_campaign('全国科普日/科普月')}",
              "其中主题活动含全国科普日/科普月的"), parent="EKX.activities"),
    _I("EKX.science_day_people", "EKX表5", "其中：全国科普日（科普月）活动参加", "人次",
       _people(f"{_SCIENCE} AND {_campaign('全国科普日/科普月')}",
               "其中主题活动含全国科普日/科普月的人次"), parent="EKX.people"),
    _I("EKX.science_week", "EKX表5", "其中：科技活动周活动", "次",
       _count(f"{_SCIENCE} AND {_campaign('科技活动周')}", "其中主题活动含科技活动周的"),
       parent="EKX.activities"),
    _I("EKX.science_week_people", "EKX表5", "其中：科技活动周活动参加", "人次",
       _people(f"{_SCIENCE} AND {_campaign('科技活动周')}", "其中主题活动含科技活动周的人次"),
       parent="EKX.people"),
    # FKX表6 青少年科技教育: activities of the category, or for the audience 青少年.
    _I("FKX.activities", "FKX表6", "青少年科技教育活动", "次",
       _count(_YOUTH, "类别为青少年科技教育、或面向对象含青少年的活动")),
    _I("FKX.people", "FKX表6", "青少年受众", "人次",
       _sum("COALESCE(youth_participants, CASE WHEN audience = '青少年' THEN participants END)",
            "youth_participants IS NOT NULL OR audience = '青少年'",
            "各活动“其中青少年”人次之和；未填此项而面向对象只有青少年的活动，按参加人次计")),
    _I("FKX.contests", "FKX表6", "其中：青少年科技竞赛", "项",
       _count(f"{_YOUTH} AND {_form('竞赛')}", "其中活动形式为竞赛的"),
       parent="FKX.activities"),
    _I("FKX.contest_people", "FKX表6", "青少年科技竞赛参加", "人次",
       _people(f"{_YOUTH} AND {_form('竞赛')}", "上述竞赛的参加人次之和")),
    _I("FKX.contest_winners", "FKX表6", "其中：竞赛获奖", "人次", parent="FKX.contest_people",
       hint="青少年在各级科技竞赛中获奖的人次，请填写"),
    _I("FKX.camps", "FKX表6", "其中：青少年科学营", "次",
       _count(f"{_YOUTH} AND {_form('科学营')}", "其中活动形式为科学营的"),
       parent="FKX.activities"),
    _I("FKX.camp_people", "FKX表6", "青少年科学营参加", "人次",
       _people(f"{_YOUTH} AND {_form('科学营')}", "上述科学营的参加人次之和")),
    _I("FKX.material_kinds", "FKX表6", "编印青少年科普资料", "种",
       hint="本年编印的青少年科普资料种数，请填写"),
    # HKX表8 科技传播
    _I("HKX.material_kinds", "HKX表8", "编印科普资料", "种",
       hint="本年编印的科普资料种数（同一资料印多份算一种），请填写"),
    _I("HKX.materials", "HKX表8", "发放科普资料", "份",
       _sum("materials", "materials > 0", "各活动“发放资料”份数之和")),
    _I("HKX.articles", "HKX表8", "媒体报道、信息", "篇",
       _sum("articles", "articles > 0", "各活动“发表文章/信息”篇数之和")),
    # IKX表9 科技开放与交流
    _I("IKX.activities", "IKX表9", "对外交流活动", "次",
       _count("category = '对外交流'", "类别为对外交流的活动")),
    _I("IKX.people", "IKX表9", "对外交流活动参加", "人次",
       _people("category = '对外交流'", "类别为对外交流的活动的参加人次之和")),
    # JKX表10 科技服务
    _I("JKX.trainings", "JKX表10", "科技培训", "次",
       _count(_form("培训"), "活动形式为培训的活动")),
    _I("JKX.training_people", "JKX表10", "科技培训", "人次",
       _people(_form("培训"), "活动形式为培训的活动的参加人次之和")),
    _I("JKX.services", "JKX表10", "科技服务活动", "次",
       _count("category = '科技服务'", "类别为科技服务的活动")),
    _I("JKX.reports", "JKX表10", "决策咨询报告、建议", "篇",
       _sum("reports", "reports > 0", "各活动“调研报告/建议”篇数之和")),
    _I("JKX.adopted", "JKX表10", "其中：被采纳", "篇", parent="JKX.reports",
       hint="上述报告、建议中被党委政府或有关部门采纳、批示的篇数，请填写"),
    _I("JKX.problems", "JKX表10", "技术攻关项目", "项",
       _sum("problems_solved", "problems_solved > 0", "各活动“攻关项目”数之和")),
    _I("JKX.technologies", "JKX表10", "推广新技术", "项",
       _sum("technologies_promoted", "technologies_promoted > 0", "各活动“推广新技术”数之和")),
    # KKX表11 为科技工作者服务
    _I("KKX.awards", "KKX表11", "表彰奖励、推荐获奖", "项",
       _count("1", "获奖情况中获奖日期在本年的奖项", "awards")),
    _I("KKX.person_awards", "KKX表11", "其中：个人获奖", "项",
       _count("person_id IS NOT NULL", "其中获奖者为个人的", "awards"), parent="KKX.awards"),
    _I("KKX.workers_day", "KKX表11", "全国科技工作者日活动", "次",
       _count(_campaign("全国科技工作者日"), "主题活动含全国科技工作者日的活动")),
    _I("KKX.workers_day_people", "KKX表11", "全国科技工作者日活动参加", "人次",
       _people(_campaign("全国科技工作者日"), "上述活动的参加人次之和")),
    _I("KKX.visits", "KKX表11", "走访慰问科技工作者", "人次",
       hint="本年走访慰问科技工作者的人次，请填写"),
)  # fmt: skip
BY_KEY = {i.key: i for i in INDICATORS}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_WORDS = {"activities": "项活动", "units": "个组织", "people": "人", "awards": "个奖项"}


def period(store: Store) -> str:
    value = store.settings.get(PERIOD_KEY, "year")
    return value if value in PERIODS else "year"


def threshold(store: Store) -> int:
    try:
        return max(1, int(store.settings.get(THRESHOLD_KEY) or DEFAULT_THRESHOLD))
    except ValueError:
        return DEFAULT_THRESHOLD


def _where(table: str, year: int, mode: str) -> str:
    """The records of the period (parameters :start :end :oct :last)."""
    if table == "activities":
        if mode == "oct":
            # Done in January–October, plus November–December as planned (or already done).
            return (
                "start_date >= :start AND start_date < :end AND (planned = 0 OR start_date >= :oct)"
            )
        return "start_date >= :start AND start_date < :end AND planned = 0"
    if table == "awards":
        return "award_date >= :start AND award_date < :end"
    if table == "units":
        return "(established_date IS NULL OR established_date < :end)"
    return "1"


def _params(year: int) -> dict[str, str]:
    return {
        "start": f"{year:04d}-01-01",
        "end": f"{year + 1:04d}-01-01",
        "oct": f"{year:04d}-11-01",
        "last": f"{year:04d}-12-31",
    }


def computed(store: Store, year: int, mode: str) -> dict[str, tuple[int, int, int]]:
    """key → (value, records counted, records whose figure is unknown) of every computed
    indicator. One pass over each table: the indicators of a table are CASE sums of a single
    SELECT, as one query each took about 250 ms on a year of 100,000 activities, 35 of them
    for one year (bench/bench_stats.py)."""
    result: dict[str, tuple[int, int, int]] = {}
    tables: dict[str, list[Indicator]] = {}
    for indicator in INDICATORS:
        if indicator.source is not None:
            tables.setdefault(indicator.source.table, []).append(indicator)
    for table, indicators in tables.items():
        columns = []
        for indicator in indicators:
            source = indicator.source
            assert source is not None
            unknown = f"({source.where}) AND ({source.unknown})" if source.unknown else "0"
            columns += [
                f"COALESCE(sum(CASE WHEN ({source.where}) THEN {source.value} END), 0)",
                f"COALESCE(sum(CASE WHEN ({source.where}) THEN 1 ELSE 0 END), 0)",
                f"COALESCE(sum(CASE WHEN {unknown} THEN 1 ELSE 0 END), 0)",
            ]
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {_where(table, year, mode)}"
        row = store.conn.execute(sql, _params(year)).fetchone()
        for n, indicator in enumerate(indicators):
            value, records, missing = row[3 * n : 3 * n + 3]
            result[indicator.key] = (int(value), int(records), int(missing))
    return result


@dataclass
class Figure:
    indicator: Indicator
    value: int | None  # None: a typed figure left blank (or not a whole number)
    previous: int | None
    note: str
    text: str = ""  # a typed figure as typed

    @property
    def typed(self) -> bool:
        return self.indicator.source is None


@dataclass(frozen=True)
class SoftCheck:
    key: str
    message: str


@dataclass
class Report:
    year: int
    mode: str
    threshold: int
    figures: list[Figure]
    hard: list[str] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)  # the indicators the hard checks name
    hard_keys: dict[str, str] = field(default_factory=dict)  # hard-check message → indicator
    # The computed figures of the year and the year before (see computed()).
    computed: tuple[dict[str, tuple[int, int, int]], dict[str, tuple[int, int, int]]] = field(
        default_factory=lambda: ({}, {})
    )
    soft: list[SoftCheck] = field(default_factory=list)
    explanations: dict[str, str] = field(default_factory=dict)

    def unexplained(self) -> list[SoftCheck]:
        return [s for s in self.soft if not self.explanations.get(s.key, "").strip()]

    def tables(self) -> list[tuple[str, str, list[Figure]]]:
        return [
            (code, name, [f for f in self.figures if f.indicator.table == code])
            for code, name in TABLES
        ]

    def problems(self, *, command_line: bool = True) -> list[str]:
        """Why the export is refused, in Chinese; empty when it may go ahead."""
        lines = []
        for line in self.hard:
            key = self.hard_keys.get(line, "")
            typed = command_line and key and BY_KEY[key].source is None
            lines.append(f"{line}（--set {key}=数值）" if typed else line)
        for check in self.unexplained():
            how = f"（--explain {check.key}=说明）" if command_line else ""
            lines.append(f"{check.message}，请写一句说明{how}")
        return lines


def parse_typed(text: object) -> int | str:
    """A typed figure: a whole number ≥ 0, or why not (Chinese). Blank is ''."""
    if text is None:
        return ""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if text >= 0 else "不能为负数"
    cleaned = str(text).strip().replace(",", "").replace("，", "")
    if not cleaned:
        return ""
    if cleaned.lstrip("-").isdigit():
        number = int(cleaned)
        return number if number >= 0 else "不能为负数"
    try:
        float(cleaned)
    except ValueError:
        return f"“{text}”不是数字，应为整数"
    return f"“{text}”不是整数（统计表按整数填报）"


def compute(
    store: Store,
    year: int,
    *,
    typed: dict[str, object] | None = None,
    explanations: dict[str, str] | None = None,
    mode: str | None = None,
    reuse: Report | None = None,
) -> Report:
    """Every indicator's figure for the year, with the hard and soft checks.

    `typed`: the clerk's figures as typed in the window (text), instead of the stored ones;
    `explanations`: added to the stored ones (the window's or the command line's);
    `reuse`: an earlier report of the same year and period whose computed figures still hold
    (the window, after a typed figure changed: a year of 100,000 activities takes seconds)."""
    mode = mode or period(store)
    stored = store.typed_stats.values(year)
    before = store.typed_stats.values(year - 1)
    typed_now: dict[str, object] = {**stored, **(typed or {})}
    report = Report(year, mode, threshold(store), [])
    report.explanations = {**store.typed_stats.explanations(year), **(explanations or {})}
    if reuse is not None and (reuse.year, reuse.mode) == (year, mode):
        now, then = reuse.computed
    else:
        now, then = computed(store, year, mode), computed(store, year - 1, mode)
    report.computed = (now, then)
    for indicator in INDICATORS:
        code = indicator.table
        if indicator.source is None:
            raw = typed_now.get(indicator.key)
            parsed = parse_typed(raw)
            value = parsed if isinstance(parsed, int) else None
            if isinstance(parsed, str):
                report.failing.add(indicator.key)
                message = f"{code}“{indicator.name}”" + (
                    "未填写（没有的请填 0）" if parsed == "" else f"：{parsed}"
                )
                report.hard.append(message)
                report.hard_keys[message] = indicator.key
            figure = Figure(indicator, value, before.get(indicator.key), "由填报人填写",
                            "" if raw is None else str(raw))  # fmt: skip
        else:
            value, records, missing = now[indicator.key]
            previous = then[indicator.key][0]
            note = f"{indicator.source.how}（据{records}{_WORDS[indicator.source.table]}"
            if missing:
                note += f"，其中{missing}项人次不详，未计入"
            figure = Figure(indicator, value, previous, note + "）")
        report.figures.append(figure)
    values = {f.indicator.key: f.value for f in report.figures}
    for figure in report.figures:
        parent = figure.indicator.parent
        total = values.get(parent) if parent else None
        if figure.value is not None and total is not None and figure.value > total:
            report.failing.add(figure.indicator.key)
            message = (
                f"{figure.indicator.table}“{figure.indicator.name}”（{figure.value}）"
                f"大于“{BY_KEY[parent].name}”（{total}），其中数不能超过总数"
            )
            report.hard.append(message)
            report.hard_keys[message] = figure.indicator.key
        if figure.value is not None and figure.previous:
            change = (figure.value - figure.previous) * 100 / figure.previous
            if abs(change) > report.threshold:
                word = "增加" if change > 0 else "减少"
                report.soft.append(
                    SoftCheck(
                        figure.indicator.key,
                        f"{figure.indicator.table}“{figure.indicator.name}”比上年{word}"
                        f"{abs(change):.0f}%（{figure.previous}→{figure.value}）",
                    )
                )
    return report


class StatsRefused(ExportError):
    """The figures did not pass the checks; the message lists every problem in Chinese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "统计数据未通过检查，没有导出。请先处理：\n" + "\n".join(f"· {p}" for p in problems)
        )


def write_workbook(
    report: Report, org: str, f: BinaryIO, *, now: dt.datetime | None = None
) -> None:
    """The workbook: one sheet per table and the 报表说明 sheet. Every text cell is a string
    (an explanation starting with 「=」 is not a formula); every figure a whole number."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]

    now = now or dt.datetime.now()
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(name="宋体", bold=True, size=14)
    head = Font(name="宋体", bold=True, size=10.5)
    body = Font(name="宋体", size=10.5)
    fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    period_text = PERIODS[report.mode]

    def text(ws: Any, row: int, column: int, value: str) -> Any:
        cell = ws.cell(row, column)
        # A text another tool stored may hold characters XML cannot carry.
        cell.value = _XML_INVALID.sub("", value)[:32767]
        cell.data_type = "s"
        return cell

    def frame(ws: Any, title: str, headers: list[tuple[str, float]]) -> None:
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

        last = len(headers)
        text(ws, 1, 1, title).font = bold
        ws.cell(1, 1).alignment = center
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
        note = text(ws, 2, 1, f"统计期间：{report.year}年{period_text}。{STATEMENT}")
        note.font = body
        note.alignment = wrap
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
        ws.row_dimensions[2].height = 32
        for column, (name, width) in enumerate(headers, 1):
            cell = text(ws, 3, column, name)
            cell.font, cell.fill, cell.border, cell.alignment = head, fill, box, center
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = "A4"
        # A4 landscape, all columns on one page wide, the header rows repeated.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "3:3"

    for code, name, figures in report.tables():
        ws = wb.create_sheet(f"{code} {name}")
        frame(ws, f"{org}{report.year}年 {code} {name}", [
            ("序号", 6), ("指标名称", 34), ("计量单位", 9), ("本期数值", 11),
            ("上年数值", 11), ("来源", 9), ("计算说明", 60),
        ])  # fmt: skip
        for n, figure in enumerate(figures, 1):
            row = n + 3
            values: list[object] = [
                n, figure.indicator.name, figure.indicator.unit, figure.value,
                figure.previous, "填写" if figure.typed else "计算", figure.note,
            ]  # fmt: skip
            for column, value in enumerate(values, 1):
                cell = (
                    text(ws, row, column, value)
                    if isinstance(value, str)
                    else ws.cell(row, column, value)
                )
                cell.font, cell.border = body, box
                cell.alignment = center if column in (1, 3, 6) else wrap
                if column in (4, 5):
                    cell.number_format = "0"

    ws = wb.create_sheet("报表说明")
    frame(ws, f"{org}{report.year}年统计年报 报表说明", [
        ("序号", 6), ("表号", 10), ("指标名称", 34), ("本期数值", 11), ("上年数值", 11),
        ("说明", 60),
    ])  # fmt: skip
    row = 4
    explained = [s for s in report.soft if report.explanations.get(s.key, "").strip()]
    for n, check in enumerate(explained, 1):
        figure = next(f for f in report.figures if f.indicator.key == check.key)
        values = [n, figure.indicator.table, figure.indicator.name, figure.value,
                  figure.previous, report.explanations[check.key]]  # fmt: skip
        for column, value in enumerate(values, 1):
            cell = (
                text(ws, row, column, value)
                if isinstance(value, str)
                else ws.cell(row, column, value)
            )
            cell.font, cell.border, cell.alignment = body, box, wrap
        row += 1
    if not explained:
        text(ws, row, 1, f"各项数值与上年相比变化均未超过{report.threshold}%。").font = body
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        row += 1
    row += 1
    for line in (
        f"统计期间：{report.year}年{period_text}。",
        "计划数：标为“计划”的活动只在“1—10月实际数加11—12月计划数”口径中计入11—12月，"
        "从不计入年度工作总结。",
        f"与上年比较：变化超过{report.threshold}%的数值须写明原因（见上表）。",
        "标为“计算”的数值由程序从活动、人员、获奖和基层组织记录统计，计算方法见各表“计算说明”；"
        "标为“填写”的数值由填报人填写。",
        f"导出时间：{now:%Y-%m-%d %H:%M}。",
    ):
        cell = text(ws, row, 1, line)
        cell.font, cell.alignment = body, wrap
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        row += 1
    wb.save(f)
