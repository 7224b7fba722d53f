"""Masking the private numbers (ID-card numbers, phones) in lists and exports."""

from __future__ import annotations

import re

from kexie_desktop.core.idcard import mask as mask_id_number

__all__ = ["mask_id_number", "mask_in_text", "mask_phone"]

# What looks like an ID-card number (18 or 15 digits), a mobile or a landline with its area code,
# standing alone (not part of a longer run of digits).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![\d-])(?:\+?86[- ]?)?1[3-9]\d{9}(?![\d-])")
_LANDLINE = re.compile(r"(?<![\d-])0\d{2,3}-\d{7,8}(?![\d-])")
_SURROGATE = re.compile("[\ud800-\udfff]")


def mask_in_text(text: str) -> str:
    """A message, report or log line with every ID number and phone in it masked as the lists
    mask them, and lone surrogates (which no console or file can write) shown as \ufffd."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)
    text = _LANDLINE.sub(lambda m: mask_phone(m.group(0)), text)
    return _SURROGATE.sub("\ufffd", text)


def mask_phone(phone: str) -> str:
    """138****5678; a landline keeps its area code: 0737-****086.

    At least four digits are always hidden, however short the number.
    """
    digits = sum(c.isdigit() for c in phone)
    if digits == 0:
        return phone
    area, dash, _local = phone.partition("-")
    hidden = min(4, digits)
    if dash and 0 < len(area) <= 4 and area.isdigit():
        head = len(area)
        tail = min(4, max(0, digits - head - hidden))
    else:
        head, tail = 3, min(4, digits - hidden)
    head = min(head, digits - tail - hidden)
    masked = []
    seen = 0
    for char in phone:
        if char.isdigit():
            masked.append(char if seen < head or seen >= digits - tail else "*")
            seen += 1
        else:
            masked.append(char)
    return "".join(masked)
