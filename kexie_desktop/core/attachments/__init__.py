"""The 台账's evidence: photos, scans, documents and news links attached to activities and awards.

Files are copied into ``DIR/attachments/<first two hex digits>/<sha256>.<type>``: named by their
content, so the same photo attached to two activities (or twice) is stored once, and a file can be
checked against its name at any time (start-up self-check, restore). The original on the stick may
be removed after attaching. The rows live in the ``attachments`` table (0012_evidence_attachments);
this package is the store's part for them: it writes them through the store's transaction and
change log (store.change_log) like the store's own parts in core/store/ do.

One module per job (split from one 1,166-line module, issue 12), each importing only those
listed above it:

    common.py     kinds, accepted types, limits, the records, where a stored file lives
    images.py     opening images safely, upright scaled JPEGs, thumbnails
    checks.py     checking a file from outside: type by name and content, programs refused
    filestore.py  copying a file into the store; which files rows refer to
    rows.py       the attachments table: list, attach, add links, edit, remove, restore, audit
    evidence.py   the summary's photos; activities missing the required evidence
    backups.py    the files beside a backup, and bringing them back before a restore
    upkeep.py     deleting files nothing refers to; the self-check of the stored files

Callers import the names below from ``kexie_desktop.core.attachments``; the helpers private to
the package (``_data_dir``, ``_audit`` …) are imported from their module by attachment_edits.py
and evidence_export.py.
"""

from __future__ import annotations

from kexie_desktop.core.attachments.backups import (
    FilesCopied,
    backup_files,
    files_for_restore,
    kept_by_backups,
)
from kexie_desktop.core.attachments.checks import check_file
from kexie_desktop.core.attachments.common import (
    ACCEPTED_TEXT,
    ATTACHMENTS_FOLDER,
    FILE_DIALOG_FILTER,
    FILE_TYPES,
    IMAGE_TYPES,
    KINDS,
    LINK_KIND,
    MAX_FILE_BYTES,
    OWNER_TABLES,
    THUMBNAIL_FOLDER,
    Attachment,
    AttachmentError,
    AttachResult,
    CheckedFile,
    FileProblem,
    file_hash,
    stored_path,
    thumbnail_path,
)
from kexie_desktop.core.attachments.evidence import (
    DEFAULT_REQUIRED_KINDS,
    REQUIRED_KINDS_SETTING,
    activities_missing_evidence,
    in_summary,
    missing_evidence_sql,
    required_kinds,
    set_required_kinds,
    set_summary_photo,
    summary_photos,
)
from kexie_desktop.core.attachments.filestore import referenced_files, stored_files, stored_sizes
from kexie_desktop.core.attachments.images import (
    MAX_JPEG_PIXELS,
    MAX_PNG_PIXELS,
    PRINT_LONG_SIDE,
    PRINT_QUALITY,
    THUMBNAIL_SIZE,
    image_size,
    make_thumbnail,
    scaled_jpeg,
    scaled_jpeg_from_bytes,
)
from kexie_desktop.core.attachments.rows import (
    add_link,
    attach_files,
    check_link,
    counts,
    default_kind,
    get_attachment,
    list_attachments,
    remove_attachments,
    restore_attachment_entry,
    restore_rows,
    rows_of_owner,
    update_attachment,
)
from kexie_desktop.core.attachments.upkeep import check_stored_files, collect_garbage

__all__ = [
    "ACCEPTED_TEXT",
    "ATTACHMENTS_FOLDER",
    "DEFAULT_REQUIRED_KINDS",
    "FILE_DIALOG_FILTER",
    "FILE_TYPES",
    "IMAGE_TYPES",
    "KINDS",
    "LINK_KIND",
    "MAX_FILE_BYTES",
    "MAX_JPEG_PIXELS",
    "MAX_PNG_PIXELS",
    "OWNER_TABLES",
    "PRINT_LONG_SIDE",
    "PRINT_QUALITY",
    "REQUIRED_KINDS_SETTING",
    "THUMBNAIL_FOLDER",
    "THUMBNAIL_SIZE",
    "AttachResult",
    "Attachment",
    "AttachmentError",
    "CheckedFile",
    "FileProblem",
    "FilesCopied",
    "activities_missing_evidence",
    "add_link",
    "attach_files",
    "backup_files",
    "check_file",
    "check_link",
    "check_stored_files",
    "collect_garbage",
    "counts",
    "default_kind",
    "file_hash",
    "files_for_restore",
    "get_attachment",
    "image_size",
    "in_summary",
    "kept_by_backups",
    "list_attachments",
    "make_thumbnail",
    "missing_evidence_sql",
    "referenced_files",
    "remove_attachments",
    "required_kinds",
    "restore_attachment_entry",
    "restore_rows",
    "rows_of_owner",
    "scaled_jpeg",
    "scaled_jpeg_from_bytes",
    "set_required_kinds",
    "set_summary_photo",
    "stored_files",
    "stored_path",
    "stored_sizes",
    "summary_photos",
    "thumbnail_path",
    "update_attachment",
]
