"""Generate a large invented database for the benchmarks (never used by the program itself).

    python bench/generate.py DIR [--activities N] [--people N] [--awards N]

Rows are written with plain SQL in bulk (validation would only slow this down; the values are
built valid). A database already generated with the same sizes is reused.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kexie_desktop.core import idcard
from kexie_desktop.core.records import AUDIENCES, CATEGORIES, TITLES, UNIT_KINDS, Profile
from kexie_desktop.core.store import Store

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉玲兰琴云凤梅新海波宁斌春林峰"
TOPICS = (
    "学术年会", "技术讲座", "科普进社区", "质量管理小组成果发布", "节能降耗技术交流",
    "安全生产科普", "青少年科技营", "课题调研座谈", "秘书长工作会议", "讲创新比贡献竞赛",
    "科技工作者座谈会", "新技术推广对接会", "科普大篷车巡展", "农业实用技术培训",
)  # fmt: skip
AWARD_NAMES = ("青年科技奖", "优秀质量管理小组", "科技进步奖")
PLACES = ("市科协三楼会议室", "青江宾馆", "高新区管委会", "第一中学", "橡机社区", "职工活动中心")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate(data_dir: Path, activities: int, people: int, awards: int, seed: int = 2025) -> Path:
    marker = data_dir / f"generated-{activities}-{people}-{awards}.txt"
    if marker.exists():
        return data_dir
    for old in data_dir.glob("kexie.db*"):
        old.unlink()
    rng = random.Random(seed)
    store = Store.open(data_dir)
    store.settings.save_profile(Profile(org_name="青江市厂矿科协联合会", org_level="市级"))
    now = "2025-12-31T00:00:00+00:00"
    db = store.db.conn
    started = time.perf_counter()
    with store.transaction():
        units = [
            (str(uuid.uuid4()), now, now, f"青江第{i:03d}企业科协", rng.choice(UNIT_KINDS))
            for i in range(500)
        ]
        db.executemany(
            "INSERT INTO units (uuid, created_at, updated_at, name, kind) VALUES (?,?,?,?,?)", units
        )
        rows = []
        for _ in range(people):
            birth = f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            body = "430902" + birth.replace("-", "") + f"{rng.randint(0, 999):03d}"
            gender = "男" if int(body[16]) % 2 else "女"
            rows.append(
                (
                    str(uuid.uuid4()), now, now, _name(rng), gender, birth,
                    body + idcard.check_digit(body) if rng.random() < 0.7 else "",
                    f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
                    rng.randint(1, 500), rng.choice(TITLES), "会员",
                )
            )  # fmt: skip
        db.executemany(
            "INSERT INTO people (uuid, created_at, updated_at, name, gender, birth_date, "
            "id_number, phone, unit_id, title, roles) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        rows = []
        for i in range(activities):
            day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            topic = rng.choice(TOPICS)
            rows.append(
                (
                    str(uuid.uuid4()), now, now, f"{topic}（第{i + 1}期）", rng.choice(CATEGORIES),
                    day, day, rng.randint(1, 500), rng.choice(PLACES),
                    rng.choice(AUDIENCES), rng.randint(10, 800), int(rng.random() < 0.05),
                    f"{day[5:7]}月，由{_name(rng)}牵头组织{topic}，围绕企业技术难题开展交流，"
                    f"参加人员踊跃发言，形成建议{rng.randint(1, 5)}条。",
                )
            )  # fmt: skip
        db.executemany(
            "INSERT INTO activities (uuid, created_at, updated_at, title, category, start_date, "
            "end_date, unit_id, place, audience, participants, highlight, description) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        db.executemany(
            "INSERT INTO awards (uuid, created_at, updated_at, name, level, award_date, "
            "person_id) VALUES (?,?,?,?,?,?,?)",
            [
                (
                    str(uuid.uuid4()),
                    now,
                    now,
                    rng.choice(AWARD_NAMES),
                    rng.choice(("省部级", "市级", "县级")),
                    f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.randint(1, people),
                )
                for _ in range(awards)
            ],
        )
    store.lists.fill_sort_keys()
    store.db.execute("ANALYZE")
    store.close()
    marker.write_text(f"{time.perf_counter() - started:.1f} s\n", encoding="utf-8")
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--awards", type=int, default=10_000)
    args = parser.parse_args()
    generate(args.data_dir, args.activities, args.people, args.awards)
    print(f"已生成：{args.data_dir / 'kexie.db'}")


if __name__ == "__main__":
    main()
