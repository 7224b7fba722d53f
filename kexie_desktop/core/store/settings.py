"""Settings: the organisation's profile (本组织信息), its identity, and the program's choices.

One key-value table; the profile's fields are kept under `profile.<field>`.
"""

from __future__ import annotations

import uuid as uuid_module

from kexie_desktop.core.records import Profile
from kexie_desktop.core.store.common import Part

_PROFILE_PREFIX = "profile."


class Settings(Part):
    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        with self.store.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def profile(self) -> Profile:
        profile = Profile()
        for name in vars(profile):
            setattr(profile, name, self.get(_PROFILE_PREFIX + name, "") or "")
        return profile

    def has_profile(self) -> bool:
        return bool(self.get(_PROFILE_PREFIX + "org_name"))

    def save_profile(self, profile: Profile) -> None:
        from kexie_desktop.core import validation

        validation.validate_profile(profile)
        with self.store.transaction():
            for name, value in vars(profile).items():
                self.set(_PROFILE_PREFIX + name, value)

    def org_uuid(self) -> str:
        """This organisation's identity, made once at first start (see Store._migrate)."""
        value = self.get("org_uuid")
        if not value:  # a database whose settings row another tool removed
            value = self.make_org_uuid()
        return value

    def make_org_uuid(self) -> str:
        # "The same organisation" is the same UUID, so two townships sharing a name, or one
        # renamed, are never confused.
        value = str(uuid_module.uuid4())
        self.set("org_uuid", value)
        return value
