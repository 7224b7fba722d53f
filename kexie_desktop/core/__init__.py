"""Headless core of KeXie Desktop: records, storage, validation, demo data.

Nothing under this package may import Qt; tests/core/test_no_qt.py enforces it.
"""
