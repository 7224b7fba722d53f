"""A blank import workbook for clerks who start fresh: one sheet per kind of record, with the
headers the importer knows and one example row of invented data.

The example row's 备注 starts with EXAMPLE_MARK: a clerk who fills the sheet below it and
forgets to delete it does not import 张三 (the importer skips the row and says so). The example
description does not start with the date: the summary's heading and the record already carry
it, and a description that repeats it reads twice in the summary."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from kexie_desktop.core.importing.mapping import EXAMPLE_MARK, FIELD_LABELS

_NOTE = f"{EXAMPLE_MARK}填写示例，导入时自动跳过，可删除此行"

SHEETS = (
    ("人员花名册", "people", {
        "name": "张三", "gender": "男", "birth_date": "1980-05-12", "ethnicity": "汉族",
        "id_number": "", "phone": "13800000000", "unit": "某某公司科协",
        "title": "中级", "education": "大学本科", "speciality": "机械设计", "roles": "会员",
        "join_date": "2020-03-01", "status": "在册", "notes": _NOTE,
    }),
    ("活动", "activities", {
        "title": "2025年学术年会", "category": "学术交流", "start_date": "2025-04-18",
        "end_date": "2025-04-18", "unit": "某某公司科协", "co_organisers": "", "place": "某宾馆",
        "audience": "科技工作者", "participants": 120, "highlight": "是", "people": "张三",
        "description": "年会以“智能制造与企业技术创新”为主题，邀请专家作专题报告，"
                       "8名科技人员交流发言，征集论文46篇……（重点活动必填，总结中照录）",
        "reports": None, "problems_solved": None, "technologies_promoted": None,
        "articles": None, "messages": None, "form": "学术会议", "campaigns": "",
        "youth_participants": None, "papers": 46, "materials": None, "planned": "否",
        "notes": _NOTE,
    }),
    ("获奖情况", "awards", {
        "name": "湖南省优秀质量管理小组", "level": "省部级", "award_date": "2025-09-26",
        "winner_kind": "集体", "winner": "某某QC小组", "team": "", "winner_unit": "某某公司科协",
        "issuer": "湖南省质量协会", "certificate_no": "", "note": "", "notes": _NOTE,
    }),
    ("基层组织", "units", {
        "name": "某某公司科协", "kind": "企业科协", "established_date": "2010-06-01",
        "contact_person": "李四", "contact_phone": "0737-4212345", "member_count": 60,
        "founded_this_year": "否", "last_election_date": "2022-06-18",
        "next_election_due": "2027-06-18", "notes": _NOTE,
    }),
)  # fmt: skip


def write_template(target: BinaryIO | Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for title, kind, example in SHEETS:
        sheet = workbook.create_sheet(title)
        labels = FIELD_LABELS[kind]
        sheet.append([labels[name] for name in example])
        sheet.append(list(example.values()))
        for index, cell in enumerate(sheet[1], start=1):
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center")
            width = max(10, len(str(sheet.cell(2, index).value or "")) * 2 + 2)
            sheet.column_dimensions[cell.column_letter].width = min(width, 40)
        # Text cells, so Excel keeps ID numbers and phones whole: typed as numbers, an 18-digit
        # ID loses its last digits.
        for column, name in enumerate(example, start=1):
            if name in ("id_number", "phone", "contact_phone"):
                for row in range(2, 1001):
                    sheet.cell(row, column).number_format = "@"
        sheet.freeze_panes = "A2"
    workbook.save(target)
