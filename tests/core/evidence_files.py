"""Real image and document files made for the attachment tests and benches (nothing downloaded)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw


def photo(path: Path, size: tuple[int, int] = (640, 480), *, seed: int = 1,
          orientation: int | None = None, quality: int = 90) -> Path:  # fmt: skip
    """A JPEG with shapes and noise (so it compresses like a photo, not like a flat colour)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    w, h = size
    for _ in range(40):
        x, y = rng.randrange(w), rng.randrange(h)
        draw.ellipse(
            (x, y, x + rng.randrange(w // 4 + 1), y + rng.randrange(h // 4 + 1)),
            fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        )
    noise = Image.effect_noise(size, 40).convert("RGB")
    image = Image.blend(image, noise, 0.25)
    kwargs: dict[str, object] = {"quality": quality}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    image.save(path, "JPEG", **kwargs)
    return path


def png(path: Path, size: tuple[int, int] = (300, 200), *, alpha: bool = True) -> Path:
    image = Image.new("RGBA" if alpha else "RGB", size, (10, 120, 200, 128) if alpha else "red")
    ImageDraw.Draw(image).rectangle((10, 10, size[0] // 2, size[1] // 2), fill="yellow")
    image.save(path, "PNG")
    return path


def docx(path: Path, *, macro: bool = False) -> Path:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("活动通知")
    buffer = io.BytesIO()
    document.save(buffer)
    if not macro:
        path.write_bytes(buffer.getvalue())
        return path
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    path.write_bytes(buffer.getvalue())
    return path


def pdf(path: Path) -> Path:
    image = Image.new("RGB", (200, 280), "white")
    ImageDraw.Draw(image).text((20, 20), "sign-in", fill="black")
    image.save(path, "PDF")
    return path


def png_bomb(path: Path, side: int = 40_000) -> Path:
    """A tiny PNG that claims side×side pixels (header only, as bombs are made)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side + 1) * 16)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )
    return path
