"""The summary's words for the work: how each category's section is headed, the activity noun
of its figures, the work as the opening names it, how a plan continues it, and the outcome
totals a summary states (as core/fields.py declares them) with their phrases.

One table per use, keyed by category, so the wording of a category is changed here rather than
in the code that composes the sections, the opening and the plans.
"""

from __future__ import annotations

from kexie_desktop.core import fields
from kexie_desktop.core.records import AWARD_LEVELS

# How each category's section is headed; a 科协 summary names the work, not the category.
SECTION_HEADINGS = {
    "组织建设": "加强组织建设，夯实工作基础",
    "学术交流": "组织开展学术交流活动",
    "决策咨询": "开展课题调研，服务科学决策",
    "科学普及": "广泛开展科学普及活动",
    "青少年科技教育": "加强青少年科技教育",
    "科技传播": "做好科技信息宣传",
    "科技服务": "服务企业创新，深入开展“讲创新、比贡献”活动",
    "人才举荐与表彰": "做好科技人才举荐与表彰",
    "对外交流": "开展对外交流与合作",
    "自身建设": "加强自身建设，做好日常工作",
    "其他": "其他工作",
}
DAILY_WORK = "日常工作"
DAILY_HEADING_PLAIN = "做好日常工作"
ORGANISATION_HEADING = "基层组织和科技工作者队伍建设"
AWARDS_HEADING = "获奖情况"
# Categories that always close the text as 日常工作 rather than weigh in as a line of work.
ALWAYS_DAILY = ("自身建设", "其他")
# The activity noun in 「全年共组织学术交流活动12次」.
ACTIVITY_NOUNS = {
    "组织建设": "组织建设活动",
    "学术交流": "学术交流活动",
    "决策咨询": "课题调研和决策咨询活动",
    "科学普及": "科普活动",
    "青少年科技教育": "青少年科技教育活动",
    "科技传播": "科技传播和信息宣传活动",
    "科技服务": "科技服务和“讲比”竞赛活动",
    "人才举荐与表彰": "人才举荐与表彰活动",
    "对外交流": "对外交流活动",
    "自身建设": "会议、培训等活动",
    "其他": "其他活动",
}
# The work as the opening names it: 「重点开展了课题调研、科学普及等工作」.
WORK_NOUNS = {
    "组织建设": "基层组织建设",
    "学术交流": "学术交流",
    "决策咨询": "课题调研",
    "科学普及": "科学普及",
    "青少年科技教育": "青少年科技教育",
    "科技传播": "科技信息宣传",
    "科技服务": "“讲创新、比贡献”和科技服务",
    "人才举荐与表彰": "科技人才举荐",
    "对外交流": "对外交流",
    "自身建设": "自身建设",
    "其他": "其他工作",
}
# How a plan continues a line of work: 「继续…」.
PLAN_PHRASES = {
    "组织建设": "继续推动基层组织建设，重点抓好新建科协的规范运行",
    "学术交流": "继续组织开展学术交流活动，提高交流的质量和实效",
    "决策咨询": "继续围绕中心工作开展课题调研，提出有分量的意见建议",
    "科学普及": "继续广泛开展科学普及活动，办好重大科普活动",
    "青少年科技教育": "继续加强青少年科技教育，组织好科技研学和竞赛辅导",
    "科技传播": "继续做好科技信息宣传，及时报送工作信息",
    "科技服务": "继续深入开展“讲创新、比贡献”活动，组织科技人员攻关和推广新技术",
    "人才举荐与表彰": "继续做好科技人才的发现、举荐和表彰",
    "对外交流": "继续开展对外交流与合作，学习借鉴先进经验",
}
# The totals a summary states, with their phrases, as core/fields.py declares them.
OUTCOME_FIELDS = tuple(fields.phrased("activities"))
OUTCOME_NAMES = tuple(f.key for f in OUTCOME_FIELDS)
# What weighs a line of work: problems solved, technologies and proposals — not the number of
# messages or articles, which are counted in thousands for any 宣传 work.
MAJOR_OUTCOMES = ("problems_solved", "technologies_promoted", "reports")
TITLE_ORDER = ("正高级", "副高级", "中级", "初级")
LEVEL_RANK = {level: rank for rank, level in enumerate(AWARD_LEVELS)}


def _outcome_phrases(
    values: dict[str, int], limit: int = 5, unknown: dict[str, int] | None = None
) -> list[str]:
    """「解决技术攻关项目3个」「投入活动经费1.5万元以上」: each total there is, in the declared
    order; a total some records left unknown (不详) says 以上, and none is ever stated as 0."""
    phrases = []
    for f in OUTCOME_FIELDS:
        value = values.get(f.key)
        if not value or f.phrase is None:
            continue
        more = "以上" if unknown and unknown.get(f.key) else ""
        phrases.append(f.phrase.text.format(fields.amount_text(f, value)) + more)
    return phrases[:limit]
