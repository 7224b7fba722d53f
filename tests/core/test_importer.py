"""Importing the Excel files clerks already have, messy as they are."""

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from kexie_desktop.core.idcard import check_digit
from kexie_desktop.core.importing.importer import ImportFailed, apply, check
from kexie_desktop.core.importing.template import write_template
from kexie_desktop.core.records import Activity, Person, Unit
from kexie_desktop.core.store import Store


def _valid_id(body17: str) -> str:
    return body17 + check_digit(body17)


GOOD_ID_2 = _valid_id("43090219851130002")  # born 1985-11-30, female
# A man born 1980-05-12 whose check character is X, written here with a lower-case x.
X_BODY = next(
    body
    for n in range(1000)
    if check_digit(body := f"43090219800512{n:03d}") == "X" and int(body[16]) % 2
)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def dump(store: Store) -> list[str]:
    return list(store.conn.iterdump())


def messy_roster(path: Path, *, id_as_number: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "会员花名册"
    ws["A1"] = "青江市XX企业科协会员花名册"
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(["序号", "姓 名", "性别", "出生年月", "身份证号码", "手机", "工作单位", "职称"])
    ws.append([1, "张  三", "M", "1980.05", (X_BODY + "x"),
               "13800000001", "青江纸业科协", "高级工程师"])  # fmt: skip
    li_phone = "13800000002".translate(FULL_WIDTH)
    ws.append([2, "李四", "女", dt.datetime(1985, 11, 30), GOOD_ID_2, li_phone,
               "青江纸业科协", "工程师"])  # fmt: skip
    ws.append([])
    ws.append([3, "王五", "F", "197503", "", "0737-4212345", "新建的街道科协", ""])
    ws.append(["合计", "3人"])
    ws.append([])
    ws.append(["注：本表由各企业科协填报。"])
    if id_as_number:
        ws.append([4, "赵六", "男", "", 430902198005122000, "", "", ""])
    acts = wb.create_sheet("活动情况")
    acts.append(["活动名称", "类别", "日期", "主办单位", "参加人次", "参与人员"])
    acts.append(["学术年会", "学术", 45765, "青江纸业科协", "120人次", "张三、李四"])  # 2025-04-18
    acts.append(["科普进社区", "科普", "2025/3/5", "", 300, ""])
    acts.append(["技术讲座", "学术交流", "2025.3.6", "", 40, ""])
    acts.append(["秘书长会议", "会议", "2025年3月7日", "", 30, ""])
    wb.save(path)
    return path


def test_a_messy_roster_is_checked_then_imported(store: Store, tmp_path: Path) -> None:
    path = messy_roster(tmp_path / "花名册.xlsx")
    before = dump(store)
    plan = check(store, path)
    assert dump(store) == before  # a check writes nothing
    roster = plan.sheets[0]
    assert roster.kind == "people" and roster.layout is not None
    assert roster.layout.header_row == 2
    assert roster.layout.mapping == {1: "name", 2: "gender", 3: "birth_date", 4: "id_number",
                                     5: "phone", 6: "unit", 7: "title"}  # fmt: skip
    assert [(r.row, r.action) for r in roster.rows] == [
        (4, "add"),
        (5, "add"),
        (7, "add"),
        (8, "skipped"),
        (10, "skipped"),
    ]
    assert plan.problems == []
    assert sorted(plan.new_units) == ["新建的街道科协", "青江纸业科协"]
    assert plan.new_units["新建的街道科协"].kind == "乡镇（街道）科协"
    acts = plan.sheets[1]
    assert acts.kind == "activities"
    assert acts.counts()["add"] == 4

    result = apply(store, plan)
    assert (result.added, result.units_created) == (7, 2)
    people = {p.name: p for p in (store.records.get(Person, i) for i in store.lists.ids("people"))}
    assert sorted(people) == ["张三", "李四", "王五"]
    zhang = people["张三"]
    assert zhang.id_number.endswith("X")
    assert (zhang.birth_date, zhang.gender, zhang.title) == ("1980-05-12", "男", "副高级")
    assert people["李四"].phone == "13800000002"
    assert people["王五"].birth_date == "1975-03"
    assert people["王五"].gender == "女"
    units = {store.records.get(Unit, i).name for i in store.lists.ids("units")}
    assert units == {"青江纸业科协", "新建的街道科协"}
    dates = {
        store.records.get(Activity, i).title: store.records.get(Activity, i)
        for i in store.lists.ids("activities")
    }
    assert dates["学术年会"].start_date == "2025-04-18"
    assert dates["学术年会"].participants == 120
    assert sorted(dates["学术年会"].person_ids) == sorted([zhang.id, people["李四"].id])
    assert dates["科普进社区"].category == "科学普及"
    assert dates["秘书长会议"].category == "自身建设"
    assert [dates[t].start_date for t in ("科普进社区", "技术讲座", "秘书长会议")] == [
        "2025-03-05", "2025-03-06", "2025-03-07",
    ]  # fmt: skip


def test_an_id_stored_as_a_number_is_flagged_and_blocks_the_import(
    store: Store, tmp_path: Path
) -> None:
    path = messy_roster(tmp_path / "花名册.xlsx", id_as_number=True)
    before = dump(store)
    plan = check(store, path)
    assert len(plan.problems) == 1
    problem = plan.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("会员花名册", 11, "身份证号码")
    assert "数字" in problem.message
    with pytest.raises(ImportFailed, match="1处问题，没有导入任何数据"):
        apply(store, plan)
    assert dump(store) == before  # byte for byte as it was
    result = apply(store, plan, skip_invalid=True)
    assert result.added == 7 and result.skipped == 1
    assert store.imports.people_named("赵六") == []


def test_the_same_file_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = messy_roster(tmp_path / "花名册.xlsx")
    apply(store, check(store, path))
    before = dump(store)
    again = check(store, path)
    assert again.counts()["add"] == 0 and again.counts()["update"] == 0
    assert again.counts()["unchanged"] == 7
    assert again.new_units == {}
    apply(store, again)
    # Only the history grows: the batch and its line in the change log.
    skip = ("import_batches", "audit_log")
    after = [line for line in dump(store) if not any(word in line for word in skip)]
    assert after == [line for line in before if not any(word in line for word in skip)]


def test_undo_restores_the_state_before_the_import(store: Store, tmp_path: Path) -> None:
    unit = store.records.save(Unit(name="青江纸业科协", kind="企业科协"))
    store.records.save(Person(name="李四", id_number=GOOD_ID_2, unit_id=unit.id, speciality="造纸"))
    before = dump(store)
    plan = check(store, messy_roster(tmp_path / "花名册.xlsx"))
    li = next(r for r in plan.sheets[0].rows if r.record and r.record.name == "李四")
    assert li.action == "update"
    result = apply(store, plan)
    assert (
        store.records.get(Person, store.imports.people_named("李四")[0]).speciality == "造纸"
    )  # blank kept
    store.imports.undo(result.batch_id)

    # The same schema and rows; the list triggers, made anew by the import, dump in another order.
    # Id counters (sqlite_sequence) move on by design: an undone id is never given out again.
    def kept(lines: list[str]) -> list[str]:
        skip = ("import_", "sqlite_sequence", "audit_log")  # the history keeps growing
        return sorted(x for x in lines if not any(word in x for word in skip))

    assert kept(dump(store)) == kept(before)


def test_a_blank_cell_never_overwrites_and_two_matches_are_a_problem(
    store: Store, tmp_path: Path
) -> None:
    store.records.save(Person(name="张三", phone="13800000001", title="正高级"))
    store.records.save(Person(name="王五", birth_date="1975-03"))
    store.records.save(Person(name="王五", birth_date="1975-03", phone="13900000000"))
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "手机", "职称", "出生日期"])
    ws.append(["张三", "13800000001", "", ""])
    ws.append(["王五", "", "中级", "1975-03"])
    wb.save(tmp_path / "a.xlsx")
    plan = check(store, tmp_path / "a.xlsx")
    rows = plan.sheets[0].rows
    assert rows[0].action == "unchanged"
    assert rows[1].action == "invalid"
    assert "2条记录与这一行相符" in rows[1].problems[0].message


def test_gb18030_csv_and_forced_kind(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "单位.csv"
    path.write_text(
        "名称,类型,联系人\n青江锑业科协,企业,刘工\n某街道科协,街道,\n", encoding="gb18030"
    )
    plan = check(store, path, kind="units")
    assert plan.sheets[0].kind == "units"
    apply(store, plan)
    kinds = {
        store.records.get(Unit, i).name: store.records.get(Unit, i).kind
        for i in store.lists.ids("units")
    }
    assert kinds == {"青江锑业科协": "企业科协", "某街道科协": "乡镇（街道）科协"}


def test_an_xls_file(store: Store, tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("获奖")
    for col, text in enumerate(["奖项名称", "级别", "获奖时间", "获奖者"]):
        sheet.write(0, col, text)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(1, 0, "省优秀质量管理小组")
    sheet.write(1, 1, "省级")
    sheet.write(1, 2, dt.datetime(2025, 9, 26), date_style)
    sheet.write(1, 3, "液压缸铸造质量QC小组")
    book.save(str(tmp_path / "获奖.xls"))
    plan = check(store, tmp_path / "获奖.xls")
    assert plan.problems == []
    apply(store, plan)
    row = store.conn.execute("SELECT name, level, award_date, team FROM awards").fetchone()
    assert row == ("省优秀质量管理小组", "省部级", "2025-09-26", "液压缸铸造质量QC小组")


def test_unreadable_files_fail_with_a_reason(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook at all")
    with pytest.raises(ImportFailed):
        check(store, bad)
    with pytest.raises(ImportFailed):
        check(store, tmp_path / "没有这个文件.xlsx")


def test_the_template_example_rows_are_skipped_and_the_clerks_rows_imported(
    store: Store, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "模板.xlsx"
    write_template(path)
    plan = check(store, path)
    assert [s.kind for s in plan.sheets] == ["people", "activities", "awards", "units"]
    assert plan.problems == [] and plan.unmapped_with_data == []
    assert [r.action for s in plan.sheets for r in s.rows] == ["skipped"] * 4
    assert "工作表“活动”第2行是导入模板中的示例行，没有导入" in plan.report()
    assert apply(store, plan).added == 0
    assert store.records.counts() == {"units": 0, "people": 0, "activities": 0, "awards": 0}
    # The example description does not invite repeating the date in the summary.
    sheet = load_workbook(path)["活动"]
    column = [c.value for c in sheet[1]].index("情况说明") + 1
    example = sheet.cell(2, column).value
    assert example and not re.search(r"\d+月\d+日", example)

    # The clerk fills the sheets below the examples and forgets to delete them.
    book = load_workbook(path)
    book["基层组织"].append(["青江纸业科协", "企业科协", "2001-05-01", "李红", "", 30, "否", ""])
    book["活动"].append(["技术讲座", "学术交流", "2025-05-01", None, "青江纸业科协", None, None,
                        None, 30, "否", None, None])  # fmt: skip
    book.save(path)
    plan = check(store, path)
    assert plan.problems == []
    assert apply(store, plan).added == 2
    assert [r[0] for r in store.conn.execute("SELECT title FROM activities")] == ["技术讲座"]


def test_a_birth_month_typed_as_a_date_takes_the_id_numbers_day(
    store: Store, tmp_path: Path
) -> None:
    path = _sheet(
        tmp_path / "名册.xlsx", ["姓名", "出生年月", "公民身份号码"],
        ["王芳", dt.datetime(1985, 11, 1), GOOD_ID_2],  # Excel's 1985年11月: the 1st
        ["李强", dt.datetime(1985, 10, 1), GOOD_ID_2.replace("0021", "0031")],
    )  # fmt: skip
    plan = check(store, path)
    rows = plan.sheets[0].rows
    assert rows[0].action == "add" and rows[0].record.birth_date == "1985-11-30"
    # A month that disagrees with the ID number is still a conflict.
    assert rows[1].action == "invalid"


def test_a_highlight_without_a_description_is_refused(store: Store, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "活动.xlsx", ["活动名称", "类别", "活动日期", "重点", "情况说明"],
        ["学术年会", "学术交流", "2025-04-18", "是", None],
        ["座谈会", "学术交流", "2025-04-19", "否", None],
    )  # fmt: skip
    plan = check(store, path)
    assert [r.action for r in plan.sheets[0].rows] == ["invalid", "add"]
    assert "第2行“情况说明”：重点活动请填写情况说明" in plan.report()


def test_unrecognised_columns_are_listed_by_header(store: Store, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "活动.xlsx", ["序号", "活动名称", "类别", "活动日期", "攻关成效", "空着的列"],
        [1, "技术攻关", "科技服务", "2025-03-01", "很好", None],
    )  # fmt: skip
    plan = check(store, path)
    assert plan.sheets[0].unmapped == [("攻关成效", True), ("空着的列", False)]
    assert plan.unmapped_with_data == ["工作表“Sheet”的“攻关成效”"]
    assert "未识别、不导入的列：“攻关成效”（有数据）、“空着的列”（空列）" in plan.report()


# Headers from real clerks' workbooks: each must land on its field.
@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("activities", "攻关项目（个）", "problems_solved"),
        ("activities", "解决攻关项目", "problems_solved"),
        ("activities", "技术攻关", "problems_solved"),
        ("activities", "推广新技术(项)", "technologies_promoted"),
        ("activities", "推广技术", "technologies_promoted"),
        ("activities", "调研报告和建议", "reports"),
        ("activities", "发表文章数", "articles"),
        ("activities", "报送信息", "articles"),
        ("activities", "发送短信（条）", "messages"),
        ("activities", "人数", "participants"),
        ("activities", "参与人数", "participants"),
        ("activities", "受益人次", "participants"),
        ("activities", "主办单位/组织单位", "unit"),
        ("activities", "活动简况", "description"),
        ("units", "是否本年新建", "founded_this_year"),
        ("units", "本年新建(是/否)", "founded_this_year"),
        ("units", "新建", "founded_this_year"),
        ("units", "会员人数（人）", "member_count"),
        ("awards", "获奖个人", "winner_person"),
        ("awards", "获奖人", "winner_person"),
        ("awards", "获奖集体/单位", "winner_collective"),
        ("awards", "获奖单位", "winner_collective"),
        ("awards", "所在单位", "winner_unit"),
        ("awards", "工作单位", "winner_unit"),
        ("awards", "获奖小组", "team"),
        ("awards", "获奖说明", "note"),
        ("people", "人员身份", "roles"),
    ],
)
def test_header_synonyms(kind: str, header: str, field: str) -> None:
    from kexie_desktop.core.importing.mapping import field_for

    assert field_for(kind, header) == field


def test_a_clerks_own_awards_sheet_keeps_winners_units_and_flags(
    store: Store, tmp_path: Path
) -> None:
    store.records.save(Unit(name="青江橡塑机械集团有限公司科协", kind="企业科协"))
    wb = Workbook()
    units = wb.active
    units.title = "基层组织"
    units.append(["单位名称", "类型", "是否本年新建"])
    units.append(["汇智电子科协", "企业科协", "√"])
    people = wb.create_sheet("人员")
    people.append(["姓名", "工作单位"])
    people.append(["龚志远", "青江橡塑机械集团有限公司科协"])
    awards = wb.create_sheet("获奖情况")
    awards.append(["奖项名称", "级别", "获奖日期", "获奖个人", "获奖集体/单位", "所在单位"])
    awards.append(
        ["湖南省青年科技奖", "省部级", "2025-12-20", "龚志远", None, "青江橡塑机械集团有限公司科协"]
    )
    awards.append(
        [
            "湖南省优秀质量管理小组",
            "省部级",
            "2025-09-26",
            None,
            "液压缸铸造QC小组",
            "青江橡塑机械集团有限公司科协",
        ]
    )
    awards.append(
        [
            "湖南省优秀质量管理小组",
            "省部级",
            "2025-09-26",
            None,
            "平板硫化机QC小组",
            "青江橡塑机械集团有限公司科协",
        ]
    )
    awards.append(["先进集体", "市级", "2025-12-26", None, "汇智电子科协", None])
    wb.save(tmp_path / "自己的表.xlsx")  # fmt: skip
    plan = check(store, tmp_path / "自己的表.xlsx")
    assert plan.problems == [] and plan.unmapped_with_data == []
    apply(store, plan)
    rows = store.conn.execute(
        "SELECT w.name, p.name, w.team, u.name FROM awards w LEFT JOIN people p "
        "ON p.id = w.person_id LEFT JOIN units u ON u.id = w.unit_id ORDER BY w.id"
    ).fetchall()
    assert rows == [
        ("湖南省青年科技奖", "龚志远", "", None),
        ("湖南省优秀质量管理小组", None, "液压缸铸造QC小组", "青江橡塑机械集团有限公司科协"),
        ("湖南省优秀质量管理小组", None, "平板硫化机QC小组", "青江橡塑机械集团有限公司科协"),
        ("先进集体", None, "", "汇智电子科协"),
    ]
    flag = store.conn.execute("SELECT founded_this_year FROM units WHERE name = '汇智电子科协'")
    assert flag.fetchone()[0] == 1


def test_a_sheet_without_a_header_is_reported(store: Store, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["随便", "写的", "东西"])
    wb.save(tmp_path / "x.xlsx")
    plan = check(store, tmp_path / "x.xlsx")
    assert plan.sheets[0].layout is None
    assert "没有认出表头" in plan.report()


def _sheet(path: Path, header: list[str], *rows: list[object]) -> Path:
    wb = Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_a_namesake_with_another_id_is_a_new_person(store: Store, tmp_path: Path) -> None:
    first = _valid_id("43090219800512001")
    other = _valid_id("43090219800512003")
    store.records.save(Person(name="张三", id_number=first))
    path = _sheet(tmp_path / "a.xlsx", ["姓名", "身份证号码"], ["张三", other])
    plan = check(store, path)
    assert plan.sheets[0].rows[0].action == "add"
    apply(store, plan)
    ids = sorted(store.records.get(Person, i).id_number for i in store.imports.people_named("张三"))
    assert ids == sorted([first, other])


def test_a_new_unit_for_a_known_person_is_written(store: Store, tmp_path: Path) -> None:
    store.records.save(Person(name="王五", phone="13800000005"))
    path = _sheet(
        tmp_path / "a.xlsx", ["姓名", "手机", "工作单位"], ["王五", "13800000005", "新单位科协"]
    )
    plan = check(store, path)
    assert plan.sheets[0].rows[0].action == "update"
    apply(store, plan)
    wang = store.records.get(Person, store.imports.people_named("王五")[0])
    assert wang.unit_id == store.lists.unit_id_by_name("新单位科协")


def test_undo_refuses_to_throw_away_later_work(store: Store, tmp_path: Path) -> None:
    path = _sheet(tmp_path / "a.xlsx", ["姓名", "手机"], ["李四", "13800000002"])
    result = apply(store, check(store, path))
    import time

    time.sleep(1.1)  # a later edit, a later second
    li = store.records.get(Person, store.imports.people_named("李四")[0])
    li.speciality = "后来补填的专业"
    store.records.save(li)
    from kexie_desktop.core.store import StoreError

    with pytest.raises(StoreError, match="又被修改或删除过"):
        store.imports.undo(result.batch_id)
    assert store.records.get(Person, li.id or 0).speciality == "后来补填的专业"


def test_ids_are_never_reused(store: Store) -> None:
    first = store.records.save(Person(name="甲"))
    store.records.delete(Person, [first.id or 0])
    second = store.records.save(Person(name="乙"))
    assert second.id != first.id


def test_activity_people_split_on_list_marks_only(store: Store, tmp_path: Path) -> None:
    store.records.save(Person(name="张三"))
    path = _sheet(
        tmp_path / "a.xlsx", ["活动名称", "类别", "日期", "参与人员"],
        ["讲座", "学术交流", "2025-03-05", "张  三，赵六"],
    )  # fmt: skip
    plan = check(store, path)
    assert plan.sheets[0].rows[0].people_names == ["张三", "赵六"]
    assert any("“赵六”不在人员名单中" in note for note in plan.notes)
    apply(store, plan)
    activity = store.records.get(Activity, store.lists.ids("activities")[0])
    assert activity.person_ids == store.imports.people_named("张三")


def test_award_winners_are_resolved_or_reported(store: Store, tmp_path: Path) -> None:
    store.records.save(Person(name="张伟", phone="13800000001"))
    store.records.save(Person(name="张伟", phone="13800000002"))
    wb = Workbook()
    units = wb.active
    units.title = "基层组织"
    units.append(["单位名称", "类型"])
    units.append(["只在本文件中的科协", "企业科协"])
    awards = wb.create_sheet("获奖情况")
    awards.append(["奖项名称", "级别", "获奖者", "获奖日期"])
    awards.append(["先进集体", "市级", "只在本文件中的科协", "2025-05-01"])
    awards.append(["优秀个人", "市级", "张伟", "2025-05-01"])
    awards.append(["无名奖", "市级", "", "2025-05-01"])
    wb.save(tmp_path / "a.xlsx")
    plan = check(store, tmp_path / "a.xlsx")
    rows = plan.sheets[1].rows
    assert rows[0].action == "add" and rows[0].unit_name == "只在本文件中的科协"
    assert rows[1].action == "invalid" and "同名的多人" in rows[1].problems[0].message
    assert rows[2].action == "invalid" and "没有填写获奖者" in rows[2].problems[0].message
    apply(store, plan, skip_invalid=True)
    award = store.conn.execute("SELECT unit_id FROM awards").fetchone()
    assert award[0] == store.lists.unit_id_by_name("只在本文件中的科协")


def test_excel_escapes_are_undone(store: Store, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "a.xlsx", ["活动名称", "类别", "日期", "情况说明"],
        ["讲座", "学术交流", "2025-03-05", "第一行_x000D_\n第二行"],
    )  # fmt: skip
    apply(store, check(store, path))
    activity = store.records.get(Activity, store.lists.ids("activities")[0])
    assert activity.description.startswith("第一行")
    assert "_x" not in activity.description and "\r" not in activity.description


def test_a_ledger_read_back_recreates_the_records_without_an_invented_unit(
    demo_store: Store, tmp_path: Path
) -> None:
    """The ledger writes 「本会」 as the organiser of the association's own activities; read
    back, that is no organiser, not a new unit called 本会."""
    from kexie_desktop.core.export import export_ledger

    ledger = export_ledger(demo_store, 2025, tmp_path / "台账.xlsx", full_ids=True).path
    other = Store.open(tmp_path / "other")
    try:
        plan = check(other, ledger)
        assert plan.problems == []
        assert "本会" not in plan.new_units
        apply(other, plan)
        assert other.records.counts() == demo_store.records.counts()
        own = "SELECT count(*) FROM activities WHERE unit_id IS NULL"
        assert other.conn.execute(own).fetchone() == demo_store.conn.execute(own).fetchone()
    finally:
        other.close()


def test_an_import_spanning_seconds_can_be_undone(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every stamp a second later than the one before: the import runs across seconds.
    from kexie_desktop.core.store import changelog, imports, records

    clock = iter(range(10_000))

    def tick() -> str:
        n = next(clock)
        return f"2025-06-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}+00:00"

    for module in (records, imports, changelog):
        monkeypatch.setattr(module, "now_iso", tick)
    result = apply(store, check(store, messy_roster(tmp_path / "花名册.xlsx")))
    assert store.records.count(Person) == 3
    store.imports.undo(result.batch_id)
    assert store.records.count(Person) == 0


def test_a_join_year_and_month_is_kept_as_such(store: Store, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "a.xlsx",
        ["姓名", "身份", "入会时间"],
        ["甲", "会员", 2019.9],
        ["乙", "会员", "2020年1月"],
        ["丙", "会员", "2020-01-15"],
    )
    apply(store, check(store, path))
    joined = {
        store.records.get(Person, i).name: store.records.get(Person, i).join_date
        for n in ("甲", "乙", "丙")
        for i in store.imports.people_named(n)
    }
    assert joined == {"甲": "2019-09", "乙": "2020-01", "丙": "2020-01-15"}
    # A year-month counts in its year, January included.
    figures = store.figures.people(2020)
    assert figures["new_members"] == 2 and figures["members"] == 3
    assert store.figures.people(2019)["members"] == 1
