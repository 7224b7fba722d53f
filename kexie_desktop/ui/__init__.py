"""The Qt skin over kexie_desktop.core. Only this package imports PySide6."""
