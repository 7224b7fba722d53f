"""Masking the private numbers (ID-card numbers, phones) in lists and exports."""

from __future__ import annotations

from kexie_desktop.core.idcard import mask as mask_id_number

__all__ = ["mask_id_number", "mask_phone"]


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
