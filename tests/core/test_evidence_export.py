"""The 图文台账: activity forms, photos scaled for print, missing files reported."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from PIL import Image

from kexie_desktop.core import attachments as att
from kexie_desktop.core.evidence_export import export_evidence
from kexie_desktop.core.records import Activity, Award, Profile, Unit
from kexie_desktop.core.store import Store
from tests.core import evidence_files as files


@pytest.fixture
def year_with_photos(store: Store, tmp_path: Path) -> dict[str, int]:
    profile = Profile(org_name="青江市科协", org_level="市级", org_place="湖南省青江市")
    store.settings.save_profile(profile)
    unit = store.records.save(Unit(name="青江市科普协会", kind="学会"))
    science_day = store.records.save(Activity(
        title="全国科普日主场活动", category="科学普及", start_date="2025-09-20",
        end_date="2025-09-21", unit_id=unit.id, co_organisers="青江市教育局", place="市民广场",
        audience=["社区居民"], participants=1200, highlight=True,
        description="设展位12个，发放资料3000份。",
    ))  # fmt: skip
    lecture = store.records.save(Activity(
        title="农技讲座", category="科技服务",
        start_date="2025-04-02", participants=None))  # fmt: skip
    store.records.save(
        Activity(title="没有附件的会议", category="自身建设", start_date="2025-05-06")
    )
    award = store.records.save(Award(
        name="科普工作先进集体", level="省部级", award_date="2025-12-01",
        team="科普小组", issuer="省科协"))  # fmt: skip
    assert science_day.id and lecture.id and award.id
    big = files.photo(tmp_path / "IMG_4000x3000.jpg", (4000, 3000), seed=3)  # 12 megapixels
    tall = files.photo(tmp_path / "竖拍.jpg", (1200, 900), seed=4, orientation=6)
    small = files.png(tmp_path / "截图.png", (800, 500))
    att.attach_files(store, "activities", science_day.id, [big], caption="开幕式")
    att.attach_files(store, "activities", science_day.id, [tall, small])
    att.attach_files(store, "activities", science_day.id, [files.pdf(tmp_path / "签到表.pdf")],
                     kind="签到表")  # fmt: skip
    att.add_link(store, "activities", science_day.id, "https://news.example.cn/kpr",
                 title="我市举办全国科普日活动", date="2025-09-22")  # fmt: skip
    att.attach_files(store, "activities", lecture.id, [files.photo(tmp_path / "讲座.jpg")])
    att.attach_files(store, "awards", award.id, [files.photo(tmp_path / "证书.jpg", seed=9)])
    return {"science_day": science_day.id, "lecture": lecture.id, "award": award.id}


def _images(path: Path) -> list[tuple[int, int]]:
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("word/media/"))
        sizes = []
        for name in names:
            with Image.open(io.BytesIO(archive.read(name))) as image:
                assert image.format == "JPEG"
                sizes.append(image.size)
    return sizes


def test_the_year_is_written_with_forms_and_scaled_photos(
    store: Store, year_with_photos: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "台账.docx"
    result = export_evidence(store, 2025, target)
    assert (result.activities, result.awards, result.photos) == (2, 1, 5)
    assert result.problems == [] and result.left_out == 1
    # The 12-megapixel photo at 1600 px, the sideways one upright, the PNG as it was (small).
    assert sorted(_images(target)) == sorted(
        [(1600, 1200), (900, 1200), (800, 500), (640, 480), (640, 480)]
    )
    document = docx.Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert text.count("活动记录表") == 2 and "获奖记录" in text
    assert "全国科普日主场活动" in cells and "2025-09-20 至 2025-09-21" in cells
    assert "青江市科普协会、青江市教育局" in cells and "1200人次" in cells
    assert "不详" in cells  # the lecture's unknown 人次 is not written as 0
    assert "科学普及（重点工作）" in cells
    assert any("签到表：签到表.pdf" in c for c in cells)
    assert any("我市举办全国科普日活动　2025-09-22　https://news.example.cn/kpr" in c
               for c in cells)  # fmt: skip
    assert any(c.endswith("\n开幕式") for c in cells) and "没有附件的会议" not in cells
    # The summary's fonts; page numbers in the footer.
    assert (
        document.styles["表格文字"].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "仿宋_GB2312"
    )
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer


def test_a_missing_or_changed_photo_is_marked_and_reported(
    store: Store, year_with_photos: dict[str, int], tmp_path: Path
) -> None:
    data_dir = store.path.parent  # type: ignore[union-attr]
    photos = [a for a in att.list_attachments(store, "activities", year_with_photos["lecture"])]
    path = photos[0].path(data_dir)
    assert path is not None
    path.chmod(0o644)
    path.write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    target = tmp_path / "台账.docx"
    result = export_evidence(store, 2025, target)
    assert result.problems == ["活动“农技讲座”的附件“讲座.jpg”已改变"]
    assert "台账中相应位置已注明" in result.warnings()[0]
    document = docx.Document(str(target))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("【照片已改变：讲座.jpg】" in c for c in cells)
    assert result.photos == 4
    path.unlink()
    result = export_evidence(store, 2025, target)
    assert result.problems == ["活动“农技讲座”的附件“讲座.jpg”缺失"]


def test_a_year_without_evidence_still_gives_a_document(store: Store, tmp_path: Path) -> None:
    result = export_evidence(store, 2024, tmp_path / "空.docx")
    assert (result.activities, result.photos) == (0, 0)
    assert "还没有附件" in "\n".join(p.text for p in docx.Document(str(result.path)).paragraphs)


def test_the_summary_prints_a_chosen_photo_under_its_highlight_only(
    store: Store, year_with_photos: dict[str, int], tmp_path: Path
) -> None:
    from kexie_desktop.core.export import export_summary

    target = tmp_path / "总结.docx"
    export_summary(store, 2025, target)
    assert _images(target) == []  # off by default
    photos = att.list_attachments(store, "activities", year_with_photos["science_day"])
    big = next(a for a in photos if a.original_name == "IMG_4000x3000.jpg")
    att.set_summary_photo(store, big.id, True)
    other = next(a for a in photos if a.original_name == "竖拍.jpg")
    att.set_summary_photo(store, other.id, True)  # one per activity: replaces the first
    assert not att.in_summary(store, big.id)
    att.set_summary_photo(store, big.id, True)
    with pytest.raises(att.AttachmentError, match="只有活动的照片"):
        pdf = next(a for a in photos if a.file_type == "pdf")
        att.set_summary_photo(store, pdf.id, True)
    # The lecture is no 重点 activity: its photo is never printed in the summary.
    [lecture_photo] = att.list_attachments(store, "activities", year_with_photos["lecture"])
    att.set_summary_photo(store, lecture_photo.id, True)
    export_summary(store, 2025, target)
    assert _images(target) == [(1600, 1200)]
    document = docx.Document(str(target))
    texts = [p.text for p in document.paragraphs]
    at = texts.index("开幕式")
    assert document.paragraphs[at].style.name == "图片说明"
    assert document.paragraphs[at - 1].style.name == "图片"
    assert texts[at - 2] == "设展位12个，发放资料3000份。"
    log = [e["action"] for e in store.change_log.entries(table="attachments")]
    assert log.count("update") >= 4
