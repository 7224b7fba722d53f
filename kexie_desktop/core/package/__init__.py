"""Submission packages (报送包): one organisation's year, written onto a stick and merged above.

One module per job (issue 12: no module over ~500 lines without a reason), the format's
definitions shared by all of them:

    format.py        names, bounds, record columns, PackageError; the zip's layout described
    write.py         export_package: the year's package, read back before it replaces anything
    read.py          read_package: the zip, the manifest and every hash, as untrusted input
    block.py         one organisation's records in a package, checked field by field
    receive.py       the package's attachment files into the attachment store
    merge.py         merge_package: one undoable import batch
    subordinates.py  statistics including the subordinates' blocks (TEMP VIEWs)
    status.py        报送情况: who has submitted and which reporting units have not

Callers import from `kexie_desktop.core.package`; the names are those below.
"""

from kexie_desktop.core.package.format import (
    ATTACHMENTS_PREFIX,
    FORMAT_VERSION,
    KIND_LABELS,
    KINDS,
    LARGE_PACKAGE_BYTES,
    MANIFEST,
    MANIFEST_SUM,
    PackageError,
    attachment_part,
)
from kexie_desktop.core.package.merge import MergeResult, merge_package
from kexie_desktop.core.package.read import (
    Package,
    addressed_elsewhere,
    local_time,
    read_package,
    size_text,
)
from kexie_desktop.core.package.receive import blocks_to_receive, files_to_receive, receive_files
from kexie_desktop.core.package.status import submission_status
from kexie_desktop.core.package.subordinates import subordinates_included
from kexie_desktop.core.package.write import (
    ExtraPart,
    PackageResult,
    attachments_estimate,
    export_package,
    suggested_filename,
)

__all__ = [
    "ATTACHMENTS_PREFIX",
    "FORMAT_VERSION",
    "KINDS",
    "KIND_LABELS",
    "LARGE_PACKAGE_BYTES",
    "MANIFEST",
    "MANIFEST_SUM",
    "ExtraPart",
    "MergeResult",
    "Package",
    "PackageError",
    "PackageResult",
    "addressed_elsewhere",
    "attachment_part",
    "attachments_estimate",
    "blocks_to_receive",
    "export_package",
    "files_to_receive",
    "local_time",
    "merge_package",
    "read_package",
    "receive_files",
    "size_text",
    "submission_status",
    "subordinates_included",
    "suggested_filename",
]
