"""The words of an import for the clerk: a check's report, the result, where a problem is.

Apart from planning and writing so that the wording can change without touching either; every
text that may quote a cell is masked (ID numbers, phones) as the lists mask them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kexie_desktop.core.importing.mapping import FIELD_LABELS, KIND_LABELS
from kexie_desktop.core.privacy import mask_in_text

if TYPE_CHECKING:
    from kexie_desktop.core.importing.plan import ImportPlan, SheetPlan
    from kexie_desktop.core.importing.write import ImportResult

UNCACHED_FORMULAS = (
    "只有公式，没有保存计算结果，读不出内容（文件可能是由其他程序生成、没有在Excel中保存过的）。"
    "请在Excel或WPS中打开这个文件，保存后再导入"
)


def where(sheet: str, row: int, column: str) -> str:
    """「工作表“活动”第5行“参加人次”」."""
    text = f"工作表“{sheet}”"
    if row:
        text += f"第{row}行"
    if column:
        text += f"“{column}”"
    return text


def mapping_text(sheet: SheetPlan) -> str:
    if not sheet.layout:
        return ""
    labels = FIELD_LABELS[sheet.layout.kind]
    # 「经费（万元）→经费（按万元）」: the clerk sees that 1.5 there is read as 1.5万元.
    units = sheet.layout.units()
    return "，".join(
        f"{sheet.layout.headers[c]}→{labels[f]}" + (f"（按{units[c][0]}）" if c in units else "")
        for c, f in sorted(sheet.layout.mapping.items())
    )


def plan_report(plan: ImportPlan) -> str:
    """What a check found, in the clerk's words, for the command line and the window."""
    lines = [f"文件：{plan.path.name}"]
    for sheet in plan.sheets:
        if not sheet.layout:
            lines.append(f"工作表“{sheet.name}”：{sheet.message}")
            continue
        c = sheet.counts()
        lines.append(
            f"工作表“{sheet.name}”：{KIND_LABELS[sheet.layout.kind]}，"
            f"表头在第{sheet.layout.header_row + 1}行；"
            f"将新增{c['add']}条、更新{c['update']}条、不变{c['unchanged']}条、"
            f"跳过{c['skipped']}条，有问题{c['invalid']}条"
        )
        lines.append(f"  对应关系：{mapping_text(sheet)}")
        if sheet.unmapped:
            listed = "、".join(
                f"“{header}”{'（有数据）' if has_data else '（空列）'}"
                for header, has_data in sheet.unmapped
            )
            lines.append(f"  未识别、不导入的列：{listed}")
    if plan.new_units:
        lines.append(f"将新建基层组织{len(plan.new_units)}个：{'、'.join(plan.new_units)}")
    lines += [f"提示：{note}" for note in plan.notes]
    problems = plan.problems
    if problems:
        lines.append(f"问题（{len(problems)}处）：")
        lines += [f"  {p.text()}" for p in problems]
    # Cell values reach the report in names and notes too: an ID number typed in the 姓名
    # column is shown masked, as in the lists.
    return mask_in_text("\n".join(lines))


def result_summary(result: ImportResult) -> str:
    text = f"已导入：新增{result.added}条，更新{result.updated}条"
    if result.units_created:
        text += f"，新建基层组织{result.units_created}个"
    if result.skipped:
        text += f"；跳过有问题的{result.skipped}行"
    return text + "。如有不对，可以整批撤销。"


def refused(problems: int) -> str:
    return (
        f"文件中有{problems}处问题，没有导入任何数据。请改正后重新导入，"
        "或选择“只导入没有问题的行”。"
    )
