"""Images: opened safely, turned upright, scaled to JPEG for print and for thumbnails.

Images are only ever opened through Pillow with a pixel limit, JPEGs in draft mode (decoded at
1/2–1/8 scale straight from the DCT data), so a 12-megapixel photo costs a few MB and a
decompression bomb is refused before it is decoded.

Thumbnails are derived data: ``DIR/cache/thumbnails/``, remade when missing, never backed up.
"""

from __future__ import annotations

import io
import os
import uuid as uuid_module
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kexie_desktop.core.attachments.common import (
    IMAGE_TYPES,
    AttachmentError,
    stored_path,
    thumbnail_path,
)

if TYPE_CHECKING:
    from PIL import Image as PILImage

THUMBNAIL_SIZE = 256
# Pixels an image may have. A 108-megapixel phone photo is 12000×9000; anything far beyond is a
# bomb (a few KB of PNG can claim gigapixels). JPEGs are decoded in draft mode and never need
# their full size in memory; a PNG is decoded whole (4 bytes a pixel: 60 M → 240 MB at most).
MAX_JPEG_PIXELS = 120_000_000
MAX_PNG_PIXELS = 60_000_000
# What the 图文台账 prints: long side about 1600 px is 300 dpi over 135 mm, JPEG quality 85.
PRINT_LONG_SIDE = 1600
PRINT_QUALITY = 85


def _open_image(path: Path, file_type: str, data: bytes | None = None) -> PILImage.Image:
    """The image opened (not decoded) after checking its pixel count; JPEG set to draft mode
    by the caller when it wants a smaller decode."""
    from PIL import Image

    limit = MAX_JPEG_PIXELS if file_type == "jpg" else MAX_PNG_PIXELS
    # Pillow's own guard, at our larger limit (its default warns at 89 M pixels, below what
    # some phones take); its warning is made an error like everything past the limit.
    Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source: Any = path if data is None else io.BytesIO(data)
            image = Image.open(source, formats=["JPEG" if file_type == "jpg" else "PNG"])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(path, "") from exc
    width, height = image.size
    if width * height > limit or width <= 0 or height <= 0:
        image.close()
        raise _too_large(path, f"（{width}×{height}）")
    return image


def _too_large(path: Path, size: str) -> AttachmentError:
    return AttachmentError(f"“{path.name}”的尺寸{size}大得不正常，可能是恶意构造的文件，没有添加。")


def _oriented(image: PILImage.Image) -> PILImage.Image:
    """Phone photos are stored sideways with an EXIF note on how to turn them."""
    from PIL import ImageOps

    return ImageOps.exif_transpose(image) or image


def _flatten(image: PILImage.Image) -> PILImage.Image:
    from PIL import Image

    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def scaled_jpeg(path: Path, file_type: str, long_side: int, quality: int) -> bytes:
    """The image turned upright, scaled so its long side is at most `long_side`, as JPEG bytes.

    Metadata (EXIF with the GPS position, the camera) is not carried over."""
    return _scaled(path, file_type, long_side, quality, None)


def scaled_jpeg_from_bytes(data: bytes, file_type: str, long_side: int, quality: int) -> bytes:
    """As scaled_jpeg, for a file already read (and checked against its hash)."""
    return _scaled(Path("照片"), file_type, long_side, quality, data)


def _scaled(path: Path, file_type: str, long_side: int, quality: int,
            data: bytes | None) -> bytes:  # fmt: skip
    from PIL import Image

    with _open_image(path, file_type, data) as image:
        width, height = image.size
        scale = min(1.0, long_side / max(width, height))
        if file_type == "jpg":
            # Decode at the smallest DCT scale (1/2, 1/4, 1/8) still at least the size needed:
            # a 12-megapixel photo for 1600 px is decoded at 2000×1500, for a thumbnail at 500.
            image.draft("RGB", (max(1, round(width * scale)), max(1, round(height * scale))))
        upright = _oriented(image)
        # Bicubic: after the draft decode the step left is at most 2:1, where it looks the same
        # as Lanczos on paper and on screen at half the time.
        upright.thumbnail((long_side, long_side), Image.Resampling.BICUBIC, reducing_gap=2.0)
        flat = _flatten(upright)
        out = io.BytesIO()
        flat.save(out, "JPEG", quality=quality)
    return out.getvalue()


def make_thumbnail(data_dir: Path, sha256: str, file_type: str) -> Path | None:
    """The cached thumbnail of a stored image, made if missing; None for other files."""
    if file_type not in IMAGE_TYPES:
        return None
    target = thumbnail_path(data_dir, sha256)
    if target.is_file():
        return target
    source = stored_path(data_dir, sha256, file_type)
    try:
        data = scaled_jpeg(source, file_type, THUMBNAIL_SIZE, 80)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{uuid_module.uuid4().hex[:8]}.part")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except (OSError, AttachmentError, ValueError, SyntaxError):
        return None  # the file's problem is reported by the self-check, not here
    return target


def image_size(path: Path, file_type: str) -> tuple[int, int]:
    """Pixel size as shown (EXIF orientation applied)."""
    with _open_image(path, file_type) as image:
        width, height = image.size
        orientation = image.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
