"""A year modelled on a real, signed summary (kept outside the repository): an enterprise
科协 federation whose year is 课题调研, “讲创新、比贡献” with its 攻关, a 海智 project, a
provincial youth award, and the secretaries' meetings — with invented people and units — plus
the year before it, for the comparison. No 学术交流 and no 科普 this year: the opening must not
claim them."""

from __future__ import annotations

from kexie_desktop.core.records import Activity, Award, Person, Profile, Unit
from kexie_desktop.core.store import Store

ORG = "湘临市厂矿科协联合会"
YEAR = 2024
RUBBER = "湘临橡塑机械集团有限公司科协"
PAPER = "湘临纸业有限责任公司科协"
GASKET = "湘临气缸垫有限公司科协"
IDLE = "湘临电机厂科协"  # no activity all year
NEW_UNITS = ("湘临华兴电子有限公司科协", "湘临星辰材料有限公司科协")  # founded in the year


def build_year(store: Store) -> dict[str, int]:
    """Fill `store`; returns ids of the records the tests point at."""
    store.settings.save_profile(Profile(org_name=ORG, org_level="市级", org_place="湖南省湘临市"))
    units = {}
    for name, founded in (
        (RUBBER, "1986-05-12"), (PAPER, "1991-09-20"), (GASKET, "1994-04-08"),
        (IDLE, "1999-03-01"), (NEW_UNITS[1], f"{YEAR}-08-18"), (NEW_UNITS[0], f"{YEAR}-03-26"),
    ):  # fmt: skip
        units[name] = store.records.save(
            Unit(name=name, kind="企业科协", established_date=founded)
        ).id
    peng = store.records.save(
        Person(name="彭志文", unit_id=units[RUBBER], roles=["会员"], title="副高级")
    )
    store.records.save(Person(
        name="梁静", unit_id=units[PAPER], roles=["会员"], title="中级",
        join_date=f"{YEAR}-05-01"))  # fmt: skip
    store.records.save(Person(name="谭建华", unit_id=units[GASKET], roles=["秘书长"], title="中级"))

    def activity(title: str, category: str, date: str, **fields: object) -> int:
        record = store.records.save(
            Activity(title=title, category=category, start_date=date, **fields)
        )
        assert record.id is not None
        return record.id

    ids: dict[str, int] = {}
    ids["survey"] = activity(
        "“我市有色冶炼行业发展”课题调研", "决策咨询", f"{YEAR}-02-20", highlight=True,
        participants=12, reports=1,
        description="年初，市科协安排联合会开展“我市有色冶炼行业发展”课题调研。联合会确定专人，"
        "成立调研组，深入县工业局和冶炼企业调查了解情况，写出了《关于我市有色冶炼行业发展的几点"
        "建议》，报市政府及工业主管部门，受到了上级领导的充分肯定。",
    )  # fmt: skip
    activity("非公企业发展调研", "决策咨询", f"{YEAR}-04-10", unit_id=units[RUBBER],
             participants=6, reports=1)  # fmt: skip
    ids["press"] = activity(
        "新一代液压式硫化机研制攻关", "科技服务", f"{YEAR}-04-01", end_date=f"{YEAR}-11-30",
        unit_id=units[RUBBER], highlight=True, participants=30, problems_solved=3,
        technologies_promoted=2,
        description="橡塑机械集团科协动员公司科技人员对引进的液压式硫化机技术消化、吸收和创新，"
        "成功研制出新一代国产液压式硫化机，当年实现合同价值近亿元。",
    )  # fmt: skip
    activity("纸机干燥部节能技术难题攻关", "科技服务", f"{YEAR}-05-06", unit_id=units[PAPER],
             participants=20, problems_solved=3, technologies_promoted=3)  # fmt: skip
    activity("无石棉气缸垫材料技术难题攻关", "科技服务", f"{YEAR}-06-12", unit_id=units[GASKET],
             participants=15, problems_solved=3, technologies_promoted=3)  # fmt: skip
    activity("“讲创新、比贡献”竞赛活动动员会", "科技服务", f"{YEAR}-02-28", participants=60)
    ids["haizhi"] = activity(
        "海智计划“巨型工程子午线轮胎成型机”项目申报", "对外交流", f"{YEAR}-06-05",
        highlight=True,  # participants unknown: 不详
        description="联合会帮助橡塑机械集团编制可行性研究报告、填报项目申请表，中国科协海智办最终"
        "同意立项，这是我市首次入选中国科协海智项目。",
    )  # fmt: skip
    activity("赴外地考察学习企业科协工作", "对外交流", f"{YEAR}-09-10", participants=12)
    ids["youth"] = activity(
        "湖南省青年科技奖候选人推荐", "人才举荐与表彰", f"{YEAR}-07-08", highlight=True,
        description="联合会在所属科技社团中发现优秀科技人员，积极推荐橡塑机械集团彭志文作为"
        "候选人上报参评，经评审委员会评审通过，进入入选名单。",
    )  # fmt: skip
    activity("推荐市优秀科技工作者", "人才举荐与表彰", f"{YEAR}-09-26")
    for n, month in (("一", "01"), ("二", "05"), ("三", "09")):
        activity(f"{YEAR}年第{n}次厂矿科协秘书长工作会议", "自身建设", f"{YEAR}-{month}-16",
                 participants=40)  # fmt: skip
    activity("报表统计与社团年检", "自身建设", f"{YEAR}-12-08", participants=8)
    # A line of work with one ordinary activity: folded into 日常工作, not a section.
    activity("企业科协工作信息报送", "科技传播", f"{YEAR}-07-31", articles=20)

    ids["award_youth"] = store.records.save(Award(
        name="湖南省青年科技奖", level="省部级", award_date=f"{YEAR}-12-04", person_id=peng.id,
        issuer="中共湖南省委组织部、湖南省人事厅、湖南省科协", activity_id=ids["youth"],
        note="这是我市首次有科技工作者获得湖南省青年科技奖",
    )).id  # fmt: skip
    for team in ("火焰切割机下料质量改进QC小组", "平板硫化机液压缸铸造质量QC小组"):
        store.records.save(Award(
            name="湖南省优秀质量管理小组", level="省部级", award_date=f"{YEAR}-09-26",
            team=team, unit_id=units[RUBBER], issuer="湖南省质量协会",
            activity_id=ids["press"]))  # fmt: skip
    store.records.save(Award(
        name="湘临市先进企业科协", level="市级", award_date=f"{YEAR}-12-20",
        unit_id=units[PAPER], issuer="湘临市科学技术协会"))  # fmt: skip
    store.records.save(Award(
        name="全国优秀科技社团工作者", level="国家级", award_date=f"{YEAR}-11-02",
        person_id=peng.id, issuer="中国科学技术协会"))  # fmt: skip
    store.records.save(Award(
        name="区优秀科技工作者", level="县级", award_date=f"{YEAR}-05-28",
        team="气缸垫技术攻关组", unit_id=units[GASKET]))  # fmt: skip

    # The year before: 学术交流 this year lacks, fewer 攻关, the same meetings.
    before = YEAR - 1
    activity("铸造技术学术交流会", "学术交流", f"{before}-04-18", participants=80)
    activity("数控技术讲座", "学术交流", f"{before}-10-10", participants=60)
    activity("密封件技术攻关", "科技服务", f"{before}-05-10", unit_id=units[GASKET],
             participants=10, problems_solved=2)  # fmt: skip
    activity("有色金属产业调研", "决策咨询", f"{before}-03-01", participants=10, reports=1)
    for n in ("一", "二"):
        activity(f"{before}年第{n}次厂矿科协秘书长工作会议", "自身建设", f"{before}-06-1{len(n)}",
                 participants=40)  # fmt: skip
    return ids
