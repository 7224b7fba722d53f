"""The submission package's format: its names, bounds, record columns, and PackageError.

The format is a plain zip named 「…2025年报送包.zip」. A zip because the receiving office may not
run the program: Windows opens it without any software, and the summary and ledger inside can be
read and printed as they are; the manifest makes it a package for the program. Inside:

- manifest.json: format and versions, the organisation (name, UUID, level, parent), year, export
  time, counts, and name, kind, size and SHA-256 of every other part;
- manifest.sha256: the SHA-256 of manifest.json, so a changed byte in the manifest is caught too;
- records/<UUID>.json: one organisation's records of the year (units and people as they stand,
  the year's activities and awards), every field, links by UUID; ID numbers and phones masked
  unless the clerk chose otherwise. A county's package also carries the blocks it received from
  its townships, each under its own UUID with its original export time, so a city that imports
  it counts every organisation once — and a township's block it already holds from elsewhere is
  kept or replaced by export time, never added twice;
- the summary (.docx) and the ledger (.xlsx), as the clerk would export them; further parts
  (the statistics workbook) are listed the same way by name and kind;
- with the clerk's choice, the evidence attachments: each file once, as
  attachments/<sha256>.<type> (content-addressed like the attachment store, so a photo shared by
  two activities or by a township and its county travels once), stored uncompressed (photos and
  PDFs do not shrink); what each is (kind, caption, link, which activity/award by UUID) is in the
  records of its organisation, beside the people's 职务 (positions).

These definitions are shared by writing, reading, receiving and merging, so they live apart from
all four: what one side writes the other checks against the same names and bounds.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kexie_desktop.core import attachments as att
from kexie_desktop.core.records import RECORD_TYPES

Progress = Callable[[int, int], None]

FORMAT = "kexie-submission"
FORMAT_VERSION = 1
SUFFIX = ".zip"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"

# Bounds for a package read from outside. A real county year (5,000 activities, 3,000 people)
# is under 5 MB of records and 2 MB of documents; these leave a hundredfold room. With its
# evidence a township's year is about 1 GB (300 photos of 3–4 MB and scans), a county passing
# on its townships' more: the package is bounded by what one file can be on a FAT32 stick
# (4 GiB less a byte) and by the number of files a zip directory of that size may sensibly list.
MAX_PACKAGE_BYTES = (4 << 30) - 1  # the file on the stick
MAX_ENTRIES = 50_000
# The zip's central directory is read whole into memory by zipfile (and a ZipInfo made of each
# entry) before anything can be counted: its size and count are read from the end record
# first. 50,000 entries of the longest names are under 20 MB.
MAX_DIRECTORY_BYTES = 32 << 20
MAX_MANIFEST_BYTES = 1 << 20
MAX_RECORDS_BYTES = 64 << 20  # one organisation's records, uncompressed
MAX_PART_BYTES = 512 << 20  # a document, uncompressed
MAX_ATTACHMENT_BYTES = att.MAX_FILE_BYTES  # an attachment: what the attachment importer accepts
MAX_TOTAL_BYTES = 4 << 30  # all parts together, uncompressed
# JSON and Office XML deflate 5–20 fold; a bomb does a thousand fold and more.
MAX_RATIO = 200
MAX_ORGANISATIONS = 2000
MAX_ROWS = 500_000  # records of one kind in one block
MAX_TEXT = 100_000  # characters in one field
ATTACHMENTS_PREFIX = "attachments/"
# Attachments refused at export: the package would not fit one FAT32 file with the records and
# documents beside them.
MAX_ATTACHMENTS_TOTAL = (4 << 30) - (256 << 20)
# Above this the export dialog says writing will take a while (a USB 2 stick writes 10–20 MB/s).
LARGE_PACKAGE_BYTES = 500 << 20

KINDS = ("units", "people", "activities", "awards")
KIND_LABELS = {kind: RECORD_TYPES[kind].KIND_LABEL for kind in KINDS}
PART_KINDS = {
    "records": "记录",
    "summary": "年度工作总结",
    "ledger": "台账",
    "stats": "统计年报数据",
    "attachment": "佐证材料",
}

# The columns the subordinates' tables keep of each kind; every other field a record carries
# goes into extra_json (a newer sender's fields, passed on unchanged).
_COLUMNS: dict[str, dict[str, str]] = {
    "units": {
        "name": "text!",
        "kind": "text!",
        "established_date": "date",
        "contact_person": "text",
        "contact_phone": "text",
        "member_count": "count?",
        "founded_this_year": "flag",
    },
    "people": {
        "name": "text!",
        "gender": "text",
        "birth_date": "date",
        "ethnicity": "text",
        "id_number": "text",
        "phone": "text",
        "unit_uuid": "ref",
        "title": "text",
        "education": "text",
        "speciality": "text",
        "roles": "text",
        "join_date": "date",
        "status": "text",
    },
    "activities": {
        "title": "text!",
        "category": "text!",
        "start_date": "date!",
        "end_date": "date",
        "unit_uuid": "ref",
        "co_organisers": "text",
        "place": "text",
        "audience": "text",
        "participants": "count?",
        "highlight": "flag",
        "description": "text",
        "reports": "count",
        "problems_solved": "count",
        "technologies_promoted": "count",
        "articles": "count",
        "messages": "count",
        "person_uuids": "refs",
    },
    "awards": {
        "name": "text!",
        "level": "text!",
        "award_date": "date",
        "person_uuid": "ref",
        "unit_uuid": "ref",
        "team": "text",
        "issuer": "text",
        "certificate_no": "text",
        "note": "text",
        "activity_uuid": "ref",
    },
}
_COMMON = {"uuid": "uuid!", "created_at": "text", "updated_at": "text", "notes": "text"}
_SUB_TABLE = {kind: f"sub_{kind}" for kind in KINDS}
_REF_TARGET = {
    "unit_uuid": "units",
    "person_uuid": "people",
    "activity_uuid": "activities",
    "person_uuids": "people",
}

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$")
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\r\n\t]')


class PackageError(Exception):
    """A package that cannot be written or is refused; the message is Chinese, for the clerk."""


_ATTACHMENT_FIELDS = ("uuid", "activity_uuid", "award_uuid", "kind", "caption", "original_name",
                      "sha256", "file_type", "size", "url", "link_title", "link_date",
                      "position", "created_at")  # fmt: skip
_POSITION_FIELDS = ("person_uuid", "unit_uuid", "post", "background", "start_date", "end_date")


def attachment_part(sha256: str, file_type: str) -> str:
    return f"{ATTACHMENTS_PREFIX}{sha256}.{file_type}"
