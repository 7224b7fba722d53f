"""The statistics figures (统计年报): every computed figure against a separate SQL count over
two years of realistic records, the hard and soft checks, the period setting, the workbook."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kexie_desktop.cli import main
from kexie_desktop.core import stats
from kexie_desktop.core.export import export_stats
from kexie_desktop.core.importing.importer import apply, check
from kexie_desktop.core.records import UNIT_KINDS, Activity, Award, Person, Position, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import compose_summary
from kexie_desktop.core.validation import ValidationError

TOWNSHIP = next(kind for kind in UNIT_KINDS if kind.startswith("乡镇"))
TYPED = {
    "AK.staff": 4,
    "FKX.contest_winners": 3,
    "FKX.material_kinds": 1,
    "HKX.material_kinds": 2,
    "JKX.adopted": 1,
    "KKX.visits": 12,
}
FORMS = ("科普报告/讲座", "展览", "咨询", "培训", "学术会议", "竞赛", "科学营", "其他", "")
CATEGORIES = ("科学普及", "青少年科技教育", "学术交流", "科技服务", "对外交流", "组织建设")
CAMPAIGNS = ([], ["全国科普日/科普月"], ["科技活动周"], ["全国科技工作者日"],
             ["全国科普日/科普月", "科技活动周"])  # fmt: skip
AUDIENCES = ([], ["青少年"], ["青少年", "农民"], ["社区居民"])


def _year(store: Store, year: int, units: list[int], people: list[int], scale: int) -> None:
    """A year's activities and awards, every combination of form, category and campaign
    visited; some 人次 unknown, some 其中青少年 unknown; some planned."""
    for i in range(60 * scale):
        form = FORMS[i % len(FORMS)]
        category = CATEGORIES[(i // 3) % len(CATEGORIES)]
        participants = None if i % 11 == 0 else 20 + (i * 7) % 300
        audience = AUDIENCES[(i // 2) % len(AUDIENCES)]
        youth = None
        if participants is not None and "青少年" in audience and i % 3:
            youth = participants // (1 + i % 3)
        month = 1 + i % 12
        store.records.save(
            Activity(
                title=f"{year}年活动{i}",
                category=category,
                start_date=f"{year}-{month:02d}-{1 + i % 27:02d}",
                unit_id=units[i % len(units)] if i % 4 else None,
                form=form,
                campaigns=list(CAMPAIGNS[i % len(CAMPAIGNS)]),
                audience=list(audience),
                participants=participants,
                youth_participants=youth,
                papers=(i % 5) if form == "学术会议" else 0,
                materials=(i * 13) % 500 if i % 2 else 0,
                reports=i % 3,
                problems_solved=i % 2,
                technologies_promoted=(i // 2) % 3,
                articles=i % 4,
                planned=month >= 11 and i % 2 == 0,
            )
        )
    for i in range(8 * scale):
        store.records.save(
            Award(
                name=f"{year}奖{i}",
                level="市级",
                award_date=f"{year}-{1 + i % 12:02d}-10",
                person_id=people[i % len(people)] if i % 3 else None,
                unit_id=None if i % 3 else units[i % len(units)],
            )
        )


@pytest.fixture
def records(store: Store) -> Store:
    kinds = [("青江纸业科协", "企业科协", "2010-01-01"), ("城关镇科协", TOWNSHIP, None),
             ("东山镇科协", TOWNSHIP, "2024-03-01"), ("西湖街道科协", TOWNSHIP, None),
             ("市机械工程学会", "学会", "2000-01-01"), ("茶叶农技协", "农技协", "2025-04-01"),
             ("师院科协", "高校科协", None),
             ("江南社区科协", "社区科协", "2026-02-01")]  # fmt: skip
    units = []
    for i, (name, kind, founded) in enumerate(kinds):
        unit = store.records.save(
            Unit(
                name=name, kind=kind, established_date=founded,
                last_election_date=("2025-06-01", "2021-05-01", None)[i % 3],
                next_election_due=("2030-06-01", "2025-05-01", None)[i % 3],
            )
        )  # fmt: skip
        units.append(unit.id)
    people = []
    for i in range(12):
        person = store.records.save(
            Person(
                name=f"人员{i}",
                roles=["会员"] if i % 4 else [],
                join_date=(None, "2024-03-01", "2025-07-01", "2026-01-05")[i % 4],
                status="退出" if i == 5 else "在册",
                unit_id=units[i % len(units)],
            )
        )
        people.append(person.id)
    # 城关镇: all three heads serving; 东山镇: the 农技站站长's term ended mid-2025;
    # 西湖街道: a 学校校长 serving as 委员, not 兼职副主席.
    heads = (("医院院长", None), ("学校校长", None), ("农技站站长", None))
    store.positions.replace(
        people[0],
        [
            Position(
                unit_id=units[1], post="兼职副主席", background="医院院长", start_date="2023-01-01"
            )
        ],
    )
    store.positions.replace(
        people[1],
        [
            Position(unit_id=units[1], post="兼职副主席", background="学校校长"),
            Position(unit_id=units[2], post="兼职副主席", background="学校校长"),
        ],
    )
    store.positions.replace(
        people[2],
        [
            Position(unit_id=units[1], post="兼职副主席", background="农技站站长"),
            Position(
                unit_id=units[2], post="兼职副主席", background="农技站站长", end_date="2025-06-30"
            ),
        ],
    )
    store.positions.replace(people[3], [Position(unit_id=units[2], post="兼职副主席",
                                                 background="医院院长"),
                                        Position(unit_id=units[3], post="委员",
                                                 background="学校校长")])  # fmt: skip
    assert len(heads) == 3
    _year(store, 2024, units, people, 1)
    _year(store, 2025, units, people, 2)
    return store


def _activities(year: int, agg: str, cond: str) -> str:
    # LIKE on the date and an explicit planned test: written apart from stats.py's ranges.
    return (
        f"SELECT IFNULL({agg}, 0) FROM activities WHERE substr(start_date, 1, 4) = '{year}' "
        f"AND planned = 0 AND {cond}"
    )


def _expected_sql(year: int) -> dict[str, str]:
    sci = "category = '科学普及'"
    youth = "(category = '青少年科技教育' OR audience LIKE '%青少年%')"
    a = lambda agg, cond="1": _activities(year, agg, cond)  # noqa: E731
    alive = f"(established_date IS NULL OR substr(established_date, 1, 4) <= '{year}')"
    u = lambda cond: f"SELECT count(*) FROM units WHERE {alive} AND {cond}"  # noqa: E731
    w = f"SELECT count(*) FROM awards WHERE award_date LIKE '{year}-%'"
    three = (
        f"SELECT count(*) FROM units n WHERE {alive} AND kind LIKE '乡镇%' AND 3 = ("
        "SELECT count(DISTINCT background) FROM positions p WHERE p.unit_id = n.id "
        "AND post = '兼职副主席' AND background IN ('医院院长', '学校校长', '农技站站长') "
        f"AND (start_date IS NULL OR start_date <= '{year}-12-31') "
        f"AND (end_date IS NULL OR end_date >= '{year}-12-31'))"
    )
    return {
        "AK.units": u("1"),
        "AK.societies": u("kind = '学会'"),
        "AK.enterprise": u("kind = '企业科协'"),
        "AK.township": u(f"kind = '{TOWNSHIP}'"),
        "AK.three_heads": three,
        "AK.universities": u("kind = '高校科协'"),
        "AK.rural": u("kind = '农技协'"),
        "AK.community": u("kind = '社区科协'"),
        "AK.new": u(f"(established_date LIKE '{year}-%' OR "
                    "(established_date IS NULL AND founded_this_year))"),
        "AK.elected": u(f"last_election_date LIKE '{year}-%'"),
        "AK.election_due": u(f"substr(next_election_due, 1, 4) <= '{year}'"),
        "AK.members": "SELECT count(*) FROM people WHERE status = '在册' AND roles LIKE '%会员%' "
                      f"AND (join_date IS NULL OR substr(join_date, 1, 4) <= '{year}')",
        "CKX.meetings": a("count(*)", "form = '学术会议'"),
        "CKX.meeting_people": a("sum(participants)", "form = '学术会议'"),
        "CKX.papers": a("sum(papers)"),
        "EKX.activities": a("count(*)", sci),
        "EKX.people": a("sum(participants)", sci),
        "EKX.talks": a("count(*)", f"{sci} AND form = '科普报告/讲座'"),
        "EKX.talk_people": a("sum(participants)", f"{sci} AND form = '科普报告/讲座'"),
        "EKX.exhibitions": a("count(*)", f"{sci} AND form = '展览'"),
        "EKX.exhibition_people": a("sum(participants)", f"{sci} AND form = '展览'"),
        "EKX.consultations": a("count(*)", f"{sci} AND form = '咨询'"),
        "EKX.consultation_people": a("sum(participants)", f"{sci} AND form = '咨询'"),
        "EKX.science_day": a("count(*)", f"{sci} AND campaigns LIKE '%全国科普日%'"),
        "EKX.science_day_people": a("sum(participants)",
                                    f"{sci} AND campaigns LIKE '%全国科普日%'"),
        "EKX.science_week": a("count(*)", f"{sci} AND campaigns LIKE '%科技活动周%'"),
        "EKX.science_week_people": a("sum(participants)",
                                     f"{sci} AND campaigns LIKE '%科技活动周%'"),
        "FKX.activities": a("count(*)", youth),
        "FKX.people": a("sum(CASE WHEN youth_participants IS NOT NULL THEN youth_participants "
                        "WHEN audience = '青少年' THEN participants ELSE 0 END)"),
        "FKX.contests": a("count(*)", f"{youth} AND form = '竞赛'"),
        "FKX.contest_people": a("sum(participants)", f"{youth} AND form = '竞赛'"),
        "FKX.camps": a("count(*)", f"{youth} AND form = '科学营'"),
        "FKX.camp_people": a("sum(participants)", f"{youth} AND form = '科学营'"),
        "HKX.materials": a("sum(materials)"),
        "HKX.articles": a("sum(articles)"),
        "IKX.activities": a("count(*)", "category = '对外交流'"),
        "IKX.people": a("sum(participants)", "category = '对外交流'"),
        "JKX.trainings": a("count(*)", "form = '培训'"),
        "JKX.training_people": a("sum(participants)", "form = '培训'"),
        "JKX.services": a("count(*)", "category = '科技服务'"),
        "JKX.reports": a("sum(reports)"),
        "JKX.problems": a("sum(problems_solved)"),
        "JKX.technologies": a("sum(technologies_promoted)"),
        "KKX.awards": w,
        "KKX.person_awards": w + " AND person_id IS NOT NULL",
        "KKX.workers_day": a("count(*)", "campaigns LIKE '%全国科技工作者日%'"),
        "KKX.workers_day_people": a("sum(participants)", "campaigns LIKE '%全国科技工作者日%'"),
    }  # fmt: skip


@pytest.mark.parametrize("year", [2024, 2025])
def test_every_computed_figure_equals_a_separate_sql_count(records: Store, year: int) -> None:
    report = stats.compute(records, year, mode="year")
    expected = _expected_sql(year)
    computed = {f.indicator.key: f for f in report.figures if not f.typed}
    assert set(computed) == set(expected)  # every computed indicator is checked here
    for key, sql in expected.items():
        value = records.conn.execute(sql).fetchone()[0]
        assert computed[key].value == value, key
        previous = records.conn.execute(_expected_sql(year - 1)[key]).fetchone()[0]
        assert computed[key].previous == previous, key
    # The figures are not trivially zero: the data exercises them.
    if year == 2025:
        zero = sorted(k for k, f in computed.items() if not f.value)
        assert zero == ["AK.community"], zero  # 江南社区科协 is founded in 2026
    assert computed["AK.three_heads"].value == (1 if year >= 2025 else 2)


def test_notes_say_how_and_from_how_many_records(records: Store) -> None:
    report = stats.compute(records, 2025, mode="year")
    figures = {f.indicator.key: f for f in report.figures}
    talks = records.conn.execute(_expected_sql(2025)["EKX.talks"]).fetchone()[0]
    cond = "category = '科学普及' AND form = '科普报告/讲座' AND participants IS NULL"
    unknown = records.conn.execute(_activities(2025, "count(*)", cond)).fetchone()[0]
    assert unknown
    assert figures["EKX.talks"].note == f"其中活动形式为科普报告/讲座的（据{talks}项活动）"
    assert figures["EKX.talk_people"].note == (
        f"其中活动形式为科普报告/讲座的人次（据{talks}项活动，其中{unknown}项人次不详，未计入）"
    )
    assert figures["AK.staff"].note == "由填报人填写" and figures["AK.staff"].typed


def test_oct_period_counts_planned_november_and_december_only(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def add(title: str, date: str, planned: bool) -> None:
        store.records.save(Activity(
            title=title, category="科学普及", start_date=date,
            planned=planned, participants=10))  # fmt: skip

    add("十月已办", "2025-10-20", False)
    add("十月计划（过期未办）", "2025-10-25", True)
    add("十一月已办", "2025-11-03", False)
    add("十一月计划", "2025-11-20", True)
    add("十二月计划", "2025-12-15", True)
    figures = {m: stats.compute(store, 2025, mode=m) for m in ("year", "oct")}
    ekx = {m: next(f for f in r.figures if f.indicator.key == "EKX.activities")
           for m, r in figures.items()}  # fmt: skip
    assert ekx["year"].value == 2  # done only
    assert ekx["oct"].value == 4  # Jan–Oct done, Nov–Dec done or planned
    store.settings.set(stats.PERIOD_KEY, "oct")
    assert stats.compute(store, 2025).mode == "oct"
    # An earlier report is reused only for the same year and period.
    reused = stats.compute(store, 2025, mode="oct", reuse=figures["year"])
    assert reused.figures == figures["oct"].figures
    monkeypatch.setattr(stats, "computed", lambda *a: pytest.fail("recomputed"))
    again = stats.compute(store, 2025, mode="year", reuse=figures["year"], typed={"AK.staff": 3})
    assert again.figures[:3] == figures["year"].figures[:3]


def test_planned_activities_never_count_in_the_summary(store: Store) -> None:
    store.records.save(Activity(
        title="科普讲座进校园", category="科学普及", start_date="2025-04-01",
        participants=100))  # fmt: skip
    store.records.save(Activity(
        title="冬季科普大篷车计划", category="科学普及",
        start_date="2025-12-10", participants=900, planned=True))  # fmt: skip
    figures = {r["category"]: r for r in store.figures.categories(2025)}
    assert figures["科学普及"]["activities"] == 1
    assert figures["科学普及"]["participants"] == 100
    assert [r["title"] for r in store.figures.activities(2025)] == ["科普讲座进校园"]
    text = "\n".join(b.text for b in compose_summary(store, 2025).blocks)
    assert "大篷车" not in text and "900" not in text and "1000" not in text


def test_hard_checks_refuse_blank_non_integer_and_parts_above_totals(
    records: Store, tmp_path: Path
) -> None:
    target = tmp_path / "stats.xlsx"
    with pytest.raises(stats.StatsRefused) as refused:
        export_stats(records, 2025, target)
    message = str(refused.value)
    assert "AK表1-1“科协机关工作人员”未填写（没有的请填 0）" in message
    assert not target.exists()
    typed: dict[str, object] = {**TYPED, "AK.staff": "3.5", "KKX.visits": "很多"}
    reports = stats.compute(records, 2025).figures
    total = next(f.value for f in reports if f.indicator.key == "JKX.reports")
    assert total is not None
    typed["JKX.adopted"] = total + 1
    report = stats.compute(records, 2025, typed=typed)
    assert "AK表1-1“科协机关工作人员”：“3.5”不是整数（统计表按整数填报）" in report.hard
    assert "KKX表11“走访慰问科技工作者”：“很多”不是数字，应为整数" in report.hard
    assert (
        f"JKX表10“其中：被采纳”（{total + 1}）大于“决策咨询报告、建议”（{total}），"
        "其中数不能超过总数" in report.hard
    )
    assert report.failing == {"AK.staff", "KKX.visits", "JKX.adopted"}
    # Every 其中 row of the computed figures is within its total on real data.
    good = stats.compute(records, 2025, typed=dict(TYPED))
    assert good.hard == []
    with pytest.raises(stats.StatsRefused):
        export_stats(records, 2025, target, typed=typed)
    assert not target.exists()


def test_soft_checks_ask_for_an_explanation_that_goes_into_the_workbook(
    records: Store, tmp_path: Path
) -> None:
    records.typed_stats.save_values(2025, dict(TYPED))
    records.typed_stats.save_values(2024, {**TYPED, "AK.staff": 2})  # 2 → 4: +100 %
    report = stats.compute(records, 2025)
    keys = {s.key for s in report.soft}
    assert "AK.staff" in keys
    staff = next(s for s in report.soft if s.key == "AK.staff")
    assert staff.message == "AK表1-1“科协机关工作人员”比上年增加100%（2→4）"
    for soft in report.soft:  # each soft check is a real move beyond the threshold
        figure = next(f for f in report.figures if f.indicator.key == soft.key)
        assert figure.value is not None and figure.previous
        assert abs(figure.value - figure.previous) * 100 > 30 * figure.previous
    target = tmp_path / "stats.xlsx"
    with pytest.raises(stats.StatsRefused) as refused:
        export_stats(records, 2025, target)
    assert f"{staff.message}，请写一句说明（--explain AK.staff=说明）" in str(refused.value)
    assert report.problems(command_line=False)[0].endswith("请写一句说明")
    # A higher threshold asks about fewer figures.
    records.settings.set(stats.THRESHOLD_KEY, "1000")
    assert stats.compute(records, 2025).soft == []
    records.settings.set(stats.THRESHOLD_KEY, "30")
    explanations = {key: f"原因{key}" for key in keys}
    explanations["AK.staff"] = "=新增编制2人"  # text, never a formula
    records.typed_stats.save_explanations(2025, explanations)
    result = export_stats(records, 2025, target)
    assert result.path == target
    wb = load_workbook(target)
    notes = wb["报表说明"]
    rows = [[c.value for c in r] for r in notes.iter_rows(min_row=4)]
    staff_row = next(r for r in rows if r[2] == "科协机关工作人员")
    assert staff_row[1] == "AK表1-1" and staff_row[3:6] == [4, 2, "=新增编制2人"]
    assert notes.cell(4 + rows.index(staff_row), 6).data_type == "s"
    assert len([r for r in rows if r[0] is not None and isinstance(r[0], int)]) == len(keys)


def test_workbook_mirrors_the_tables_with_zeros_written(records: Store, tmp_path: Path) -> None:
    records.typed_stats.save_values(2025, dict(TYPED))
    report = stats.compute(records, 2025)
    records.typed_stats.save_explanations(2025, {s.key: "变化说明" for s in report.soft})
    target = tmp_path / "stats.xlsx"
    export_stats(records, 2025, target)
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
    wb = load_workbook(target)
    assert wb.sheetnames == [f"{code} {name}" for code, name in stats.TABLES] + ["报表说明"]
    figures = {f.indicator.key: f for f in report.figures}
    for code, name, rows in report.tables():
        ws = wb[f"{code} {name}"]
        assert name in ws["A1"].value and code in ws["A1"].value
        assert "不是正式报表文件" in ws["A2"].value
        assert [c.value for c in ws[3]] == [
            "序号", "指标名称", "计量单位", "本期数值", "上年数值", "来源", "计算说明"
        ]  # fmt: skip
        for n, figure in enumerate(rows, 1):
            cells = [c.value for c in ws[n + 3]]
            assert cells[:4] == [n, figure.indicator.name, figure.indicator.unit, figure.value]
            assert isinstance(cells[3], int)  # 0 is written, never a blank
            assert cells[5] == ("填写" if figure.typed else "计算")
            assert cells[6] == figures[figure.indicator.key].note
        assert ws.max_row == len(rows) + 3
    zeros = [f for f in report.figures if f.value == 0]
    assert zeros  # the data has zero figures, written as 0
    for row in wb.worksheets[0].iter_rows(min_row=4):
        assert all(c.data_type in ("s", "n") for c in row)


def test_validation_of_the_new_fields(store: Store) -> None:
    with pytest.raises(ValidationError) as error:
        store.records.save(Activity(
            title="x", category="科学普及", start_date="2025-01-01",
            participants=10, youth_participants=11))  # fmt: skip
    assert error.value.errors == {"youth_participants": "不能多于参加人次（10）"}
    with pytest.raises(ValidationError) as error:
        store.records.save(Activity(
            title="x", category="科学普及", start_date="2025-01-01",
            youth_participants=5, form="茶话会", campaigns=["植树节"]))  # fmt: skip
    assert error.value.errors["youth_participants"].startswith("请先填写参加人次")
    assert error.value.errors["form"].startswith("“茶话会”不在可选范围内")
    assert error.value.errors["campaigns"].startswith("“植树节”不在可选范围内")
    with pytest.raises(ValidationError) as error:
        store.records.save(Unit(
            name="某科协", kind="企业科协", last_election_date="2025-06-01",
            next_election_due="2024-06-01"))  # fmt: skip
    assert error.value.errors == {"next_election_due": "应晚于上次换届日期"}
    unit = store.records.save(Unit(name="某科协", kind="企业科协"))
    person = store.records.save(Person(name="张三"))
    assert person.id is not None and unit.id is not None
    with pytest.raises(ValidationError) as error:
        store.positions.replace(person.id, [Position(unit_id=unit.id, post="",
                                                     start_date="2025-06-01",
                                                     end_date="2024-01-01")])  # fmt: skip
    assert error.value.errors == {"post": "必须选择", "end_date": "不能早于任职开始日期"}
    assert store.positions.of(person_id=person.id) == []


def test_positions_are_replaced_audited_and_go_with_their_person(store: Store) -> None:
    unit = store.records.save(Unit(name="城关镇科协", kind=TOWNSHIP))
    person = store.records.save(Person(name="李校长"))
    assert person.id is not None and unit.id is not None
    store.positions.replace(
        person.id,
        [
            Position(
                unit_id=unit.id, post="兼职副主席", background="学校校长", start_date="2023-01-01"
            )
        ],
    )
    (saved,) = store.positions.of(person_id=person.id)
    assert (saved.post, saved.background, saved.person_id) == ("兼职副主席", "学校校长", person.id)
    entry = store.change_log.entries(table="positions")[0]
    assert entry["record_id"] == person.id and entry["label"] == "李校长"
    store.positions.replace(
        person.id,
        [
            Position(
                unit_id=unit.id, post="兼职副主席", background="学校校长", start_date="2023-01-01"
            )
        ],
    )
    assert len(store.change_log.entries(table="positions")) == 1  # unchanged: nothing logged
    entries = store.records.delete(Person, [person.id])
    assert store.positions.of() == []
    store.recycle_bin.restore(entries)  # from the 回收站, with the positions
    assert [(p.person_id, p.post) for p in store.positions.of()] == [(person.id, "兼职副主席")]
    entries = store.records.delete(Unit, [unit.id])
    assert store.positions.of() == []
    store.recycle_bin.restore(entries)
    assert [(p.unit_id, p.background) for p in store.positions.of()] == [(unit.id, "学校校长")]


def test_import_reads_the_new_columns(store: Store, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "活动"
    ws.append(["活动名称", "类别", "日期", "参加人次", "活动形式", "主题活动", "其中青少年",
               "交流论文（篇）", "发放资料（份）", "计划"])  # fmt: skip
    ws.append(["科普日主场", "科普", "2025-09-20", 800, "科普展览", "科普日、科技周", 300,
               "", 2000, "否"])  # fmt: skip
    ws.append(["学术年会", "学术", "2025-11-20", 120, "研讨会", "", "", 46, "", "是"])
    units = wb.create_sheet("基层组织")
    units.append(["单位名称", "类型", "上次换届", "下次换届"])
    units.append(["城关镇科协", "乡镇科协", "2022-06-18", "2027-06-18"])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    plan = check(store, path)
    apply(store, plan)
    rows = store.conn.execute(
        "SELECT title, form, campaigns, youth_participants, papers, materials, planned "
        "FROM activities ORDER BY start_date"
    ).fetchall()
    assert rows == [
        ("科普日主场", "展览", "全国科普日/科普月、科技活动周", 300, 0, 2000, 0),
        ("学术年会", "学术会议", "", None, 46, 0, 1),
    ]
    assert store.conn.execute(
        "SELECT last_election_date, next_election_due FROM units"
    ).fetchall() == [("2022-06-18", "2027-06-18")]


def test_ledger_complete_sheet_round_trips_the_new_fields(store: Store, tmp_path: Path) -> None:
    from kexie_desktop.core.export import export_ledger

    store.records.save(Unit(
        name="城关镇科协", kind=TOWNSHIP, last_election_date="2022-06-18",
        next_election_due="2027-06-18"))  # fmt: skip
    store.records.save(Activity(
        title="科普日主场", category="科学普及", start_date="2025-09-20",
        participants=800, youth_participants=300, form="展览",
        campaigns=["全国科普日/科普月"], materials=2000, papers=3,
        planned=True))  # fmt: skip
    target = tmp_path / "ledger.xlsx"
    export_ledger(store, 2025, target)
    wb = load_workbook(target)
    assert wb["活动台账"].cell(3, 3).value == "（计划）科普日主场"
    other = Store.open(tmp_path / "other")
    try:
        apply(other, check(other, target))
        row = other.conn.execute(
            "SELECT title, form, campaigns, youth_participants, papers, materials, planned "
            "FROM activities"
        ).fetchone()
        assert row == ("科普日主场", "展览", "全国科普日/科普月", 300, 3, 2000, 1)
        assert other.conn.execute(
            "SELECT last_election_date, next_election_due FROM units"
        ).fetchone() == ("2022-06-18", "2027-06-18")
    finally:
        other.close()


def test_cli_export_stats_refuses_then_takes_values_and_explanations(
    records: Store, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records.close()
    out = tmp_path / "s.xlsx"
    base = ["export", "stats", "--year", "2025", "--out", str(out), "--data-dir", str(data_dir)]
    assert main(base) == 1
    err = capsys.readouterr().err
    assert "统计数据未通过检查，没有导出" in err
    assert "AK表1-1“科协机关工作人员”未填写（没有的请填 0）（--set AK.staff=数值）" in err
    assert not out.exists()
    assert main([*base, "--set", "EKX.activities=5"]) == 1
    assert "由程序从记录计算，不能填写" in capsys.readouterr().err
    assert main([*base, "--set", "AK.staff=2.5"]) == 1
    assert "--set AK.staff：“2.5”不是整数" in capsys.readouterr().err
    sets = [arg for key, value in TYPED.items() for arg in ("--set", f"{key}={value}")]
    code = main([*base, *sets])
    err = capsys.readouterr().err
    store = Store.open(data_dir)
    try:
        soft = stats.compute(store, 2025).soft
        assert store.typed_stats.values(2025) == TYPED  # kept for the year
    finally:
        store.close()
    if soft:
        assert code == 1 and "请写一句说明（--explain" in err
        explain = [a for s in soft for a in ("--explain", f"{s.key}=有新的组织成立")]
        assert main([*base, *explain, "--period", "year"]) == 0
    else:  # pragma: no cover - the data is built to move some figures
        assert code == 0
    assert "已写出" in capsys.readouterr().out
    assert load_workbook(out).sheetnames[-1] == "报表说明"


def test_typed_values_parse_as_whole_numbers() -> None:
    assert stats.parse_typed(" 1,200 ") == 1200
    assert stats.parse_typed("") == ""
    assert stats.parse_typed(None) == ""
    assert stats.parse_typed("-1") == "不能为负数"
    assert stats.parse_typed(7) == 7
    assert stats.parse_typed("1e3") == "“1e3”不是整数（统计表按整数填报）"


def test_every_indicator_is_in_a_known_table_and_units_are_the_tables(records: Store) -> None:
    codes = {code for code, _ in stats.TABLES}
    assert {i.table for i in stats.INDICATORS} == codes
    assert {i.unit for i in stats.INDICATORS} <= {"个", "次", "人次", "篇", "项", "种", "份", "人"}
    for indicator in stats.INDICATORS:
        if indicator.parent:
            assert stats.BY_KEY[indicator.parent].table == indicator.table
        if indicator.source is None:
            assert indicator.hint
    assert len({i.key for i in stats.INDICATORS}) == len(stats.INDICATORS)
    assert dt.date.today()  # the module imports nothing of Qt (checked by the no-Qt test)


def test_explanations_are_cleaned_and_bounded(store: Store) -> None:
    store.typed_stats.save_explanations(2025, {"AK.units": "新建\x07三个\n企业科协"})
    assert store.typed_stats.explanations(2025) == {"AK.units": "新建三个 企业科协"}
    with pytest.raises(ValidationError) as error:
        store.typed_stats.save_explanations(2025, {"AK.units": "长" * 5000})
    assert error.value.errors["text"].startswith("说明太长了")
    assert store.typed_stats.explanations(2025) == {"AK.units": "新建三个 企业科协"}
    store.typed_stats.save_explanations(2025, {"AK.units": "  "})
    assert store.typed_stats.explanations(2025) == {}
